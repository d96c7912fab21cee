// auth_test.cpp: accounts and sessions end to end over the loopback transport with a fake clock:
// sign-in with e-mail and password, session tokens (resume, expiry, revocation), refusals in both
// languages, throttled wrong passwords, self-registration, and the open hall of the local demo.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "client/core/connection.h"
#include "net/transport/loopback_transport.h"
#include "server/core/auth.h"
#include "server/core/event_server.h"
#include "server/store/sqlite_store.h"

using namespace server;

namespace {

constexpr int64_t kEpochMs = 1717462800000;  // 2024-06-04 01:00 UTC

net::EventLayout testLayout() {
    net::EventLayout ev;
    ev.name = {"测试会场", "Test hall"};
    ev.hallSize = {40, 30};
    ev.spawn = {20, 25};
    return ev;
}

// Argon2id at libsodium's minimum cost (1 pass, 8 KiB): the server reads the cost from the hash, so
// sign-ins stay fast under the sanitizers. The real cost is the worker's concern (see below).
std::string cheapHash(const std::string& password) { return hashPassword(password, 1, 8192); }

std::unique_ptr<SqliteStore> memoryStoreWithAccounts() {
    std::string error;
    auto store = SqliteStore::open(":memory:", &error);
    EXPECT_TRUE(store) << error;
    std::vector<AccountImport> rows = {
        {"王磊", "寧夏力成電氣集團", net::Role::Exhibitor, "wanglei@example.com", cheapHash("correct horse")},
        {"Li Na", "宁夏大学", net::Role::Organizer, "lina@nxu.edu.cn", cheapHash("staple battery")},
    };
    size_t bad = 0;
    EXPECT_TRUE(store->importAccounts(rows, kEpochMs, nullptr, &bad, &error)) << error;
    return store;
}

// The loopback server end, with every peer seeming to come from one address (a venue's NAT).
class OneAddress final : public net::Transport {
public:
    explicit OneAddress(net::Transport& inner) : m_inner(inner) {}
    bool send(net::PeerHandle p, uint8_t ch, std::span<const uint8_t> d) override { return m_inner.send(p, ch, d); }
    bool service(uint64_t now, std::vector<net::TransportEvent>& out, uint32_t wait, size_t max) override {
        return m_inner.service(now, out, wait, max);
    }
    void flush() override { m_inner.flush(); }
    void disconnect(net::PeerHandle p, uint32_t reason) override { m_inner.disconnect(p, reason); }
    uint32_t roundTripMs(net::PeerHandle p) const override { return m_inner.roundTripMs(p); }
    net::TransportStats stats() const override { return m_inner.stats(); }
    std::string peerAddress(net::PeerHandle) const override { return "203.0.113.7"; }

private:
    net::Transport& m_inner;
};

struct Hall {
    explicit Hall(ServerDesc desc, std::unique_ptr<SqliteStore> s = memoryStoreWithAccounts())
        : store(std::move(s)), address(network.server()), server(withDefaults(desc), testLayout(), address, store.get()) {}

    static ServerDesc withDefaults(ServerDesc d) {
        d.passwordThread = false;  // deterministic: checks run inside update()
        return d;
    }

    client::Connection& join(client::JoinRequest req) {
        transports.push_back(network.connectClient());
        conns.push_back(std::make_unique<client::Connection>(*transports.back(), std::move(req), now));
        return *conns.back();
    }
    client::Connection& signIn(const std::string& email, const std::string& password, const std::string& name = "") {
        return join({.name = name, .password = password, .email = email});
    }

    void run(uint64_t ms) {
        for (uint64_t i = 0; i < ms; ++i) {
            ++now;
            server.update({.monoMs = now, .unixMs = kEpochMs + int64_t(now)});
            for (auto& c : conns) c->update(now);
        }
    }
    // Runs until `c` is no longer connecting or handshaking; returns the fake ms it took.
    uint64_t runUntilAnswered(client::Connection& c, uint64_t limitMs = 60000) {
        uint64_t start = now;
        while (now - start < limitMs &&
               (c.state() == client::ConnState::Connecting || c.state() == client::ConnState::Handshaking))
            run(1);
        return now - start;
    }

