// store_test.cpp: SqliteStore keeps what the server acknowledged across restarts and crashes,
// migrates its schema once, and refuses databases it cannot safely use.
#include "server/store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using server::SqliteStore;

// A fresh folder under the system temp dir, removed with everything in it at the end.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        m_path = fs::temp_directory_path() /
                 ("dockhall-store-" + std::to_string(::getpid()) + "-" + std::to_string(stamp) + "-" +
                  std::to_string(counter++));
        fs::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    fs::path m_path;
};

std::unique_ptr<SqliteStore> openOrFail(const std::string& path) {
    std::string error;
    auto store = SqliteStore::open(path, &error);
    EXPECT_TRUE(store) << error;
    return store;
}

// Reads one value straight from the file with the SQLite C API, bypassing SqliteStore.
std::string rawQuery(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::string out = "<error>";
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
            int rc = sqlite3_step(stmt);
            if (rc == SQLITE_ROW) {
                const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
                out = p ? p : "<null>";
            } else if (rc == SQLITE_DONE) {
                out = "<none>";
            }
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return out;
}

void rawExec(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* msg = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg), SQLITE_OK) << (msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(db);
}

net::Organization org(const char* zh, const char* en, net::OrgKind kind) {
    net::Organization o;
    o.name = {zh, en};
    o.kind = kind;
    return o;
}

net::EventLayout sampleLayout() {
    net::EventLayout layout;
    layout.name = {"2024宁夏产学研对接会", "2024 Ningxia Industry-University-Research Docking Meeting"};
    const net::Organization owners[] = {
        org("寧夏力成電氣集團", "Ningxia Licheng Electric Group", net::OrgKind::Enterprise),
        org("宁夏大学", "Ningxia University", net::OrgKind::University),
        org("寧夏力成電氣集團", "Ningxia Licheng Electric Group", net::OrgKind::Enterprise),  // a second booth
        org("中国科学院金属研究所", "", net::OrgKind::Institute),
    };
    uint16_t id = 0;
    for (const auto& o : owners) {
        net::Booth b;
        b.id.v = id++;
        b.owner = o;
        layout.booths.push_back(b);
    }
    return layout;
}

net::ChatLine chat(uint32_t id, const char* name, const char* text) {
    net::ChatLine line;
    line.id = id;
    line.from.v = uint16_t(id % 7 + 1);
    line.fromName = name;
    line.fromOrg = "宁夏大学";
    line.unixMs = 1717464600000 + int64_t(id) * 1000;
    line.text = text;
    return line;
}

const char* kEventJson = R"({"name": {"zh": "2024宁夏产学研对接会", "en": "Docking Meeting"}})";

// --- restarts ------------------------------------------------------------------------------------

