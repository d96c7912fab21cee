// fuzz_snapshot: snapshot deltas (net/protocol/snapshot.h) decoded against a baseline.
//
// Input: u16 length, a full snapshot packet (the baseline), then a delta packet. The baseline is
// decoded first; when it does not decode the delta is read against an empty frame. Checks:
//   - decoding never crashes, whatever the bytes, baseline or delta;
//   - a decoded frame has sorted unique ids in range and coordinates inside the hall;
//   - the decoded frame, encoded again against the same baseline, decodes to the same frame.
#include <cstdint>
#include <span>

#include "net/protocol/messages.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

void checkFrame(const net::SnapshotFrame& f) {
    for (size_t i = 0; i < f.avatars.size(); ++i) {
        const net::AvatarState& a = f.avatars[i];
        FUZZ_CHECK(a.id.v >= 1 && a.id.v <= net::kMaxParticipants);
        if (i) FUZZ_CHECK(f.avatars[i - 1].id.v < a.id.v);
        FUZZ_CHECK(a.x >= 0 && a.x <= net::kMaxHallSize && a.z >= 0 && a.z <= net::kMaxHallSize);
        FUZZ_CHECK(int(a.anim) < int(net::Anim::Count));
    }
}

bool sameQuantized(const net::SnapshotFrame& a, const net::SnapshotFrame& b) {
    if (a.avatars.size() != b.avatars.size()) return false;
    for (size_t i = 0; i < a.avatars.size(); ++i) {
        const net::AvatarState &p = a.avatars[i], &q = b.avatars[i];
        if (p.id.v != q.id.v || p.anim != q.anim || net::toCentimetres(p.x) != net::toCentimetres(q.x) ||
            net::toCentimetres(p.z) != net::toCentimetres(q.z) || net::toYawStep(p.yaw) != net::toYawStep(q.yaw))
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::InputReader in(data, size);
    std::span<const uint8_t> basePacket = in.slice(net::kMaxMessageBytes);
    std::span<const uint8_t> deltaPacket = in.rest();

    net::SnapshotMsg base;
    // decodeSnapshot takes its lookup as a temporary (an lvalue callable does not compile).
    bool haveBase = net::decodeSnapshot(basePacket, base, [](uint32_t) -> const net::SnapshotFrame* { return nullptr; });
    if (haveBase) checkFrame(base.frame);

    // The receiver keeps this one baseline, under whatever tick the delta asks for.
    net::SnapshotFrame baseline = haveBase ? base.frame : net::SnapshotFrame{};
    auto lookup = [&] {
        return [&](uint32_t tick) -> const net::SnapshotFrame* {
            baseline.tick = tick;
            return &baseline;
        };
    };
    // As the first of a packet of two (protocol 8): it reads a prefix of the packet, and the rest
    // decodes (or not) against it, never past the end.
    {
        net::SnapshotMsg first;
        size_t used = 0;
        if (net::decodeSnapshot(deltaPacket, first, lookup(), &used)) {
            FUZZ_CHECK(used > 0 && used <= deltaPacket.size());
            checkFrame(first.frame);
            const std::span<const uint8_t> rest = deltaPacket.subspan(used);
            net::SnapshotMsg second;
            size_t used2 = 0;
            if (!rest.empty() &&
                net::decodeSnapshot(rest, second,
                                    [&](uint32_t t) -> const net::SnapshotFrame* { return t == first.tick ? &first.frame : nullptr; },
                                    &used2)) {
                FUZZ_CHECK(used2 > 0 && used2 <= rest.size());
                checkFrame(second.frame);
            }
        }
    }

    net::SnapshotMsg delta;
    if (!net::decodeSnapshot(deltaPacket, delta, lookup())) return 0;
    checkFrame(delta.frame);

    // Encode the result again against the same baseline: it must decode to the same frame.
    const net::SnapshotFrame* ref = delta.baselineTick ? &baseline : nullptr;
    if (ref) baseline.tick = delta.baselineTick;
    net::Bytes again = net::encodeSnapshot(delta, ref);
    FUZZ_CHECK(!again.empty());
    net::SnapshotMsg back;
    FUZZ_CHECK(net::decodeSnapshot(again, back, lookup()));
    FUZZ_CHECK(back.tick == delta.tick && back.baselineTick == delta.baselineTick && back.lastInput == delta.lastInput);
    FUZZ_CHECK(sameQuantized(back.frame, delta.frame));
    return 0;
}
