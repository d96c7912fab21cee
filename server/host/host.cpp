// host.cpp: event loading, store, ENet and the real clock around EventServer.
#include "server/host/host.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "net/protocol/event_time.h"
#include "net/transport/enet_transport.h"
#include "server/core/event_loader.h"
#include "server/core/meetings.h"
#include "server/store/sqlite_store.h"

namespace server {

namespace {

double processCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}
int64_t unixMs() {
    using namespace std::chrono;
    return int64_t(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

double percentile(std::vector<float> v, double p) {
    if (v.empty()) return 0;
    size_t k = size_t(std::clamp(p, 0.0, 1.0) * double(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return v[k];
}

}  // namespace

struct Host::Impl {
    HostDesc desc;
    net::EventLayout layout;
    std::unique_ptr<SqliteStore> store;
    std::unique_ptr<net::EnetTransport> transport;
    std::unique_ptr<FolderAssetSource> assetSource;
    std::unique_ptr<EventServer> server;
    Registration registration = Registration::Open;
    mutable std::mutex statsMutex;
    // One tick: its whole time, then its three parts (per tick when an update ran several).
    struct TickSample { uint64_t atMs; float ms, receiveMs, simulateMs, sendMs; };
    struct Totals {
        uint64_t atMs = 0;
        net::TransportStats traffic;
        ServerStats server;
        double cpuSeconds = 0;      // the process's, all threads
        double idleReceiveMs = 0;   // reading the socket between ticks, since start
    };
    double idleReceiveMs = 0;       // running total (the loop's thread; read under statsMutex)
    std::deque<TickSample> ticks;   // the recent window's ticks
    std::deque<Totals> totals;      // running totals, sampled once a second over the window
    uint64_t startMs = 0;
    int64_t clockOffsetMs = 0;      // event time - real time (a rehearsal; 0 otherwise)

    uint64_t windowMs() const { return uint64_t(std::max<uint32_t>(1, desc.statsWindowSeconds)) * 1000; }

    void writeStats(const TickStats& s) const {
        if (desc.statsJsonPath.empty()) return;
        double ratio = s.inputsReceived ? double(s.inputsApplied) / double(s.inputsReceived) : 1.0;
        nlohmann::json j = {{"window_seconds", s.windowSeconds},   {"ticks", s.ticks},
                            {"tick_ms_p50", s.p50Ms},              {"tick_ms_p99", s.p99Ms},
                            {"tick_ms_max", s.maxMs},              {"clients", s.clients},
                            {"tick_receive_ms_p50", s.receiveP50Ms},   {"tick_receive_ms_p99", s.receiveP99Ms},
                            {"tick_simulate_ms_p50", s.simulateP50Ms}, {"tick_simulate_ms_p99", s.simulateP99Ms},
                            {"tick_send_ms_p50", s.sendP50Ms},         {"tick_send_ms_p99", s.sendP99Ms},
                            {"idle_receive_ms_per_tick", s.idleReceiveMsPerTick}, {"cpu_share", s.cpuShare},
                            {"packets_in_per_s", s.packetsInPerSecond}, {"packets_out_per_s", s.packetsOutPerSecond},
                            {"receive_calls_per_s", s.receiveCallsPerSecond}, {"send_calls_per_s", s.sendCallsPerSecond},
                            {"bytes_in_per_s", s.bytesInPerSecond},     {"bytes_out_per_s", s.bytesOutPerSecond},
                            {"inputs_received", s.inputsReceived},      {"inputs_applied", s.inputsApplied},
                            {"inputs_applied_ratio", ratio},            {"inputs_dropped", s.inputsDropped},
                            {"avatars_in_view_mean", s.avatarsInViewMean},
                            {"snapshots_per_s", s.snapshotsPerSecond},
                            {"ticks_without_snapshots", s.ticksWithoutSnapshots},
                            {"tick_reads_cut", s.readsCut},
                            {"total_inputs_received", s.totalInputsReceived},
                            {"total_inputs_applied", s.totalInputsApplied},
                            {"total_datagrams_refused", s.totalDatagramsRefused},
                            {"interest", desc.interest},                {"uptime_ms", s.uptimeMs}};
        std::string tmp = desc.statsJsonPath + ".tmp";
        std::ofstream(tmp) << j.dump(2) << "\n";
        std::rename(tmp.c_str(), desc.statsJsonPath.c_str());
    }
};

Host::Host() : m(std::make_unique<Impl>()) {}
Host::~Host() = default;

bool Host::start(const HostDesc& desc, std::string& error) {
    m->desc = desc;
    if (!loadEventFile(desc.eventPath, m->layout, error)) return false;
    m->store = SqliteStore::open(desc.dbPath, &error,
                                 {.onError = [](std::string_view msg) { spdlog::error("store: {}", msg); }});
    if (!m->store) return false;
    std::ifstream f(desc.eventPath, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    if (!m->store->saveEvent(ss.str(), m->layout)) {
        error = desc.dbPath + ": could not save the event";
        return false;
    }
    if (!desc.rehearseFrom.empty()) {
        nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
        int utcOffset = 480;
        if (j.is_object() && j.contains("docking") && j["docking"].is_object())
            utcOffset = j["docking"].value("utcOffsetMinutes", utcOffset);
        auto from = net::parseEventTime(desc.rehearseFrom, utcOffset);
        if (!from) {
            error = "rehearsal start \"" + desc.rehearseFrom + "\" is not a time like \"2024-06-04 10:50\"";
            return false;
        }
        m->clockOffsetMs = *from - unixMs();
    }
    // Expired sign-in tokens are refused anyway; each start forgets them so the table stays small.
    if (int64_t purged = m->store->purgeExpiredSessionTokens(unixMs() + m->clockOffsetMs); purged > 0)
        spdlog::info("forgot {} expired sign-in tokens", purged);
    m->transport = net::EnetTransport::listen(
        {.bindAddress = desc.bindAddress, .port = desc.port, .maxPeers = uint16_t(std::min<int>(4095, desc.maxParticipants + 64)),
         .key = desc.linkKey, .sendThread = desc.sendThread,
         .holdReliableMs = desc.holdReliableMs},
        &error);
    if (!m->transport) return false;
    Registration registration = m->store->accountCount() > 0 ? Registration::Accounts : Registration::Open;
    try {
        nlohmann::json root = nlohmann::json::parse(ss.str());
        if (root.contains("registration")) {
            const auto& r = root["registration"];
            if (!r.is_string() || !parseRegistration(r.get<std::string>(), registration)) {
                error = desc.eventPath + ": registration: must be \"open\", \"attendees\" or \"accounts\"";
                return false;
            }
        }
    } catch (const nlohmann::json::exception&) {
        // loadEventFile already accepted the text
    }
    if (desc.registration) registration = *desc.registration;
    m->registration = registration;
    {
        namespace fs = std::filesystem;
        const fs::path assets = desc.assetsDir.empty() ? fs::path(desc.eventPath).parent_path().parent_path() : fs::path(desc.assetsDir);
        std::vector<std::string> folders{(assets / "models" / "baked").string()};
        std::string uploads = desc.uploadDir;
        if (uploads.empty() && desc.dbPath != ":memory:") uploads = desc.dbPath + ".uploads";
        if (!uploads.empty()) folders.push_back(uploads);
        m->assetSource = std::make_unique<FolderAssetSource>(folders);
    }
    ServerDesc sd{.maxParticipants = desc.maxParticipants,
                  .registration = registration,
                  .organizerPassword = desc.organizerPassword,
                  .snapshotThreads = desc.snapshotThreads,
                  .tickReadPackets = desc.tickReadPackets,
                  .interest = {.enabled = desc.interest}};
    sd.assets.source = m->assetSource.get();
    m->server = std::make_unique<EventServer>(sd, m->layout, *m->transport, m->store.get());
    for (const std::string& p : m->server->assets().problems()) spdlog::warn("assets: {}", p);
    spdlog::info("assets: {} exhibits served from baked files", m->server->assets().refs().size());
    return true;
}

Registration Host::registration() const { return m->registration; }

uint16_t Host::port() const { return m->transport ? m->transport->port() : m->desc.port; }

net::LinkPublicKey Host::linkPublicKey() const { return m->transport ? m->transport->linkKey() : net::LinkPublicKey{}; }

void Host::run(const std::atomic<bool>& stop) {
    m->startMs = monoMs();
    uint64_t nextStatsMs = m->startMs + 1000;
    {
        std::lock_guard lock(m->statsMutex);
        m->totals.push_back({m->startMs, m->transport->stats(), m->server->stats(), processCpuSeconds(), 0});
    }
    while (!stop.load(std::memory_order_relaxed)) {
        uint64_t now = monoMs();
        // EventServer::update() in its three parts, timed apart: what arrived, the ticks, the sending.
        const Now at{.monoMs = now, .unixMs = unixMs() + m->clockOffsetMs};
        using Clock = std::chrono::steady_clock;
        const auto t0 = Clock::now();
        m->server->receive(at);
        const auto t1 = Clock::now();
        const int ticks = m->server->runDueTicks(at);
        const auto t2 = Clock::now();
        if (ticks > 0) {
            m->server->flush();
            const auto t3 = Clock::now();
            auto perTick = [ticks](Clock::time_point a, Clock::time_point b) {
                return std::chrono::duration<float, std::milli>(b - a).count() / float(ticks);
            };
            const Impl::TickSample sample{now, perTick(t0, t3), perTick(t0, t1), perTick(t1, t2), perTick(t2, t3)};
            std::lock_guard lock(m->statsMutex);
            for (int i = 0; i < ticks; ++i) m->ticks.push_back(sample);
            while (!m->ticks.empty() && m->ticks.front().atMs + m->windowMs() < now) m->ticks.pop_front();
        } else {
            std::lock_guard lock(m->statsMutex);
            m->idleReceiveMs += std::chrono::duration<double, std::milli>(t1 - t0).count();
        }
        if (ticks > 0 && m->server->readLeft()) {
            // The rest of a burst the tick's read stopped short of (EventServer::receive), now
            // that its snapshots have left: between ticks, so not in the tick's time.
            const auto t4 = Clock::now();
            m->server->receive({.monoMs = monoMs(), .unixMs = unixMs() + m->clockOffsetMs});
            const auto t5 = Clock::now();
            std::lock_guard lock(m->statsMutex);
            m->idleReceiveMs += std::chrono::duration<double, std::milli>(t5 - t4).count();
        }
        if (now >= nextStatsMs) {
            nextStatsMs = now + 1000;
            {
                std::lock_guard lock(m->statsMutex);
                m->totals.push_back({now, m->transport->stats(), m->server->stats(), processCpuSeconds(), m->idleReceiveMs});
                // Keep one sample at or before the window's start.
                while (m->totals.size() > 2 && m->totals[1].atMs + m->windowMs() <= now) m->totals.pop_front();
            }
            m->writeStats(tickStats());
        }
        // Sleep until the next tick is due. Inputs wait in the socket meanwhile: they are applied
        // at the tick anyway, and every service walks all of ENet's peers (2,000 at a crowded
        // event), so reading them a few times per tick costs a fraction of reading them every
        // millisecond. At most 10 ms at a time, so a stop is noticed promptly; and one read
        // kPreReadMs before the tick, so the tick starts with only the last moments' arrivals to
        // read: a burst of inputs (thousands of clients sending at once) is then read in the
        // time before the tick instead of delaying its snapshots (measured at 2,000 clients: the
        // slowest ticks were those whose read met ~1,700 messages, 10-15 ms of it).
        constexpr uint64_t kPreReadMs = 2;
        uint64_t after = monoMs();
        uint64_t due = m->server->nextTickMs();
        uint64_t left = due > after ? due - after : 0;
        if (left > kPreReadMs) left -= kPreReadMs;
        uint32_t wait = uint32_t(std::min<uint64_t>(left, 10));
        if (wait) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    }
    m->server->shutdown();
    // Give the refusals a moment to leave.
    uint64_t until = monoMs() + 200;
    std::vector<net::TransportEvent> sink;
    while (monoMs() < until) {
        m->transport->service(monoMs(), sink, 10);
        sink.clear();
    }
    m->writeStats(tickStats());
}

TickStats Host::tickStats() const {
    TickStats s;
    std::lock_guard lock(m->statsMutex);
    std::vector<float> v;
    v.reserve(m->ticks.size());
    auto part = [&](float Impl::TickSample::*field, double& p50, double& p99) {
        v.clear();
        for (const auto& t : m->ticks) v.push_back(t.*field);
        p50 = percentile(v, 0.50);
        p99 = percentile(v, 0.99);
    };
    part(&Impl::TickSample::receiveMs, s.receiveP50Ms, s.receiveP99Ms);
    part(&Impl::TickSample::simulateMs, s.simulateP50Ms, s.simulateP99Ms);
    part(&Impl::TickSample::sendMs, s.sendP50Ms, s.sendP99Ms);
    part(&Impl::TickSample::ms, s.p50Ms, s.p99Ms);
    s.ticks = v.size();
    s.maxMs = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
    s.clients = m->server ? m->server->stats().participants : 0;
    s.uptimeMs = m->startMs ? monoMs() - m->startMs : 0;
    if (m->totals.size() >= 2) {
        const auto &a = m->totals.front(), &b = m->totals.back();
        double secs = std::max(0.001, double(b.atMs - a.atMs) / 1000.0);
        s.windowSeconds = secs;
        s.packetsInPerSecond = double(b.traffic.datagramsIn - a.traffic.datagramsIn) / secs;
        s.packetsOutPerSecond = double(b.traffic.datagramsOut - a.traffic.datagramsOut) / secs;
        s.sendCallsPerSecond = double(b.traffic.sendCalls - a.traffic.sendCalls) / secs;
        s.receiveCallsPerSecond = double(b.traffic.receiveCalls - a.traffic.receiveCalls) / secs;
        s.bytesInPerSecond = double(b.traffic.wireBytesIn - a.traffic.wireBytesIn) / secs;
        s.bytesOutPerSecond = double(b.traffic.wireBytesOut - a.traffic.wireBytesOut) / secs;
        s.inputsReceived = b.server.inputsReceived - a.server.inputsReceived;
        s.inputsApplied = b.server.inputsApplied - a.server.inputsApplied;
        s.inputsDropped = b.server.inputsDropped - a.server.inputsDropped;
        s.ticksWithoutSnapshots = b.server.ticksWithoutSnapshots - a.server.ticksWithoutSnapshots;
        s.readsCut = b.server.readsCut - a.server.readsCut;
        s.cpuShare = (b.cpuSeconds - a.cpuSeconds) / secs;
        const double ticksInWindow = secs * double(net::kTickRate);
        s.idleReceiveMsPerTick = (b.idleReceiveMs - a.idleReceiveMs) / ticksInWindow;
        uint64_t snaps = b.server.snapshotsSent - a.server.snapshotsSent;
        s.snapshotsPerSecond = double(snaps) / secs;
        s.avatarsInViewMean = snaps ? double(b.server.avatarsInFrames - a.server.avatarsInFrames) / double(snaps) : 0;
    }
    if (!m->totals.empty()) {
        s.totalInputsReceived = m->totals.back().server.inputsReceived;
        s.totalInputsApplied = m->totals.back().server.inputsApplied;
        s.totalDatagramsRefused = m->totals.back().traffic.datagramsRefused;
    }
    return s;
}

}  // namespace server
