// dockhall-server: a dedicated, headless event server.
//
//   dockhall-server --port 7777 --event assets/events/sample.json --db event.sqlite
#include <atomic>
#include <csignal>
#include <cstdio>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "server/host/host.h"

namespace {
std::atomic<bool> g_stop{false};  // set by SIGINT/SIGTERM; the only global, as signals demand
void onSignal(int) { g_stop.store(true); }
}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Dockhall event server: one hall, authoritative, keeps the event's records"};
    server::HostDesc desc;
    desc.eventPath = DOCKHALL_SOURCE_DIR "/assets/events/sample.json";
    app.add_option("--port", desc.port, "UDP port to listen on")->capture_default_str();
    app.add_option("--bind", desc.bindAddress, "address to bind (0.0.0.0 = all)")->capture_default_str();
    app.add_option("--event", desc.eventPath, "event definition (JSON)")->capture_default_str();
    app.add_option("--db", desc.dbPath, "SQLite database file (\":memory:\" keeps nothing)")->capture_default_str();
    app.add_option("--max-participants", desc.maxParticipants, "participant cap; more get \"hall full\"")
        ->check(CLI::Range(1, 4095))->capture_default_str();
    app.add_option("--organizer-password", desc.organizerPassword, "password for the organizer role (default: none)");
    app.add_option("--stats-json", desc.statsJsonPath, "write tick and traffic figures to this file every second");
    app.add_option("--stats-window-seconds", desc.statsWindowSeconds,
                   "tick percentiles and rates in the stats cover the last this many seconds")
        ->check(CLI::Range(1, 3600))->capture_default_str();
    bool noInterest = false;
    app.add_flag("--no-interest", noInterest,
                 "naive full broadcast: every avatar to everyone every tick (a baseline for benchmarks)");
    CLI11_PARSE(app, argc, argv);
    desc.interest = !noInterest;

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    server::Host host;
    std::string error;
    if (!host.start(desc, error)) {
        spdlog::error("cannot start: {}", error);
        return 1;
    }
    spdlog::info("serving {} on {}:{} (db {})", desc.eventPath, desc.bindAddress, desc.port, desc.dbPath);
    host.run(g_stop);
    auto s = host.tickStats();
    spdlog::info("stopped: tick p50 {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms", s.p50Ms, s.p99Ms, s.maxMs);
    return 0;
}
