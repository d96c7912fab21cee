// Asset delivery over real ENet on 127.0.0.1 and the real clock: a big download by two clients
// while they walk. Prints the throughput and the snapshot rate each client saw during it; fails
// when snapshots are lost, slow down or stall, or the download is slow (the asset window and tick
// budget keep the bulk transfer from crowding the snapshots out; the whole-file check runs on a
// worker, so the thread that pumps the connection never stops for it).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "client/core/asset_cache.h"
#include "client/core/connection.h"
#include "net/asset/hash.h"
#include "net/transport/enet_transport.h"
#include "server/core/asset_service.h"
#include "server/core/event_server.h"

namespace fs = std::filesystem;

namespace {

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

class OneFile final : public server::AssetSource {
public:
    explicit OneFile(std::vector<uint8_t> b) : bytes(std::move(b)), hash(net::asset::hashOf(bytes)) {}
    std::optional<net::AssetHash> forExhibit(const std::string&) override { return hash; }
    std::optional<uint64_t> size(const net::AssetHash& h, std::string& error) override {
        if (h != hash) { error = "missing"; return std::nullopt; }
        return bytes.size();
    }
    bool readRange(const net::AssetHash& h, uint64_t offset, size_t n, std::vector<uint8_t>& out, std::string& error) override {
        if (h != hash || offset + n > bytes.size()) { error = "missing"; return false; }
        out.assign(bytes.begin() + long(offset), bytes.begin() + long(offset + n));
        return true;
    }
    std::vector<uint8_t> bytes;
    net::AssetHash hash;
};

}  // namespace

