// dockhall-bots: N headless participants (client_core, no GL) for load tests and demos.
//
//   dockhall-bots --connect 127.0.0.1:7777 --clients 200 --seconds 30 --json out.json
//   dockhall-bots --connect 127.0.0.1:7777 --scenario ceremony     (ceremony_scenario.h)
//
// Every bot has its own ENet host (its own UDP socket), exactly like N separate clients. They
// join, wander between booths, chat now and then, and the JSON reports what they saw.
//
// Signing in: an open hall (the local demo) takes the bots by name. A hall with accounts wants
// --email-prefix and --password: bot i signs in as PREFIX-i@bots.invalid (or, for a prefix with
// an '@' such as load@example.org, as load+i@example.org) with that password. In a hall with
// "registration": "attendees" the bots register themselves on their first run (a password of at
// least 8 characters); in an "accounts" hall import those e-mails first (dockhall-admin accounts
// import) and give them one password with set-password.
//
// Cheap enough for thousands in one process: the process sleeps in epoll on all the bots'
// sockets and services only the bots whose socket has data; once per tick every bot sends its
// input and flushes (one sendto). A slice of the bots gets a full ENet service each tick so
// reliable resends and timeouts still happen. Figures are measured over a window that starts
// after --warmup seconds (the join storm), so a benchmark sees the steady state.
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "client/core/bot.h"
#include "client/core/connection.h"
#include "net/transport/enet_transport.h"
#include "tools/bots/ceremony_scenario.h"