    uint64_t now = 0;
    net::LoopbackNetwork network;
    std::unique_ptr<SqliteStore> store;
    OneAddress address;
    EventServer server;
    std::vector<std::unique_ptr<net::Transport>> transports;
    std::vector<std::unique_ptr<client::Connection>> conns;
};

bool bilingual(const std::string& text) {
    bool ascii = false, cjk = false;
    for (unsigned char c : text) {
        ascii |= (c >= 'a' && c <= 'z');
        cjk |= c >= 0xE4 && c <= 0xE9;  // lead bytes of the CJK ideograph block
    }
    return ascii && cjk;
}

}  // namespace

TEST(Auth, ImportedAccountSignsInAsItselfAndGetsASessionToken) {
    Hall h({.registration = Registration::Accounts});
    // What the Hello says about name and role is not what counts: the account's record is.
    auto& c = h.join({.name = "Somebody Else", .org = "Nowhere", .role = net::Role::Organizer,
                      .password = "correct horse", .email = " WangLei@Example.com "});
    h.run(300);
    ASSERT_EQ(c.state(), client::ConnState::Joined) << c.refusalText();
    const net::Participant* me = c.world().participant(c.world().self());
    ASSERT_NE(me, nullptr);
    EXPECT_EQ(me->name, "王磊");
    EXPECT_EQ(me->org, "寧夏力成電氣集團");
    EXPECT_EQ(me->role, net::Role::Exhibitor);
    EXPECT_FALSE(c.sessionToken().empty());
    EXPECT_GT(c.sessionExpiresUnixMs(), kEpochMs + 11 * 3600 * 1000);
    // The store keeps the token's digest, never the token.
    auto row = h.store->sessionToken(tokenDigest(c.sessionToken()));
    ASSERT_TRUE(row);
    auto account = h.store->accountByEmail("wanglei@example.com");
    ASSERT_TRUE(account);
    EXPECT_EQ(row->accountId, account->who.accountId);
    EXPECT_EQ(account->who.sessions, 1u);
}

TEST(Auth, WrongPasswordAndUnknownAccountAreRefusedInWordsWhileOthersPlayOn) {
    Hall h({.registration = Registration::Accounts});
    auto& inside = h.signIn("lina@nxu.edu.cn", "staple battery");
    h.run(300);
    ASSERT_EQ(inside.state(), client::ConnState::Joined);

    auto& wrong = h.signIn("wanglei@example.com", "Correct Horse");
    auto& unknown = h.signIn("nobody@example.com", "whatever123");
    auto& nameOnly = h.join({.name = "王磊", .org = "寧夏力成電氣集團", .role = net::Role::Exhibitor});
    uint32_t before = inside.world().snapshotsReceived();
    h.run(500);
    EXPECT_EQ(wrong.state(), client::ConnState::Refused);
    EXPECT_EQ(wrong.refuseReason(), net::RefuseReason::BadCredentials);
    EXPECT_TRUE(bilingual(wrong.refusalText())) << wrong.refusalText();
    EXPECT_EQ(unknown.state(), client::ConnState::Refused);
    EXPECT_EQ(unknown.refuseReason(), net::RefuseReason::UnknownAccount);
    EXPECT_NE(unknown.refusalText().find("nobody@example.com"), std::string::npos);
    EXPECT_TRUE(bilingual(unknown.refusalText()));
    // A hall of accounts does not let anyone in by typing a name (least of all an account's).
    EXPECT_EQ(nameOnly.state(), client::ConnState::Refused);
    EXPECT_EQ(nameOnly.refuseReason(), net::RefuseReason::BadCredentials);
    EXPECT_NE(nameOnly.refusalText().find("e-mail"), std::string::npos);
    EXPECT_EQ(h.server.stats().participants, 1u);
    EXPECT_GT(inside.world().snapshotsReceived(), before + 10);
    EXPECT_EQ(h.store->accountByEmail("wanglei@example.com")->failedLogins, 1u);
}

