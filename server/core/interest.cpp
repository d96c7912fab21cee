// interest.cpp: spatial grid, interest sets and the priority accumulator (interest.h).
#include "server/core/interest.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "net/protocol/messages.h"

namespace server {

namespace {

// Snapshot message bits before the first avatar: type, tick, the baseline's age, lastInput,
// people, the two counts (messages.h, snapshot.h), plus up to 7 bits of padding to the last byte.
constexpr uint32_t kSnapshotHeaderBits = uint32_t(net::kMsgTypeBits) + 32 + 1 + 8 + 32 + 12 + 12 + 12 + 7;
constexpr uint32_t kIdGapBits = 12;

constexpr uint32_t bitsFor(int64_t lo, int64_t hi) {
    uint64_t range = uint64_t(hi - lo);
    uint32_t b = 0;
    while (range) { ++b; range >>= 1; }
    return b;
}
constexpr uint32_t kCmBits = bitsFor(0, net::kMaxCentimetres);
constexpr uint32_t kYawBits = bitsFor(0, net::kYawSteps - 1);
constexpr uint32_t kAnimBits = bitsFor(0, int(net::Anim::Count) - 1);

// Quantization as the codec does it, fast: states here are already quantized (HallSim keeps
// them so), so plain rounding gives the codec's values without its double-precision care.
inline int32_t cmOf(float m) { return int32_t(m * 100.0f + 0.5f); }
inline int32_t yawOf(float yaw) { return int32_t(yaw * (float(net::kYawSteps) / 6.28318530718f) + 0.5f) & (net::kYawSteps - 1); }

// Bits of one coordinate's field given its centimetre delta: the changed bit, then a small or
// an absolute value.
inline uint32_t coordDeltaBits(int32_t d) { return d == 0 ? 1u : 2u + (std::abs(d) < 512 ? 10u : kCmBits); }

// Inlined into the budget fill, which calls it two or three times per entry per client per tick;
// each value is quantized once.
[[gnu::always_inline]] inline uint32_t deltaBits(const net::AvatarState* base, const net::AvatarState& cur) {
    if (!base) return kIdGapBits + 1 + 2 * kCmBits + kYawBits + kAnimBits;
    if (base->x == cur.x && base->z == cur.z && base->yaw == cur.yaw && base->anim == cur.anim) return 0;
    const int32_t dx = cmOf(cur.x) - cmOf(base->x), dz = cmOf(cur.z) - cmOf(base->z);
    const bool cy = yawOf(cur.yaw) != yawOf(base->yaw);
    const bool ca = cur.anim != base->anim;
    if (dx == 0 && dz == 0 && !cy && !ca) return 0;
    return kIdGapBits + 1 + coordDeltaBits(dx) + coordDeltaBits(dz) + 1 + (cy ? kYawBits : 0) + 1 + (ca ? kAnimBits : 0);
}

// Room for n, growing geometrically: buffers that are swapped between clients or reused as
// history slots settle at their largest size after a few ticks, then never allocate.
template <typename T> void growTo(std::vector<T>& v, size_t n) {
    if (v.capacity() < n) v.reserve(std::max(n, v.capacity() * 2));
}

}  // namespace

uint32_t avatarDeltaBits(const net::AvatarState* base, const net::AvatarState& cur) { return deltaBits(base, cur); }

Interest::Interest(const InterestDesc& desc)
    : m_desc(desc), m_byId(size_t(net::kMaxParticipants) + 1, -1), m_prevById(size_t(net::kMaxParticipants) + 1, -1) {
    setWorkers(1);
}

void Interest::setWorkers(unsigned n) {
    m_work.resize(std::max(1u, n));
    for (Work& w : m_work) w.slot.assign(size_t(net::kMaxParticipants) + 1, 0);
}

namespace {
void prefetchRange(const void* p, size_t bytes, bool forWrite) {
    const char* c = static_cast<const char*>(p);
    for (size_t off = 0; off < bytes; off += 64) {
        if (forWrite) __builtin_prefetch(c + off, 1);
        else __builtin_prefetch(c + off, 0);
    }
}
}  // namespace

void Interest::prefetch(const InterestClient& client, const net::SnapshotFrame* base, const net::SnapshotFrame& out,
                        const net::SnapshotFrame* before) {
    prefetchRange(client.entries.data(), client.entries.size() * sizeof(InterestClient::Entry), true);
    if (base) prefetchRange(base->avatars.data(), base->avatars.size() * sizeof(net::AvatarState), false);
    // The frames are written up to the entries' count (fillBudget), not their whole capacity.
    const size_t frameBytes = client.entries.size() * sizeof(net::AvatarState);
    prefetchRange(out.avatars.data(), std::min(out.avatars.capacity() * sizeof(net::AvatarState), frameBytes), true);
    if (before)
        prefetchRange(before->avatars.data(), std::min(before->avatars.capacity() * sizeof(net::AvatarState), frameBytes), true);
}

InterestStats Interest::stats() const {
    InterestStats s = m_naiveStats;
    for (const Work& w : m_work) {
        s.avatarsInFrames += w.stats.avatarsInFrames;
        s.avatarsRefreshed += w.stats.avatarsRefreshed;
        s.overBudget += w.stats.overBudget;
    }
    return s;
}

void Interest::setAlwaysRelevant(std::span<const net::ParticipantId> ids) {
    m_always.clear();
    for (auto id : ids)
        if (id.v != 0) m_always.push_back(id.v);
    std::sort(m_always.begin(), m_always.end());
    m_always.erase(std::unique(m_always.begin(), m_always.end()), m_always.end());
}

void Interest::update(std::span<const net::AvatarState> avatars, net::Vec2 hallSize,
                      std::span<const net::AvatarState> previous) {
    m_naiveStats = {};
    for (Work& w : m_work) w.stats = {};
    // The previous spans may have changed under us (they are the caller's vectors): reset by our own lists.
    auto index = [](std::span<const net::AvatarState> list, std::vector<int32_t>& byId, std::vector<uint16_t>& ids) {
        for (uint16_t id : ids) byId[id] = -1;
        ids.clear();
        for (size_t i = 0; i < list.size(); ++i) {
            byId[list[i].id.v] = int32_t(i);
            ids.push_back(list[i].id.v);
        }
    };
    m_avatars = avatars;
    index(avatars, m_byId, m_indexedIds);
    m_previous = previous;
    index(previous, m_prevById, m_prevIndexedIds);
    if (!m_desc.enabled) return;

    const float cell = std::max(0.5f, m_desc.cellSize);
    m_cols = std::max(1, int(std::ceil(std::max(hallSize.x, 1.0f) / cell)));
    m_rows = std::max(1, int(std::ceil(std::max(hallSize.y, 1.0f) / cell)));
    const size_t cells = size_t(m_cols) * size_t(m_rows);
    m_cellStart.assign(cells + 1, 0);
    auto cellOf = [&](const net::AvatarState& a) {
        int cx = std::clamp(int(a.x / cell), 0, m_cols - 1);
        int cz = std::clamp(int(a.z / cell), 0, m_rows - 1);
        return size_t(cz) * size_t(m_cols) + size_t(cx);
    };
    // Counting sort of avatar indices by cell.
    for (const auto& a : avatars) ++m_cellStart[cellOf(a) + 1];
    for (size_t c = 0; c < cells; ++c) m_cellStart[c + 1] += m_cellStart[c];
    m_cellItems.resize(avatars.size());
    m_cursor.assign(m_cellStart.begin(), m_cellStart.end() - 1);
    for (size_t i = 0; i < avatars.size(); ++i) m_cellItems[m_cursor[cellOf(avatars[i])]++] = uint16_t(i);
}

void Interest::build(InterestClient& client, net::ParticipantId self, const net::SnapshotFrame* base, uint32_t tick,
                     net::SnapshotFrame& out, unsigned worker, net::SnapshotFrame* before) {
    out.avatars.clear();
    if (before) before->avatars.clear();
    Work& w = m_work[std::min<size_t>(worker, m_work.size() - 1)];
    if (!m_desc.enabled) {
        out.avatars.assign(m_avatars.begin(), m_avatars.end());
        if (before) before->avatars.assign(m_previous.begin(), m_previous.end());
        w.stats.avatarsInFrames += out.avatars.size() + (before ? before->avatars.size() : 0);
        return;
    }

    const int32_t selfIdx = self.v <= net::kMaxParticipants ? m_byId[self.v] : -1;
    const net::AvatarState* me = selfIdx >= 0 ? &m_avatars[size_t(selfIdx)] : nullptr;
    const uint32_t every = std::max<uint32_t>(1, m_desc.refreshTicks);
    bool refresh = client.entries.empty() || every == 1 || tick % every == self.v % every;
    if (refresh && every > 1 && me && !client.entries.empty() && tick - client.selectTick < m_desc.stillRefreshTicks) {
        // Standing still (a few centimetres: a walker covers ~14 cm in 3 ticks): its own move
        // cannot change the set, so it waits for the longer period.
        float dx = me->x - client.selectX, dz = me->z - client.selectZ;
        refresh = dx * dx + dz * dz > 0.05f * 0.05f;
    }
    if (refresh) {
        if (me) { client.selectX = me->x; client.selectZ = me->z; }
        client.selectTick = tick;
        selectInterest(w, client, self, me, tick);
    }
    else keepInterest(client, tick);
    fillBudget(w, client, base, out, before);
}

// Between refreshes: the kept set accrues priority; whoever left the hall is dropped.
void Interest::keepInterest(InterestClient& client, uint32_t tick) const {
    auto& entries = client.entries;
    size_t w = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
        InterestClient::Entry& e = entries[i];
        e.sent = false;
        if (m_byId[e.id] < 0) continue;  // left the hall
        if (e.interested) {
            e.lastInterestTick = tick;
            e.priority += e.weight;
        } else if (tick - e.lastInterestTick >= m_desc.forgetTicks) {
            continue;
        }
        if (w != i) entries[w] = e;
        ++w;
    }
    entries.resize(w);
}

