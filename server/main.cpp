// dockhall-server: a dedicated, headless event server.
//
//   dockhall-server --port 7777 --event assets/events/sample.json --db event.sqlite --key-file server.key
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
    app.add_option("--rehearse", desc.rehearseFrom,
                   "rehearsal: start the event's clock at this local time, e.g. \"2024-06-04 10:50\"");
    std::string registration;
    app.add_option("--registration", registration,
                   "open: join by name (no accounts) | attendees: accounts sign in, new e-mails register as "
                   "attendees | accounts: only imported accounts (default: the event's \"registration\", else "
                   "accounts when the database has any, open when not)")
        ->check(CLI::IsMember({"open", "attendees", "accounts"}));
    app.add_option("--stats-json", desc.statsJsonPath, "write tick and traffic figures to this file every second");
    app.add_option("--stats-window-seconds", desc.statsWindowSeconds,
                   "tick percentiles and rates in the stats cover the last this many seconds")
        ->check(CLI::Range(1, 3600))->capture_default_str();
    std::string keyFile = "dockhall-server.key";
    app.add_option("--key-file", keyFile,
                   "the encrypted link's key pair, created on first start; its public key goes in invitations "
                   "(\"\" = a new key each start, which clients cannot pin)")
        ->capture_default_str();
    bool noInterest = false;
    app.add_flag("--no-interest", noInterest,
                 "naive full broadcast: every avatar to everyone every tick (a baseline for benchmarks)");
    app.add_option("--snapshot-threads", desc.snapshotThreads,
                   "threads that build the clients' snapshots each tick, the tick's own included (0 = one per core, at most 8)")
        ->check(CLI::Range(0, 8))->capture_default_str();
    app.add_option("--tick-read-packets", desc.tickReadPackets,
                   "packets a due tick reads before it runs; a burst beyond waits until its snapshots have left (0 = no limit)")
        ->capture_default_str();
    app.add_option("--send-thread", desc.sendThread,
                   "make the system calls that send the datagrams on a thread of their own (0 = on the tick's thread)")
        ->capture_default_str();
    app.add_option("--hold-reliable-ms", desc.holdReliableMs,
                   "hold reliable messages for a client being sent snapshots until its next one, at most this long, "
                   "so both share a datagram (0 = send them at the next flush)")
        ->check(CLI::Range(0, 200))->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    desc.interest = !noInterest;
    if (!registration.empty()) {
        server::Registration r{};
        server::parseRegistration(registration, r);
        desc.registration = r;
    }

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    std::string error;
    if (!keyFile.empty()) {
        net::LinkKeyPair key;
        bool created = false;
        if (!net::loadOrCreateKeyFile(keyFile, key, &created, error)) {
            spdlog::error("cannot start: {}", error);
            return 1;
        }
        if (created) spdlog::info("created the server key {} (keep it; clients pin its public key)", keyFile);
        desc.linkKey = key;
    } else {
        spdlog::warn("no --key-file: a new link key for this run only; clients that pinned the last one will refuse");
    }

    server::Host host;
    if (!host.start(desc, error)) {
        spdlog::error("cannot start: {}", error);
        return 1;
    }
    spdlog::info("serving {} on {}:{} (db {}, registration {})", desc.eventPath, desc.bindAddress, desc.port, desc.dbPath,
                 server::registrationName(host.registration()));
    spdlog::info("server key for invitations: dockhall --connect HOST:{} --server-key {}", host.port(),
                 net::publicKeyHex(host.linkPublicKey()));
    host.run(g_stop);
    auto s = host.tickStats();
    spdlog::info("stopped: tick p50 {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms", s.p50Ms, s.p99Ms, s.maxMs);
    return 0;
}
