// bench_net.cpp: `dockhall-bench net`: one dockhall-server and N bots as separate processes over
// ENet on 127.0.0.1, measured after the join storm.
//
//   dockhall-bench net --clients 2000 --seconds 20 [--hz 30] [--baseline] --json net.json
//
// The server and bot executables are found next to this one (/proc/self/exe). Each run takes a
// free UDP port, starts the server with --stats-json, starts the bots (all connecting at once),
// waits --warmup seconds for the storm to settle, measures --seconds, and reads the bots' JSON
// and the server's stats (whose window is the measured seconds). --baseline repeats the same load
// against the server's naive full broadcast (--no-interest) and adds the ratios. Children get
// SIGKILL if this process dies (PR_SET_PDEATHSIG) and are killed on every way out.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tools/bench/bench.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct NetOptions {
    int clients = 1000;
    double seconds = 20;
    int hz = 30;
    bool baseline = false;
    std::string jsonPath;
    double warmup = -1;        // < 0: 2 s + 1 s per 200 clients (the presence lists must go out)
    int botProcesses = 1;
    int snapshotThreads = -1;  // -1: the server's default
    float moving = 0.3f;
    float chatPerMinute = 0.0f;
};

// The children of one run; killed (TERM, then KILL) by kill() or the destructor.
struct Children {
    std::vector<pid_t> pids;
    ~Children() { killAll(); }
    void killAll() {
        for (pid_t p : pids) kill(p, SIGTERM);
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        for (pid_t p : pids) {
            while (waitpid(p, nullptr, WNOHANG) == 0) {
                if (std::chrono::steady_clock::now() > until) { kill(p, SIGKILL); waitpid(p, nullptr, 0); break; }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
        pids.clear();
    }
};

fs::path selfDir() {
    std::error_code ec;
    fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : p.parent_path();
}

// A UDP port on 127.0.0.1 that was free a moment ago (the kernel's pick).
uint16_t freeUdpPort() {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    uint16_t port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

// fork + exec with stdout to `logPath`; the child dies with us. Returns the pid or -1.
pid_t spawn(const std::vector<std::string>& args, const std::string& logPath) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);  // the parent died before prctl
        int fd = open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); close(fd); }
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