TEST(SqliteStore, EverythingWrittenSurvivesARestart) {
    TempDir dir;
    const std::string db = dir.file("event.sqlite");
    uint32_t wangId = 0;
    {
        auto store = openOrFail(db);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->saveEvent(kEventJson, sampleLayout()));
        auto wang = store->recordJoin("王磊", "寧夏力成電氣集團", net::Role::Exhibitor, 1000);
        ASSERT_TRUE(wang);
        wangId = wang->accountId;
        ASSERT_TRUE(store->recordLeave(wangId, 2000));
        ASSERT_TRUE(store->recordJoin("王磊", "寧夏力成電氣集團", net::Role::Exhibitor, 3000));
        ASSERT_TRUE(store->recordJoin("Li Na", "宁夏大学", net::Role::University, 3500));
        ASSERT_TRUE(store->appendChat(chat(1, "王磊", "大家好，欢迎参观我们的锻件展位")));
        ASSERT_TRUE(store->appendChat(chat(2, "Li Na", "Hello 你好")));
        ASSERT_TRUE(store->appendChat(chat(3, "王磊", "齒輪毛坯 42CrMo 閉式模鍛")));
    }  // the server stops

    auto store = openOrFail(db);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->migrationsApplied(), 0);
    EXPECT_EQ(store->loadEventJson(), std::optional<std::string>(kEventJson));

    auto orgs = store->organizations();
    ASSERT_EQ(orgs.size(), 3u);  // booth order, the group's second booth not repeated
    EXPECT_EQ(orgs[0].name.zh, "寧夏力成電氣集團");
    EXPECT_EQ(orgs[0].name.en, "Ningxia Licheng Electric Group");
    EXPECT_EQ(orgs[0].kind, net::OrgKind::Enterprise);
    EXPECT_EQ(orgs[1].name.zh, "宁夏大学");
    EXPECT_EQ(orgs[1].kind, net::OrgKind::University);
    EXPECT_EQ(orgs[2].name.zh, "中国科学院金属研究所");
    EXPECT_EQ(orgs[2].name.en, "");
    EXPECT_EQ(orgs[2].kind, net::OrgKind::Institute);

    auto people = store->participants();
    ASSERT_EQ(people.size(), 2u);
    EXPECT_EQ(people[0].accountId, wangId);
    EXPECT_EQ(people[0].name, "王磊");
    EXPECT_EQ(people[0].org, "寧夏力成電氣集團");
    EXPECT_EQ(people[0].role, net::Role::Exhibitor);
    EXPECT_EQ(people[0].sessions, 2u);
    EXPECT_EQ(people[0].firstSeenMs, 1000);
    EXPECT_EQ(people[0].lastSeenMs, 3000);
    EXPECT_EQ(people[1].name, "Li Na");
    EXPECT_EQ(people[1].role, net::Role::University);
    EXPECT_EQ(people[1].sessions, 1u);

    auto lines = store->recentChat(10);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].id, 1u);
    EXPECT_EQ(lines[0].text, "大家好，欢迎参观我们的锻件展位");
    EXPECT_EQ(lines[0].fromName, "王磊");
    EXPECT_EQ(lines[0].fromOrg, "宁夏大学");
    EXPECT_EQ(lines[0].from.v, chat(1, "", "").from.v);
    EXPECT_EQ(lines[0].unixMs, chat(1, "", "").unixMs);
    EXPECT_EQ(lines[1].id, 2u);
    EXPECT_EQ(lines[1].text, "Hello 你好");
    EXPECT_EQ(lines[2].id, 3u);
    EXPECT_EQ(lines[2].text, "齒輪毛坯 42CrMo 閉式模鍛");
    EXPECT_EQ(store->lastChatId(), 3u);
    EXPECT_EQ(store->chatCount(), 3u);

    // The same person coming back after the restart keeps their account.
    auto again = store->recordJoin("王磊", "寧夏力成電氣集團", net::Role::Exhibitor, 9000);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->accountId, wangId);
    EXPECT_EQ(again->sessions, 3u);
    EXPECT_EQ(again->firstSeenMs, 1000);
}

TEST(SqliteStore, AcknowledgedWritesSurviveSigkill) {
    TempDir dir;
    const std::string db = dir.file("event.sqlite");
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The "server": writes, gets true back (the acknowledgement), then dies without cleanup.
        std::string error;
        auto store = SqliteStore::open(db, &error);
        bool ok = store && store->recordJoin("王磊", "寧夏力成電氣集團", net::Role::Exhibitor, 1000) &&
                  store->appendChat(chat(1, "王磊", "已确认 / acknowledged"));
        if (!ok) ::_exit(3);
        ::kill(::getpid(), SIGKILL);
        ::_exit(4);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    ASSERT_EQ(WTERMSIG(status), SIGKILL);

    auto store = openOrFail(db);
    ASSERT_TRUE(store);
    auto lines = store->recentChat(5);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].text, "已确认 / acknowledged");
    ASSERT_EQ(store->participants().size(), 1u);
    EXPECT_EQ(store->participants()[0].name, "王磊");
}

TEST(SqliteStore, FileDatabaseIsInWalMode) {
    TempDir dir;
    const std::string db = dir.file("event.sqlite");
    {
        auto store = openOrFail(db);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->appendChat(chat(1, "王磊", "hi")));
        EXPECT_TRUE(fs::exists(db + "-wal"));  // commits go to the log while the store is open
    }
    // WAL mode is a property of the file: a fresh connection sees it.
    EXPECT_EQ(rawQuery(db, "PRAGMA journal_mode"), "wal");
}

// --- schema ------------------------------------------------------------------------------------

