// A signing ceremony as people run it: a real dockhall-server on 127.0.0.1, `dockhall-bots
// --scenario ceremony` (an organizer and two representatives over ENet), then `dockhall-admin
// agreement export` from the server's database and `agreement verify` on the export; one changed
// byte of the text makes verify fail.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

extern char** environ;

namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs a shell command with its output in `log`; the exit status.
int run(const std::string& cmd, const fs::path& log) {
    const int status = std::system((cmd + " >" + log.string() + " 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Server {
    pid_t pid = -1;
    ~Server() { stop(); }
    void stop() {
        if (pid <= 0) return;
        kill(pid, SIGTERM);
        int status = 0;
        for (int i = 0; i < 500 && waitpid(pid, &status, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (waitpid(pid, &status, WNOHANG) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
        }
        pid = -1;
    }
};

}  // namespace

TEST(CeremonyBots, AScriptedCeremonyAgainstARealServerExportsAVerifiableAgreement) {
    const fs::path dir = fs::temp_directory_path() / ("dockhall_ceremony_bots_" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string bin = DOCKHALL_BIN_DIR;
    const fs::path db = dir / "event.sqlite", serverLog = dir / "server.log";

    Server server;
    {
        posix_spawn_file_actions_t files;
        posix_spawn_file_actions_init(&files);
        posix_spawn_file_actions_addopen(&files, 1, serverLog.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&files, 1, 2);
        const std::string exe = bin + "/dockhall-server", event = std::string(DOCKHALL_SOURCE_DIR) + "/assets/events/sample.json",
                          key = (dir / "server.key").string();
        std::vector<std::string> args = {exe, "--bind", "127.0.0.1", "--port", "0", "--event", event,
                                         "--db", db.string(), "--key-file", key};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ASSERT_EQ(posix_spawn(&server.pid, exe.c_str(), &files, nullptr, argv.data(), environ), 0);
        posix_spawn_file_actions_destroy(&files);
    }
    // The server logs the port it got ("--connect HOST:PORT").
    int port = 0;
    for (int i = 0; i < 1000 && port == 0; ++i) {
        const std::string log = readFile(serverLog);
        if (auto at = log.find("--connect HOST:"); at != std::string::npos) port = std::atoi(log.c_str() + at + 15);
        else std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GT(port, 0) << readFile(serverLog);

    const auto t0 = std::chrono::steady_clock::now();
    const int bots = run(bin + "/dockhall-bots --connect 127.0.0.1:" + std::to_string(port) + " --scenario ceremony --seconds 20 --key-dir " +
                             (dir / "keys").string() + " --json " + (dir / "ceremony.json").string(),
                         dir / "bots.log");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(bots, 0) << readFile(dir / "bots.log");
    EXPECT_LT(seconds, 20.0);
    EXPECT_NE(readFile(dir / "ceremony.json").find("\"state\": \"signed\""), std::string::npos);
    // The representatives' secret keys stayed on their machine, readable by their owner only.
    size_t keyFiles = 0;
    for (const auto& f : fs::directory_iterator(dir / "keys")) {
        ++keyFiles;
        EXPECT_EQ(fs::status(f).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
    }
    EXPECT_EQ(keyFiles, 2u);
    server.stop();

    const fs::path out = dir / "export";
    ASSERT_EQ(run(bin + "/dockhall-admin agreement export --db " + db.string() + " --id 1 --out " + out.string(), dir / "export.log"), 0)
        << readFile(dir / "export.log");
    ASSERT_TRUE(fs::exists(out / "agreement-1.html"));
    EXPECT_NE(readFile(out / "agreement-1.html").find("李敏"), std::string::npos);
    ASSERT_EQ(run(bin + "/dockhall-admin agreement verify " + (out / "agreement-1.json").string(), dir / "verify.log"), 0)
        << readFile(dir / "verify.log");

    // One byte of the text changed: verify names the problem and fails.
    std::string json = readFile(out / "agreement-1.json");
    const size_t at = json.find("Article 1.");
    ASSERT_NE(at, std::string::npos);
    json[at + 8] = '2';
    std::ofstream(dir / "tampered.json", std::ios::binary) << json;
    EXPECT_EQ(run(bin + "/dockhall-admin agreement verify " + (dir / "tampered.json").string(), dir / "tampered.log"), 1);
    EXPECT_NE(readFile(dir / "tampered.log").find("content-changed"), std::string::npos) << readFile(dir / "tampered.log");

    // Unknown agreement: said in words, non-zero.
    EXPECT_EQ(run(bin + "/dockhall-admin agreement export --db " + db.string() + " --id 7 --out " + out.string(), dir / "none.log"), 2);
    fs::remove_all(dir);
}
