// A crowd over real ENet on 127.0.0.1, in one process: 200 bots join at once, every one receives
// snapshots and sees the people standing next to it; a full hall refuses in words, not a timeout.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "client/core/bot.h"
#include "client/core/connection.h"
#include "net/transport/enet_transport.h"
#include "server/host/host.h"

namespace {

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

const std::string kEvent = std::string(DOCKHALL_SOURCE_DIR) + "/assets/events/sample.json";

struct RunningServer {
    explicit RunningServer(uint16_t maxParticipants, std::string statsJsonPath = {}) {
        std::string error;
        host = std::make_unique<server::Host>();
        ok = host->start({.bindAddress = "127.0.0.1", .port = 0, .eventPath = kEvent, .dbPath = ":memory:",
                          .maxParticipants = maxParticipants, .statsJsonPath = statsJsonPath, .statsWindowSeconds = 3},
                         error);
        EXPECT_TRUE(ok) << error;
        if (ok) thread = std::thread([this] { host->run(stop); });
    }
    ~RunningServer() {
        stop = true;
        if (thread.joinable()) thread.join();
    }
    std::unique_ptr<server::Host> host;
    bool ok = false;
    std::atomic<bool> stop{false};
    std::thread thread;
};

struct BotClient {
    std::unique_ptr<net::EnetTransport> transport;
    std::unique_ptr<client::Connection> conn;
    std::unique_ptr<client::Bot> bot;
};

std::vector<BotClient> makeBots(uint16_t port, int n, float moving) {
    std::vector<BotClient> bots(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        std::string error;
        auto& b = bots[size_t(i)];
        b.transport = net::EnetTransport::connect({.host = "127.0.0.1", .port = port, .timeoutMs = 10000,
                                                   .socketRecvBuffer = 256 * 1024, .socketSendBuffer = 64 * 1024},
                                                  &error);
        EXPECT_TRUE(b.transport) << error;
        if (!b.transport) continue;
        b.conn = std::make_unique<client::Connection>(
            *b.transport, client::JoinRequest{"Bot-" + std::to_string(i + 1), "宁夏大学", net::Role::Attendee, "", net::kProtocolVersion},
            monoMs());
        b.bot = std::make_unique<client::Bot>(*b.conn, client::BotDesc{.seed = uint32_t(i + 1), .movingShare = moving, .chatPerMinute = 0});
        b.transport->flush();
    }
    return bots;
}

// One client tick for every bot: receive, steer and send.
void tickAll(std::vector<BotClient>& bots, uint64_t now) {
    for (auto& b : bots) {
        if (!b.conn) continue;
        b.conn->update(now);
        b.bot->tick(now);
        b.transport->flush();
    }
}

TEST(CrowdEnet, TwoHundredBotsReceiveSnapshotsAndSeeTheirNeighbours) {
    const std::filesystem::path statsPath =
        std::filesystem::temp_directory_path() / ("dockhall-crowd-stats-" + std::to_string(::getpid()) + ".json");
    std::filesystem::remove(statsPath);
    RunningServer server(400, statsPath.string());
    ASSERT_TRUE(server.ok);
    const int kBots = 200;
    auto bots = makeBots(server.host->port(), kBots, 0.3f);

    // Join storm: everyone in within 10 s (it takes well under one on an idle machine).
    const uint64_t start = monoMs();
    auto joined = [&] {
        int n = 0;
        for (auto& b : bots) n += b.conn && b.conn->state() == client::ConnState::Joined;
        return n;
    };
    while (joined() < kBots && monoMs() - start < 10000) {
        tickAll(bots, monoMs());
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(joined(), kBots);
    int refused = 0;
    for (auto& b : bots) refused += b.conn->state() == client::ConnState::Refused;
    EXPECT_EQ(refused, 0);

    // Three seconds of the hall at 30 Hz.
    std::vector<uint64_t> snapsBefore;
    for (auto& b : bots) snapsBefore.push_back(b.conn->stats().snapshots);
    const uint64_t until = monoMs() + 3000;
    uint64_t next = monoMs();
    while (monoMs() < until) {
        uint64_t now = monoMs();
        if (now >= next) {
            tickAll(bots, now);
            next += 1000 / net::kTickRate;
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<uint64_t>(next - now, 5)));
        }
    }
    // Stop moving, and let the last states arrive.
    for (int i = 0; i < 15; ++i) {
        for (auto& b : bots) b.conn->update(monoMs());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    // Every bot received snapshots all along (at least a third of the ticks even on a busy CI box).
    for (size_t i = 0; i < bots.size(); ++i)
        EXPECT_GT(bots[i].conn->stats().snapshots - snapsBefore[i], 30u) << "bot " << i + 1;

    // Every bot sees the bots standing within 2 m of it (by where they say they are).
    std::vector<net::AvatarState> where;
    for (auto& b : bots) where.push_back(b.conn->world().selfState().value_or(net::AvatarState{}));
    int checked = 0, missing = 0;
    for (size_t i = 0; i < bots.size(); ++i) {
        const auto& shown = bots[i].conn->world().interpolate(monoMs(), 0.0f);
        for (size_t j = 0; j < bots.size(); ++j) {
            if (i == j) continue;
            float dx = where[i].x - where[j].x, dz = where[i].z - where[j].z;
            if (dx * dx + dz * dz > 4.0f) continue;
            ++checked;
            bool seen = std::any_of(shown.begin(), shown.end(), [&](const client::ShownAvatar& s) { return s.id == where[j].id; });
            missing += !seen;
        }
    }
    EXPECT_GT(checked, kBots);  // the spawn spiral and booths keep people close together
    EXPECT_EQ(missing, 0) << "of " << checked << " neighbour pairs";

    // --stats-json: what the server measured over its last window (written again on exit).
    server.stop = true;
    server.thread.join();
    std::ifstream in(statsPath);
    ASSERT_TRUE(in) << statsPath;
    const nlohmann::json stats = nlohmann::json::parse(in, nullptr, false);
    ASSERT_TRUE(stats.is_object());
    EXPECT_EQ(stats.value("clients", 0), kBots);
    EXPECT_GT(stats.value("ticks", 0), 30);
    EXPECT_GT(stats.value("tick_ms_p50", 0.0), 0.0);
    EXPECT_GE(stats.value("tick_ms_p99", 0.0), stats.value("tick_ms_p50", 0.0));
    EXPECT_GT(stats.value("inputs_received", 0), 0);
    EXPECT_GT(stats.value("packets_out_per_s", 0.0), 0.0);
    EXPECT_GT(stats.value("bytes_in_per_s", 0.0), 0.0);
    // The process's CPU time a second (all threads) and the reading done between ticks, which
    // the tick's own times leave out.
    EXPECT_GT(stats.value("cpu_share", 0.0), 0.0);
    EXPECT_LT(stats.value("cpu_share", 99.0), double(std::thread::hardware_concurrency()) + 0.5);
    EXPECT_GE(stats.value("idle_receive_ms_per_tick", -1.0), 0.0);
    EXPECT_GE(stats.value("tick_reads_cut", -1), 0);  // present (how many depends on the load)
    std::filesystem::remove(statsPath);
}

TEST(CrowdEnet, AFullHallRefusesInWordsNotByTimeout) {
    RunningServer server(3);
    ASSERT_TRUE(server.ok);
    auto bots = makeBots(server.host->port(), 4, 0.0f);
    const uint64_t start = monoMs();
    auto settled = [&] {
        for (auto& b : bots)
            if (b.conn->state() == client::ConnState::Connecting || b.conn->state() == client::ConnState::Handshaking) return false;
        return true;
    };
    while (!settled() && monoMs() - start < 5000) {
        tickAll(bots, monoMs());
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_LT(monoMs() - start, 3000u) << "the refusal must come quickly, not after a timeout";
    int joined = 0, full = 0;
    for (auto& b : bots) {
        joined += b.conn->state() == client::ConnState::Joined;
        if (b.conn->state() == client::ConnState::Refused) {
            ++full;
            EXPECT_EQ(b.conn->refuseReason(), net::RefuseReason::HallFull);
            EXPECT_NE(b.conn->refusalText().find("full"), std::string::npos) << b.conn->refusalText();
            EXPECT_NE(b.conn->refusalText().find("会场已满"), std::string::npos) << b.conn->refusalText();
        }
    }
    EXPECT_EQ(joined, 3);
    EXPECT_EQ(full, 1);
}

}  // namespace
