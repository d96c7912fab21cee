// Crash safety: dockhall-server runs as a child process on an SQLite file while three signed-in
// clients post chat lines, needs and meeting requests and note which were acknowledged. The
// server is killed with SIGKILL in the middle of it and started again on the same file. The
// clients notice the silence, come back by themselves with their session tokens (no password),
// carry on, and in the end every acknowledged record is in the database.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include "client/core/connection.h"
#include "net/transport/enet_transport.h"
#include "server/core/auth.h"
#include "server/store/sqlite_store.h"

namespace {

namespace fs = std::filesystem;

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

// dockhall-server as a child process.
class ServerProcess {
public:
    ServerProcess(const fs::path& dir, uint16_t port) : m_dir(dir), m_port(port) {}
    ~ServerProcess() { kill(SIGKILL); }
    void start() {
        std::string bin = std::string(DOCKHALL_BIN_DIR) + "/dockhall-server";
        std::string portText = std::to_string(m_port), db = (m_dir / "event.sqlite").string(),
                    key = (m_dir / "server.key").string(), log = (m_dir / "server.log").string();
        m_pid = ::fork();
        if (m_pid == 0) {
            FILE* f = std::freopen(log.c_str(), "a", stdout);
            (void)f;
            ::dup2(::fileno(stdout), 2);
            ::execl(bin.c_str(), bin.c_str(), "--port", portText.c_str(), "--bind", "127.0.0.1", "--event",
                    DOCKHALL_SOURCE_DIR "/assets/events/sample.json", "--db", db.c_str(), "--key-file", key.c_str(),
                    // The sample event's day, before its meeting sessions: slots can still be booked.
                    "--rehearse", "2024-06-04 09:00", static_cast<char*>(nullptr));
            std::_Exit(127);
        }
    }
    void kill(int sig) {
        if (m_pid <= 0) return;
        ::kill(m_pid, sig);
        int status = 0;
        ::waitpid(m_pid, &status, 0);
        m_pid = -1;
    }
    bool running() const { return m_pid > 0 && ::waitpid(m_pid, nullptr, WNOHANG) == 0; }

private:
    fs::path m_dir;
    uint16_t m_port;
    pid_t m_pid = -1;
};

// A participant that signs in once with its password, and after that comes back with its session
// token whenever the server goes quiet or the link drops.
struct Participant {
    Participant(uint16_t serverPort, std::string email, std::string password) : port(serverPort) {
        request.email = std::move(email);
        request.password = std::move(password);
        connect();
    }
    void connect() {
        conn.reset();
        std::string error;
        // A short timeout, for the connection attempts while the server is down.
        transport = net::EnetTransport::connect({.host = "127.0.0.1", .port = port, .timeoutMs = 1500}, &error);
        EXPECT_TRUE(transport) << error;
        conn = std::make_unique<client::Connection>(*transport, request, monoMs());
        ++connects;
    }
    void update() {
        uint64_t now = monoMs();
        conn->update(now);
        if (conn->state() == client::ConnState::Joined) {
            if (!conn->sessionToken().empty() && request.token.empty()) {
                request = conn->rejoinRequest();  // from now on the token, not the password
                EXPECT_TRUE(request.password.empty());
            }
            if (!joinedOnce) joinedOnce = true;
            ++joinedFrames;
        }
        if (conn->state() == client::ConnState::Refused) refusal = conn->refusalText();
        if (conn->state() == client::ConnState::Lost) connect();
    }
    bool joined() const { return conn->state() == client::ConnState::Joined; }

    uint16_t port;
    client::JoinRequest request;
    std::unique_ptr<net::EnetTransport> transport;
    std::unique_ptr<client::Connection> conn;
    int connects = 0;
    bool joinedOnce = false;
    uint64_t joinedFrames = 0;
    std::string refusal;
};

// Argon2id at libsodium's minimum cost: sign-ins stay quick under the sanitizers.
std::string cheapHash(const std::string& password) { return server::hashPassword(password, 1, 8192); }

net::PostView need(int n) {
    net::PostView p;
    p.kind = net::DockKind::Need;
    p.title = {"锻件热处理需求 " + std::to_string(n), "Forging heat treatment need " + std::to_string(n)};
    p.fields = {"heat-treatment"};
    p.description = {"希望与高校合作攻关。", "Looking for a university partner."};
    p.contact = "张工 138 0000 0000";
    return p;
}

}  // namespace

