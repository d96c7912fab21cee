// snapshot.h: avatar snapshots and their delta codec.
//
// A SnapshotFrame is the set of avatars one client is told about at one tick, sorted by id.
// On the wire a frame is coded against a baseline frame the client acknowledged (Quake III
// style): only avatars that changed, appeared or disappeared are sent.
//
//   delta  = removedCount | removed ids (gap coded) | changedCount | changed entities
//   entity = idGap | isNew:1 | fields
//   fields (isNew)  = x:cm | z:cm | yaw:8 | anim:3
//   fields (!isNew) = for each field in kAvatarFields: changed:1 [value]
//                     x and z as a signed centimetre delta when |d| < 512 cm, else absolute
//
// Positions are centimetres in [0, kMaxHallSize*100]; yaw is 256 steps of 1.40625 degrees.
// Adding a field to AvatarState breaks the static_assert below until the field is coded here
// and exercised by tests/net/snapshot_test.cpp, which changes every field one at a time.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "net/protocol/hall.h"
#include "net/protocol/serialize.h"

namespace net {

constexpr int kYawSteps = 256;
constexpr int64_t kMaxCentimetres = int64_t(kMaxHallSize * 100.0f);
constexpr uint32_t kMaxSnapshotAvatars = kMaxParticipants;
constexpr int64_t kMaxBaselineAge = 255;  // ticks (8.5 s): a snapshot's baseline is never older

// The coded fields of AvatarState; kept in step with the struct by this assert.
static_assert(sizeof(AvatarState) == 20, "AvatarState changed: update the snapshot codec and its field test");

struct SnapshotFrame {
    uint32_t tick = 0;
    std::vector<AvatarState> avatars;  // sorted by id, ids unique
};

// Rounds half up to whole centimetres, clamped to [0, kMaxCentimetres]; NaN gives 0. Once per
// coordinate per avatar per client on the server: the clamps come first, so truncation is the
// floor (no libm call).
inline int64_t toCentimetres(float metres) {
    const double c = double(metres) * 100.0 + 0.5;
    if (!(c >= 1.0)) return 0;  // below 1 (floor 0 or less) or NaN
    if (c >= double(kMaxCentimetres + 1)) return kMaxCentimetres;
    return int64_t(c);
}
inline int64_t toYawStep(float yaw) {
    double turns = double(yaw) / (2.0 * std::numbers::pi);
    turns -= std::floor(turns);
    return int64_t(std::floor(turns * kYawSteps + 0.5)) % kYawSteps;
}
inline float fromYawStep(int64_t step) { return float(double(step) * 2.0 * std::numbers::pi / kYawSteps); }

template <typename S> bool serializeYaw(S& s, float& yaw) {
    int64_t step = 0;
    if constexpr (!S::kReading) step = toYawStep(yaw);
    if (!s.serializeInt(step, 0, kYawSteps - 1)) return false;
    if constexpr (S::kReading) yaw = fromYawStep(step);
    return true;
}

template <typename S> bool serializeCentimetres(S& s, float& metres) {
    int64_t cm = 0;
    if constexpr (!S::kReading) cm = toCentimetres(metres);
    if (!s.serializeInt(cm, 0, kMaxCentimetres)) return false;
    if constexpr (S::kReading) metres = float(cm) / 100.0f;
    return true;
}

// A coordinate relative to its baseline value: small moves cost 11 bits, large ones 18.
// `cm` (writer) and `baseCm` are the quantized values, computed once by the caller.
template <typename S> bool serializeCentimetresDelta(S& s, float& metres, int64_t cm, int64_t baseCm) {
    bool small = std::llabs(cm - baseCm) < 512;
    if (!serializeBool(s, small)) return false;
    if (small) {
        int64_t d = cm - baseCm;
        if (!s.serializeInt(d, -511, 511)) return false;
        cm = baseCm + d;
        if (cm < 0 || cm > kMaxCentimetres) return false;
    } else if (!s.serializeInt(cm, 0, kMaxCentimetres)) {
        return false;
    }
    if constexpr (S::kReading) metres = float(cm) / 100.0f;
    return true;
}

template <typename S> bool serializeAvatarFields(S& s, AvatarState& a, const AvatarState* old);

// Codes `cur` against `base` (nullptr = full). Writer: `cur` is the input. Reader: `cur` is
// built from `base` plus the delta. Ids must be sorted and unique in both; the reader checks.
template <typename S>
bool serializeSnapshotDelta(S& s, const SnapshotFrame* base, SnapshotFrame& cur) {
    static const SnapshotFrame kEmpty;
    const SnapshotFrame& b = base ? *base : kEmpty;

    // Removed: ids in the baseline that are not in the current frame. The writer runs once per
    // client per tick on the server, the reader once per snapshot on every client: their lists
    // are per-thread scratch, so neither allocates once warm.
    thread_local std::vector<uint16_t> removed;
    thread_local std::vector<uint32_t> changed;  // writer: indices into cur.avatars
    removed.clear();
    changed.clear();
    if constexpr (!S::kReading) {
        size_t i = 0, j = 0;
        while (i < b.avatars.size() || j < cur.avatars.size()) {
            if (j == cur.avatars.size() || (i < b.avatars.size() && b.avatars[i].id.v < cur.avatars[j].id.v)) {
                removed.push_back(b.avatars[i].id.v); ++i;
            } else if (i == b.avatars.size() || cur.avatars[j].id.v < b.avatars[i].id.v) {
                changed.push_back(uint32_t(j)); ++j;
            } else {
                const AvatarState &o = b.avatars[i], &n = cur.avatars[j];
                // Equal values quantize equally: the common case (a carried, unchanged avatar)
                // skips the quantization below.
                bool same = o.x == n.x && o.z == n.z && o.yaw == n.yaw && o.anim == n.anim;
                if (!same && (toCentimetres(o.x) != toCentimetres(n.x) || toCentimetres(o.z) != toCentimetres(n.z) ||
                    toYawStep(o.yaw) != toYawStep(n.yaw) || o.anim != n.anim))
                    changed.push_back(uint32_t(j));
                ++i; ++j;
            }
        }
    }

    int64_t nRemoved = int64_t(removed.size());
    if (!s.serializeInt(nRemoved, 0, kMaxSnapshotAvatars)) return false;
    if constexpr (S::kReading) removed.resize(size_t(nRemoved));
    int64_t prev = 0;
    for (auto& id : removed) {
        int64_t gap = int64_t(id) - prev;
        if (!s.serializeInt(gap, 1, kMaxParticipants)) return false;
        if constexpr (S::kReading) {
            if (prev + gap > kMaxParticipants) return false;
            id = uint16_t(prev + gap);
        }
        prev = id;
    }

    int64_t nChanged = int64_t(changed.size());
    if (!s.serializeInt(nChanged, 0, kMaxSnapshotAvatars)) return false;

    if constexpr (S::kReading) {
        // The baseline minus the removed ids (each must exist in it), merged with the changed
        // ones, written into cur's own storage (its capacity is reused; it is not the baseline).
        if (&cur == &b) return false;
        const std::vector<AvatarState>& from = b.avatars;
        std::vector<AvatarState>& out = cur.avatars;
        out.clear();
        const size_t most = from.size() + size_t(nChanged);
        if (out.capacity() < most) out.reserve(std::max(most, out.capacity() * 2));  // recycled storage settles
        size_t k = 0, r = 0;
        // Steps k past baseline entries that were removed; false if a removed id is not there.
        auto skipRemoved = [&]() {
            while (r < removed.size() && k < from.size() && removed[r] <= from[k].id.v) {
                if (removed[r] != from[k].id.v) return false;
                ++r; ++k;
            }
            return true;
        };
        prev = 0;
        for (int64_t c = 0; c < nChanged; ++c) {
            int64_t gap = 0;
            if (!s.serializeInt(gap, 1, kMaxParticipants)) return false;
            int64_t id = prev + gap;
            if (id > kMaxParticipants) return false;
            prev = id;
            if (!skipRemoved()) return false;
            while (k < from.size() && from[k].id.v < id) {
                out.push_back(from[k++]);
                if (!skipRemoved()) return false;
            }
            bool isNew = false;
            if (!serializeBool(s, isNew)) return false;
            bool inBase = k < from.size() && from[k].id.v == id;
            if (isNew == inBase) return false;  // must agree with the baseline
            AvatarState a = inBase ? from[k++] : AvatarState{};
            a.id.v = uint16_t(id);
            if (!serializeAvatarFields(s, a, inBase ? &a : nullptr)) return false;
            out.push_back(a);
        }
        for (;;) {
            if (!skipRemoved()) return false;
            if (k == from.size()) break;
            out.push_back(from[k++]);
        }
        if (r != removed.size()) return false;
    } else {
        prev = 0;
        size_t i = 0;
        for (uint32_t idx : changed) {
            AvatarState a = cur.avatars[idx];
            int64_t gap = int64_t(a.id.v) - prev;
            if (!s.serializeInt(gap, 1, kMaxParticipants)) return false;
            prev = a.id.v;
            while (i < b.avatars.size() && b.avatars[i].id.v < a.id.v) ++i;
            const AvatarState* old = (i < b.avatars.size() && b.avatars[i].id.v == a.id.v) ? &b.avatars[i] : nullptr;
            bool isNew = old == nullptr;
            if (!serializeBool(s, isNew)) return false;
            if (!serializeAvatarFields(s, a, old)) return false;
        }
    }
    return true;
}

// Codes one avatar's fields, each behind a changed bit when a baseline exists. On reading with a
// baseline, `a` holds the baseline values on entry. Defined after the delta for readability.
template <typename S>
bool serializeAvatarFields(S& s, AvatarState& a, const AvatarState* old) {
    if (!old) {
        if (!serializeCentimetres(s, a.x)) return false;
        if (!serializeCentimetres(s, a.z)) return false;
        if (!serializeYaw(s, a.yaw)) return false;
        if (!serializeInt(s, a.anim, 0, int(Anim::Count) - 1)) return false;
        return true;
    }
    const AvatarState base = *old;
    // Each value quantized once (the writer runs per client per tick on the server). Reading,
    // `a` holds the baseline, so these say "unchanged" until the bits say otherwise.
    const int64_t ax = toCentimetres(a.x), bx = toCentimetres(base.x), az = toCentimetres(a.z), bz = toCentimetres(base.z);
    bool cx = ax != bx;
    bool cz = az != bz;
    bool cy = toYawStep(a.yaw) != toYawStep(base.yaw);
    bool ca = a.anim != base.anim;
    if (!serializeBool(s, cx) || (cx && !serializeCentimetresDelta(s, a.x, ax, bx))) return false;
    if (!serializeBool(s, cz) || (cz && !serializeCentimetresDelta(s, a.z, az, bz))) return false;
    if (!serializeBool(s, cy) || (cy && !serializeYaw(s, a.yaw))) return false;
    if (!serializeBool(s, ca) || (ca && !serializeInt(s, a.anim, 0, int(Anim::Count) - 1))) return false;
    return true;
}

}  // namespace net