std::optional<Json> readJson(const fs::path& p) {
    std::ifstream f(p);
    if (!f) return std::nullopt;
    Json j = Json::parse(f, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
}

double num(const Json& j, const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0; }

double nowSeconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// One measured run. Returns the figures, or an "error" entry.
Json runOnce(const NetOptions& o, bool interest, const fs::path& tmp) {
    const fs::path dir = selfDir();
    const std::string server = (dir / "dockhall-server").string(), bots = (dir / "dockhall-bots").string();
    if (!fs::exists(server) || !fs::exists(bots)) return Json{{"error", "dockhall-server / dockhall-bots not found next to " + dir.string()}};
    const uint16_t port = freeUdpPort();
    if (!port) return Json{{"error", "no free UDP port on 127.0.0.1"}};
    const double warmup = o.warmup >= 0 ? o.warmup : 2.0 + double(o.clients) / 200.0;
    const std::string tag = interest ? "interest" : "baseline";
    const fs::path statsPath = tmp / ("server-" + tag + ".json");
    fs::remove(statsPath);

    Children kids;
    const int cap = std::min(4095, o.clients + 16);
    std::vector<std::string> sargs = {server, "--bind", "127.0.0.1", "--port", std::to_string(port), "--db", ":memory:",
                                      "--max-participants", std::to_string(cap), "--stats-json", statsPath.string(),
                                      "--stats-window-seconds", std::to_string(std::max(1, int(o.seconds))),
                                      "--key-file", (tmp / "server.key").string()};
    if (!interest) sargs.push_back("--no-interest");
    if (o.snapshotThreads >= 0) {
        sargs.push_back("--snapshot-threads");
        sargs.push_back(std::to_string(o.snapshotThreads));
    }
    pid_t spid = spawn(sargs, (tmp / ("server-" + tag + ".log")).string());
    if (spid < 0) return Json{{"error", "cannot start dockhall-server"}};
    kids.pids.push_back(spid);
    // The server writes its stats a second after it starts serving.
    for (int i = 0; i < 100 && !fs::exists(statsPath); ++i) {
        if (waitpid(spid, nullptr, WNOHANG) != 0) { kids.pids.clear(); return Json{{"error", "dockhall-server exited at start; see " + (tmp / ("server-" + tag + ".log")).string()}}; }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }

    const int procs = std::clamp(o.botProcesses, 1, o.clients);
    std::vector<fs::path> botJson;
    const double t0 = nowSeconds();
    for (int p = 0; p < procs; ++p) {
        int n = o.clients / procs + (p < o.clients % procs ? 1 : 0);
        botJson.push_back(tmp / ("bots-" + tag + "-" + std::to_string(p) + ".json"));
        fs::remove(botJson.back());
        std::vector<std::string> bargs = {bots, "--connect", "127.0.0.1:" + std::to_string(port), "--clients", std::to_string(n),
                                          "--seconds", std::to_string(warmup + o.seconds), "--warmup", std::to_string(warmup),
                                          "--json", botJson.back().string(), "--name-prefix", "B" + std::to_string(p),
                                          "--seed", std::to_string(p + 1), "--moving", std::to_string(o.moving),
                                          "--chat-per-minute", std::to_string(o.chatPerMinute)};
        pid_t b = spawn(bargs, (tmp / ("bots-" + tag + "-" + std::to_string(p) + ".log")).string());
        if (b < 0) return Json{{"error", "cannot start dockhall-bots"}};
        kids.pids.push_back(b);
    }
    // The server's stats at the end of the bots' window cover the measured seconds.
    Json serverStats;
    const double windowEnd = t0 + warmup + o.seconds - 0.1;
    while (nowSeconds() < windowEnd) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (auto j = readJson(statsPath)) serverStats = *j;
    // Bots exit after writing their report; give them a while.
    for (size_t k = 1; k < kids.pids.size(); ++k) {
        for (int i = 0; i < 600 && waitpid(kids.pids[k], nullptr, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kids.killAll();

    int connected = 0, refused = 0, lost = 0;
    double join = 0, joinP50 = 0, joinP95 = 0, downP50 = 0, downP95 = 0, upP95 = 0, downMean = 0, view = 0, snaps = 0, inputsPerSec = 0, inputPackets = 0, walking = 0, botsCpu = 0;
    for (const auto& path : botJson) {
        auto j = readJson(path);
        if (!j) return Json{{"error", "no report from dockhall-bots: " + path.string()}};
        connected += int(num(*j, "connected"));
        refused += int(num(*j, "refused"));
        lost += int(num(*j, "lost"));
        // Over several processes: the worst process's percentiles, the mean of the means.
        join = std::max(join, num(*j, "join_seconds"));
        joinP50 = std::max(joinP50, num(*j, "join_ms_p50"));
        joinP95 = std::max(joinP95, num(*j, "join_ms_p95"));
        downP50 = std::max(downP50, num(*j, "down_kbps_per_client_p50"));
        downP95 = std::max(downP95, num(*j, "down_kbps_per_client_p95"));
        upP95 = std::max(upP95, num(*j, "up_kbps_per_client_p95"));
        downMean += num(*j, "down_kbps_per_client_mean") / double(botJson.size());
        view += num(*j, "avatars_in_view_mean") / double(botJson.size());
        snaps += num(*j, "snapshots_per_second_mean") / double(botJson.size());
        inputsPerSec += num(*j, "inputs_per_second_mean") / double(botJson.size());
        inputPackets += num(*j, "input_packets_per_second_mean") / double(botJson.size());
        walking += num(*j, "walking_share") / double(botJson.size());
        botsCpu += num(*j, "cpu_share");  // the processes' together
    }
    return Json{{"mode", interest ? "interest" : "full_broadcast"},
                {"clients", o.clients},
                {"connected", connected},
                {"refused", refused},
                {"lost", lost},
                {"join_seconds", join},
                {"join_ms_p50", joinP50},
                {"join_ms_p95", joinP95},
                {"warmup_seconds", warmup},
                {"seconds", o.seconds},
                {"tick_ms_p50", num(serverStats, "tick_ms_p50")},
                {"tick_ms_p99", num(serverStats, "tick_ms_p99")},
                {"tick_ms_max", num(serverStats, "tick_ms_max")},
                {"tick_receive_ms_p50", num(serverStats, "tick_receive_ms_p50")},
                {"tick_receive_ms_p99", num(serverStats, "tick_receive_ms_p99")},
                {"idle_receive_ms_per_tick", num(serverStats, "idle_receive_ms_per_tick")},
                {"server_cpu_share", num(serverStats, "cpu_share")},
                {"tick_reads_cut", num(serverStats, "tick_reads_cut")},
                {"tick_simulate_ms_p50", num(serverStats, "tick_simulate_ms_p50")},
                {"tick_simulate_ms_p99", num(serverStats, "tick_simulate_ms_p99")},
                {"tick_send_ms_p50", num(serverStats, "tick_send_ms_p50")},
                {"tick_send_ms_p99", num(serverStats, "tick_send_ms_p99")},
                {"inputs_received", num(serverStats, "inputs_received")},
                {"inputs_applied", num(serverStats, "inputs_applied")},
                {"inputs_applied_ratio", num(serverStats, "inputs_applied_ratio")},
                {"inputs_dropped", num(serverStats, "inputs_dropped")},
                {"ticks_without_snapshots", num(serverStats, "ticks_without_snapshots")},
                {"server_clients", num(serverStats, "clients")},
                {"server_bytes_out_per_s", num(serverStats, "bytes_out_per_s")},
                {"server_bytes_in_per_s", num(serverStats, "bytes_in_per_s")},
                {"server_packets_out_per_s", num(serverStats, "packets_out_per_s")},
                {"server_packets_in_per_s", num(serverStats, "packets_in_per_s")},
                {"server_avatars_per_snapshot", num(serverStats, "avatars_in_view_mean")},
                {"down_kbps_per_client_mean", downMean},
                {"down_kbps_per_client_p50", downP50},
                {"down_kbps_per_client_p95", downP95},
                {"up_kbps_per_client_p95", upP95},
                {"avatars_in_view_mean", view},
                {"snapshots_per_second_mean", snaps},
                {"bot_inputs_per_second_mean", inputsPerSec},
                {"bot_input_packets_per_second_mean", inputPackets},
                {"bot_walking_share", walking},
                {"bots_cpu_share", botsCpu}};
}

}  // namespace

int bench::net(int argc, char** argv) {
    CLI::App app{"dockhall-bench net: server + N bot processes over ENet on 127.0.0.1"};
    NetOptions o;
    app.add_option("--clients", o.clients, "bots")->check(CLI::Range(1, 4000))->capture_default_str();
    app.add_option("--seconds", o.seconds, "measured seconds (after the warm-up)")->check(CLI::Range(1.0, 3600.0))->capture_default_str();
    app.add_option("--hz", o.hz, "tick rate (the protocol's is 30; others are refused)")->capture_default_str();
    app.add_flag("--baseline", o.baseline, "also run the same load against a naive full broadcast and add ratios");
    app.add_option("--json", o.jsonPath, "write the figures here");
    app.add_option("--warmup", o.warmup, "seconds for the join storm to settle (default 2 + clients/200)");
    app.add_option("--snapshot-threads", o.snapshotThreads, "the server's snapshot threads (-1: its default, one per core)")
        ->check(CLI::Range(-1, 8))->capture_default_str();
    app.add_option("--bot-processes", o.botProcesses, "split the bots over this many processes")->check(CLI::Range(1, 64))->capture_default_str();
    app.add_option("--moving", o.moving, "share of time each bot walks")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    app.add_option("--chat-per-minute", o.chatPerMinute, "chat lines per bot per minute")->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (o.hz != 30) {
        std::fprintf(stderr, "dockhall-bench net: --hz %d: the protocol's tick rate is fixed at 30 (net::kTickRate)\n", o.hz);
        return 2;
    }
    std::error_code ec;
    fs::path tmp = fs::temp_directory_path() / ("dockhall-bench-net-" + std::to_string(getpid()));
    fs::create_directories(tmp, ec);

    Json result = runOnce(o, true, tmp);
    if (o.baseline && !result.contains("error")) {
        Json base = runOnce(o, false, tmp);
        if (!base.contains("error")) {
            auto ratio = [&](const char* k) { double a = num(result, k); return a > 0 ? num(base, k) / a : 0.0; };
            result["down_kbps_ratio_baseline_over_interest"] = ratio("down_kbps_per_client_mean");
            result["down_kbps_p95_ratio_baseline_over_interest"] = ratio("down_kbps_per_client_p95");
            result["server_bytes_out_ratio_baseline_over_interest"] = ratio("server_bytes_out_per_s");
            result["tick_ms_p99_ratio_baseline_over_interest"] = ratio("tick_ms_p99");
        }
        result["baseline"] = base;
    }
    result["logs"] = tmp.string();
    if (!writeFigures(result, o.jsonPath, "net")) return 1;
    return result.contains("error") ? 1 : 0;
}