namespace {

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

struct BotSlot {
    std::unique_ptr<net::EnetTransport> transport;
    std::unique_ptr<client::Connection> conn;
    std::unique_ptr<client::Bot> bot;
    client::InputClock clock;  // its input ticks, as the app's
    uint64_t joinedAtMs = 0;
    // At the start of the measurement window (or on joining, if later).
    uint64_t windowStartMs = 0;
    uint64_t snapshotsAtStart = 0;
    uint64_t inputsAtStart = 0, inputPacketsAtStart = 0;
    uint32_t walkingSamples = 0;  // of viewSamples, those where the bot was walking
    net::TransportStats trafficAtStart;
    double viewSum = 0;        // avatars in the newest frame, sampled once a second
    uint32_t viewSamples = 0;
};

// The process's CPU time (all threads, user and system), in seconds.
double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double mean(const std::vector<double>& v) {
    if (v.empty()) return 0;
    double s = 0;
    for (double x : v) s += x;
    return s / double(v.size());
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t k = size_t(std::clamp(p, 0.0, 1.0) * double(v.size() - 1) + 0.5);
    return v[k];
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Dockhall bots: headless participants that join a hall, walk and chat"};
    std::string address = "127.0.0.1:7777";
    int clients = 10;
    double seconds = 10;
    double warmup = 0;
    std::string jsonPath;
    float movingShare = 0.3f;
    float chatPerMinute = 0.5f;
    std::string namePrefix = "Bot";
    uint32_t seed = 1;
    uint32_t connectTimeoutMs = 10000;
    app.add_option("--connect", address, "server HOST:PORT")->capture_default_str();
    app.add_option("--clients", clients, "number of bots")->check(CLI::Range(1, 4095))->capture_default_str();
    app.add_option("--seconds", seconds, "how long to stay in the hall")->check(CLI::Range(0.1, 86400.0))->capture_default_str();
    app.add_option("--warmup", warmup, "seconds before the measurement window starts (the join storm)")
        ->check(CLI::Range(0.0, 3600.0))->capture_default_str();
    app.add_option("--json", jsonPath, "write a JSON report here");
    app.add_option("--moving", movingShare, "share of time each bot spends walking")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    app.add_option("--chat-per-minute", chatPerMinute, "chat lines per bot per minute")->capture_default_str();
    app.add_option("--name-prefix", namePrefix, "bots are named PREFIX-1, PREFIX-2, ...")->capture_default_str();
    app.add_option("--seed", seed, "random seed")->capture_default_str();
    std::string emailPrefix, password;
    app.add_option("--email-prefix", emailPrefix,
                   "sign in with accounts: bot i is PREFIX-i@bots.invalid (or local+i@domain for a PREFIX with '@')");
    app.add_option("--password", password, "the bots' password with --email-prefix");
    app.add_option("--connect-timeout-ms", connectTimeoutMs, "a bot not connected by then counts as lost")->capture_default_str();
    std::string scenario;
    tools::CeremonyScenarioDesc ceremony;
    app.add_option("--scenario", scenario, "instead of N wanderers: \"ceremony\" (an organizer and two representatives sign an agreement)")
        ->check(CLI::IsMember({"ceremony"}));
    app.add_option("--organizer-password", ceremony.organizerPassword, "ceremony: the organizer role's password");
    app.add_option("--slide", ceremony.slidePath, "ceremony: the organizer shows this PNG/JPEG on the big screen first");
    app.add_option("--slide-seconds", ceremony.slideSeconds, "ceremony: how long the slide stays up before the ceremony")
        ->capture_default_str();
    app.add_option("--linger", ceremony.lingerSeconds, "ceremony: stay in the hall this many seconds after the moment")
        ->capture_default_str();
    app.add_option("--key-dir", ceremony.keyDir, "ceremony: where the representatives keep their signing keys (default: a new temporary folder)");
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
    if (scenario == "ceremony") {
        ceremony.host = host;
        ceremony.port = uint16_t(port);
        ceremony.seconds = app.count("--seconds") ? seconds : 30;
        ceremony.jsonPath = jsonPath;
        return tools::runCeremonyScenario(ceremony);
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        std::perror("dockhall-bots: epoll_create1");
        return 2;
    }

    // All bots start connecting at once: a join storm, like the doors opening.
    const uint64_t start = monoMs();
    std::vector<BotSlot> bots(static_cast<size_t>(clients));
    for (int i = 0; i < clients; ++i) {
        std::string error;
        BotSlot& b = bots[size_t(i)];
        // Small socket buffers: a bot receives ~200 bytes a tick, and there are thousands of them.
        b.transport = net::EnetTransport::connect({.host = host, .port = uint16_t(port), .timeoutMs = connectTimeoutMs,
                                                   .socketRecvBuffer = 256 * 1024, .socketSendBuffer = 64 * 1024},
                                                  &error);
        if (!b.transport) {
            std::fprintf(stderr, "dockhall-bots: bot %d: %s\n", i + 1, error.c_str());
            continue;
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = uint32_t(i);
        if (epoll_ctl(ep, EPOLL_CTL_ADD, b.transport->socketFd(), &ev) != 0) std::perror("dockhall-bots: epoll_ctl");
        client::JoinRequest req;
        req.name = namePrefix + "-" + std::to_string(i + 1);
        req.org = (i % 3 == 0) ? "嵊州市机械工业协会" : (i % 3 == 1 ? "Ningxia University" : "寧夏力成電氣集團");
        req.role = (i % 4 == 1) ? net::Role::Exhibitor : net::Role::Attendee;
        if (!emailPrefix.empty()) {
            std::string n = std::to_string(i + 1);
            size_t at = emailPrefix.find('@');
            req.email = at == std::string::npos ? emailPrefix + "-" + n + "@bots.invalid"
                                                : emailPrefix.substr(0, at) + "+" + n + emailPrefix.substr(at);
            req.password = password;
        }
        b.conn = std::make_unique<client::Connection>(*b.transport, req, monoMs());
        b.bot = std::make_unique<client::Bot>(*b.conn, client::BotDesc{.seed = seed * 7919u + uint32_t(i), .movingShare = movingShare,
                                                                      .chatPerMinute = chatPerMinute});
        b.transport->flush();  // the connect request leaves now
    }

    const uint64_t endMs = start + uint64_t(seconds * 1000.0);
    const uint64_t windowMs = start + uint64_t(std::min(warmup, seconds) * 1000.0);
    bool windowOpen = false;
    uint64_t windowOpenedMs = 0;
    double cpuAtWindow = 0;
    uint64_t nextTickMs = start;
    uint64_t nextSampleMs = windowMs;
    uint32_t tickCount = 0;
    constexpr uint32_t kFullServiceSlices = 8;  // every bot gets a full ENet service every 8 ticks
    std::vector<epoll_event> ready(4096);
    for (;;) {
        uint64_t now = monoMs();
        if (now >= endMs) break;
        int timeout = int(std::min<uint64_t>(nextTickMs > now ? nextTickMs - now : 0, endMs - now));
        int n = epoll_wait(ep, ready.data(), int(ready.size()), timeout);
        now = monoMs();
        for (int k = 0; k < n; ++k) {
            BotSlot& b = bots[ready[size_t(k)].data.u32];
            if (b.conn) b.conn->update(now);
        }
        if (!windowOpen && now >= windowMs) {
            windowOpen = true;
            windowOpenedMs = now;
            cpuAtWindow = cpuSeconds();
            for (auto& b : bots) {
                if (!b.joinedAtMs) continue;
                b.windowStartMs = now;
                b.snapshotsAtStart = b.conn->stats().snapshots;
                b.inputsAtStart = b.conn->stats().inputsSent;
                b.inputPacketsAtStart = b.conn->stats().inputPackets;
                b.trafficAtStart = b.transport->stats();
            }
        }
        if (now < nextTickMs) continue;
        for (size_t i = 0; i < bots.size(); ++i) {
            BotSlot& b = bots[i];
            if (!b.conn) continue;
            if (i % kFullServiceSlices == tickCount % kFullServiceSlices || b.conn->state() != client::ConnState::Joined)
                b.conn->update(now);
            if (b.conn->state() == client::ConnState::Joined && !b.joinedAtMs) {
                b.joinedAtMs = now;
                if (windowOpen) {
                    b.windowStartMs = now;
                    b.snapshotsAtStart = b.conn->stats().snapshots;
                b.inputsAtStart = b.conn->stats().inputsSent;
                b.inputPacketsAtStart = b.conn->stats().inputPackets;
                    b.trafficAtStart = b.transport->stats();
                }
            }
            // Each bot keeps its own input clock, as the app does: ticks due (more than one after
            // this loop fell behind), stretched while the server holds its inputs ahead of need.
            if (b.bot && b.conn->state() == client::ConnState::Joined) {
                b.clock.setStretched(b.conn->inputsAhead());
                for (int due = b.clock.advance(now); due > 0; --due) b.bot->tick(now);
            }
            b.transport->flush();
        }
        if (windowOpen && now >= nextSampleMs) {
            nextSampleMs = now + 1000;
            for (auto& b : bots) {
                if (!b.joinedAtMs || b.conn->state() != client::ConnState::Joined) continue;
                // Those in the newest frame, self included. (Not interpolate(): that would start
                // keeping every avatar's track, a drawing client's work a bot has no use for.)
                const net::SnapshotFrame* f = b.conn->world().frame(b.conn->world().latestTick());
                b.viewSum += f ? double(f->avatars.size()) : 0.0;
                b.walkingSamples += b.bot && b.bot->walking();
                ++b.viewSamples;
            }
        }
        ++tickCount;
        nextTickMs = start + uint64_t(tickCount) * 1000 / net::kTickRate;
        if (nextTickMs <= now) nextTickMs = now + 1;  // fell behind: do not try to catch up in a burst
    }

    // Report.
    int connected = 0, refused = 0, lost = 0;
    std::vector<double> walkingShare;
    std::vector<double> snapsPerSec, inputsPerSec, inputPacketsPerSec, downKbps, upKbps, seen, inView, joinMs;
    uint32_t chats = 0;
    std::string refusal;
    const uint64_t endNow = monoMs();
    // CPU seconds a second over the window: how much of the machine the load itself takes.
    const double cpuShare = windowOpen ? (cpuSeconds() - cpuAtWindow) / std::max(0.001, double(endNow - windowOpenedMs) / 1000.0) : 0.0;
    for (auto& b : bots) {
        if (!b.conn) { ++lost; continue; }
        switch (b.conn->state()) {
            case client::ConnState::Joined: ++connected; break;
            case client::ConnState::Refused: ++refused; refusal = b.conn->refusalText(); break;
            default: ++lost; break;
        }
        chats += b.bot ? b.bot->chatsSent() : 0;
        if (!b.joinedAtMs) continue;
        joinMs.push_back(double(b.joinedAtMs - start));
        if (!b.windowStartMs || b.conn->state() != client::ConnState::Joined) continue;
        double secs = std::max(0.001, double(endNow - b.windowStartMs) / 1000.0);
        net::TransportStats t = b.transport->stats();
        snapsPerSec.push_back(double(b.conn->stats().snapshots - b.snapshotsAtStart) / secs);
        inputsPerSec.push_back(double(b.conn->stats().inputsSent - b.inputsAtStart) / secs);
        inputPacketsPerSec.push_back(double(b.conn->stats().inputPackets - b.inputPacketsAtStart) / secs);
        downKbps.push_back(double(t.wireBytesIn - b.trafficAtStart.wireBytesIn) * 8.0 / 1000.0 / secs);
        upKbps.push_back(double(t.wireBytesOut - b.trafficAtStart.wireBytesOut) * 8.0 / 1000.0 / secs);
        seen.push_back(double(b.conn->world().participants().size()));
        if (b.viewSamples) inView.push_back(b.viewSum / b.viewSamples);
        if (b.viewSamples) walkingShare.push_back(double(b.walkingSamples) / b.viewSamples);
    }
    nlohmann::json j = {{"clients", clients},
                        {"connected", connected},
                        {"refused", refused},
                        {"lost", lost},
                        {"seconds", seconds},
                        {"window_seconds", std::max(0.0, seconds - std::min(warmup, seconds))},
                        {"join_seconds", joinMs.empty() ? 0.0 : *std::max_element(joinMs.begin(), joinMs.end()) / 1000.0},
                        {"join_ms_p50", percentile(joinMs, 0.50)},
                        {"join_ms_p95", percentile(joinMs, 0.95)},
                        {"snapshots_per_second_mean", mean(snapsPerSec)},
                        {"snapshots_per_second_p5", percentile(snapsPerSec, 0.05)},
                        {"inputs_per_second_mean", mean(inputsPerSec)},
                        {"input_packets_per_second_mean", mean(inputPacketsPerSec)},
                        {"down_kbps_per_client_mean", mean(downKbps)},
                        {"down_kbps_per_client_p50", percentile(downKbps, 0.50)},
                        {"down_kbps_per_client_p95", percentile(downKbps, 0.95)},
                        {"up_kbps_per_client_mean", mean(upKbps)},
                        {"up_kbps_per_client_p50", percentile(upKbps, 0.50)},
                        {"up_kbps_per_client_p95", percentile(upKbps, 0.95)},
                        {"avatars_in_view_mean", mean(inView)},
                        {"walking_share", mean(walkingShare)},
                        {"cpu_share", cpuShare},
                        {"participants_seen_mean", mean(seen)},
                        {"chat_lines_sent", chats}};
    if (!refusal.empty()) j["refusal"] = refusal;
    std::string out = j.dump(2);
    std::printf("%s\n", out.c_str());
    std::fflush(stdout);
    if (!jsonPath.empty()) std::ofstream(jsonPath) << out << "\n";
    for (auto& b : bots)
        if (b.conn) b.conn->disconnect();
    // Let the disconnects leave.
    uint64_t until = monoMs() + 300;
    std::vector<net::TransportEvent> sink;
    while (monoMs() < until) {
        for (auto& b : bots)
            if (b.transport) { b.transport->service(monoMs(), sink, 0); sink.clear(); }
        usleep(5000);
    }
    close(ep);
    return connected == clients ? 0 : 1;
}