TEST(SqliteStore, RefusesADatabaseFromANewerServer) {
    TempDir dir;
    const std::string db = dir.file("event.sqlite");
    rawExec(db, "CREATE TABLE future (x); PRAGMA user_version = 7;");

    std::string error;
    auto store = SqliteStore::open(db, &error);
    EXPECT_FALSE(store);
    EXPECT_EQ(error, db + ": schema version 7 is newer than this server (" +
                         std::to_string(SqliteStore::kSchemaVersion) + "); upgrade dockhall-server");
    // Nothing was changed in the newer file.
    EXPECT_EQ(rawQuery(db, "PRAGMA user_version"), "7");
    EXPECT_EQ(rawQuery(db, "SELECT count(*) FROM sqlite_master WHERE name = 'chat'"), "0");
}

TEST(SqliteStore, RefusesAFileThatIsNotADatabase) {
    TempDir dir;
    const std::string path = dir.file("event.json");
    std::ofstream(path) << "{\"this is\": \"an event file, not a database, and it is long enough to have a header\"}\n";

    std::string error;
    auto store = SqliteStore::open(path, &error);
    EXPECT_FALSE(store);
    EXPECT_NE(error.find(path + ": not an SQLite database"), std::string::npos) << error;
}

TEST(SqliteStore, RefusesAMissingFolderWithItsName) {
    TempDir dir;
    const std::string path = dir.file("no-such-folder/event.sqlite");
    std::string error;
    EXPECT_FALSE(SqliteStore::open(path, &error));
    EXPECT_NE(error.find(path + ": cannot open"), std::string::npos) << error;
}

TEST(SqliteStore, EmptyFileIsMigratedOnceAndReopeningKeepsData) {
    TempDir dir;
    const std::string db = dir.file("event.sqlite");
    std::ofstream(db).close();  // an empty file, as `touch event.sqlite` leaves it
    ASSERT_EQ(fs::file_size(db), 0u);
    {
        auto store = openOrFail(db);
        ASSERT_TRUE(store);
        EXPECT_EQ(store->migrationsApplied(), SqliteStore::kSchemaVersion);
        ASSERT_TRUE(store->appendChat(chat(1, "王磊", "first")));
        ASSERT_TRUE(store->recordJoin("王磊", "寧夏力成電氣集團", net::Role::Exhibitor, 1000));
    }
    EXPECT_EQ(rawQuery(db, "PRAGMA user_version"), std::to_string(SqliteStore::kSchemaVersion));
    for (const char* table : {"event", "organization", "participant", "session", "chat"})
        EXPECT_EQ(rawQuery(db, std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") +
                                   table + "'"),
                  "1")
            << table;

    auto store = openOrFail(db);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->migrationsApplied(), 0);
    EXPECT_EQ(store->lastChatId(), 1u);
    ASSERT_EQ(store->recentChat(1).size(), 1u);
    EXPECT_EQ(store->recentChat(1)[0].text, "first");
    EXPECT_EQ(store->participants().size(), 1u);
}

// --- participants ------------------------------------------------------------------------------

TEST(SqliteStore, SamePersonIsOneAccountAndLeaveClosesTheNewestSession) {
    TempDir dir;
    const std::string db = dir.file("event.sqlite");
    uint32_t account = 0;
    {
        auto store = openOrFail(db);
        ASSERT_TRUE(store);
        auto first = store->recordJoin("王磊", "寧夏力成電氣集團", net::Role::Exhibitor, 1000);
        ASSERT_TRUE(first);
        EXPECT_NE(first->accountId, 0u);
        EXPECT_EQ(first->sessions, 1u);
        EXPECT_EQ(first->firstSeenMs, 1000);
        EXPECT_EQ(first->lastSeenMs, 1000);
        account = first->accountId;

        // Two sessions at once (two windows), then one leaves: the newer one is closed.
        auto second = store->recordJoin("王磊", "寧夏力成電氣集團", net::Role::Exhibitor, 2000);
        ASSERT_TRUE(second);
        EXPECT_EQ(second->accountId, account);
        EXPECT_EQ(second->sessions, 2u);
        EXPECT_EQ(second->firstSeenMs, 1000);
        EXPECT_EQ(second->lastSeenMs, 2000);
        ASSERT_TRUE(store->recordLeave(account, 5000));

        // Same name, other organization or other role: someone else.
        auto otherOrg = store->recordJoin("王磊", "宁夏大学", net::Role::Exhibitor, 3000);
        auto otherRole = store->recordJoin("王磊", "寧夏力成電氣集團", net::Role::Attendee, 3000);
        ASSERT_TRUE(otherOrg && otherRole);
        EXPECT_NE(otherOrg->accountId, account);
        EXPECT_NE(otherRole->accountId, account);
        EXPECT_NE(otherOrg->accountId, otherRole->accountId);
        EXPECT_EQ(store->participants().size(), 3u);
        EXPECT_EQ(store->participants()[0].lastSeenMs, 5000);  // leaving counts as being seen

        // Leaving with nothing open, or for an account that never joined, changes nothing.
        EXPECT_TRUE(store->recordLeave(otherOrg->accountId, 4000));
        EXPECT_TRUE(store->recordLeave(otherOrg->accountId, 4500));
        EXPECT_TRUE(store->recordLeave(9999, 4000));
    }
    const std::string sessions = "SELECT group_concat(coalesce(left_ms, 'open'), ',') FROM "
                                 "(SELECT left_ms FROM session WHERE account_id = " + std::to_string(account) +
                                 " ORDER BY id)";
    EXPECT_EQ(rawQuery(db, sessions), "open,5000");
}

