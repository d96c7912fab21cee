// board.h: the docking board: needs and capabilities, matched and searched.
//
// Every need is scored against every capability. The score is symmetric BM25 plus field
// overlap:
//
//   raw(n, c)  = sum over terms t shared by n and c of  w_n(t) + w_c(t)
//   w_d(t)     = idf_side(t) * tf_d(t) (k1 + 1) / (tf_d(t) + k1 (1 - b + b len_d / avglen_side))
//   D(n, c)    = raw(n, c) / (W_n + W_c)      W_d = sum of all w_d(t): the share of both posts'
//                                              weight that they have in common, 0..1
//   score      = 100 * sqrt(D)                 0..100, what people see
//
// BM25(n as query, c as document) is the sum of w_c over shared terms and the reverse is the sum
// of w_n, so raw is the two directions added. A field is a pseudo-term of fixed weight
// (BoardDesc::fieldWeight) in the same sums, so a shared field counts like a telling word.
// Each match carries its reasons: the shared terms, most telling first, and the shared field
// keys. Chinese is indexed as bigrams, but a run of shared bigrams that spells a phrase found in
// both posts is shown as the phrase (超声无损检测, not 超声 声无 无损 损检 检测); English words
// are shown as written (lowercased), grade codes as written (42CrMo); Chinese in simplified form.
//
// Statistics (idf, average length) are those of the last reweight(); a post added later uses
// the idf of its terms at that moment. refreshAll() reweights when needed and computes the top k
// of every post (both directions), which later adds, edits, removals and hiding keep current
// (a new post is scored against every counterpart, under a millisecond at 20k):
//
//   Board board({});
//   for (...) board.addNeed(id, need, {.match = false});        // loading from the store
//   board.refreshAll({});                                         // ~1 s for 20k x 20k
//   // ... and again now and then when board.needsReweight() (boards up to
//   // BoardDesc::autoRefreshBelow posts do it themselves)
//   PostResult r = board.addCapability(id, cap, {});              // a new post, live
//   for (PostId p : r.notify) tellOwnerOf(p, id);                 // id entered p's top k
//   std::vector<Match> mine = board.topK(needId, 10);
//
// The board keeps a copy of each record. It is not thread-safe: one caller at a time
// (refreshAll uses its own threads inside).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/protocol/domain.h"
#include "server/docking/records.h"

namespace server::docking {

struct BoardDesc {
    Taxonomy taxonomy = defaultTaxonomy();
    const char* openccConfig = nullptr;  // nullptr: OpenCC's t2s.json
    float fieldWeight = 6.0f;            // weight of a shared field on each side (a rare word is ~5-9)
    float titleRepeat = 2.0f;            // title / research direction terms count this many times
    size_t maxReasonTerms = 8;           // shared terms kept per match
    size_t autoRefreshBelow = 4000;      // posts: up to this many, a matched add that finds the
                                         // statistics stale runs refreshAll itself (a few ms)
};

struct Match {
    PostId post;                      // the counterpart
    float score = 0;                  // 0..100
    std::vector<std::string> terms;   // shared terms as written in the post asked about, most telling first
    std::vector<std::string> fields;  // shared field keys
};

struct PostOptions {
    size_t k = 10;       // matches wanted
    bool match = true;   // false: no matches, no notify in the result (bulk loading: before the
                         // first refreshAll this only indexes; after it the cached lists still get the post)
};

struct PostResult {
    bool ok = false;              // false: the id is 0, taken (add) or unknown (update)
    std::vector<Match> matches;   // the post's top k
    std::vector<PostId> notify;   // counterparts whose top k this post entered (their owners to tell)
};

struct RefreshDesc {
    size_t k = 10;
    unsigned threads = 0;  // 0: std::thread::hardware_concurrency()
};

struct SearchQuery {
    std::string text;                    // keywords in either language and script; empty: all posts
    std::vector<std::string> fields;     // any of these field keys; empty: any field
    std::optional<PostKind> kind;        // only needs or only capabilities
    std::vector<net::OrgKind> orgKinds;  // any of these organization kinds; empty: any
    size_t limit = 50;
};

struct SearchHit {
    PostId post;
    PostKind kind = PostKind::Need;
    float relevance = 0;             // BM25 of the keywords; 0 when the query has no text
    std::vector<std::string> terms;  // the keywords found, as written in the post's language
};

struct BoardStats {
    size_t needs = 0, capabilities = 0;  // indexed (not removed, not hidden)
    size_t terms = 0;                    // distinct terms interned
    size_t postings = 0;
    size_t indexBytes = 0;               // inverted and forward index, caches, term table
    size_t recordBytes = 0;              // the copies of the records (approximate)
};

namespace detail { struct BoardImpl; }

class Board {
public:
    explicit Board(const BoardDesc& desc);
    ~Board();
    Board(const Board&) = delete;
    Board& operator=(const Board&) = delete;

    // --- taxonomy ------------------------------------------------------------------------------
    const Taxonomy& taxonomy() const;
    std::vector<Problem> addField(Field field);  // organizer: extends the taxonomy at run time
    bool foldsTraditional() const;               // OpenCC loaded

    // --- posts -----------------------------------------------------------------------------------
    // The board indexes what it is given: validate first (validateNeed / validateCapability).
    // Unknown field keys are ignored. Ids are the caller's, unique over both kinds.
    PostResult addNeed(PostId id, const TechNeed& need, const PostOptions& opt);
    PostResult addCapability(PostId id, const Capability& cap, const PostOptions& opt);
    // An edit: notify names only counterparts whose top k the post newly entered.
    PostResult updateNeed(PostId id, const TechNeed& need, const PostOptions& opt);
    PostResult updateCapability(PostId id, const Capability& cap, const PostOptions& opt);
    bool remove(PostId id);                   // false when unknown
    bool setHidden(PostId id, bool hidden);   // organizer: a hidden post is neither matched nor found
    const TechNeed* need(PostId id) const;    // nullptr when not a need on the board
    const Capability* capability(PostId id) const;
    std::optional<PostKind> kindOf(PostId id) const;

    // --- matching --------------------------------------------------------------------------------
    // The k best counterparts of `id`, best first (score ties: older post first). Empty when the
    // post is unknown or hidden. Uses the cached list when it is current.
    std::vector<Match> topK(PostId id, size_t k) const;
    // The score of one pair (0..100) and its reasons; nullopt unless one is a need and the other a capability.
    std::optional<Match> explain(PostId need, PostId capability) const;

    void reweight();            // recomputes idf and average lengths from all posts now on the board
    bool needsReweight() const; // the board grew or shrank by a quarter since the last reweight
    void refreshAll(const RefreshDesc& desc);  // reweight if needed, then top k of every post

    // --- board -----------------------------------------------------------------------------------
    std::vector<SearchHit> search(const SearchQuery& q) const;
    BoardStats stats() const;

private:
    std::unique_ptr<detail::BoardImpl> m_impl;
};

}  // namespace server::docking