TEST(Auth, RepeatedWrongPasswordsWaitLongerAndLongerButTheRightOneStillGetsIn) {
    Hall h({.registration = Registration::Accounts});
    std::vector<uint64_t> waits;
    for (int i = 0; i < 4; ++i) {
        auto& c = h.signIn("wanglei@example.com", "guess " + std::to_string(i));
        waits.push_back(h.runUntilAnswered(c));
        ASSERT_EQ(c.refuseReason(), net::RefuseReason::BadCredentials);
    }
    // The first answer comes at once; then 0.5 s, 1 s, 2 s (the delay runs from the last failure,
    // which here is moments before the next try).
    EXPECT_LT(waits[0], 100u);
    EXPECT_GE(waits[1], 450u);
    EXPECT_GE(waits[2], 950u);
    EXPECT_GE(waits[3], 1950u);
    // The owner, after the delay, gets in; the count of failures is cleared.
    auto& owner = h.signIn("wanglei@example.com", "correct horse");
    uint64_t wait = h.runUntilAnswered(owner);
    EXPECT_GE(wait, 3900u);
    ASSERT_EQ(owner.state(), client::ConnState::Joined) << owner.refusalText();
    EXPECT_EQ(h.store->accountByEmail("wanglei@example.com")->failedLogins, 0u);
}

TEST(Auth, GuessingAcrossManyEmailsFromOneAddressIsSlowedToo) {
    Hall h({.registration = Registration::Accounts, .addressThrottle = {.baseDelayMs = 500, .freeFailures = 3}});
    std::vector<uint64_t> waits;
    for (int i = 0; i < 5; ++i) {
        auto& c = h.signIn("guess" + std::to_string(i) + "@example.com", "whatever123");
        waits.push_back(h.runUntilAnswered(c));
        EXPECT_EQ(c.refuseReason(), net::RefuseReason::UnknownAccount);
    }
    // Three free failures for the address, then 0.5 s, 1 s.
    EXPECT_LT(waits[3], 100u);
    EXPECT_GE(waits[4], 450u);
    auto& next = h.signIn("nobody-else@example.com", "whatever123");
    EXPECT_GE(h.runUntilAnswered(next), 950u);
}

TEST(Auth, ASessionTokenBringsTheSameAccountBackWithoutThePassword) {
    Hall h({.registration = Registration::Accounts});
    auto& first = h.signIn("wanglei@example.com", "correct horse");
    h.run(300);
    ASSERT_EQ(first.state(), client::ConnState::Joined);
    client::JoinRequest again = first.rejoinRequest();
    EXPECT_TRUE(again.password.empty());
    EXPECT_EQ(again.token, first.sessionToken());
    first.disconnect();
    h.run(200);
    auto& back = h.join(again);
    h.run(300);
    ASSERT_EQ(back.state(), client::ConnState::Joined) << back.refusalText();
    EXPECT_EQ(back.world().participant(back.world().self())->name, "王磊");
    EXPECT_EQ(back.sessionToken(), first.sessionToken());
    EXPECT_EQ(h.store->accountByEmail("wanglei@example.com")->who.sessions, 2u);
    EXPECT_EQ(h.server.stats().passwordChecks, 1u);  // the token needed no Argon2id
}

TEST(Auth, AReconnectReplacesTheSessionTheServerHasNotSeenDrop) {
    Hall h({.registration = Registration::Accounts});
    auto& first = h.signIn("wanglei@example.com", "correct horse");
    h.run(300);
    ASSERT_EQ(first.state(), client::ConnState::Joined);
    auto& second = h.join(first.rejoinRequest());  // the first is still connected
    h.run(500);
    ASSERT_EQ(second.state(), client::ConnState::Joined);
    EXPECT_NE(first.state(), client::ConnState::Joined);
    EXPECT_EQ(h.server.stats().participants, 1u);
}

