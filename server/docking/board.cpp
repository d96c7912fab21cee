// board.cpp: the inverted index, the symmetric BM25 scorer and the top-k search behind Board.
//
// Layout: two sides (needs, capabilities). Each side has its documents (a forward list of
// (term, tf, weight) sorted by term) and an inverted index: for every term, the postings
// (doc slot, weight) sorted by slot. Terms are interned once for both sides. A removed post
// leaves a dead slot until the next reweight(), which compacts.
//
// Top k for one post q against the other side (exact, with MaxScore-style pruning):
//   1. q's terms are ordered by their upper bound ub(t) = w_q(t) + max_d w_d(t), largest first
//      (the rare, telling terms, whose postings are short).
//   2. Postings are accumulated term by term. Every so often the k-th best lower bound theta
//      (acc / (W_q + W_d)) is taken; once the bound of the terms left, rest / (W_q + min W_d),
//      is below theta no untouched document can enter the top k, and the long postings of
//      the common terms are never read.
//   3. Touched documents that might still reach theta get their exact score from their forward
//      lists; the best k are kept.
#include "server/docking/board.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <climits>
#include <cmath>
#include <cstdint>
#include <thread>
#include <unordered_map>

#include "server/docking/text.h"

namespace server::docking {
namespace detail {

constexpr float kK1 = 1.2f;
constexpr float kB = 0.75f;

struct DocTerm {
    uint32_t term;
    float tf;
    float w;  // own-side BM25 weight; for a field, BoardDesc::fieldWeight
};

struct Scored {
    uint32_t doc;
    float d;  // D in 0..1 (see board.h)
};

struct Doc {
    PostId id;
    net::OrgKind orgKind = net::OrgKind::Enterprise;
    bool indexed = false;  // in the postings: neither removed nor hidden
    bool removed = false;
    bool hidden = false;
    float length = 0;      // sum of tf over word terms (fields not counted)
    float weightSum = 0;   // W_d
    std::vector<DocTerm> terms;
    bool cacheValid = false;
    std::vector<Scored> top;  // cached top k, best first
};

struct Posting {
    uint32_t doc;
    float w;
};

struct Side {
    std::vector<Doc> docs;
    std::vector<std::vector<Posting>> postings;  // by term id
    std::vector<float> maxW;                     // by term id: an upper bound of w over postings
    size_t indexed = 0;
    double totalLength = 0;                      // of indexed docs
    float avgLength = 0;                         // at the last reweight (0: none yet)
    size_t epochCount = 0;                       // indexed docs at the last reweight
    float minWeightSum = 0;                      // a lower bound of W_d over indexed docs
    size_t cacheK = 0;                           // k of the cached lists
};

struct Term {
    std::string surface;  // shown in reasons
    TermKind kind = TermKind::Word;
};

// Per-thread work space for one query at a time.
struct Scratch {
    std::vector<float> acc;          // by doc slot of the other side
    std::vector<uint32_t> touched;
    std::vector<float> restQ;        // by term id: q's weight for a term not accumulated yet
    std::vector<float> buf;
    struct QTerm { uint32_t term; float wq; float ub; };
    std::vector<QTerm> qterms;
};

struct BoardImpl {
    BoardDesc desc;
    Tokenizer tokenizer;
    std::unordered_map<std::string, uint32_t> termIds;
    std::vector<Term> terms;
    Side sides[2];
    std::vector<TechNeed> needs;       // parallel to sides[0].docs
    std::vector<Capability> caps;      // parallel to sides[1].docs
    std::unordered_map<uint32_t, std::pair<PostKind, uint32_t>> where;  // id -> side, slot
    mutable Scratch scratch;           // for single queries from the caller's thread

    explicit BoardImpl(const BoardDesc& d) : desc(d), tokenizer({.openccConfig = d.openccConfig}) {
        // Weights must stay positive: an accumulator of 0 means "not touched yet".
        desc.fieldWeight = std::max(desc.fieldWeight, 1e-3f);
        desc.titleRepeat = std::max(desc.titleRepeat, 1e-3f);
    }

    uint32_t intern(const std::string& term, const std::string& surface, TermKind kind) {
        auto [it, inserted] = termIds.try_emplace(term, static_cast<uint32_t>(terms.size()));
        if (inserted) {
            Term t{surface, kind};
            if (kind == TermKind::Word)  // sentence case is not how the word is written
                for (char& c : t.surface) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            terms.push_back(std::move(t));
            for (Side& s : sides) {
                s.postings.emplace_back();
                s.maxW.push_back(0.0f);
            }
        }
        return it->second;
    }

    static std::string fieldTerm(const std::string& key) { return std::string("\x01", 1) + key; }

