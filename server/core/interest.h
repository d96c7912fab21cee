// interest.h: who each client hears about, and how often (interest management). Pure: no clock,
// no I/O; the server calls it once per tick.
//
// A uniform grid over the hall buckets the avatars. For each client the nearest avatars around it
// (at most `maxKnown`) are its interest set. Each snapshot is then filled, up to a byte budget, by
// priority:
//
//   - the client's own avatar and the "always relevant" ones (the people on stage during a
//     ceremony) first, every tick;
//   - then the `fullRate` nearest, every tick while the budget allows (`nearShare` of it);
//   - then everyone in the interest set by accumulated priority: each tick an avatar is not sent
//     its priority grows by a weight that falls with distance; sending it resets it to zero. So far
//     avatars come at a lower rate, and nobody starves: an unsent one's priority grows without
//     bound while a sent one restarts from zero.
//
// Finding the nearest is the costly part in a dense crowd, and people move a few centimetres a
// tick, so each client's set is recomputed every `refreshTicks` ticks (clients staggered by id),
// or every `stillRefreshTicks` while the client stands still; on the ticks between, the kept set's priorities accrue and the budget is filled as usual, and
// anyone who left is dropped at once.
//
// Delta semantics (net/protocol/snapshot.h): the frame a client is sent is the set of avatars it
// KNOWS, each with the state it last received. An avatar not refreshed this tick keeps its old
// state in the frame and costs nothing on the wire; it is not "removed". Removal (the id in the
// delta's removed list) happens only when the avatar left the hall, stayed out of the client's
// interest for `forgetTicks`, or lingered out of interest while the frame was over `maxInFrame`
// (the longest out go first; a crowd the client draws stays at most 64 people).
//
// Cost is counted in bits exactly as the delta codec will write them (against the acknowledged
// baseline), so the packet stays within `byteBudget` unless what must be carried exceeds it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "net/protocol/snapshot.h"

namespace server {

struct InterestDesc {
    bool enabled = true;          // false: every avatar, every tick (naive full broadcast)
    float cellSize = 2.0f;        // grid cell edge, metres
    float radius = 24.0f;         // avatars farther than this are never of interest (except stage)
    uint32_t maxKnown = 60;       // interest set: this many nearest (plus self and stage)
    uint32_t maxInFrame = 64;     // a client's frame (self included): those out of interest that
                                  // linger past this are removed, longest out first (stage excepted
                                  // only in that they are always in interest)
    uint32_t fullRate = 48;       // the nearest this many are refreshed every tick
    uint32_t byteBudget = 128;    // snapshot packet bytes (message, not ENet/UDP headers)
    float nearShare = 0.8f;       // share of the budget the full-rate avatars may take first
    float nearDistance = 6.0f;    // priority weight is 1 up to here, then falls as (d0/d)^2
    uint32_t forgetTicks = 60;    // out of interest this long: removed from the client's frame
    uint32_t refreshTicks = 4;    // the interest set is recomputed every this many ticks (staggered
                                  // over clients by id); in between, priorities accrue on the kept
                                  // set. Even: a client sent two ticks a packet is built on every
                                  // other tick (its id's parity), and an even period keeps its
                                  // refreshes on those ticks.
    uint32_t stillRefreshTicks = 8;  // ... and every this many for a client standing still (most of
                                     // a crowd at booths): only others' moves can change its set
};

// What one client's interest remembers between ticks. Plain data; the server keeps one per client.
struct InterestClient {
    // Packed small: the server walks every client's entries a few times per tick, so their size
    // is most of the memory traffic of the snapshot work.
    struct Entry {
        net::AvatarState last;      // what the client was last told (valid when inFrame)
        uint32_t lastInterestTick = 0;
        float priority = 0;         // accumulated while not sent
        float weight = 0;           // this tick's priority weight (distance based)
        int32_t extra = 0;          // scratch: bits refreshing it adds
        uint16_t carried = 0;       // scratch: bits its carried state costs
        uint16_t id = 0;
        uint8_t rank = 0;           // this tick: 0 = self or stage, 1 = near (full rate), 2 = farther
        bool inFrame = false;       // part of the frame the client knows
        bool interested = false;    // in the interest set this tick
        bool sent = false;          // scratch: chosen this tick
    };
    std::vector<Entry> entries;     // sorted by id
    float selectX = -1, selectZ = -1;  // where the client stood when its set was last recomputed
    uint32_t selectTick = 0;
};

// Per-tick figures, summed over clients (for stats and tests).
struct InterestStats {
    uint64_t avatarsInFrames = 0;   // sum of frame sizes (a build's `before` frame included)
    uint64_t avatarsRefreshed = 0;  // entries whose state went out changed
    uint64_t overBudget = 0;        // snapshots where carried state alone exceeded the budget
};

class Interest {
public:
    explicit Interest(const InterestDesc& desc = {});