TEST(AssetEnet, BigDownloadKeepsSnapshotsFlowingOverUdp) {
    const size_t size = 8u << 20;
    std::vector<uint8_t> bytes(size);
    std::mt19937 rng(7);
    for (auto& b : bytes) b = uint8_t(rng());
    OneFile src(std::move(bytes));

    net::EventLayout ev;
    ev.name = {"测试", "Test"};
    ev.hallSize = {60, 40};
    ev.spawn = {30, 30};
    net::Booth booth;
    booth.center = {30, 10};
    booth.exhibits.push_back({.asset = "models/press.glb"});
    ev.booths.push_back(booth);

    std::string error;
    auto serverTransport = net::EnetTransport::listen({.bindAddress = "127.0.0.1", .port = 0}, &error);
    ASSERT_TRUE(serverTransport) << error;
    server::ServerDesc desc;
    desc.assets.source = &src;
    server::EventServer server(desc, ev, *serverTransport, nullptr);
    std::atomic<bool> stop{false};
    std::atomic<uint32_t> serverTick{0};
    std::thread serverThread([&] {
        while (!stop) {
            server.update({.monoMs = monoMs(), .unixMs = 0});
            serverTick = server.tick();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });

    const fs::path dir = fs::temp_directory_path() / ("dockhall_asset_enet_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    struct C {
        std::unique_ptr<net::EnetTransport> t;
        std::unique_ptr<client::AssetCache> cache;
        std::unique_ptr<client::Connection> conn;
    };
    std::vector<C> clients;
    // Connects two clients, with asset delivery or without, and waits until both are in.
    auto connectAll = [&](bool assets) {
        clients.clear();
        clients.resize(2);
        for (size_t i = 0; i < clients.size(); ++i) {
            clients[i].t = net::EnetTransport::connect({.host = "127.0.0.1", .port = serverTransport->port()}, &error);
            ASSERT_TRUE(clients[i].t) << error;
            clients[i].cache = std::make_unique<client::AssetCache>((dir / std::to_string(i)).string());
            clients[i].conn = std::make_unique<client::Connection>(
                *clients[i].t,
                client::JoinRequest{"客" + std::to_string(i), "宁夏大学", net::Role::Attendee, "", net::kProtocolVersion}, monoMs());
            if (assets) clients[i].conn->enableAssets(*clients[i].cache);
        }
    };
    // First two seconds of walking with nothing to download: the snapshot rate to compare with.
    connectAll(false);
    uint64_t idleStart = 0, idleSnaps = 0, nextIdleInput = 0;
    for (uint64_t end = monoMs() + 10000; monoMs() < end;) {
        const uint64_t now = monoMs();
        bool joined = true;
        for (C& c : clients) {
            c.conn->update(now);
            joined = joined && c.conn->state() == client::ConnState::Joined;
        }
        if (joined && idleStart == 0) {
            idleStart = now;
            idleSnaps = clients[0].conn->stats().snapshots;
        }
        if (joined && now >= nextIdleInput) {
            nextIdleInput = now + 33;
            for (C& c : clients) {
                c.conn->sendInput({c.conn->nextInputSeq(), 0.2f, 0.0f, 0.0f, false});
                c.t->flush();
            }
        }
        if (idleStart && now - idleStart >= 2000) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_NE(idleStart, 0u);
    const double idleRate = double(clients[0].conn->stats().snapshots - idleSnaps) / (double(monoMs() - idleStart) / 1000.0);
    std::printf("snapshots with no download: %.1f Hz\n", idleRate);
    for (C& c : clients) c.conn->disconnect();
    connectAll(true);
    auto done = [&](const C& c) { return c.conn->assets() && !c.conn->assets()->files().empty() && !c.conn->assets()->busy(); };
    std::vector<uint64_t> snapsAtStart(clients.size()), lastSnaps(clients.size()), lastAt(clients.size()),
        maxGap(clients.size()), lost(clients.size()), doneAt(clients.size());
    std::vector<uint32_t> lastTick(clients.size());
    uint64_t start = 0, nextInput = 0;
    uint32_t tickAtStart = 0;
    const uint64_t deadline = monoMs() + 60000;
    while (monoMs() < deadline) {
        const uint64_t now = monoMs();
        bool allDone = true;
        for (size_t i = 0; i < clients.size(); ++i) {
            C& c = clients[i];
            c.conn->update(now);
            if (c.conn->state() != client::ConnState::Joined) { allDone = false; continue; }
            if (start == 0 && c.conn->assets()->heldBytes() > 0) {
                start = now;
                tickAtStart = serverTick;
                for (size_t k = 0; k < clients.size(); ++k) {
                    snapsAtStart[k] = lastSnaps[k] = clients[k].conn->stats().snapshots;
                    lastAt[k] = now;
                }
            }
            if (start && !done(c)) {
                const uint64_t s = c.conn->stats().snapshots;
                if (s != lastSnaps[i]) {
                    maxGap[i] = std::max(maxGap[i], now - lastAt[i]);
                    // Ticks the newest snapshot moved on by, less the snapshots that came (two may
                    // arrive in one update): the rest were lost on the way.
                    const uint32_t tick = c.conn->world().latestTick();
                    if (lastTick[i] != 0 && tick - lastTick[i] > s - lastSnaps[i]) lost[i] += tick - lastTick[i] - (s - lastSnaps[i]);
                    lastTick[i] = tick;
                    lastAt[i] = now;
                    lastSnaps[i] = s;
                }
            }
            if (start && done(c) && doneAt[i] == 0) doneAt[i] = now;
            allDone = allDone && done(c);
        }
        if (now >= nextInput) {
            nextInput = now + 33;
            for (C& c : clients)
                if (c.conn->state() == client::ConnState::Joined) {
                    net::MoveInput in{c.conn->nextInputSeq(), 0.2f, 0.0f, 0.0f, false};
                    c.conn->sendInput(in);
                    c.t->flush();
                }
        }
        if (allDone && start) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const double seconds = double(monoMs() - start) / 1000.0;
    std::printf("server ticks during the download: %.1f Hz\n", double(serverTick - tickAtStart) / seconds);
    stop = true;
    serverThread.join();
    for (size_t i = 0; i < clients.size(); ++i) {
        auto* f = clients[i].conn->assets();
        ASSERT_TRUE(f && !f->files().empty());
        EXPECT_EQ(f->files()[0].state, client::FetchState::Done) << f->files()[0].error;
        // The rate over this client's own download (until its file was checked and kept).
        const double own = double(doneAt[i] - start) / 1000.0;
        const double rate = double(lastSnaps[i] - snapsAtStart[i]) / own;
        const double mibPerS = double(clients.size() * size) / (1024.0 * 1024.0) / seconds;
        std::printf("client %zu: %zu MiB in %.2f s over ENet on 127.0.0.1 (%.1f MiB/s for the %zu together); "
                    "snapshots %.1f Hz during it, %llu lost, longest gap %llu ms\n",
                    i, size >> 20, own, mibPerS, clients.size(), rate, (unsigned long long)lost[i],
                    (unsigned long long)maxGap[i]);
        // Measured on an idle 2-core machine: 30.0 Hz idle, 29.5-30.1 Hz during the download, none
        // lost, longest gap 40-72 ms, 6.6-7.1 MiB/s. (Before the whole-file check moved to a worker
        // the pumping thread stopped for it, 25.7-27.5 Hz and gaps up to 135 ms.) The margins are
        // for a loaded CI machine: a hitch of the test's own thread shows as a late pair, not a loss.
        EXPECT_GE(rate, idleRate * 0.9) << "snapshots slowed down during the download";
        EXPECT_LE(lost[i], uint64_t(1 + own * 30 * 0.02)) << "snapshots lost during the download";
        EXPECT_LE(maxGap[i], 200u);
        EXPECT_GE(mibPerS, 3.0) << "the download is slow";
    }
    fs::remove_all(dir);
}
