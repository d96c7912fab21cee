// accounts_test.cpp: `dockhall-admin accounts import|list|set-password` as the organizer uses them
// (the functions behind the commands, on a database file): CSV with quotes and Chinese names, a
// passwords file only its owner reads, updates instead of duplicates, all-or-nothing imports.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "server/core/auth.h"
#include "server/core/event_loader.h"
#include "server/store/sqlite_store.h"
#include "tools/admin/accounts_cmd.h"
#include "tools/admin/agreement_cmd.h"

namespace {

namespace fs = std::filesystem;
using namespace tools::admin;

std::string readText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Accounts : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("dockhall-accounts-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }
    std::string path(const char* name) const { return (m_dir / name).string(); }
    int import(const std::string& csv, const char* out = "passwords.csv") {
        std::ofstream(path("in.csv"), std::ios::binary) << csv;
        m_out.str({});
        m_err.str({});
        return importAccountsCsv(path("in.csv"), path("event.sqlite"), path(out), m_out, m_err);
    }
    std::vector<server::AccountRow> accounts() {
        std::string error;
        auto store = server::SqliteStore::open(path("event.sqlite"), &error);
        EXPECT_TRUE(store) << error;
        return store ? store->accounts() : std::vector<server::AccountRow>{};
    }

    fs::path m_dir;
    std::ostringstream m_out, m_err;
};

}  // namespace

TEST(Csv, QuotesCommasNewlinesAndABom) {
    std::vector<CsvRow> rows;
    std::string error;
    ASSERT_TRUE(parseCsv("\xEF\xBB\xBFname,org\r\n\"Li, Na\",\"宁夏大学\"\n\"say \"\"hi\"\"\",\"two\nlines\"\n\n", rows, error));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"name", "org"}));
    EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"Li, Na", "宁夏大学"}));
    EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"say \"hi\"", "two\nlines"}));
    EXPECT_EQ(rows[2].line, 3u);
    EXPECT_FALSE(parseCsv("a,b\n\"open,never closed\n", rows, error));
    EXPECT_NE(error.find("line 2"), std::string::npos) << error;
    EXPECT_EQ(csvField("Li, Na"), "\"Li, Na\"");
    EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csvField("王磊"), "王磊");
}

TEST_F(Accounts, ImportMakesAccountsAndAPasswordsFileOnlyItsOwnerReads) {
    ASSERT_EQ(import("姓名,单位,角色,邮箱\n"
                     "王磊,寧夏力成電氣集團,展商,WangLei@Example.com\n"
                     "\"Li, Na\",\"Ningxia University, School of Mechanical Engineering\",university,lina@nxu.edu.cn\n"),
              kExitOk)
        << m_err.str();
    struct stat st{};
    ASSERT_EQ(::stat(path("passwords.csv").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    std::vector<CsvRow> rows;
    std::string error;
    ASSERT_TRUE(parseCsv(readText(path("passwords.csv")), rows, error));
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"name", "email", "password"}));
    EXPECT_EQ(rows[1].fields[0], "王磊");
    EXPECT_EQ(rows[1].fields[1], "wanglei@example.com");
    EXPECT_EQ(rows[2].fields[0], "Li, Na");
    auto list = accounts();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].who.role, net::Role::Exhibitor);
    EXPECT_EQ(list[1].who.org, "Ningxia University, School of Mechanical Engineering");
    // The passwords in the file are the ones that sign in.
    EXPECT_TRUE(server::verifyPassword(list[0].passwordHash, rows[1].fields[2]));
    EXPECT_TRUE(server::verifyPassword(list[1].passwordHash, rows[2].fields[2]));
    EXPECT_NE(rows[1].fields[2], rows[2].fields[2]);
}

TEST_F(Accounts, AKnownEmailIsUpdatedNotDuplicatedAndKeepsItsPassword) {
    ASSERT_EQ(import("name,organization,role,email\n王磊,寧夏力成電氣集團,exhibitor,wanglei@example.com\n"), kExitOk);
    std::string firstHash = accounts()[0].passwordHash;
    ASSERT_EQ(import("email,name,organization,role\n"
                     "WANGLEI@example.com,王磊,嵊州市中亿机械有限公司,organizer\n"
                     "zhang@zju.edu.cn,张三,浙江大学,高校\n",
                     "second.csv"),
              kExitOk)
        << m_err.str();
    auto list = accounts();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].who.org, "嵊州市中亿机械有限公司");
    EXPECT_EQ(list[0].who.role, net::Role::Organizer);
    EXPECT_EQ(list[0].passwordHash, firstHash);
    EXPECT_NE(m_out.str().find("1 account(s) created, 1 updated"), std::string::npos) << m_out.str();
    // Only the new account's password goes out.
    EXPECT_EQ(readText(path("second.csv")).find("wanglei"), std::string::npos);
}