    const InterestDesc& desc() const { return m_desc; }
    void setDesc(const InterestDesc& d) { m_desc = d; }

    // Ids that every client always hears about (the people on stage during a ceremony). Any order.
    void setAlwaysRelevant(std::span<const net::ParticipantId> ids);
    const std::vector<uint16_t>& alwaysRelevant() const { return m_always; }

    // Once per tick, before build(): buckets the avatars (sorted by id, as HallSim keeps them).
    // `previous` is where they stood a tick before (sorted by id; empty if unknown), for build()'s
    // `before`. The spans are kept until the next update(); they must not change in between.
    void update(std::span<const net::AvatarState> avatars, net::Vec2 hallSize,
                std::span<const net::AvatarState> previous = {});

    // Builds the frame for one client. `self` is its participant id; `base` the baseline the
    // snapshot will be coded against (nullptr: full). `out.avatars` is replaced (its capacity is
    // reused); `out.tick` is left alone. `tick` is the snapshot's tick.
    //
    // `before` (optional) receives the frame of the tick before, for a packet that carries two
    // ticks (protocol 8) from one build: the same avatars, those refreshed now at where they stood
    // a tick earlier (update()'s `previous`; one who was not there yet is left out), the others
    // with the state they carry in `out`. It is budgeted with `out`: against `base` it costs
    // about what `out` does, and `out` against it only the tick's moves.
    //
    // Between update()s, builds for different clients may run at once on up to workers() threads,
    // each passing its own `worker` index (its scratch and stats): they only read what update()
    // made.
    void build(InterestClient& client, net::ParticipantId self, const net::SnapshotFrame* base, uint32_t tick,
               net::SnapshotFrame& out, unsigned worker = 0, net::SnapshotFrame* before = nullptr);
    void setWorkers(unsigned n);  // scratch for n concurrent builders (at least 1)

    // Asks the memory system for what build() will read and write for this client (its entries,
    // the baseline, the history slot). A crowd's per-client state is far larger than the caches
    // and each client's is touched once a tick, so a loop that prefetches the next client while
    // building this one waits for memory far less. No effect on results.
    static void prefetch(const InterestClient& client, const net::SnapshotFrame* base, const net::SnapshotFrame& out,
                         const net::SnapshotFrame* before = nullptr);
    unsigned workers() const { return unsigned(m_work.size()); }

    // Summed over workers since the last update().
    InterestStats stats() const;

private:
    struct Candidate { uint16_t id; float dist2; };
    // One builder's scratch (all reused from client to client, so a build does not allocate).
    struct alignas(64) Work {  // one per thread: no cache line shared between two threads' scratch
        std::vector<Candidate> cand;
        std::vector<InterestClient::Entry> merged;
        std::vector<uint32_t> order;        // fill cursors, then candidate ranks
        std::vector<int32_t> slot;          // by id: candidate index + 1, -1 taken, 0 none
        std::vector<uint32_t> newIds;       // candidates the client did not track
        std::vector<const net::AvatarState*> baseOf;  // baseline state per entry
        std::vector<const net::AvatarState*> curOf;   // current state per entry
        std::vector<uint64_t> keys;         // (priority, entry) sort keys
        InterestStats stats;
    };

    void selectInterest(Work& w, InterestClient& client, net::ParticipantId self, const net::AvatarState* me, uint32_t tick) const;
    void keepInterest(InterestClient& client, uint32_t tick) const;
    void capFrame(Work& w, InterestClient& client) const;
    void fillBudget(Work& w, InterestClient& client, const net::SnapshotFrame* base, net::SnapshotFrame& out,
                    net::SnapshotFrame* before) const;

    InterestDesc m_desc;
    std::span<const net::AvatarState> m_avatars;
    std::vector<int32_t> m_byId;          // participant id -> index in m_avatars, -1 = absent
    std::vector<uint16_t> m_indexedIds;   // the ids set in m_byId
    std::span<const net::AvatarState> m_previous;  // a tick earlier (update())
    std::vector<int32_t> m_prevById;      // participant id -> index in m_previous, -1 = absent
    std::vector<uint16_t> m_prevIndexedIds;
    int m_cols = 0, m_rows = 0;
    std::vector<uint32_t> m_cellStart;    // m_cols * m_rows + 1 prefix sums
    std::vector<uint16_t> m_cellItems;    // avatar indices, bucketed by cell
    std::vector<uint16_t> m_always;       // sorted ids
    std::vector<uint32_t> m_cursor;       // update()'s scratch: fill cursors
    InterestStats m_naiveStats;           // the naive broadcast's (enabled = false)
    std::vector<Work> m_work;             // one per concurrent builder
};

// Bits the delta codec spends on one avatar coded against `base` (nullptr: new), its id gap
// included; 0 when nothing it codes changed.
uint32_t avatarDeltaBits(const net::AvatarState* base, const net::AvatarState& cur);

}  // namespace server