TEST(CrashSafety, EveryAcknowledgedRecordSurvivesASigkillAndClientsResumeWithTheirTokens) {
    const fs::path dir = fs::temp_directory_path() / ("dockhall-crash-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    {
        // The organizer imports the three accounts (dockhall-admin accounts import does the same).
        std::string error;
        auto store = server::SqliteStore::open((dir / "event.sqlite").string(), &error);
        ASSERT_TRUE(store) << error;
        std::vector<server::AccountImport> rows = {
            {"王工", "嵊州市中亿机械有限公司", net::Role::Exhibitor, "forge@example.com", cheapHash("forge-pass-1")},
            {"李教授", "宁夏大学", net::Role::University, "prof@nxu.edu.cn", cheapHash("prof-pass-1")},
            {"Visitor", "Anywhere", net::Role::Attendee, "visitor@example.com", cheapHash("visit-pass-1")},
        };
        size_t bad = 0;
        ASSERT_TRUE(store->importAccounts(rows, 0, nullptr, &bad, &error)) << error;
    }
    const uint16_t port = uint16_t(31000 + ::getpid() % 3000);
    ServerProcess server(dir, port);
    server.start();
    const uint64_t testStart = monoMs();

    Participant forge(port, "forge@example.com", "forge-pass-1");
    Participant prof(port, "prof@nxu.edu.cn", "prof-pass-1");
    Participant visitor(port, "visitor@example.com", "visit-pass-1");
    std::vector<Participant*> all = {&forge, &prof, &visitor};

    std::set<std::string> ackedChat;                 // texts echoed back to the visitor
    std::set<std::string> ackedPosts;                // English titles with an ok reply
    std::set<std::pair<uint32_t, int>> ackedAsks;    // (post, slot index) with an ok reply
    std::map<uint32_t, std::string> pendingPosts;    // req -> title, per connection
    std::map<uint32_t, std::pair<uint32_t, int>> pendingAsks;
    int chatN = 0, postN = 0, slotN = 0;
    uint32_t needId = 0;
    int forgeConnect = 0, profConnect = 0;
    uint64_t nextChat = 0, nextPost = 0, nextAsk = 0;

    // One step of load: send what is due, collect what was acknowledged.
    auto step = [&] {
        uint64_t now = monoMs();
        for (auto* p : all) p->update();
        if (forge.connects != forgeConnect) { pendingPosts.clear(); forgeConnect = forge.connects; }
        if (prof.connects != profConnect) { pendingAsks.clear(); profConnect = prof.connects; }
        for (const auto& line : visitor.conn->world().chat())
            if (line.fromName == "Visitor") ackedChat.insert(line.text);
        for (auto it = pendingPosts.begin(); it != pendingPosts.end();) {
            const net::DockReply* r = forge.conn->docking().reply(it->first);
            if (!r) { ++it; continue; }
            if (r->ok) ackedPosts.insert(it->second);
            it = pendingPosts.erase(it);
        }
        for (const auto& e : forge.conn->docking().forYou()) needId = std::max(needId, e.mine.id);
        for (auto it = pendingAsks.begin(); it != pendingAsks.end();) {
            const net::DockReply* r = prof.conn->docking().reply(it->first);
            if (!r) { ++it; continue; }
            if (r->ok) ackedAsks.insert(it->second);
            it = pendingAsks.erase(it);
        }
        if (visitor.joined() && now >= nextChat) {
            nextChat = now + 450;  // within the chat rate (5 at once, then one every 2 s)
            std::string text = "line " + std::to_string(++chatN);
            visitor.conn->sendChat(text);
            visitor.transport->flush();
        }
        if (forge.joined() && now >= nextPost) {
            nextPost = now + 400;
            net::PostView p = need(++postN);
            pendingPosts[forge.conn->docking().savePost(p)] = p.title.en;
        }
        auto slots = prof.conn->docking().slots();
        if (prof.joined() && needId && now >= nextAsk && slotN < int(slots.size())) {
            nextAsk = now + 500;
            int slot = slotN++;
            pendingAsks[prof.conn->docking().askMeeting(needId, slots[size_t(slot)].ref)] = {needId, slot};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    };
    auto runFor = [&](uint64_t ms) {
        for (uint64_t end = monoMs() + ms; monoMs() < end;) step();
    };
    auto everyoneIn = [&] { return forge.joined() && prof.joined() && visitor.joined(); };

    for (uint64_t end = monoMs() + 6000; monoMs() < end && !everyoneIn();) step();
    ASSERT_TRUE(everyoneIn()) << forge.refusal << prof.refusal << visitor.refusal;
    ASSERT_FALSE(forge.request.token.empty());

    // Load, then SIGKILL in the middle of it (requests are in flight), then a restart.
    runFor(2000);
    const size_t chatBefore = ackedChat.size(), postsBefore = ackedPosts.size();
    ASSERT_GE(chatBefore, 3u);
    ASSERT_GT(postsBefore, 2u);
    server.kill(SIGKILL);
    runFor(300);  // the clients keep trying to send into the void
    server.start();

    // They come back by themselves, with the token; nobody types a password again.
    const int forgeBefore = forge.connects, profBefore = prof.connects, visitorBefore = visitor.connects;
    auto everyoneBack = [&] {
        return everyoneIn() && forge.connects > forgeBefore && prof.connects > profBefore && visitor.connects > visitorBefore;
    };
    for (uint64_t end = monoMs() + 8000; monoMs() < end && !everyoneBack();) step();
    ASSERT_TRUE(everyoneBack());
    ASSERT_TRUE(everyoneIn()) << forge.refusal << prof.refusal << visitor.refusal;
    EXPECT_TRUE(forge.request.password.empty());
    runFor(1000);  // and carry on
    EXPECT_GT(ackedChat.size(), chatBefore);
    EXPECT_GT(ackedPosts.size(), postsBefore);
    server.kill(SIGKILL);  // once more: the final check reads exactly what the disk had

    std::string error;
    auto store = server::SqliteStore::open((dir / "event.sqlite").string(), &error);
    ASSERT_TRUE(store) << error;
    std::set<std::string> storedChat;
    for (const auto& line : store->recentChat(100000)) storedChat.insert(line.text);
    for (const auto& text : ackedChat) EXPECT_TRUE(storedChat.count(text)) << "acknowledged chat lost: " << text;
    std::set<std::string> storedPosts;
    for (const auto& row : store->posts()) storedPosts.insert(row.post.title.en);
    for (const auto& title : ackedPosts) EXPECT_TRUE(storedPosts.count(title)) << "acknowledged post lost: " << title;
    size_t storedAsks = 0;
    for (const auto& m : store->meetings())
        if (m.view.post != 0) ++storedAsks;
    EXPECT_GE(storedAsks, ackedAsks.size());
    EXPECT_FALSE(ackedAsks.empty());
    // One sign-in with a password each, the rest by token: the session count grew, the failures did not.
    for (const auto& a : store->accounts()) {
        EXPECT_GE(a.who.sessions, 2u) << a.email;
        EXPECT_EQ(a.failedLogins, 0u) << a.email;
    }
    std::printf("acknowledged and found after SIGKILL: %zu chat lines, %zu posts, %zu meeting requests (%zu stored); %.1f s\n",
                ackedChat.size(), ackedPosts.size(), ackedAsks.size(), storedAsks, double(monoMs() - testStart) / 1000.0);
    EXPECT_LT(monoMs() - testStart, 20000u);
    std::error_code ec;
    fs::remove_all(dir, ec);
}