    // Tokenizes the texts of a post into its forward list (weights not yet set).
    void buildTerms(Doc& doc, const std::vector<std::pair<const std::string*, float>>& texts,
                    const std::vector<std::string>& fields) {
        std::vector<std::pair<uint32_t, float>> occ;  // (term, times), merged below
        std::vector<Token> tokens;
        float length = 0;
        for (const auto& [text, times] : texts) {
            if (text->empty()) continue;
            tokens.clear();
            tokenizer.tokenize(*text, tokens);
            for (const Token& t : tokens) occ.push_back({intern(t.term, t.surface, t.kind), times});
            length += times * static_cast<float>(tokens.size());
        }
        doc.length = length;
        for (const std::string& key : fields) {
            if (!findField(desc.taxonomy, key)) continue;  // unknown keys are ignored, see board.h
            occ.push_back({intern(fieldTerm(key), key, TermKind::Field), 0.0f});
        }
        std::sort(occ.begin(), occ.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        doc.terms.clear();
        for (const auto& [term, f] : occ) {
            if (!doc.terms.empty() && doc.terms.back().term == term) doc.terms.back().tf += f;
            else doc.terms.push_back({term, f, 0.0f});
        }
        for (DocTerm& t : doc.terms)
            if (terms[t.term].kind == TermKind::Field) t.tf = 1.0f;  // a field counts once
        doc.terms.shrink_to_fit();
    }

    static float idf(size_t n, size_t df) {
        return std::log(1.0f + (static_cast<float>(n) - static_cast<float>(df) + 0.5f) / (static_cast<float>(df) + 0.5f));
    }

    // Sets the weights of `doc` from the side's statistics; `extra` counts the doc itself when it
    // is not in the postings yet.
    void weigh(const Side& side, Doc& doc, size_t extra) const {
        const size_t n = side.indexed + extra;
        float avg = side.avgLength;
        if (avg <= 0.0f) avg = static_cast<float>((side.totalLength + doc.length * static_cast<float>(extra)) / std::max<size_t>(n, 1));
        if (avg <= 0.0f) avg = 1.0f;
        doc.weightSum = 0;
        for (DocTerm& t : doc.terms) {
            if (terms[t.term].kind == TermKind::Field) {
                t.w = desc.fieldWeight;
            } else {
                const size_t df = side.postings[t.term].size() + extra;
                const float norm = kK1 * (1.0f - kB + kB * doc.length / avg);
                t.w = idf(n, df) * t.tf * (kK1 + 1.0f) / (t.tf + norm);
            }
            doc.weightSum += t.w;
        }
    }

    void insertPostings(Side& side, uint32_t slot) {
        Doc& doc = side.docs[slot];
        for (const DocTerm& t : doc.terms) {
            std::vector<Posting>& p = side.postings[t.term];
            if (p.empty() || p.back().doc < slot) p.push_back({slot, t.w});
            else p.insert(std::lower_bound(p.begin(), p.end(), slot, [](const Posting& a, uint32_t s) { return a.doc < s; }), {slot, t.w});
            side.maxW[t.term] = std::max(side.maxW[t.term], t.w);
        }
        side.minWeightSum = side.indexed == 0 ? doc.weightSum : std::min(side.minWeightSum, doc.weightSum);
        doc.indexed = true;
        side.indexed++;
        side.totalLength += doc.length;
    }

    void erasePostings(Side& side, uint32_t slot) {
        Doc& doc = side.docs[slot];
        if (!doc.indexed) return;
        for (const DocTerm& t : doc.terms) {
            std::vector<Posting>& p = side.postings[t.term];
            auto it = std::lower_bound(p.begin(), p.end(), slot, [](const Posting& a, uint32_t s) { return a.doc < s; });
            if (it != p.end() && it->doc == slot) p.erase(it);
        }
        doc.indexed = false;
        side.indexed--;
        side.totalLength -= doc.length;
        // The caches of the other side that list this doc are no longer right.
        Side& other = sides[&side == &sides[0] ? 1 : 0];
        for (Doc& o : other.docs)
            if (o.cacheValid)
                for (const Scored& s : o.top)
                    if (s.doc == slot) { o.cacheValid = false; break; }
        doc.cacheValid = false;
        doc.top.clear();
    }

    // --- scoring ------------------------------------------------------------------------------

    static bool better(const Scored& a, const Scored& b) { return a.d > b.d || (a.d == b.d && a.doc < b.doc); }

    // The k best docs of side `b` for doc `q` of the other side, exact. See the top of the file.
    void topFor(const Doc& q, const Side& b, size_t k, Scratch& s, std::vector<Scored>& out) const {
        out.clear();
        if (k == 0) return;
        s.acc.resize(b.docs.size(), 0.0f);
        if (s.restQ.size() < terms.size()) s.restQ.resize(terms.size(), 0.0f);
        s.touched.clear();
        s.qterms.clear();
        for (const DocTerm& t : q.terms) {
            if (b.postings[t.term].empty()) continue;
            s.qterms.push_back({t.term, t.w, t.w + b.maxW[t.term]});
        }
        std::sort(s.qterms.begin(), s.qterms.end(), [](const Scratch::QTerm& x, const Scratch::QTerm& y) {
            return x.ub > y.ub || (x.ub == y.ub && x.term < y.term);
        });
        const size_t n = s.qterms.size();
        double rest = 0;
        for (const auto& t : s.qterms) rest += t.ub;
        const float wq = q.weightSum;
        const float denomMin = std::max(wq + b.minWeightSum, 1e-6f);
        float theta = 0;
        size_t sinceCheck = 0, i = 0;
        for (; i < n; ++i) {
            if (s.touched.size() >= k && sinceCheck >= s.touched.size()) {
                sinceCheck = 0;
                s.buf.clear();
                for (uint32_t d : s.touched) s.buf.push_back(s.acc[d] / std::max(wq + b.docs[d].weightSum, 1e-6f));
                std::nth_element(s.buf.begin(), s.buf.begin() + static_cast<long>(k - 1), s.buf.end(), std::greater<float>());
                theta = s.buf[k - 1];
                if (rest / denomMin < theta) break;
            }
            const Scratch::QTerm& t = s.qterms[i];
            for (const Posting& p : b.postings[t.term]) {
                float& a = s.acc[p.doc];
                if (a == 0.0f) s.touched.push_back(p.doc);
                a += t.wq + p.w;
            }
            sinceCheck += b.postings[t.term].size();
            rest -= t.ub;
        }
        // Terms not accumulated: complete the scores of the documents that may still make it.
        const bool partial = i < n;
        if (partial)
            for (size_t j = i; j < n; ++j) s.restQ[s.qterms[j].term] = s.qterms[j].wq;
        const float restF = static_cast<float>(std::max(rest, 0.0));
        auto worse = [](const Scored& a, const Scored& c) { return better(a, c); };  // heap top = worst kept
        for (uint32_t d : s.touched) {
            const Doc& doc = b.docs[d];
            const float denom = std::max(wq + doc.weightSum, 1e-6f);
            float a = s.acc[d];
            s.acc[d] = 0.0f;
            if (partial) {
                if ((a + restF) / denom < theta) continue;
                for (const DocTerm& t : doc.terms) {
                    const float r = s.restQ[t.term];
                    if (r > 0.0f) a += r + t.w;
                }
            }
            const Scored sc{d, a / denom};
            if (out.size() < k) {
                out.push_back(sc);
                std::push_heap(out.begin(), out.end(), worse);
            } else if (better(sc, out.front())) {
                std::pop_heap(out.begin(), out.end(), worse);
                out.back() = sc;
                std::push_heap(out.begin(), out.end(), worse);
            }
        }
        if (partial)
            for (size_t j = i; j < n; ++j) s.restQ[s.qterms[j].term] = 0.0f;
        std::sort(out.begin(), out.end(), better);
    }

    // D for q against every doc of side `b` that shares a term with it (no pruning).
    void scoreAll(const Doc& q, const Side& b, Scratch& s, std::vector<Scored>& out) const {
        out.clear();
        s.acc.resize(b.docs.size(), 0.0f);
        s.touched.clear();
        for (const DocTerm& t : q.terms)
            for (const Posting& p : b.postings[t.term]) {
                float& a = s.acc[p.doc];
                if (a == 0.0f) s.touched.push_back(p.doc);
                a += t.w + p.w;
            }
        for (uint32_t d : s.touched) {
            out.push_back({d, s.acc[d] / std::max(q.weightSum + b.docs[d].weightSum, 1e-6f)});
            s.acc[d] = 0.0f;
        }
    }

    // All the text of a post, folded (simplified, half-width), one line per part.
    std::string foldedText(const Doc& d) const {
        auto it = where.find(d.id.v);
        if (it == where.end()) return {};
        std::vector<const std::string*> parts;
        if (it->second.first == PostKind::Need) {
            const TechNeed& n = needs[it->second.second];
            parts = {&n.title.zh, &n.title.en, &n.description.zh, &n.description.en, &n.expectedOutcome.zh, &n.expectedOutcome.en};
        } else {
            const Capability& c = caps[it->second.second];
            parts = {&c.researchDirection.zh, &c.researchDirection.en, &c.description.zh, &c.description.en,
                     &c.equipment.zh, &c.equipment.en};
            for (const Achievement& a : c.achievements) {
                parts.push_back(&a.title.zh);
                parts.push_back(&a.title.en);
            }
        }
        std::string out;
        for (const std::string* p : parts)
            if (!p->empty()) out += tokenizer.fold(*p) + "\n";
        return out;
    }

    // The reasons of a pair: shared terms, most telling first, and shared fields. Bigrams are
    // what the index sees, not what people read: a run of shared bigrams that spells a phrase
    // found in both posts (超声+声无+无损+损检+检测) is shown as that phrase (超声无损检测).
    Match reasons(const Doc& q, const Doc& d, float dValue) const {
        Match m;
        m.post = d.id;
        m.score = 100.0f * std::sqrt(std::clamp(dValue, 0.0f, 1.0f));
        std::unordered_map<uint32_t, float> shared;  // term -> weight of the pair
        auto a = q.terms.begin(), b = d.terms.begin();
        while (a != q.terms.end() && b != d.terms.end()) {
            if (a->term < b->term) ++a;
            else if (b->term < a->term) ++b;
            else { shared[a->term] = a->w + b->w; ++a; ++b; }
        }
        struct Item { float w; std::string text; uint32_t order; };
        std::vector<Item> items;
        bool hanBigram = false;
        size_t words = 0;
        for (const auto& [term, w] : shared) {
            const Term& t = terms[term];
            if (t.kind == TermKind::Field) m.fields.push_back(t.surface);
            hanBigram = hanBigram || (t.kind == TermKind::Han && t.surface.size() > 4);
            words += t.kind == TermKind::Word || t.kind == TermKind::Code;
        }
        std::sort(m.fields.begin(), m.fields.end());
        const bool texts = hanBigram || words >= 2;
        const std::string qt = texts ? foldedText(q) : std::string(), dt = texts ? foldedText(d) : std::string();
        if (words >= 2) {
            // The same for English: shared words next to each other that both posts write as one
            // phrase ("hydraulic press", "ultrasonic testing") are shown as the phrase.
            std::string dl = dt;
            for (char& c : dl) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            const std::string_view s = qt;
            auto isWordChar = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
            std::vector<Token> tok;
            std::vector<uint32_t> run;  // shared word terms of the current run
            size_t runFrom = 0, runTo = 0;
            auto endRun = [&]() {
                if (run.size() >= 2) {
                    std::string phrase(s.substr(runFrom, runTo - runFrom));
                    std::string lower = phrase;
                    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
                    if (dl.find(lower) != std::string::npos) {
                        float w = 0;
                        for (uint32_t t : run) {
                            auto it = shared.find(t);
                            if (it != shared.end()) { w += it->second; shared.erase(it); }
                        }
                        // Lowercase like single words, but a grade code keeps its case (42CrMo steel).
                        const bool code = std::any_of(phrase.begin(), phrase.end(), [](char c) { return c >= '0' && c <= '9'; });
                        if (w > 0) items.push_back({w, code ? phrase : lower, static_cast<uint32_t>(items.size())});
                    }
                }
                run.clear();
            };
            for (size_t i = 0; i < s.size();) {
                if (!isWordChar(s[i])) { ++i; continue; }
                size_t j = i;
                while (j < s.size() && isWordChar(s[j])) ++j;
                tok.clear();
                tokenizer.tokenize(s.substr(i, j - i), tok);
                auto it = tok.size() == 1 ? termIds.find(tok[0].term) : termIds.end();
                const bool sharedWord = it != termIds.end() && shared.count(it->second) &&
                                        terms[it->second].kind != TermKind::Han;
                // A run continues over one space or hyphen between shared words.
                const bool joins = !run.empty() && i == runTo + 1 && (s[runTo] == ' ' || s[runTo] == '-');
                if (!sharedWord || !joins) endRun();
                if (sharedWord) {
                    if (run.empty()) runFrom = i;
                    run.push_back(it->second);
                    runTo = j;
                }
                i = j;
            }
            endRun();
        }
        if (hanBigram) {
            const std::unordered_map<uint32_t, float> sharedAll = shared;  // runs see every shared bigram
            const std::string_view s = qt;
            // A run: consecutive Han characters of q whose every adjacent pair is a shared
            // bigram. chars holds the character boundaries: character k is s[chars[k], chars[k+1]),
            // bigram k spans characters k and k + 1.
            std::vector<size_t> chars;
            std::vector<uint32_t> bigrams;
            auto bigramAt = [&](size_t from, size_t to) -> uint32_t {  // term id of s[from, to) if shared
                auto it = termIds.find(std::string(s.substr(from, to - from)));
                if (it == termIds.end() || !sharedAll.count(it->second)) return UINT32_MAX;
                return it->second;
            };
            auto take = [&](size_t i, size_t j) {  // bigrams i..j-1 as one item; their weight moves to it
                float w = 0;
                for (size_t k = i; k < j; ++k) {
                    auto it = shared.find(bigrams[k]);
                    if (it != shared.end()) { w += it->second; shared.erase(it); }
                }
                return w;
            };
            auto endRun = [&]() {
                // Cut the run into the longest pieces that d's text has too, left to right. A
                // piece of one bigram next to a longer piece is most likely a bigram across a
                // word boundary (在液 beside 液压机): it is not shown.
                const size_t n = bigrams.size();
                std::vector<std::pair<size_t, size_t>> pieces;
                for (size_t i = 0; i < n;) {
                    size_t j = i + 1;
                    while (j < n && chars[j + 2] - chars[i] <= 48 &&
                           dt.find(s.substr(chars[i], chars[j + 2] - chars[i])) != std::string::npos)
                        ++j;
                    pieces.push_back({i, j});
                    i = j;
                }
                for (size_t p = 0; p < pieces.size(); ++p) {
                    const auto [i, j] = pieces[p];
                    if (j - i >= 2) {
                        const float w = take(i, j);
                        if (w > 0) items.push_back({w, std::string(s.substr(chars[i], chars[j + 1] - chars[i])), static_cast<uint32_t>(items.size())});
                    } else if ((p > 0 && pieces[p - 1].second - pieces[p - 1].first >= 2) ||
                               (p + 1 < pieces.size() && pieces[p + 1].second - pieces[p + 1].first >= 2)) {
                        take(i, j);
                    }
                }
                chars.clear();
                bigrams.clear();
            };
            size_t prevAt = SIZE_MAX;
            for (size_t i = 0; i < s.size();) {
                uint32_t cp;
                const size_t n = decodeUtf8(s, i, cp);
                const uint32_t t = (prevAt == SIZE_MAX || !isHan(cp)) ? UINT32_MAX : bigramAt(prevAt, i + n);
                if (t == UINT32_MAX) {
                    if (!bigrams.empty()) endRun();
                    chars.clear();
                } else {
                    if (chars.empty()) chars = {prevAt, i};
                    chars.push_back(i + n);
                    bigrams.push_back(t);
                }
                prevAt = isHan(cp) ? i : SIZE_MAX;
                i += n;
            }
            if (!bigrams.empty()) endRun();
        }
        for (const auto& [term, w] : shared) {
            const Term& t = terms[term];
            if (t.kind != TermKind::Field) items.push_back({w, t.surface, term + 0x10000000u});
        }
        std::sort(items.begin(), items.end(), [](const Item& x, const Item& y) {
            return x.w > y.w || (x.w == y.w && x.order < y.order);
        });
        // A Chinese phrase inside one already shown (在液压机 after 液压机) adds nothing.
        auto nonAscii = [](const std::string& x) { return std::any_of(x.begin(), x.end(), [](char c) { return (c & 0x80) != 0; }); };
        for (const Item& it : items) {
            if (m.terms.size() >= desc.maxReasonTerms) break;
            const bool dup = std::any_of(m.terms.begin(), m.terms.end(), [&](const std::string& t) {
                return t == it.text || (nonAscii(t) && nonAscii(it.text) &&
                                        (t.find(it.text) != std::string::npos || it.text.find(t) != std::string::npos));
            });
            if (!dup) m.terms.push_back(it.text);
        }
        return m;
    }

    // --- posts --------------------------------------------------------------------------------

    Side& sideOf(PostKind k) { return sides[k == PostKind::Need ? 0 : 1]; }
    const Side& sideOf(PostKind k) const { return sides[k == PostKind::Need ? 0 : 1]; }
    Side& otherOf(PostKind k) { return sides[k == PostKind::Need ? 1 : 0]; }
    const Side& otherOf(PostKind k) const { return sides[k == PostKind::Need ? 1 : 0]; }

    const Doc* find(PostId id, PostKind* kind = nullptr) const {
        auto it = where.find(id.v);
        if (it == where.end()) return nullptr;
        if (kind) *kind = it->second.first;
        return &sideOf(it->second.first).docs[it->second.second];
    }

    PostResult add(PostId id, PostKind kind, Doc doc, const PostOptions& opt) {
        PostResult r;
        if (id.v == 0 || where.count(id.v)) return r;
        r.ok = true;
        Side& side = sideOf(kind);
        const uint32_t slot = static_cast<uint32_t>(side.docs.size());
        doc.id = id;
        weigh(side, doc, 1);
        side.docs.push_back(std::move(doc));
        where[id.v] = {kind, slot};
        insertPostings(side, slot);
        if (opt.match) {
            matchNew(kind, slot, opt.k, r);
        } else if (otherOf(kind).cacheK != 0) {
            // Not asked for matches, but the other side's cached lists must still see this post.
            PostResult ignored;
            matchNew(kind, slot, opt.k, ignored);
        }
        // A small board keeps its statistics current by itself; a large one waits for the
        // caller's refreshAll (it takes about a second at 20k x 20k).
        if (opt.match && sides[0].indexed + sides[1].indexed <= desc.autoRefreshBelow && needsReweight())
            refreshAll({.k = std::max<size_t>({sides[0].cacheK, sides[1].cacheK, opt.k}), .threads = 1});
        return r;
    }

    // A new post's own top k, and the counterparts whose top k it enters.
    void matchNew(PostKind kind, uint32_t slot, size_t k, PostResult& r) {
        Side& side = sideOf(kind);
        Side& other = otherOf(kind);
        const Doc& q = side.docs[slot];
        std::vector<Scored> all;
        scoreAll(q, other, scratch, all);
        std::vector<Scored> mine = all;
        const size_t keep = std::min(k, mine.size());
        std::partial_sort(mine.begin(), mine.begin() + static_cast<long>(keep), mine.end(), better);
        mine.resize(keep);
        for (const Scored& s : mine) r.matches.push_back(reasons(q, other.docs[s.doc], s.d));
        side.docs[slot].top = mine;
        side.docs[slot].cacheValid = k >= side.cacheK || mine.size() < k;
        if (side.cacheK == 0) side.cacheK = k;

        const size_t ck = other.cacheK ? other.cacheK : k;
        std::vector<Scored> fresh;
        for (const Scored& s : all) {
            Doc& c = other.docs[s.doc];
            const Scored me{slot, s.d};
            if (c.cacheValid) {
                if (c.top.size() >= ck && !better(me, c.top.back())) continue;
                c.top.insert(std::upper_bound(c.top.begin(), c.top.end(), me, better), me);
                if (c.top.size() > ck) c.top.pop_back();
                r.notify.push_back(c.id);
            } else {
                // No current list: compute it (this includes the new post).
                topFor(c, side, ck, scratch, fresh);
                c.top = fresh;
                c.cacheValid = true;
                for (const Scored& f : fresh)
                    if (f.doc == slot) { r.notify.push_back(c.id); break; }
            }
        }
        if (other.cacheK == 0) other.cacheK = ck;
        std::sort(r.notify.begin(), r.notify.end(), [](PostId a, PostId b) { return a.v < b.v; });
    }

    // The counterparts whose cached top k lists post `id` (sorted by id).
    std::vector<PostId> listedBy(PostId id) const {
        std::vector<PostId> out;
        auto it = where.find(id.v);
        if (it == where.end()) return out;
        const auto [kind, slotBinding] = it->second;
        const auto slot = slotBinding;  // a lambda may not capture a structured binding before clang 16
        for (const Doc& o : otherOf(kind).docs)
            if (o.cacheValid && std::any_of(o.top.begin(), o.top.end(), [&](const Scored& s) { return s.doc == slot; }))
                out.push_back(o.id);
        std::sort(out.begin(), out.end(), [](PostId a, PostId b) { return a.v < b.v; });
        return out;
    }

    // An edited post notifies only those whose lists it newly entered.
    static PostResult withoutOld(PostResult r, const std::vector<PostId>& had) {
        std::vector<PostId> fresh;
        for (PostId p : r.notify)
            if (!std::binary_search(had.begin(), had.end(), p, [](PostId a, PostId b) { return a.v < b.v; })) fresh.push_back(p);
        r.notify = std::move(fresh);
        return r;
    }

    Doc needDoc(const TechNeed& n) {
        Doc doc;
        doc.orgKind = n.orgKind;
        const float t = desc.titleRepeat;
        buildTerms(doc, {{&n.title.zh, t}, {&n.title.en, t}, {&n.description.zh, 1}, {&n.description.en, 1},
                         {&n.expectedOutcome.zh, 1}, {&n.expectedOutcome.en, 1}}, n.fields);
        return doc;
    }

    Doc capDoc(const Capability& c) {
        Doc doc;
        doc.orgKind = c.orgKind;
        const float t = desc.titleRepeat;
        std::vector<std::pair<const std::string*, float>> texts = {
            {&c.researchDirection.zh, t}, {&c.researchDirection.en, t}, {&c.description.zh, 1},
            {&c.description.en, 1}, {&c.equipment.zh, 1}, {&c.equipment.en, 1}};
        for (const Achievement& a : c.achievements) {
            texts.push_back({&a.title.zh, 1});
            texts.push_back({&a.title.en, 1});
        }
        buildTerms(doc, texts, c.fields);
        return doc;
    }

    bool remove(PostId id) {
        auto it = where.find(id.v);
        if (it == where.end()) return false;
        const auto [kind, slot] = it->second;
        Side& side = sideOf(kind);
        erasePostings(side, slot);
        Doc& doc = side.docs[slot];
        doc.removed = true;
        doc.terms = {};
        doc.top = {};
        if (kind == PostKind::Need) needs[slot] = {};
        else caps[slot] = {};
        where.erase(it);
        return true;
    }

    void reweight() {
        for (int si = 0; si < 2; ++si) {
            Side& side = sides[si];
            // Compact: drop removed slots, keep order.
            std::vector<Doc> docs;
            docs.reserve(side.docs.size());
            for (size_t i = 0; i < side.docs.size(); ++i) {
                if (side.docs[i].removed) continue;
                if (i != docs.size()) {
                    if (si == 0) needs[docs.size()] = std::move(needs[i]);
                    else caps[docs.size()] = std::move(caps[i]);
                }
                docs.push_back(std::move(side.docs[i]));
            }
            if (si == 0) needs.resize(docs.size());
            else caps.resize(docs.size());
            side.docs = std::move(docs);
            for (auto& p : side.postings) p.clear();
            std::fill(side.maxW.begin(), side.maxW.end(), 0.0f);
            // Document frequencies and lengths over the indexed docs.
            side.indexed = 0;
            side.totalLength = 0;
            for (Doc& d : side.docs) {
                if (d.hidden) continue;
                side.indexed++;
                side.totalLength += d.length;
                for (const DocTerm& t : d.terms) side.postings[t.term].push_back({0, 0});  // counted only
            }
            side.avgLength = side.indexed ? static_cast<float>(side.totalLength / static_cast<double>(side.indexed)) : 0.0f;
            side.epochCount = side.indexed;
            for (Doc& d : side.docs) weigh(side, d, 0);  // postings sizes are the df now
            for (auto& p : side.postings) p.clear();
            const size_t indexed = side.indexed;
            side.indexed = 0;
            side.totalLength = 0;
            for (uint32_t slot = 0; slot < side.docs.size(); ++slot) {
                Doc& d = side.docs[slot];
                d.cacheValid = false;
                d.top.clear();
                d.indexed = false;
                if (!d.hidden) insertPostings(side, slot);
            }
            assert(side.indexed == indexed);
            (void)indexed;
            side.cacheK = 0;
            for (uint32_t slot = 0; slot < side.docs.size(); ++slot)
                where[side.docs[slot].id.v] = {si == 0 ? PostKind::Need : PostKind::Capability, slot};
        }
    }

    bool needsReweight() const {
        for (const Side& s : sides) {
            const double now = static_cast<double>(s.indexed), then = static_cast<double>(s.epochCount);
            if (then == 0 ? now > 0 : (now > then * 1.25 || now < then * 0.75)) return true;
        }
        return false;
    }

    // The top k of every post, both directions, in one pass over the need rows: a pair's score
    // is the same from either side, so each row of raw sums (one need against all capabilities)
    // updates the need's list and, through per-thread lists, every capability's list. That reads
    // every posting pair once instead of twice. Rows use a dense accumulator (no branch per
    // posting) and one scan over the capabilities.
    void refreshAll(const RefreshDesc& rd) {
        if (needsReweight()) reweight();
        const size_t k = rd.k;
        Side& ns = sides[0];
        Side& cs = sides[1];
        for (Side* s : {&ns, &cs}) {
            s->cacheK = k;
            for (Doc& d : s->docs) {
                d.cacheValid = d.indexed;  // filled below
                d.top.clear();
            }
        }
        if (k == 0) return;
        const size_t nc = cs.docs.size();
        std::vector<float> capW(nc, 0.0f);
        for (size_t c = 0; c < nc; ++c) capW[c] = cs.docs[c].weightSum;

        std::vector<uint32_t> rows;
        for (uint32_t slot = 0; slot < ns.docs.size(); ++slot)
            if (ns.docs[slot].indexed) rows.push_back(slot);

        unsigned threads = rd.threads ? rd.threads : std::max(1u, std::thread::hardware_concurrency());
        threads = std::min<unsigned>(threads, static_cast<unsigned>(std::max<size_t>(1, rows.size() / 256)));

        // Per thread: the k best needs of every capability seen by that thread's rows.
        struct CapLists {
            std::vector<Scored> top;     // nc * k, each list best first
            std::vector<uint32_t> count; // entries used per capability
            std::vector<float> worst;    // D of the last kept entry once full, else 0
        };
        std::vector<CapLists> lists(threads);
        std::atomic<size_t> next{0};
        auto run = [&](unsigned ti) {
            CapLists& L = lists[ti];
            L.top.assign(nc * k, Scored{0, 0.0f});
            L.count.assign(nc, 0);
            L.worst.assign(nc, 0.0f);
            std::vector<float> acc(nc, 0.0f);
            std::vector<Scored> mine;
            for (;;) {
                const size_t begin = next.fetch_add(32);
                if (begin >= rows.size()) break;
                const size_t end = std::min(rows.size(), begin + 32);
                for (size_t r = begin; r < end; ++r) {
                    const uint32_t n = rows[r];
                    Doc& q = ns.docs[n];
                    for (const DocTerm& t : q.terms) {
                        const float wq = t.w;
                        for (const Posting& p : cs.postings[t.term]) acc[p.doc] += wq + p.w;
                    }
                    const float wn = q.weightSum;
                    mine.clear();
                    float mineWorst = 0.0f;
                    const uint32_t ku = static_cast<uint32_t>(k);
                    // Offers capability c at D = d to the need's list and to c's list.
                    auto consider = [&](uint32_t c, float d) {
                        if (d <= 0.0f) return;  // shares nothing
                        if (d >= mineWorst) {
                            const Scored sc{c, d};
                            if (mine.size() < k) {
                                mine.insert(std::upper_bound(mine.begin(), mine.end(), sc, better), sc);
                            } else if (better(sc, mine.back())) {
                                mine.pop_back();
                                mine.insert(std::upper_bound(mine.begin(), mine.end(), sc, better), sc);
                            }
                            if (mine.size() == k) mineWorst = mine.back().d;
                        }
                        if (d >= L.worst[c]) {
                            const Scored me{n, d};
                            Scored* list = &L.top[c * k];
                            uint32_t& used = L.count[c];
                            if (used == ku && !better(me, list[k - 1])) return;
                            uint32_t at = used < ku ? used : ku - 1;  // slot to fill, then bubble up
                            if (used < ku) used++;
                            while (at > 0 && better(me, list[at - 1])) {
                                list[at] = list[at - 1];
                                --at;
                            }
                            list[at] = me;
                            if (used == ku) L.worst[c] = list[k - 1].d;
                        }
                    };
                    // Blocks of 16: turn sums into D and clear them without a branch (the
                    // compiler vectorizes this), and look closer only at the rare block where
                    // some D could enter a list.
                    constexpr size_t kBlock = 16;
                    float* __restrict ac = acc.data();
                    const float* __restrict cw = capW.data();
                    const float* __restrict worst = L.worst.data();
                    size_t c0 = 0;
                    for (; c0 + kBlock <= nc; c0 += kBlock) {
                        float dl[kBlock];
                        int any = 0;
                        for (size_t l = 0; l < kBlock; ++l) {
                            const float den = wn + cw[c0 + l];
                            const float d = ac[c0 + l] / (den > 1e-6f ? den : 1e-6f);
                            ac[c0 + l] = 0.0f;
                            dl[l] = d;
                            const float thr = worst[c0 + l] < mineWorst ? worst[c0 + l] : mineWorst;
                            any |= (d >= thr) & (d > 0.0f);
                        }
                        if (!any) continue;
                        for (size_t l = 0; l < kBlock; ++l) consider(static_cast<uint32_t>(c0 + l), dl[l]);
                    }
                    for (; c0 < nc; ++c0) {
                        const float den = wn + cw[c0];
                        const float d = ac[c0] / (den > 1e-6f ? den : 1e-6f);
                        ac[c0] = 0.0f;
                        consider(static_cast<uint32_t>(c0), d);
                    }
                    q.top = mine;
                }
            }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run, t);
        run(0);
        for (std::thread& t : pool) t.join();

        // Merge the per-thread lists of each capability.
        std::vector<Scored> merged;
        for (uint32_t c = 0; c < nc; ++c) {
            Doc& d = cs.docs[c];
            if (!d.indexed) continue;
            merged.clear();
            for (const CapLists& L : lists)
                merged.insert(merged.end(), L.top.begin() + static_cast<long>(c * k), L.top.begin() + static_cast<long>(c * k + L.count[c]));
            std::sort(merged.begin(), merged.end(), better);
            if (merged.size() > k) merged.resize(k);
            d.top = merged;
        }
    }

    size_t bytes() const {
        size_t n = 0;
        for (const Side& s : sides) {
            n += s.docs.capacity() * sizeof(Doc) + s.maxW.capacity() * sizeof(float);
            for (const Doc& d : s.docs) n += d.terms.capacity() * sizeof(DocTerm) + d.top.capacity() * sizeof(Scored);
            n += s.postings.capacity() * sizeof(std::vector<Posting>);
            for (const auto& p : s.postings) n += p.capacity() * sizeof(Posting);
        }
        n += terms.capacity() * sizeof(Term);
        for (const Term& t : terms) n += t.surface.capacity() > 15 ? t.surface.capacity() : 0;
        n += termIds.size() * (sizeof(std::string) + sizeof(uint32_t) + 2 * sizeof(void*)) + termIds.bucket_count() * sizeof(void*);
        return n;
    }
};

}  // namespace detail

using detail::BoardImpl;
using detail::Doc;

Board::Board(const BoardDesc& desc) : m_impl(std::make_unique<BoardImpl>(desc)) {}
Board::~Board() = default;

const Taxonomy& Board::taxonomy() const { return m_impl->desc.taxonomy; }
std::vector<Problem> Board::addField(Field field) { return docking::addField(m_impl->desc.taxonomy, std::move(field)); }
bool Board::foldsTraditional() const { return m_impl->tokenizer.foldsTraditional(); }

PostResult Board::addNeed(PostId id, const TechNeed& need, const PostOptions& opt) {
    if (id.v == 0 || m_impl->where.count(id.v)) return {};
    m_impl->needs.push_back(need);
    PostResult r = m_impl->add(id, PostKind::Need, m_impl->needDoc(need), opt);
    return r;
}

PostResult Board::addCapability(PostId id, const Capability& cap, const PostOptions& opt) {
    if (id.v == 0 || m_impl->where.count(id.v)) return {};
    m_impl->caps.push_back(cap);
    return m_impl->add(id, PostKind::Capability, m_impl->capDoc(cap), opt);
}

PostResult Board::updateNeed(PostId id, const TechNeed& need, const PostOptions& opt) {
    if (kindOf(id) != PostKind::Need) return {};
    // A hidden post stays hidden through an edit, and nobody is told about it.
    const bool hidden = m_impl->find(id)->hidden;
    const std::vector<PostId> had = m_impl->listedBy(id);
    m_impl->remove(id);
    if (!hidden) return m_impl->withoutOld(addNeed(id, need, opt), had);
    PostResult r = addNeed(id, need, {.k = opt.k, .match = false});
    setHidden(id, true);
    return r;
}

PostResult Board::updateCapability(PostId id, const Capability& cap, const PostOptions& opt) {
    if (kindOf(id) != PostKind::Capability) return {};
    // A hidden post stays hidden through an edit, and nobody is told about it.
    const bool hidden = m_impl->find(id)->hidden;
    const std::vector<PostId> had = m_impl->listedBy(id);
    m_impl->remove(id);
    if (!hidden) return m_impl->withoutOld(addCapability(id, cap, opt), had);
    PostResult r = addCapability(id, cap, {.k = opt.k, .match = false});
    setHidden(id, true);
    return r;
}

bool Board::remove(PostId id) { return m_impl->remove(id); }

bool Board::setHidden(PostId id, bool hidden) {
    auto it = m_impl->where.find(id.v);
    if (it == m_impl->where.end()) return false;
    detail::Side& side = m_impl->sideOf(it->second.first);
    const uint32_t slot = it->second.second;
    Doc& doc = side.docs[slot];
    if (doc.hidden == hidden) return true;
    doc.hidden = hidden;
    if (hidden) {
        m_impl->erasePostings(side, slot);
    } else {
        // Back on the board: matched like a new post, so the lists it belongs in get it again.
        m_impl->insertPostings(side, slot);
        PostResult ignored;
        m_impl->matchNew(it->second.first, slot, side.cacheK ? side.cacheK : 10, ignored);
    }
    return true;
}

const TechNeed* Board::need(PostId id) const {
    auto it = m_impl->where.find(id.v);
    if (it == m_impl->where.end() || it->second.first != PostKind::Need) return nullptr;
    return &m_impl->needs[it->second.second];
}

const Capability* Board::capability(PostId id) const {
    auto it = m_impl->where.find(id.v);
    if (it == m_impl->where.end() || it->second.first != PostKind::Capability) return nullptr;
    return &m_impl->caps[it->second.second];
}

std::optional<PostKind> Board::kindOf(PostId id) const {
    auto it = m_impl->where.find(id.v);
    if (it == m_impl->where.end()) return std::nullopt;
    return it->second.first;
}

std::vector<Match> Board::topK(PostId id, size_t k) const {
    PostKind kind = PostKind::Count;
    const Doc* q = m_impl->find(id, &kind);
    if (!q || !q->indexed) return {};
    const detail::Side& other = m_impl->otherOf(kind);
    std::vector<detail::Scored> top;
    if (q->cacheValid && (k <= m_impl->sideOf(kind).cacheK || q->top.size() < m_impl->sideOf(kind).cacheK)) {
        top.assign(q->top.begin(), q->top.begin() + static_cast<long>(std::min(k, q->top.size())));
    } else {
        m_impl->topFor(*q, other, k, m_impl->scratch, top);
    }
    std::vector<Match> out;
    for (const detail::Scored& s : top) out.push_back(m_impl->reasons(*q, other.docs[s.doc], s.d));
    return out;
}

std::optional<Match> Board::explain(PostId needId, PostId capId) const {
    PostKind a = PostKind::Count, b = PostKind::Count;
    const Doc* n = m_impl->find(needId, &a);
    const Doc* c = m_impl->find(capId, &b);
    if (!n || !c || a != PostKind::Need || b != PostKind::Capability) return std::nullopt;
    float raw = 0;
    auto x = n->terms.begin(), y = c->terms.begin();
    while (x != n->terms.end() && y != c->terms.end()) {
        if (x->term < y->term) ++x;
        else if (y->term < x->term) ++y;
        else { raw += x->w + y->w; ++x; ++y; }
    }
    return m_impl->reasons(*n, *c, raw / std::max(n->weightSum + c->weightSum, 1e-6f));
}

void Board::reweight() { m_impl->reweight(); }
bool Board::needsReweight() const { return m_impl->needsReweight(); }
void Board::refreshAll(const RefreshDesc& desc) { m_impl->refreshAll(desc); }

std::vector<SearchHit> Board::search(const SearchQuery& q) const {
    BoardImpl& b = *m_impl;
    // Field filter as pseudo-term ids; a key that is not on the board matches nothing.
    std::vector<uint32_t> fieldFilter;
    for (const std::string& key : q.fields) {
        auto it = b.termIds.find(BoardImpl::fieldTerm(key));
        if (it != b.termIds.end()) fieldFilter.push_back(it->second);
    }
    if (!q.fields.empty() && fieldFilter.empty()) return {};

    // Query terms: keywords, plus the field whose name the query spells ("热处理", "welding").
    std::vector<uint32_t> qterms;
    std::vector<Token> tokens;
    b.tokenizer.tokenize(q.text, tokens);
    for (const Token& t : tokens) {
        auto it = b.termIds.find(t.term);
        if (it != b.termIds.end()) qterms.push_back(it->second);
        // One Chinese character alone (钢, 钛) is rarely indexed alone: it also finds the bigrams
        // that contain it. A scan of the term table, fine at a search's pace.
        if (t.kind == TermKind::Han && t.term.size() <= 4)
            for (uint32_t id = 0; id < b.terms.size(); ++id)
                if (b.terms[id].kind == TermKind::Han && b.terms[id].surface.size() > t.term.size() &&
                    b.terms[id].surface.find(t.term) != std::string::npos)
                    qterms.push_back(id);
    }
    std::string lower = b.tokenizer.fold(q.text);
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (const Field& f : b.desc.taxonomy.fields) {
        std::string en = f.en;
        for (char& c : en) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        const std::string zh = b.tokenizer.fold(f.zh);
        if ((!zh.empty() && lower.find(zh) != std::string::npos) || (!en.empty() && lower.find(en) != std::string::npos)) {
            auto it = b.termIds.find(BoardImpl::fieldTerm(f.key));
            if (it != b.termIds.end()) qterms.push_back(it->second);
        }
    }
    std::sort(qterms.begin(), qterms.end());
    qterms.erase(std::unique(qterms.begin(), qterms.end()), qterms.end());
    const bool hasText = tokens.size() > 0 || !qterms.empty();
    if (hasText && qterms.empty()) return {};  // keywords that appear nowhere

    auto passes = [&](const Doc& d) {
        if (!d.indexed) return false;
        if (!q.orgKinds.empty() && std::find(q.orgKinds.begin(), q.orgKinds.end(), d.orgKind) == q.orgKinds.end()) return false;
        if (fieldFilter.empty()) return true;
        for (uint32_t f : fieldFilter)
            if (std::binary_search(d.terms.begin(), d.terms.end(), detail::DocTerm{f, 0, 0},
                                   [](const detail::DocTerm& x, const detail::DocTerm& y) { return x.term < y.term; }))
                return true;
        return false;
    };

    std::vector<SearchHit> hits;
    for (int si = 0; si < 2; ++si) {
        const PostKind kind = si == 0 ? PostKind::Need : PostKind::Capability;
        if (q.kind && *q.kind != kind) continue;
        const detail::Side& side = b.sides[si];
        if (!hasText) {
            for (const Doc& d : side.docs)
                if (passes(d)) hits.push_back({d.id, kind, 0.0f, {}});
            continue;
        }
        std::unordered_map<uint32_t, std::pair<float, std::vector<uint32_t>>> acc;
        for (uint32_t t : qterms)
            for (const detail::Posting& p : side.postings[t]) {
                auto& e = acc[p.doc];
                e.first += p.w;
                e.second.push_back(t);
            }
        for (auto& [slot, e] : acc) {
            const Doc& d = side.docs[slot];
            if (!passes(d)) continue;
            SearchHit h{d.id, kind, e.first, {}};
            for (uint32_t t : e.second) h.terms.push_back(b.terms[t].surface);
            hits.push_back(std::move(h));
        }
    }
    // Best first; without keywords, newest (highest id) first.
    std::sort(hits.begin(), hits.end(), [](const SearchHit& x, const SearchHit& y) {
        return x.relevance > y.relevance || (x.relevance == y.relevance && x.post.v > y.post.v);
    });
    if (hits.size() > q.limit) hits.resize(q.limit);
    return hits;
}

BoardStats Board::stats() const {
    BoardStats s;
    s.needs = m_impl->sides[0].indexed;
    s.capabilities = m_impl->sides[1].indexed;
    s.terms = m_impl->terms.size();
    for (const detail::Side& side : m_impl->sides)
        for (const auto& p : side.postings) s.postings += p.size();
    s.indexBytes = m_impl->bytes();
    auto text = [](const net::LocalText& t) { return t.zh.capacity() + t.en.capacity(); };
    for (const TechNeed& n : m_impl->needs)
        s.recordBytes += sizeof(TechNeed) + text(n.title) + text(n.description) + text(n.expectedOutcome) + n.contact.capacity();
    for (const Capability& c : m_impl->caps) {
        s.recordBytes += sizeof(Capability) + text(c.researchDirection) + text(c.description) + text(c.equipment) + c.contact.capacity();
        for (const Achievement& a : c.achievements) s.recordBytes += sizeof(Achievement) + text(a.title);
    }
    return s;
}

}  // namespace server::docking
