// Over real ENet on 127.0.0.1: two clients see each other move within 200 ms, chat arrives once
// and in order, an old client is refused in words, and records survive a server restart.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "client/core/connection.h"
#include "net/transport/enet_transport.h"
#include "server/host/host.h"

namespace {

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

const std::string kEvent = std::string(DOCKHALL_SOURCE_DIR) + "/assets/events/sample.json";

// A server host on its own thread, on the first free port from a base.
struct RunningServer {
    explicit RunningServer(const std::string& db) {
        for (uint16_t p = 27000 + uint16_t(::getpid() % 2000); p < 65000; p += 7) {
            std::string error;
            host = std::make_unique<server::Host>();
            if (host->start({.bindAddress = "127.0.0.1", .port = p, .eventPath = kEvent, .dbPath = db}, error)) {
                port = p;
                break;
            }
            EXPECT_EQ(error.find("event"), std::string::npos) << error;  // only port clashes may retry
        }
        thread = std::thread([this] { host->run(stop); });
    }
    ~RunningServer() {
        stop = true;
        thread.join();
    }
    std::unique_ptr<server::Host> host;
    uint16_t port = 0;
    std::atomic<bool> stop{false};
    std::thread thread;
};

struct Client {
    Client(uint16_t port, const std::string& name, uint16_t version = net::kProtocolVersion) {
        std::string error;
        transport = net::EnetTransport::connect({.host = "127.0.0.1", .port = port, .timeoutMs = 5000}, &error);
        EXPECT_TRUE(transport) << error;
        conn = std::make_unique<client::Connection>(*transport, client::JoinRequest{name, "宁夏大学机械工程学院", net::Role::Attendee, "", version},
                                                    monoMs());
    }
    std::unique_ptr<net::EnetTransport> transport;
    std::unique_ptr<client::Connection> conn;
};

// Pumps clients (and sends their inputs at 30 Hz) until `done` or the deadline.
template <typename F>
bool pumpUntil(std::vector<Client*> clients, uint64_t timeoutMs, F&& done, const net::MoveInput* walk = nullptr,
               Client* walker = nullptr) {
    uint64_t end = monoMs() + timeoutMs, nextInput = 0;
    while (monoMs() < end) {
        uint64_t now = monoMs();
        for (auto* c : clients) c->conn->update(now);
        if (walk && walker && now >= nextInput) {
            nextInput = now + 33;
            net::MoveInput in = *walk;
            in.seq = walker->conn->nextInputSeq();
            walker->conn->sendInput(in);
            walker->transport->flush();
        }
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

std::string tempDb(const char* name) {
    auto dir = std::filesystem::temp_directory_path() / ("dockhall-it-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto p = dir / name;
    std::filesystem::remove(p);
    return p.string();
}

}  // namespace

TEST(EnetIntegration, TwoClientsSeeEachOtherMoveAndChat) {
    RunningServer server(":memory:");
    ASSERT_NE(server.port, 0);
    Client a(server.port, "王磊"), b(server.port, "Li Na");
    ASSERT_TRUE(pumpUntil({&a, &b}, 5000, [&] {
        return a.conn->state() == client::ConnState::Joined && b.conn->state() == client::ConnState::Joined &&
               a.conn->world().participants().size() == 2 && b.conn->world().participants().size() == 2 &&
               b.conn->world().snapshotsReceived() > 5;
    }));
    EXPECT_EQ(b.conn->world().participant(a.conn->world().self())->name, "王磊");

    // a starts walking; b must see a's avatar move within 200 ms of the first input.
    auto shownX = [&](Client& viewer, net::ParticipantId who) -> float {
        for (const auto& s : viewer.conn->world().interpolate(monoMs(), 0.016f))
            if (s.id == who) return s.x;
        return -1;
    };
    float x0 = shownX(b, a.conn->world().self());
    ASSERT_GT(x0, 0);
    net::MoveInput east{0, 1.0f, 0.0f, 1.57f, false};
    uint64_t t0 = monoMs();
    bool moved = pumpUntil({&a, &b}, 2000, [&] { return shownX(b, a.conn->world().self()) > x0 + 0.01f; }, &east, &a);
    uint64_t seenAfter = monoMs() - t0;
    EXPECT_TRUE(moved);
    EXPECT_LE(seenAfter, 200u) << "b saw a move only after " << seenAfter << " ms";

    // Chat: each line reaches both, exactly once, in the same order for both (the server's);
    // a's two lines keep their order, b's line may land anywhere among them.
    a.conn->sendChat("第一条");
    b.conn->sendChat("second line");
    a.conn->sendChat("third 第三条");
    ASSERT_TRUE(pumpUntil({&a, &b}, 3000, [&] {
        return a.conn->world().chat().size() >= 3 && b.conn->world().chat().size() >= 3;
    }));
    pumpUntil({&a, &b}, 200, [] { return false; });  // any duplicate would arrive now
    std::vector<std::string> seenBy[2];
    for (int k = 0; k < 2; ++k) {
        for (const auto& line : (k == 0 ? a : b).conn->world().chat()) seenBy[k].push_back(line.text);
        ASSERT_EQ(seenBy[k].size(), 3u);
        const auto at = [&](const char* text) { return std::find(seenBy[k].begin(), seenBy[k].end(), text) - seenBy[k].begin(); };
        EXPECT_LT(at("第一条"), at("third 第三条"));
        EXPECT_LT(at("second line"), 3);
    }
    EXPECT_EQ(seenBy[0], seenBy[1]);
}

TEST(EnetIntegration, WrongProtocolVersionGetsTheRefusalMessage) {
    RunningServer server(":memory:");
    Client old(server.port, "old", net::kProtocolVersion + 1);
    ASSERT_TRUE(pumpUntil({&old}, 5000, [&] { return old.conn->state() == client::ConnState::Refused; }));
    EXPECT_EQ(old.conn->refuseReason(), net::RefuseReason::VersionMismatch);
    EXPECT_NE(old.conn->refusalText().find("protocol"), std::string::npos);
}

TEST(EnetIntegration, ChatAndParticipantsSurviveARestart) {
    const std::string db = tempDb("restart.sqlite");
    {
        RunningServer server(db);
        Client a(server.port, "王磊");
        ASSERT_TRUE(pumpUntil({&a}, 5000, [&] { return a.conn->state() == client::ConnState::Joined; }));
        a.conn->sendChat("记录在案 / on the record");
        ASSERT_TRUE(pumpUntil({&a}, 3000, [&] { return a.conn->world().chat().size() == 1; }));  // acknowledged
    }
    RunningServer again(db);
    Client b(again.port, "Li Na");
    ASSERT_TRUE(pumpUntil({&b}, 5000, [&] { return b.conn->world().chat().size() == 1; }));
    EXPECT_EQ(b.conn->world().chat()[0].text, "记录在案 / on the record");
    EXPECT_EQ(b.conn->world().chat()[0].fromName, "王磊");
}