TEST_F(Accounts, OneBadRowIsNamedByItsLineAndNothingIsImported) {
    EXPECT_EQ(import("name,organization,role,email\n"
                     "王磊,寧夏力成電氣集團,exhibitor,wanglei@example.com\n"
                     "Li Na,宁夏大学,president,lina@nxu.edu.cn\n"
                     "张三,浙江大学,university,not-an-email\n"),
              kExitInvalid);
    EXPECT_NE(m_err.str().find("line 3: unknown role 'president'"), std::string::npos) << m_err.str();
    EXPECT_NE(m_err.str().find("line 4"), std::string::npos) << m_err.str();
    EXPECT_NE(m_err.str().find("nothing was imported"), std::string::npos);
    EXPECT_TRUE(accounts().empty());
    EXPECT_FALSE(fs::exists(path("passwords.csv")));
    // A clash only the database can see (same name, organization and role as another e-mail)
    // rolls the whole file back too.
    ASSERT_EQ(import("name,organization,role,email\n王磊,寧夏力成電氣集團,exhibitor,wanglei@example.com\n"), kExitOk);
    EXPECT_EQ(import("name,organization,role,email\n"
                     "张三,浙江大学,university,zhang@zju.edu.cn\n"
                     "王磊,寧夏力成電氣集團,exhibitor,other@example.com\n",
                     "third.csv"),
              kExitInvalid);
    EXPECT_NE(m_err.str().find("line 3"), std::string::npos) << m_err.str();
    EXPECT_EQ(accounts().size(), 1u);
    EXPECT_FALSE(fs::exists(path("third.csv")));
}

TEST_F(Accounts, SetPasswordReplacesItAndEndsTheSessions) {
    ASSERT_EQ(import("name,organization,role,email\n王磊,寧夏力成電氣集團,exhibitor,wanglei@example.com\n"), kExitOk);
    {
        std::string error;
        auto store = server::SqliteStore::open(path("event.sqlite"), &error);
        ASSERT_TRUE(store);
        auto token = server::newSessionToken();
        ASSERT_TRUE(store->saveSessionToken({server::tokenDigest(token), store->accounts()[0].who.accountId, 1, 1LL << 50}));
    }
    std::ostringstream out, err;
    EXPECT_EQ(setAccountPassword(path("event.sqlite"), "wanglei@example.com", "short", out, err), kExitInvalid);
    EXPECT_EQ(setAccountPassword(path("event.sqlite"), "nobody@example.com", "", out, err), kExitInvalid);
    ASSERT_EQ(setAccountPassword(path("event.sqlite"), "WangLei@example.com", "a new password", out, err), kExitOk) << err.str();
    auto list = accounts();
    EXPECT_TRUE(server::verifyPassword(list[0].passwordHash, "a new password"));
    std::ostringstream listed;
    ASSERT_EQ(listAccounts(path("event.sqlite"), listed, err), kExitOk);
    EXPECT_NE(listed.str().find("王磊,寧夏力成電氣集團,exhibitor,wanglei@example.com"), std::string::npos) << listed.str();
}

// The sample event's accounts name its speakers; each one the agenda lists is a speaker account
// (that is all it takes: the role lets them run the big screen's slides during their talk).
TEST_F(Accounts, TheSampleEventsSpeakersAreSpeakerAccountsTheAgendaNames) {
    const std::string csv = readText(fs::path(DOCKHALL_SOURCE_DIR) / "assets/events/sample-accounts.csv");
    ASSERT_FALSE(csv.empty());
    ASSERT_EQ(import(csv), 0) << m_err.str();
    net::EventLayout ev;
    std::string error;
    ASSERT_TRUE(server::loadEventFile(DOCKHALL_SOURCE_DIR "/assets/events/sample.json", ev, error)) << error;
    int speakers = 0;
    for (const server::AccountRow& a : accounts()) {
        if (a.who.role != net::Role::Speaker) continue;
        ++speakers;
        bool named = false;
        for (const net::AgendaItem& item : ev.agenda) named |= item.speakers.find(a.who.name) != std::string::npos;
        EXPECT_TRUE(named) << a.who.name << " is a speaker account but no agenda item names them";
    }
    EXPECT_GE(speakers, 3);
    // And the role's Chinese name imports as well.
    ASSERT_EQ(import("姓名,单位,角色,邮箱\n刘洋,宁夏大学,演讲嘉宾,liu.yang@example.edu.cn\n", "more.csv"), 0) << m_err.str();
    bool liu = false;
    for (const server::AccountRow& a : accounts()) liu |= a.who.name == "刘洋" && a.who.role == net::Role::Speaker;
    EXPECT_TRUE(liu);
}
