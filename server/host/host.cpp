// host.cpp: event loading, store, ENet and the real clock around EventServer.
#include "server/host/host.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "net/transport/enet_transport.h"
#include "server/core/event_loader.h"
#include "server/store/sqlite_store.h"

namespace server {

namespace {

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
    std::unique_ptr<EventServer> server;
    mutable std::mutex statsMutex;
    std::vector<float> tickMs;    // every tick's duration
    uint64_t startMs = 0;
    net::TransportStats traffic;

    void writeStats(const TickStats& s) const {
        if (desc.statsJsonPath.empty()) return;
        nlohmann::json j = {{"tick_ms_p50", s.p50Ms},       {"tick_ms_p99", s.p99Ms},
                            {"tick_ms_max", s.maxMs},       {"clients", s.clients},
                            {"packets_in_per_s", s.packetsInPerSecond}, {"packets_out_per_s", s.packetsOutPerSecond},
                            {"bytes_in_per_s", s.bytesInPerSecond},     {"bytes_out_per_s", s.bytesOutPerSecond},
                            {"inputs_received", s.inputsReceived},      {"inputs_applied", s.inputsApplied}};
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
    m->store = SqliteStore::open(desc.dbPath, &error);
    if (!m->store) return false;
    std::ifstream f(desc.eventPath, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    if (!m->store->saveEvent(ss.str(), m->layout)) {
        error = desc.dbPath + ": could not save the event";
        return false;
    }
    m->transport = net::EnetTransport::listen(
        {.bindAddress = desc.bindAddress, .port = desc.port, .maxPeers = uint16_t(std::min<int>(4095, desc.maxParticipants + 64))},
        &error);
    if (!m->transport) return false;
    m->server = std::make_unique<EventServer>(
        ServerDesc{.maxParticipants = desc.maxParticipants, .organizerPassword = desc.organizerPassword}, m->layout,
        *m->transport, m->store.get());
    return true;
}

uint16_t Host::port() const { return m->desc.port; }

void Host::run(const std::atomic<bool>& stop) {
    m->startMs = monoMs();
    uint64_t nextStatsMs = m->startMs + 1000;
    while (!stop.load(std::memory_order_relaxed)) {
        uint64_t now = monoMs();
        auto t0 = std::chrono::steady_clock::now();
        int ticks = m->server->update({.monoMs = now, .unixMs = unixMs()});
        if (ticks > 0) {
            float ms = std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - t0).count() / float(ticks);
            std::lock_guard lock(m->statsMutex);
            for (int i = 0; i < ticks; ++i) m->tickMs.push_back(ms);
            if (m->tickMs.size() > 2 * 36000) m->tickMs.erase(m->tickMs.begin(), m->tickMs.begin() + 36000);  // last 20-40 min
            net::TransportStats t = m->transport->stats();
            m->traffic = t;
        }
        if (now >= nextStatsMs) {
            nextStatsMs = now + 1000;
            m->writeStats(tickStats());
        }
        // Sleep in the transport until the next tick is due (packets wake it up early).
        uint64_t after = monoMs();
        uint64_t due = m->server->nextTickMs();
        uint32_t wait = due > after ? uint32_t(std::min<uint64_t>(due - after, 5)) : 0;
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
    s.p50Ms = percentile(m->tickMs, 0.50);
    s.p99Ms = percentile(m->tickMs, 0.99);
    s.maxMs = m->tickMs.empty() ? 0 : *std::max_element(m->tickMs.begin(), m->tickMs.end());
    s.clients = m->server ? m->server->stats().participants : 0;
    double secs = std::max(0.001, double(monoMs() - m->startMs) / 1000.0);
    s.packetsInPerSecond = double(m->traffic.packetsIn) / secs;
    s.packetsOutPerSecond = double(m->traffic.packetsOut) / secs;
    s.bytesInPerSecond = double(m->traffic.wireBytesIn) / secs;
    s.bytesOutPerSecond = double(m->traffic.wireBytesOut) / secs;
    if (m->server) {
        s.inputsReceived = m->server->stats().inputsReceived;
        s.inputsApplied = m->server->stats().inputsApplied;
    }
    return s;
}

}  // namespace server