TEST(Auth, ExpiredAndRevokedTokensAreRefusedInWords) {
    Hall h({.registration = Registration::Accounts, .sessionTtlMs = 5000});
    auto& a = h.signIn("wanglei@example.com", "correct horse");
    auto& b = h.signIn("lina@nxu.edu.cn", "staple battery");
    h.run(300);
    ASSERT_EQ(a.state(), client::ConnState::Joined);
    ASSERT_EQ(b.state(), client::ConnState::Joined);
    // b's password is changed by the organizer: its sessions end.
    ASSERT_TRUE(h.store->setPasswordHash(h.store->accountByEmail("lina@nxu.edu.cn")->who.accountId,
                                         cheapHash("new password 1"), kEpochMs + int64_t(h.now)));
    auto& revoked = h.join(b.rejoinRequest());
    h.run(300);
    EXPECT_EQ(revoked.state(), client::ConnState::Refused);
    EXPECT_EQ(revoked.refuseReason(), net::RefuseReason::SessionExpired);
    EXPECT_TRUE(bilingual(revoked.refusalText()));
    // a's token outlives its 5 s.
    h.run(5000);
    auto& expired = h.join(a.rejoinRequest());
    h.run(300);
    EXPECT_EQ(expired.state(), client::ConnState::Refused);
    EXPECT_EQ(expired.refuseReason(), net::RefuseReason::SessionExpired);
    // A token nobody was given.
    client::JoinRequest forged{.name = "x"};
    forged.token = newSessionToken();
    auto& made = h.join(forged);
    h.run(300);
    EXPECT_EQ(made.refuseReason(), net::RefuseReason::SessionExpired);
    EXPECT_EQ(a.state(), client::ConnState::Joined);  // the one inside stays inside
    // The expired tokens are forgotten (what a server start does); the revoked ones that have not
    // expired yet are kept, and a purge changes no answer.
    const int64_t wall = kEpochMs + int64_t(h.now);
    EXPECT_GE(h.store->purgeExpiredSessionTokens(wall), 2);
    EXPECT_EQ(h.store->purgeExpiredSessionTokens(wall), 0);
    auto& again = h.join(a.rejoinRequest());
    h.run(300);
    EXPECT_EQ(again.refuseReason(), net::RefuseReason::SessionExpired);
}

TEST(Auth, AttendeesRegisterThemselvesWhereTheHallAllowsIt) {
    Hall h({.registration = Registration::Attendees});
    auto& c = h.join({.name = "张三", .org = "浙江大学", .role = net::Role::Organizer, .password = "longenough",
                      .email = "zhangsan@zju.edu.cn"});
    auto& shortPw = h.join({.name = "李四", .password = "short", .email = "lisi@zju.edu.cn"});
    h.run(500);
    ASSERT_EQ(c.state(), client::ConnState::Joined) << c.refusalText();
    // Registration makes attendees only, whatever the Hello asks for.
    EXPECT_EQ(c.world().participant(c.world().self())->role, net::Role::Attendee);
    auto row = h.store->accountByEmail("zhangsan@zju.edu.cn");
    ASSERT_TRUE(row);
    EXPECT_TRUE(row->selfRegistered);
    EXPECT_EQ(shortPw.refuseReason(), net::RefuseReason::BadCredentials);
    EXPECT_FALSE(h.store->accountByEmail("lisi@zju.edu.cn"));
    // The registered password works next time, a wrong one does not.
    auto& again = h.signIn("zhangsan@zju.edu.cn", "longenough");
    auto& thief = h.signIn("zhangsan@zju.edu.cn", "not-it-at-all");
    c.disconnect();
    h.run(500);
    EXPECT_EQ(again.state(), client::ConnState::Joined);
    EXPECT_EQ(thief.refuseReason(), net::RefuseReason::BadCredentials);
}

TEST(Auth, AnOpenHallStillLetsTheDemoJoinByNameButNotAsAnAccount) {
    Hall h({.registration = Registration::Open});
    auto& demo = h.join({.name = "Visitor", .org = "浙江大学"});
    auto& impostor = h.join({.name = "王磊", .org = "寧夏力成電氣集團", .role = net::Role::Exhibitor});
    auto& member = h.signIn("wanglei@example.com", "correct horse");
    h.run(500);
    EXPECT_EQ(demo.state(), client::ConnState::Joined);
    EXPECT_TRUE(demo.sessionToken().empty());
    EXPECT_EQ(impostor.state(), client::ConnState::Refused);
    EXPECT_EQ(impostor.refuseReason(), net::RefuseReason::BadCredentials);
    EXPECT_EQ(member.state(), client::ConnState::Joined);
}

