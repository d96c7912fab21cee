// interest_bench.cpp: the server's per-tick snapshot work for a crowd, without sockets: bucket the
// avatars, build every client's frame (interest, budget, priorities) and encode it against the
// acknowledged baseline. Google Benchmark; not a test.
//
//   build/bin/interest_bench --benchmark_counters_tabular=true
//
// The crowd: avatars clustered around 16 booths in a 120 x 80 m hall, 30% walking at 1.4 m/s
// (turning now and then), the rest standing; clients acknowledge every second snapshot two ticks
// late (protocol 7: an input packet, which carries the ack, every second tick). The history is the
// server's (server/core/frame_history.h) or, with history:0, a ring of 32 frames by tick % 32.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "net/protocol/messages.h"
#include "server/core/frame_history.h"
#include "server/core/interest.h"
#include "server/core/worker_pool.h"

namespace {

struct Crowd {
    std::vector<net::AvatarState> avatars;
    std::vector<float> heading;
    std::vector<bool> walking;
    std::mt19937 rng{7};

    explicit Crowd(int n) {
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        std::normal_distribution<float> spread(0.0f, 3.0f);
        for (int i = 0; i < n; ++i) {
            int booth = i % 16;
            float bx = 15.0f + float(booth % 4) * 30.0f, bz = 12.0f + float(booth / 4) * 18.0f;
            net::AvatarState a{};
            a.id = net::ParticipantId{uint16_t(i + 1)};
            a.x = std::clamp(bx + spread(rng), 1.0f, 119.0f);
            a.z = std::clamp(bz + spread(rng), 1.0f, 79.0f);
            a.yaw = u(rng) * 6.2831853f;
            quantize(a);
            avatars.push_back(a);
            heading.push_back(u(rng) * 6.2831853f);
            walking.push_back(u(rng) < 0.3f);
        }
    }
    static void quantize(net::AvatarState& a) {
        a.x = float(net::toCentimetres(a.x)) / 100.0f;
        a.z = float(net::toCentimetres(a.z)) / 100.0f;
        a.yaw = net::fromYawStep(net::toYawStep(a.yaw));
    }
    void step(float dt) {
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        for (size_t i = 0; i < avatars.size(); ++i) {
            auto& a = avatars[i];
            if (!walking[i]) { a.anim = net::Anim::Idle; continue; }
            if (u(rng) < 0.01f) heading[i] = u(rng) * 6.2831853f;
            a.x = std::clamp(a.x + std::cos(heading[i]) * 1.4f * dt, 1.0f, 119.0f);
            a.z = std::clamp(a.z + std::sin(heading[i]) * 1.4f * dt, 1.0f, 79.0f);
            a.yaw = heading[i];
            a.anim = net::Anim::Walk;
            quantize(a);
        }
    }
};

void BM_SnapshotTick(benchmark::State& state) {
    const int n = int(state.range(0));
    const bool prefetch = state.range(1) != 0;  // as the server does: the next client's state
    const bool warm = state.range(2) != 0;      // FrameHistory, not a ring by tick
    Crowd crowd(n);
    server::Interest interest;
    constexpr uint32_t kRing = uint32_t(server::FrameHistory::kFrames);
    struct Client {
        server::InterestClient ic;
        server::FrameHistory history;
        net::SnapshotFrame ring[kRing];
    };
    std::vector<Client> clients;
    clients.resize(size_t(n));
    uint32_t tick = 1;
    uint64_t bytes = 0, snapshots = 0;
    net::Bytes packet;
    for (auto _ : state) {
        crowd.step(1.0f / 30.0f);
        interest.update(crowd.avatars, {120, 80});
        const uint32_t acked = tick > 3 ? (tick - 2) & ~1u : 0;
        auto baseOf = [&](Client& cl) -> const net::SnapshotFrame* {
            if (!acked) return nullptr;
            if (warm) return cl.history.baseline(tick, acked);
            const net::SnapshotFrame* base = &cl.ring[acked % kRing];
            return base->tick == acked ? base : nullptr;
        };
        auto slotOf = [&](Client& cl) -> const net::SnapshotFrame& {
            return warm ? cl.history.peek(tick, acked) : cl.ring[tick % kRing];
        };
        for (int c = 0; c < n; ++c) {
            Client& cl = clients[size_t(c)];
            const net::SnapshotFrame* base = baseOf(cl);
            net::SnapshotFrame& slot = warm ? cl.history.slotFor(tick, acked) : cl.ring[tick % kRing];
            if (prefetch && c + 1 < n) {
                Client& next = clients[size_t(c) + 1];
                server::Interest::prefetch(next.ic, baseOf(next), slotOf(next));
            }
            interest.build(cl.ic, crowd.avatars[size_t(c)].id, base, tick, slot);
            net::SnapshotMsg msg;
            msg.tick = tick;
            msg.baselineTick = base ? base->tick : 0;
            msg.frame.tick = tick;
            msg.frame.avatars.swap(slot.avatars);
            net::encodeSnapshotInto(msg, base, packet);  // reused, as the server does
            slot.avatars.swap(msg.frame.avatars);
            if (warm) cl.history.commit(slot, tick);
            else slot.tick = tick;
            bytes += packet.size();
            ++snapshots;
        }
        ++tick;
    }
    state.counters["ms_per_tick"] = benchmark::Counter(double(state.iterations()) * 1e-3,
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["bytes_per_snapshot"] = double(bytes) / double(std::max<uint64_t>(snapshots, 1));
}
BENCHMARK(BM_SnapshotTick)
    ->ArgsProduct({{200, 1000, 2000}, {0, 1}, {0, 1}})
    ->ArgNames({"clients", "prefetch", "history"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(400);  // the crowd evolves as it runs: the same ticks for every variant

// The same work split over threads as the server splits it (WorkerPool, chunks of 32 clients,
// each thread its own Interest scratch), the server's history and prefetch: what a second core
// buys. On a quiet machine two threads should come close to half the time of one; threads that
// share a cache line (false sharing) fall well short of it.
void BM_SnapshotTickThreads(benchmark::State& state) {
    const int n = int(state.range(0));
    const unsigned threads = unsigned(state.range(1));
    Crowd crowd(n);
    server::Interest interest;
    server::WorkerPool pool(threads);
    interest.setWorkers(pool.size());
    struct Client {
        server::InterestClient ic;
        server::FrameHistory history;
        net::Bytes packet;
    };
    std::vector<Client> clients(static_cast<size_t>(n));
    uint32_t tick = 1;
    for (auto _ : state) {
        crowd.step(1.0f / 30.0f);
        interest.update(crowd.avatars, {120, 80});
        const uint32_t acked = tick > 3 ? (tick - 2) & ~1u : 0;
        pool.parallelFor(size_t(n), 32, [&](size_t begin, size_t end, unsigned worker) {
            for (size_t c = begin; c < end; ++c) {
                Client& cl = clients[c];
                const net::SnapshotFrame* base = acked ? cl.history.baseline(tick, acked) : nullptr;
                net::SnapshotFrame& slot = cl.history.slotFor(tick, acked);
                if (c + 1 < end) {
                    Client& next = clients[c + 1];
                    server::Interest::prefetch(next.ic, acked ? next.history.baseline(tick, acked) : nullptr,
                                               next.history.peek(tick, acked));
                }
                interest.build(cl.ic, crowd.avatars[c].id, base, tick, slot, worker);
                net::SnapshotMsg msg;
                msg.tick = tick;
                msg.baselineTick = base ? base->tick : 0;
                msg.frame.tick = tick;
                msg.frame.avatars.swap(slot.avatars);
                net::encodeSnapshotInto(msg, base, cl.packet);
                slot.avatars.swap(msg.frame.avatars);
                cl.history.commit(slot, tick);
            }
        });
        ++tick;
    }
    state.counters["ms_per_tick"] = benchmark::Counter(double(state.iterations()) * 1e-3,
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SnapshotTickThreads)
    ->ArgsProduct({{2000}, {1, 2}})
    ->ArgNames({"clients", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(400);

// A client's side: decoding what it is sent. 64 people in view, 30% walking, each tick coded
// against the one before (the second of a packet's pair); every client decodes 30 a second.
void BM_DecodeSnapshot(benchmark::State& state) {
    Crowd crowd(2000);
    std::vector<net::SnapshotFrame> frames;
    std::vector<net::Bytes> packets;
    for (uint32_t t = 1; t <= 64; ++t) {
        crowd.step(1.0f / 30.0f);
        net::SnapshotFrame f;
        f.tick = t;
        f.avatars.assign(crowd.avatars.begin(), crowd.avatars.begin() + 64);
        net::SnapshotMsg msg{.tick = t, .baselineTick = t > 1 ? t - 1 : 0, .lastInput = t, .people = 2000, .frame = f};
        packets.push_back(net::encodeSnapshot(msg, t > 1 ? &frames.back() : nullptr));
        frames.push_back(std::move(f));
    }
    net::SnapshotMsg out;
    size_t decoded = 0;
    for (auto _ : state) {
        for (size_t i = 1; i < packets.size(); ++i) {
            const bool ok = net::decodeSnapshot(packets[i], out, [&](uint32_t tick) -> const net::SnapshotFrame* {
                return tick >= 1 && tick <= frames.size() ? &frames[tick - 1] : nullptr;
            });
            if (!ok) state.SkipWithError("decode failed");
            benchmark::DoNotOptimize(out.frame.avatars.data());
            ++decoded;
        }
    }
    state.counters["us_per_snapshot"] = benchmark::Counter(double(decoded) * 1e-6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DecodeSnapshot);

}  // namespace

BENCHMARK_MAIN();