// --- chat --------------------------------------------------------------------------------------

TEST(SqliteStore, RecentChatIsTheNewestLinesOldestFirst) {
    auto store = openOrFail(":memory:");
    ASSERT_TRUE(store);
    EXPECT_EQ(store->lastChatId(), 0u);
    EXPECT_TRUE(store->recentChat(5).empty());
    EXPECT_EQ(store->chatCount(), 0u);

    for (uint32_t id = 1; id <= 10; ++id)
        ASSERT_TRUE(store->appendChat(chat(id, "王磊", ("第" + std::to_string(id) + "条").c_str())));
    auto lines = store->recentChat(3);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].id, 8u);
    EXPECT_EQ(lines[1].id, 9u);
    EXPECT_EQ(lines[2].id, 10u);
    EXPECT_EQ(lines[0].text, "第8条");
    EXPECT_EQ(lines[2].text, "第10条");
    EXPECT_EQ(store->recentChat(100).size(), 10u);
    EXPECT_EQ(store->recentChat(100).front().id, 1u);
    EXPECT_TRUE(store->recentChat(0).empty());
    EXPECT_EQ(store->lastChatId(), 10u);
    EXPECT_EQ(store->chatCount(), 10u);
}

TEST(SqliteStore, DuplicateChatIdIsRefusedAndTheFirstLineKept) {
    std::string reported;
    std::string error;
    auto store = SqliteStore::open(":memory:", &error, {.onError = [&](std::string_view m) { reported = m; }});
    ASSERT_TRUE(store) << error;
    ASSERT_TRUE(store->appendChat(chat(1, "王磊", "原话")));
    EXPECT_TRUE(store->lastError().empty());

    EXPECT_FALSE(store->appendChat(chat(1, "Li Na", "冒名顶替")));
    EXPECT_NE(store->lastError().find("append chat"), std::string::npos) << store->lastError();
    EXPECT_EQ(reported, store->lastError());

    auto lines = store->recentChat(10);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].fromName, "王磊");
    EXPECT_EQ(lines[0].text, "原话");
    // The store is still usable after the refusal (no transaction left open).
    EXPECT_TRUE(store->appendChat(chat(2, "Li Na", "好的")));
    EXPECT_EQ(store->lastChatId(), 2u);
}

TEST(SqliteStore, SavingAnEventReplacesTheEarlierOne) {
    auto store = openOrFail(":memory:");
    ASSERT_TRUE(store);
    EXPECT_FALSE(store->loadEventJson());
    EXPECT_TRUE(store->lastError().empty());  // "none saved yet" is not an error
    ASSERT_TRUE(store->saveEvent(kEventJson, sampleLayout()));
    EXPECT_EQ(store->organizations().size(), 3u);

    net::EventLayout smaller;
    net::Booth b;
    b.owner = org("宁夏大学", "Ningxia University", net::OrgKind::University);
    smaller.booths.push_back(b);
    ASSERT_TRUE(store->saveEvent("{}", smaller));
    EXPECT_EQ(store->loadEventJson(), std::optional<std::string>("{}"));
    auto orgs = store->organizations();
    ASSERT_EQ(orgs.size(), 1u);
    EXPECT_EQ(orgs[0].name.zh, "宁夏大学");
}

}  // namespace