void Interest::selectInterest(Work& wk, InterestClient& client, net::ParticipantId self, const net::AvatarState* me,
                              uint32_t tick) const {
    auto& cand = wk.cand;
    auto& order = wk.order;
    auto& slotOf = wk.slot;
    auto& newIds = wk.newIds;
    auto& merged = wk.merged;
    // 1. Candidates: the nearest avatars in the grid cells around the client.
    cand.clear();
    if (me) {
        // Rings of cells outward from the client's cell. After ring k every avatar closer than
        // k cells is found, so stop once maxKnown of them are (or at the radius): a dense crowd
        // costs a few rings, an empty hall the whole radius.
        const float cell = std::max(0.5f, m_desc.cellSize), r = m_desc.radius, r2 = r * r;
        const int cx0 = std::clamp(int(me->x / cell), 0, m_cols - 1), cz0 = std::clamp(int(me->z / cell), 0, m_rows - 1);
        const int maxRing = int(std::ceil(r / cell));
        auto scanRow = [&](int cz, int xa, int xb) {
            if (cz < 0 || cz >= m_rows) return;
            xa = std::max(xa, 0);
            xb = std::min(xb, m_cols - 1);
            if (xa > xb) return;
            size_t row = size_t(cz) * size_t(m_cols);
            for (uint32_t k = m_cellStart[row + size_t(xa)]; k < m_cellStart[row + size_t(xb) + 1]; ++k) {
                const net::AvatarState& a = m_avatars[m_cellItems[k]];
                float dx = a.x - me->x, dz = a.z - me->z, d2 = dx * dx + dz * dz;
                if (d2 <= r2 && a.id != self) cand.push_back({a.id.v, d2});
            }
        };
        for (int ring = 0; ring <= maxRing; ++ring) {
            scanRow(cz0 - ring, cx0 - ring, cx0 + ring);
            if (ring > 0) scanRow(cz0 + ring, cx0 - ring, cx0 + ring);
            for (int cz = cz0 - ring + 1; cz <= cz0 + ring - 1; ++cz) {
                scanRow(cz, cx0 - ring, cx0 - ring);
                scanRow(cz, cx0 + ring, cx0 + ring);
            }
            if (cand.size() < m_desc.maxKnown) continue;
            const float sure = float(ring) * cell, sure2 = sure * sure;
            size_t within = 0;
            for (const auto& c : cand) within += c.dist2 < sure2;
            if (within >= m_desc.maxKnown) {
                // Those beyond `sure` cannot be among the nearest: drop them before selecting.
                std::erase_if(cand, [sure2](const Candidate& c) { return c.dist2 >= sure2; });
                break;
            }
        }
    }
    // The nearest maxKnown are of interest; of those the nearest fullRate are "near". Two
    // partitions instead of a sort: only the split matters.
    auto byDist = [](const Candidate& a, const Candidate& b) { return a.dist2 < b.dist2; };
    if (cand.size() > m_desc.maxKnown) {
        std::nth_element(cand.begin(), cand.begin() + long(m_desc.maxKnown), cand.end(), byDist);
        cand.resize(m_desc.maxKnown);
    }
    size_t nearCount = std::min<size_t>(cand.size(), m_desc.fullRate);
    if (nearCount < cand.size()) std::nth_element(cand.begin(), cand.begin() + long(nearCount), cand.end(), byDist);
    // Ranks: 0 = self or stage (always sent), 1 = near (full rate), 2 = farther.
    order.resize(cand.size());
    for (size_t i = 0; i < cand.size(); ++i) order[i] = i < nearCount ? 1 : 2;
    if (me) { cand.push_back({self.v, 0.0f}); order.push_back(0); }
    for (uint16_t id : m_always) {
        int32_t idx = m_byId[id];
        if (idx < 0) continue;
        const net::AvatarState& a = m_avatars[size_t(idx)];
        float dx = me ? a.x - me->x : 0, dz = me ? a.z - me->z : 0;
        cand.push_back({id, dx * dx + dz * dz});
        order.push_back(0);
    }
    // Index by id (dense): an id twice (a stage person nearby) keeps the lowest rank.
    for (size_t i = 0; i < cand.size(); ++i) {
        int32_t& slot = slotOf[cand[i].id];
        if (slot == 0 || order[i] < order[size_t(slot - 1)]) slot = int32_t(i) + 1;
    }
    const float d0 = std::max(0.1f, m_desc.nearDistance);
    auto weightFor = [&](float d2, uint32_t rank) {
        // Near ones: 1 plus a little more the nearer, so when even they must take turns the
        // nearest keep their every-tick rate and the turn-taking happens at the edge.
        if (rank <= 1) return 1.0f + 1.0f / (1.0f + d2);
        float w = d2 <= d0 * d0 ? 1.0f : (d0 * d0) / d2;
        return std::max(w, 0.02f);
    };
    auto fromCandidate = [&](InterestClient::Entry& e, size_t ci) {
        e.interested = true;
        e.lastInterestTick = tick;
        e.rank = uint8_t(order[ci]);
        e.weight = weightFor(cand[ci].dist2, e.rank);
        e.priority += e.weight;
    };

    // 2. Update what the client tracks, in place; then merge in the newcomers (sorted by id).
    auto& entries = client.entries;
    size_t w = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
        InterestClient::Entry& e = entries[i];
        e.sent = false;
        int32_t& slot = slotOf[e.id];
        if (slot > 0) {
            fromCandidate(e, size_t(slot - 1));
            slot = -1;  // taken
        } else {
            // Out of interest: kept (in the frame: stale and free; its priority too, so one at
            // the edge of the set that drifts in and out still gets its turn) until forgotten
            // or gone.
            if (slot < 0 || m_byId[e.id] < 0 || tick - e.lastInterestTick >= m_desc.forgetTicks) continue;
            e.interested = false;
        }
        if (w != i) entries[w] = e;
        ++w;
    }
    entries.resize(w);
    newIds.clear();
    for (size_t i = 0; i < cand.size(); ++i) {
        int32_t& slot = slotOf[cand[i].id];
        if (slot > 0) { newIds.push_back(uint32_t(slot - 1)); slot = -1; }
    }
    if (!newIds.empty()) {
        std::sort(newIds.begin(), newIds.end(), [&](uint32_t a, uint32_t b) { return cand[a].id < cand[b].id; });
        merged.clear();
        growTo(merged, entries.size() + newIds.size());
        size_t ei = 0;
        for (uint32_t ci : newIds) {
            while (ei < entries.size() && entries[ei].id < cand[ci].id) merged.push_back(entries[ei++]);
            InterestClient::Entry e;
            e.id = cand[ci].id;
            fromCandidate(e, ci);
            merged.push_back(e);
        }
        while (ei < entries.size()) merged.push_back(entries[ei++]);
        entries.swap(merged);
    }
    for (const auto& c : cand) slotOf[c.id] = 0;
    capFrame(wk, client);
}

