// dockhall-bots: N headless participants (client_core, no GL) for load tests and demos.
//
//   dockhall-bots --connect 127.0.0.1:7777 --clients 200 --seconds 30 --json out.json
//
// Every bot has its own ENet host (its own UDP socket), exactly like N separate clients. They
// join, wander between booths, chat now and then, and the JSON reports what they saw.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "client/core/bot.h"
#include "client/core/connection.h"
#include "net/transport/enet_transport.h"

namespace {

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

struct BotSlot {
    std::unique_ptr<net::EnetTransport> transport;
    std::unique_ptr<client::Connection> conn;
    std::unique_ptr<client::Bot> bot;
    uint64_t joinedAtMs = 0;
    uint64_t snapshotsAtStart = 0;
    net::TransportStats trafficAtStart;
    bool counted = false;
};

double mean(const std::vector<double>& v) {
    if (v.empty()) return 0;
    double s = 0;
    for (double x : v) s += x;
    return s / double(v.size());
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Dockhall bots: headless participants that join a hall, walk and chat"};
    std::string address = "127.0.0.1:7777";
    int clients = 10;
    double seconds = 10;
    std::string jsonPath;
    float movingShare = 0.3f;
    float chatPerMinute = 0.5f;
    std::string namePrefix = "Bot";
    uint32_t seed = 1;
    app.add_option("--connect", address, "server HOST:PORT")->capture_default_str();
    app.add_option("--clients", clients, "number of bots")->check(CLI::Range(1, 4095))->capture_default_str();
    app.add_option("--seconds", seconds, "how long to stay in the hall")->check(CLI::Range(0.1, 86400.0))->capture_default_str();
    app.add_option("--json", jsonPath, "write a JSON report here");
    app.add_option("--moving", movingShare, "share of time each bot spends walking")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    app.add_option("--chat-per-minute", chatPerMinute, "chat lines per bot per minute")->capture_default_str();
    app.add_option("--name-prefix", namePrefix, "bots are named PREFIX-1, PREFIX-2, ...")->capture_default_str();
    app.add_option("--seed", seed, "random seed")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    auto colon = address.rfind(':');
    if (colon == std::string::npos) {
        std::fprintf(stderr, "dockhall-bots: --connect wants HOST:PORT, got \"%s\"\n", address.c_str());
        return 2;
    }
    std::string host = address.substr(0, colon);
    int port = std::atoi(address.c_str() + colon + 1);
    if (port <= 0 || port > 65535) {
        std::fprintf(stderr, "dockhall-bots: bad port in \"%s\"\n", address.c_str());
        return 2;
    }

    const uint64_t start = monoMs();
    std::vector<BotSlot> bots(static_cast<size_t>(clients));
    for (int i = 0; i < clients; ++i) {
        std::string error;
        BotSlot& b = bots[size_t(i)];
        b.transport = net::EnetTransport::connect({.host = host, .port = uint16_t(port), .timeoutMs = 10000}, &error);
        if (!b.transport) {
            std::fprintf(stderr, "dockhall-bots: bot %d: %s\n", i + 1, error.c_str());
            continue;
        }
        client::JoinRequest req;
        req.name = namePrefix + "-" + std::to_string(i + 1);
        req.org = (i % 3 == 0) ? "嵊州市机械工业协会" : (i % 3 == 1 ? "Ningxia University" : "寧夏力成電氣集團");
        req.role = (i % 4 == 1) ? net::Role::Exhibitor : net::Role::Attendee;
        b.conn = std::make_unique<client::Connection>(*b.transport, req, monoMs());
        b.bot = std::make_unique<client::Bot>(*b.conn, client::BotDesc{.seed = seed * 7919u + uint32_t(i), .movingShare = movingShare,
                                                                      .chatPerMinute = chatPerMinute});
    }

    const uint64_t endMs = start + uint64_t(seconds * 1000.0);
    uint64_t nextTickMs = start;
    uint32_t tickCount = 0;
    while (monoMs() < endMs) {
        uint64_t now = monoMs();
        for (auto& b : bots) {
            if (!b.conn) continue;
            b.conn->update(now);
            if (b.conn->state() == client::ConnState::Joined && !b.joinedAtMs) {
                b.joinedAtMs = now;
                b.snapshotsAtStart = b.conn->stats().snapshots;
                b.trafficAtStart = b.transport->stats();
            }
        }
        if (now >= nextTickMs) {
            for (auto& b : bots)
                if (b.bot) b.bot->tick(now);
            for (auto& b : bots)
                if (b.transport) b.transport->flush();
            ++tickCount;
            nextTickMs = start + uint64_t(tickCount) * 1000 / net::kTickRate;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }

    // Report.
    int connected = 0, refused = 0, lost = 0;
    std::vector<double> snapsPerSec, downKbps, upKbps, seen;
    uint32_t chats = 0;
    std::string refusal;
    const uint64_t endNow = monoMs();
    for (auto& b : bots) {
        if (!b.conn) { ++lost; continue; }
        switch (b.conn->state()) {
            case client::ConnState::Joined: ++connected; break;
            case client::ConnState::Refused: ++refused; refusal = b.conn->refusalText(); break;
            default: ++lost; break;
        }
        chats += b.bot ? b.bot->chatsSent() : 0;
        if (!b.joinedAtMs) continue;
        double secs = std::max(0.001, double(endNow - b.joinedAtMs) / 1000.0);
        net::TransportStats t = b.transport->stats();
        snapsPerSec.push_back(double(b.conn->stats().snapshots - b.snapshotsAtStart) / secs);
        downKbps.push_back(double(t.wireBytesIn - b.trafficAtStart.wireBytesIn) * 8.0 / 1000.0 / secs);
        upKbps.push_back(double(t.wireBytesOut - b.trafficAtStart.wireBytesOut) * 8.0 / 1000.0 / secs);
        seen.push_back(double(b.conn->world().participants().size()));
    }
    nlohmann::json j = {{"clients", clients},
                        {"connected", connected},
                        {"refused", refused},
                        {"lost", lost},
                        {"seconds", seconds},
                        {"snapshots_per_second_mean", mean(snapsPerSec)},
                        {"down_kbps_per_client_mean", mean(downKbps)},
                        {"up_kbps_per_client_mean", mean(upKbps)},
                        {"participants_seen_mean", mean(seen)},
                        {"chat_lines_sent", chats}};
    if (!refusal.empty()) j["refusal"] = refusal;
    std::string out = j.dump(2);
    std::printf("%s\n", out.c_str());
    if (!jsonPath.empty()) std::ofstream(jsonPath) << out << "\n";
    for (auto& b : bots)
        if (b.conn) b.conn->disconnect();
    // Let the disconnects leave.
    uint64_t until = monoMs() + 300;
    std::vector<net::TransportEvent> sink;
    while (monoMs() < until) {
        for (auto& b : bots)
            if (b.transport) { b.transport->service(monoMs(), sink, 0); sink.clear(); }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return connected == clients ? 0 : 1;
}