TEST(Auth, PasswordChecksRunOffTheTickThread) {
    ServerDesc desc{.registration = Registration::Accounts};
    auto store = memoryStoreWithAccounts();
    // At the real cost, which is what must stay off the tick.
    ASSERT_TRUE(store->setPasswordHash(store->accountByEmail("wanglei@example.com")->who.accountId,
                                       hashPassword("correct horse"), kEpochMs));
    net::LoopbackNetwork network;
    EventServer server(desc, testLayout(), network.server(), store.get());  // passwordThread = true
    auto t = network.connectClient();
    client::Connection c(*t, {.password = "correct horse", .email = "wanglei@example.com"}, 0);
    uint64_t now = 0;
    double longestUpdateMs = 0;
    auto start = std::chrono::steady_clock::now();
    while (c.state() != client::ConnState::Joined && std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
        ++now;
        auto t0 = std::chrono::steady_clock::now();
        server.update({.monoMs = now, .unixMs = kEpochMs + int64_t(now)});
        longestUpdateMs = std::max(longestUpdateMs, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        c.update(now);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    EXPECT_EQ(c.state(), client::ConnState::Joined);
    // An Argon2id check takes tens of ms; no update took anything like it (generous for a busy CI).
    EXPECT_LT(longestUpdateMs, 15.0);
}

TEST(LoginThrottle, DelaysDoubleAreCappedAndTheTableStaysBounded) {
    ThrottleDesc d{.baseDelayMs = 100, .maxDelayMs = 1000, .maxKeys = 3};
    EXPECT_EQ(LoginThrottle::delayForFailures(0, d), 0u);
    EXPECT_EQ(LoginThrottle::delayForFailures(1, d), 100u);
    EXPECT_EQ(LoginThrottle::delayForFailures(3, d), 400u);
    EXPECT_EQ(LoginThrottle::delayForFailures(40, d), 1000u);
    LoginThrottle t(d);
    t.onFailure("a", 0);
    t.onFailure("a", 10);
    EXPECT_EQ(t.delayMs("a", 10), 200u);
    EXPECT_EQ(t.delayMs("a", 110), 100u);  // the delay runs from the last failure
    EXPECT_EQ(t.delayMs("b", 10), 0u);
    for (int i = 0; i < 100; ++i) t.onFailure("k" + std::to_string(i), 20 + uint64_t(i));
    EXPECT_LE(t.size(), 3u);
    ThrottleDesc nat{.baseDelayMs = 100, .freeFailures = 5};
    EXPECT_EQ(LoginThrottle::delayForFailures(5, nat), 0u);
    EXPECT_EQ(LoginThrottle::delayForFailures(6, nat), 100u);
}

TEST(Auth, EmailsAreNormalizedAndChecked) {
    EXPECT_EQ(normalizeEmail("  Li.Na@NXU.edu.CN\t"), "li.na@nxu.edu.cn");
    EXPECT_TRUE(validEmail("li.na@nxu.edu.cn"));
    EXPECT_FALSE(validEmail("li.na"));
    EXPECT_FALSE(validEmail("a@b@c"));
    EXPECT_FALSE(validEmail("a b@c.d"));
    EXPECT_FALSE(validEmail("@c.d"));
    std::string h = hashPassword("密码 with spaces");  // the real cost
    EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
    EXPECT_TRUE(verifyPassword(h, "密码 with spaces"));
    EXPECT_FALSE(verifyPassword(h, "密码 with space"));
    EXPECT_FALSE(verifyPassword("garbage", "x"));
    EXPECT_NE(randomPassword(), randomPassword());
    EXPECT_EQ(randomPassword(16).size(), 16u);
}