// Those out of interest stay in the frame (stale, free) for a while; but the frame a client draws
// holds at most maxInFrame avatars, so past that the longest out of interest are removed first.
void Interest::capFrame(Work& wk, InterestClient& client) const {
    auto& keys = wk.keys;
    auto& entries = client.entries;
    size_t inView = 0;
    keys.clear();
    for (size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        if (e.interested) ++inView;
        else if (e.inFrame) keys.push_back((uint64_t(e.lastInterestTick) << 32) | uint64_t(i));
    }
    if (inView + keys.size() <= m_desc.maxInFrame) return;
    const size_t drop = std::min(keys.size(), inView + keys.size() - m_desc.maxInFrame);
    if (drop < keys.size()) std::nth_element(keys.begin(), keys.begin() + long(drop), keys.end());
    for (size_t k = 0; k < drop; ++k) entries[size_t(keys[k] & 0xFFFFFFFFu)].id = 0;  // 0: no participant
    std::erase_if(entries, [](const InterestClient::Entry& e) { return e.id == 0; });
    keys.clear();
}

void Interest::fillBudget(Work& wk, InterestClient& client, const net::SnapshotFrame* base, net::SnapshotFrame& out,
                          net::SnapshotFrame* before) const {
    auto& baseOf = wk.baseOf;
    auto& curOf = wk.curOf;
    auto& keys = wk.keys;
    auto& stats = wk.stats;
    auto& entries = client.entries;
    // 3. Costs against the baseline, then selection by priority within the budget.
    baseOf.resize(entries.size());
    curOf.resize(entries.size());
    int64_t budget = int64_t(m_desc.byteBudget) * 8 - int64_t(kSnapshotHeaderBits);
    {
        size_t bi = 0;
        const auto* bav = base ? &base->avatars : nullptr;
        for (size_t i = 0; i < entries.size(); ++i) {
            // Where each entry stands now, looked up once (every entry is in the hall: those who
            // left were dropped by the selection); the loops below read it two or three times.
            curOf[i] = &m_avatars[size_t(m_byId[entries[i].id])];
            baseOf[i] = nullptr;
            if (!bav) continue;
            while (bi < bav->size() && (*bav)[bi].id.v < entries[i].id) { budget -= kIdGapBits; ++bi; }  // removed
            if (bi < bav->size() && (*bav)[bi].id.v == entries[i].id) baseOf[i] = &(*bav)[bi++];
        }
        if (bav) budget -= int64_t(kIdGapBits) * int64_t(bav->size() - bi);
    }
    // Mandatory: the carried state of frame entries; self and stage refreshed; and, so nothing
    // flickers out, entries the client got after its baseline, refreshed.
    keys.clear();
    for (size_t i = 0; i < entries.size(); ++i) {
        auto& e = entries[i];
        if (!e.interested) {
            if (e.inFrame) budget -= deltaBits(baseOf[i], e.last);  // carried, stale
        } else if (e.rank == 0 || (e.inFrame && !baseOf[i])) {
            budget -= deltaBits(baseOf[i], *curOf[i]);
            e.sent = true;
        } else {
            e.carried = uint16_t(e.inFrame ? deltaBits(baseOf[i], e.last) : 0);  // < 100 bits
            budget -= e.carried;
            // Highest priority first: the float's bits order like the float (it is positive).
            uint32_t pb;
            static_assert(sizeof(pb) == sizeof(e.priority));
            std::memcpy(&pb, &e.priority, sizeof pb);
            keys.push_back((uint64_t(~pb) << 32) | uint64_t(i));
        }
    }
    if (budget < 0) ++stats.overBudget;
    // What refreshing each would add; when everything fits (a calm crowd) no sorting is needed.
    // Refreshing one that adds nothing (unchanged since it was last sent, most of a crowd at the
    // booths) is free: sent whatever the order, so only the others are ranked.
    int64_t wanted = 0;
    size_t ranked = 0;
    for (uint64_t key : keys) {
        size_t i = size_t(key & 0xFFFFFFFFu);
        auto& e = entries[i];
        e.extra = int32_t(int64_t(deltaBits(baseOf[i], *curOf[i])) - int64_t(e.carried));
        if (e.extra <= 0) {
            e.sent = true;
            continue;
        }
        wanted += e.extra;
        keys[ranked++] = key;
    }
    keys.resize(ranked);
    if (wanted <= budget) {
        for (uint64_t key : keys) entries[size_t(key & 0xFFFFFFFFu)].sent = true;
        keys.clear();
    }
    std::sort(keys.begin(), keys.end());
    // Phase A: the full-rate nearest, up to nearShare of what is left (all ranked ones cost bits).
    const int64_t nearBudget = int64_t(double(budget) * double(std::clamp(m_desc.nearShare, 0.0f, 1.0f)));
    int64_t spent = 0;
    for (uint64_t key : keys) {
        auto& e = entries[size_t(key & 0xFFFFFFFFu)];
        if (e.rank <= 1 && spent + e.extra <= nearBudget) { e.sent = true; spent += e.extra; }
    }
    // Phase B: everyone left, by accumulated priority, up to the whole budget.
    bool any = false;
    for (uint64_t key : keys) {
        auto& e = entries[size_t(key & 0xFFFFFFFFu)];
        if (!e.sent && spent + e.extra <= budget) { e.sent = true; spent += e.extra; }
        any |= e.sent;
    }
    // When what must be carried fills the budget (many changed since an old ack, a client whose
    // acks stalled), the newcomer waiting longest goes anyway: one avatar over the budget a tick,
    // so someone who steps up next to the client is not left out of its view until acks resume.
    // (Those already in view are shown, only stale, meanwhile; refreshing them over the budget
    // would add to what every later frame must carry.)
    if (!any)
        for (uint64_t key : keys)
            if (auto& e = entries[size_t(key & 0xFFFFFFFFu)]; !e.inFrame) {
                e.sent = true;
                break;
            }

    // 4. Commit and emit the frame (entries are sorted by id, so the frame is too). A history slot
    // grows once to the frame's size and then keeps its capacity.
    // Both frames are sized to the most they can hold and written through pointers (a push_back
    // per avatar was a call each), then cut to what was written.
    growTo(out.avatars, entries.size());
    out.avatars.resize(entries.size());
    net::AvatarState* const outBegin = out.avatars.data();
    net::AvatarState* o = outBegin;
    net::AvatarState* beforeBegin = nullptr;
    net::AvatarState* b = nullptr;
    if (before) {
        growTo(before->avatars, entries.size());
        before->avatars.resize(entries.size());
        beforeBegin = b = before->avatars.data();
    }
    for (size_t i = 0; i < entries.size(); ++i) {
        auto& e = entries[i];
        if (e.sent) {
            const net::AvatarState& cur = *curOf[i];  // HallSim keeps states quantized
            if (!e.inFrame || !(e.last.x == cur.x && e.last.z == cur.z && e.last.yaw == cur.yaw && e.last.anim == cur.anim))
                ++stats.avatarsRefreshed;
            if (b) {
                // A tick earlier: where it stood then; one who was not in the hall yet is only in `out`.
                const int32_t p = m_prevById[e.id];
                if (p >= 0) *b++ = m_previous[size_t(p)];
                else if (e.inFrame) *b++ = e.last;
            }
            e.last = cur;
            e.inFrame = true;
            e.priority = 0;
        } else if (b && e.inFrame) {
            *b++ = e.last;
        }
        if (e.inFrame) *o++ = e.last;
    }
    out.avatars.resize(size_t(o - outBegin));
    if (before) before->avatars.resize(size_t(b - beforeBegin));
    stats.avatarsInFrames += out.avatars.size() + (before ? before->avatars.size() : 0);  // per frame sent
}

}  // namespace server
