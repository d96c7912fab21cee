// sqlite_store.cpp: EventStore on SQLite: connection settings, migrations, cached statements.
//
// Schema (version 1). Enums are stored by name (net::roleName, net::orgKindName) so the file reads
// well in the sqlite3 shell and survives a reordering of the C++ enums.
//
//   event        (id = 1, json, name_zh, name_en, saved_ms)          the event as loaded; one row
//   organization (id, name_zh, name_en, kind)                        booth owners, in booth order
//   participant  (account_id, name, org, role, first_seen_ms, last_seen_ms, sessions)
//                UNIQUE(name, org, role): the same person joining again is the same account
//   session      (id, account_id -> participant, joined_ms, left_ms NULL while present)
//   chat         (id = ChatLine::id, from_participant, from_name, from_org, unix_ms, text)
//
// Version 2 adds the docking board, meetings, agreement drafts, business cards and visits:
//
//   dock_post    (id, kind, org_key, org_zh, org_en, org_kind, author_account, author_name,
//                 title_zh/en, fields "a,b", description_zh/en, extra_zh/en, budget_min/max,
//                 deadline_ms, contact, readiness, achievements JSON, hidden, withdrawn_ms NULL
//                 while on the board, created_ms, updated_ms)
//   meeting      (id, post, topic_zh/en, requester/responder account, name, org, org_key,
//                 session, slot, start_ms, minutes, table_id, state, waiting_for, by_organizer,
//                 notes, outcome, agreement_id, agreement_title, reminded, called, created/updated)
//   agreement_draft (id, meeting, title, party_a, party_b, created_ms)
//   card         (account_id, name, org, title, phone, email)       one's own business card
//   card_exchange (id, from_account, to_account, state, asked_ms, answered_ms)
//   visit        (id, account_id, booth, enter_ms, leave_ms)
// 3 adds:
//   dock_field   (key, zh, en, added_ms)                           taxonomy fields the organizer added
//   table_chat   (id, meeting, table_id, from_account, from_name, unix_ms, text)
// 4 stage:
//   signing_key  (account_id, public_key hex, registered_ms)
//   ceremony     (id, state, paused_from, agreement: canonical JSON, content_hash hex, signed_at_ms, ...)
//   ceremony_signature (ceremony_id, account_id, party, public_key hex, signature hex, signed_ms)
//   announcement (id, from_account, from_name, text_zh, text_en, at_ms)
//   moderation   (account_id, muted, banned, role ('' = as joined), updated_ms)
//   booth_lock   (booth, locked_ms)
//   slide        (id, image: the PNG or JPEG bytes, uploaded_by, uploaded_ms)   in show order
//
// 5 adds sign-in accounts and their sessions:
//
//   login        (account_id -> participant, email UNIQUE, password_hash, self_registered,
//                 failed_logins, last_failed_ms, created_ms)     a participant who signs in
//   session_token (digest = hex BLAKE2b(token), account_id, created_ms, expires_ms,
//                 revoked_ms NULL while valid)
//
// 6 adds:
//   uploaded_exhibit (id, booth, exhibit: JSON of the facts and the file's hash, added_ms)
//
// Later records come as new migrations appended to kMigrations; a migration is never edited
// once released.
#include "server/store/sqlite_store.h"

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <utility>

namespace server {

namespace {

// Migration i takes the schema from version i to version i + 1. Append only.
constexpr const char* kMigrations[] = {
    // 0 -> 1: the event, its organizations, participants with their sessions, the chat log.
    R"sql(
    CREATE TABLE event (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        json          TEXT    NOT NULL,
        name_zh       TEXT    NOT NULL DEFAULT '',
        name_en       TEXT    NOT NULL DEFAULT '',
        saved_ms      INTEGER NOT NULL
    );
    CREATE TABLE organization (
        id            INTEGER PRIMARY KEY,
        name_zh       TEXT    NOT NULL,
        name_en       TEXT    NOT NULL,
        kind          TEXT    NOT NULL,
        UNIQUE (name_zh, name_en)
    );
    CREATE TABLE participant (
        account_id    INTEGER PRIMARY KEY AUTOINCREMENT,
        name          TEXT    NOT NULL,
        org           TEXT    NOT NULL,
        role          TEXT    NOT NULL,
        first_seen_ms INTEGER NOT NULL,
        last_seen_ms  INTEGER NOT NULL,
        sessions      INTEGER NOT NULL DEFAULT 0,
        UNIQUE (name, org, role)
    );
    CREATE TABLE session (
        id            INTEGER PRIMARY KEY,
        account_id    INTEGER NOT NULL REFERENCES participant (account_id),
        joined_ms     INTEGER NOT NULL,
        left_ms       INTEGER
    );
    CREATE INDEX session_by_account ON session (account_id, id);
    CREATE TABLE chat (
        id               INTEGER PRIMARY KEY,
        from_participant INTEGER NOT NULL,
        from_name        TEXT    NOT NULL,
        from_org         TEXT    NOT NULL,
        unix_ms          INTEGER NOT NULL,
        text             TEXT    NOT NULL
    );
    )sql",
    // 1 -> 2: the docking board, meetings, agreement drafts, business cards, booth visits.
    R"sql(
    CREATE TABLE dock_post (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        kind           TEXT    NOT NULL,
        org_key        TEXT    NOT NULL,
        org_zh         TEXT    NOT NULL,
        org_en         TEXT    NOT NULL,
        org_kind       TEXT    NOT NULL,
        author_account INTEGER NOT NULL,
        author_name    TEXT    NOT NULL,
        title_zh       TEXT    NOT NULL,
        title_en       TEXT    NOT NULL,
        fields         TEXT    NOT NULL,
        description_zh TEXT    NOT NULL,
        description_en TEXT    NOT NULL,
        extra_zh       TEXT    NOT NULL,
        extra_en       TEXT    NOT NULL,
        budget_min     INTEGER NOT NULL,
        budget_max     INTEGER NOT NULL,
        deadline_ms    INTEGER NOT NULL,
        contact        TEXT    NOT NULL,
        readiness      INTEGER NOT NULL,
        achievements   TEXT    NOT NULL,
        hidden         INTEGER NOT NULL DEFAULT 0,
        withdrawn_ms   INTEGER,
        created_ms     INTEGER NOT NULL,
        updated_ms     INTEGER NOT NULL
    );
    CREATE INDEX dock_post_by_org ON dock_post (org_key);
    CREATE TABLE meeting (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        post              INTEGER NOT NULL,
        topic_zh          TEXT    NOT NULL,
        topic_en          TEXT    NOT NULL,
        requester_account INTEGER NOT NULL,
        requester_name    TEXT    NOT NULL,
        requester_org     TEXT    NOT NULL,
        requester_org_key TEXT    NOT NULL,
        responder_account INTEGER NOT NULL,
        responder_name    TEXT    NOT NULL,
        responder_org     TEXT    NOT NULL,
        responder_org_key TEXT    NOT NULL,
        session           INTEGER NOT NULL,
        slot              INTEGER NOT NULL,
        start_ms          INTEGER NOT NULL,
        minutes           INTEGER NOT NULL,
        table_id          INTEGER NOT NULL,
        state             TEXT    NOT NULL,
        waiting_for       INTEGER NOT NULL,
        by_organizer      INTEGER NOT NULL,
        notes             TEXT    NOT NULL DEFAULT '',
        outcome           TEXT    NOT NULL DEFAULT 'none',
        agreement_id      INTEGER NOT NULL DEFAULT 0,
        agreement_title   TEXT    NOT NULL DEFAULT '',
        reminded          INTEGER NOT NULL DEFAULT 0,
        called            INTEGER NOT NULL DEFAULT 0,
        created_ms        INTEGER NOT NULL,
        updated_ms        INTEGER NOT NULL
    );
    CREATE TABLE agreement_draft (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        meeting       INTEGER NOT NULL REFERENCES meeting (id),
        title         TEXT    NOT NULL,
        party_a       TEXT    NOT NULL,
        party_b       TEXT    NOT NULL,
        created_ms    INTEGER NOT NULL
    );
    CREATE TABLE card (
        account_id    INTEGER PRIMARY KEY,
        name          TEXT    NOT NULL,
        org           TEXT    NOT NULL,
        title         TEXT    NOT NULL,
        phone         TEXT    NOT NULL,
        email         TEXT    NOT NULL
    );
    CREATE TABLE card_exchange (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        from_account  INTEGER NOT NULL,
        to_account    INTEGER NOT NULL,
        state         TEXT    NOT NULL,
        asked_ms      INTEGER NOT NULL,
        answered_ms   INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE visit (
        id            INTEGER PRIMARY KEY,
        account_id    INTEGER NOT NULL,
        booth         INTEGER NOT NULL,
        enter_ms      INTEGER NOT NULL,
        leave_ms      INTEGER NOT NULL
    );
    CREATE INDEX visit_by_booth ON visit (booth, enter_ms);
    )sql",
    // 2 -> 3: fields the organizer added to the docking taxonomy; lines said at negotiation tables.
    R"sql(
    CREATE TABLE dock_field (
        key           TEXT    PRIMARY KEY,
        zh            TEXT    NOT NULL,
        en            TEXT    NOT NULL,
        added_ms      INTEGER NOT NULL
    );
    CREATE TABLE table_chat (
        id            INTEGER PRIMARY KEY,
        meeting       INTEGER NOT NULL REFERENCES meeting (id),
        table_id      INTEGER NOT NULL,
        from_account  INTEGER NOT NULL,
        from_name     TEXT    NOT NULL,
        unix_ms       INTEGER NOT NULL,
        text          TEXT    NOT NULL
    );
    CREATE INDEX table_chat_by_meeting ON table_chat (meeting, id);
    )sql",
    // 3 -> 4: the stage: signing keys, ceremonies with their agreements and signatures,
    // announcements, moderation by account, locked booths.
    R"sql(
    CREATE TABLE signing_key (
        account_id    INTEGER PRIMARY KEY,
        public_key    TEXT    NOT NULL,
        registered_ms INTEGER NOT NULL
    );
    CREATE TABLE ceremony (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        state         TEXT    NOT NULL,
        paused_from   TEXT    NOT NULL,
        agreement     TEXT    NOT NULL,
        content_hash  TEXT    NOT NULL,
        signed_at_ms  INTEGER NOT NULL DEFAULT 0,
        created_ms    INTEGER NOT NULL,
        updated_ms    INTEGER NOT NULL
    );
    CREATE TABLE ceremony_signature (
        ceremony_id   INTEGER NOT NULL REFERENCES ceremony (id),
        account_id    INTEGER NOT NULL,
        party         INTEGER NOT NULL,
        public_key    TEXT    NOT NULL,
        signature     TEXT    NOT NULL,
        signed_ms     INTEGER NOT NULL,
        PRIMARY KEY (ceremony_id, account_id)
    );
    CREATE TABLE announcement (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        from_account  INTEGER NOT NULL,
        from_name     TEXT    NOT NULL,
        text_zh       TEXT    NOT NULL,
        text_en       TEXT    NOT NULL,
        at_ms         INTEGER NOT NULL
    );
    CREATE TABLE moderation (
        account_id    INTEGER PRIMARY KEY,
        muted         INTEGER NOT NULL DEFAULT 0,
        banned        INTEGER NOT NULL DEFAULT 0,
        role          TEXT    NOT NULL DEFAULT '',
        updated_ms    INTEGER NOT NULL
    );
    CREATE TABLE booth_lock (
        booth         INTEGER PRIMARY KEY,
        locked_ms     INTEGER NOT NULL
    );
    CREATE TABLE slide (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        image         BLOB    NOT NULL,
        uploaded_by   INTEGER NOT NULL,
        uploaded_ms   INTEGER NOT NULL
    );
    )sql",
    // 4 -> 5: accounts that sign in with e-mail and password, and their session tokens.
    R"sql(
    CREATE TABLE login (
        account_id      INTEGER PRIMARY KEY REFERENCES participant (account_id),
        email           TEXT    NOT NULL UNIQUE,
        password_hash   TEXT    NOT NULL,
        self_registered INTEGER NOT NULL DEFAULT 0,
        failed_logins   INTEGER NOT NULL DEFAULT 0,
        last_failed_ms  INTEGER NOT NULL DEFAULT 0,
        created_ms      INTEGER NOT NULL
    );
    CREATE TABLE session_token (
        digest          TEXT    PRIMARY KEY,
        account_id      INTEGER NOT NULL REFERENCES participant (account_id),
        created_ms      INTEGER NOT NULL,
        expires_ms      INTEGER NOT NULL,
        revoked_ms      INTEGER
    );
    CREATE INDEX session_token_by_account ON session_token (account_id);
    )sql",
    // 5 -> 6: exhibits that exhibitors uploaded to their booths while the event ran (the baked
    // file itself lies in the upload folder, named by its hash as `exhibit` says).
    R"sql(
    CREATE TABLE uploaded_exhibit (
        id            INTEGER PRIMARY KEY,
        booth         INTEGER NOT NULL,
        exhibit       TEXT    NOT NULL,
        added_ms      INTEGER NOT NULL
    );
    )sql",
};
static_assert(std::size(kMigrations) == size_t(SqliteStore::kSchemaVersion),
              "kSchemaVersion must be the number of migrations");

// A cached statement in use: binds parameters in order, reads columns, and resets the statement
// (keeping it prepared) when it goes out of scope.
class Query {
public:
    explicit Query(sqlite3_stmt* stmt) : m_stmt(stmt) {}
    ~Query() {
        if (m_stmt) {
            sqlite3_reset(m_stmt);
            sqlite3_clear_bindings(m_stmt);
        }
    }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    explicit operator bool() const { return m_stmt != nullptr; }

    Query& bind(int64_t v) {
        if (m_bindRc == SQLITE_OK) m_bindRc = sqlite3_bind_int64(m_stmt, ++m_next, v);
        return *this;
    }
    Query& bind(const std::string& v) {
        if (m_bindRc == SQLITE_OK)
            m_bindRc = sqlite3_bind_text64(m_stmt, ++m_next, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        return *this;
    }
    Query& bind(const char* v) { return bind(std::string(v)); }
    Query& bind(const std::vector<uint8_t>& v) {
        if (m_bindRc == SQLITE_OK) m_bindRc = sqlite3_bind_blob64(m_stmt, ++m_next, v.data(), v.size(), SQLITE_TRANSIENT);
        return *this;
    }

    // SQLITE_ROW, SQLITE_DONE, or an error code (a failed bind included).
    int step() { return m_bindRc != SQLITE_OK ? m_bindRc : sqlite3_step(m_stmt); }

    int64_t integer(int col) const { return sqlite3_column_int64(m_stmt, col); }
    std::string text(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
        return p ? std::string(p, size_t(sqlite3_column_bytes(m_stmt, col))) : std::string();
    }
    std::vector<uint8_t> blob(int col) const {
        const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(m_stmt, col));
        return p ? std::vector<uint8_t>(p, p + sqlite3_column_bytes(m_stmt, col)) : std::vector<uint8_t>();
    }

private:
    sqlite3_stmt* m_stmt;
    int m_next = 0;
    int m_bindRc = SQLITE_OK;
};

bool isMemoryPath(const std::string& path) { return path.empty() || path == ":memory:"; }

// Runs a one-row pragma or query outside the cache (used while opening).
bool queryOne(sqlite3* db, const char* sql, std::string& out) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) return false;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        out = p ? p : "";
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

bool readUserVersion(sqlite3* db, int& version) {
    std::string text;
    if (!queryOne(db, "PRAGMA user_version", text)) return false;
    version = std::atoi(text.c_str());
    return true;
}

ParticipantRecord participantFrom(const Query& q, bool& roleOk) {
    ParticipantRecord r;
    r.accountId = uint32_t(q.integer(0));
    r.name = q.text(1);
    r.org = q.text(2);
    roleOk = net::parseRole(q.text(3), r.role);
    r.firstSeenMs = q.integer(4);
    r.lastSeenMs = q.integer(5);
    r.sessions = uint32_t(q.integer(6));
    return r;
}

}  // namespace

// --- opening -----------------------------------------------------------------------------------

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path, std::string* error,
                                               const SqliteStoreDesc& desc) {
    std::string scratch;
    std::string& err = error ? *error : scratch;
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        err = path + ": cannot open the database (" + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
              "); check that its folder exists and is writable";
        sqlite3_close(db);
        return nullptr;
    }
    sqlite3_extended_result_codes(db, 1);
    std::unique_ptr<SqliteStore> store(new SqliteStore(db, path, desc));
    if (!store->configure(&err) || !store->migrate(&err)) return nullptr;
    return store;
}

SqliteStore::SqliteStore(sqlite3* db, std::string path, SqliteStoreDesc desc)
    : m_db(db), m_path(std::move(path)), m_desc(std::move(desc)) {}

SqliteStore::~SqliteStore() {
    for (auto& [sql, stmt] : m_statements) sqlite3_finalize(stmt);
    // The last connection to close checkpoints the WAL into the main file.
    sqlite3_close(m_db);
}

bool SqliteStore::configure(std::string* error) {
    sqlite3_busy_timeout(m_db, m_desc.busyTimeoutMs);

    // The first read of the file: tells a non-database and a too-new database apart from the rest,
    // before anything is written to it.
    int version = 0;
    if (!readUserVersion(m_db, version)) {
        int code = sqlite3_errcode(m_db) & 0xff;
        if (code == SQLITE_NOTADB)
            *error = m_path + ": not an SQLite database; move it aside or pass another database file";
        else
            *error = m_path + ": cannot read the database (" + sqlite3_errmsg(m_db) + ")";
        return false;
    }
    if (version > kSchemaVersion) {
        *error = m_path + ": schema version " + std::to_string(version) + " is newer than this server (" +
                 std::to_string(kSchemaVersion) + "); upgrade dockhall-server";
        return false;
    }

    if (!isMemoryPath(m_path)) {
        // WAL: readers (reports, backups) never block the server's writes, and a commit is one
        // append to the log instead of a rewrite of the pages.
        std::string mode;
        if (!queryOne(m_db, "PRAGMA journal_mode=WAL", mode) || mode != "wal") {
            *error = m_path + ": cannot switch to WAL journal mode (" +
                     (mode.empty() ? std::string(sqlite3_errmsg(m_db)) : "got " + mode) +
                     "); keep the database on a local disk";
            return false;
        }
    }
    // synchronous=FULL syncs the WAL on every commit. With NORMAL, WAL commits already survive a
    // crash or SIGKILL of the server, but the newest ones may be lost on power failure or an OS
    // crash. The server tells a client "saved" (e.g. echoes its chat line) only after the commit,
    // so the sync must happen before the write method returns. Our writes are few (joins, chat
    // lines), so the fsync per commit costs little.
    std::string ignored;
    if (!queryOne(m_db, "PRAGMA synchronous=FULL", ignored) || !queryOne(m_db, "PRAGMA foreign_keys=ON", ignored)) {
        *error = m_path + ": cannot configure the database (" + sqlite3_errmsg(m_db) + ")";
        return false;
    }
    return true;
}

bool SqliteStore::migrate(std::string* error) {
    for (int target = 1; target <= kSchemaVersion; ++target) {
        bool applied = false;
        // IMMEDIATE takes the write lock first, so two servers opening one file at once cannot
        // both apply a step: the second one waits, then sees the new version and skips it.
        bool ok = inTransaction("migrate", [&] {
            int version = 0;
            if (!readUserVersion(m_db, version)) return fail("read schema version");
            if (version >= target) return true;
            if (!exec(kMigrations[target - 1])) return false;
            // user_version lives in the database header, so it commits (or rolls back) with the step.
            std::string set = "PRAGMA user_version = " + std::to_string(target);
            if (!exec(set.c_str())) return false;
            applied = true;
            return true;
        });
        if (!ok) {
            *error = m_path + ": could not upgrade the schema to version " + std::to_string(target) + " (" +
                     m_lastError + "); the database was left as it was";
            return false;
        }
        if (applied) ++m_migrationsApplied;
    }
    return true;
}

// --- plumbing ----------------------------------------------------------------------------------

sqlite3_stmt* SqliteStore::statement(const char* sql) {
    auto it = m_statements.find(sql);
    if (it != m_statements.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        fail("prepare");
        return nullptr;
    }
    m_statements.emplace(sql, stmt);
    return stmt;
}

bool SqliteStore::exec(const char* sql) {
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return fail("exec");
    return true;
}

bool SqliteStore::inTransaction(const char* what, const std::function<bool()>& body) {
    {
        Query begin(statement("BEGIN IMMEDIATE"));
        if (!begin || begin.step() != SQLITE_DONE) return fail(what);
    }
    bool ok = body();
    if (ok) {
        Query commit(statement("COMMIT"));
        ok = commit && commit.step() == SQLITE_DONE;
        if (!ok) fail(what);
    }
    if (!ok && !sqlite3_get_autocommit(m_db)) {
        // Keep the failure's message: the rollback's own result is not what the caller needs.
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    return ok;
}

bool SqliteStore::fail(const char* what) {
    m_lastError = m_path + ": " + what + ": " + sqlite3_errmsg(m_db);
    if (m_desc.onError) m_desc.onError(m_lastError);
    return false;
}

// --- event -------------------------------------------------------------------------------------

bool SqliteStore::saveEvent(const std::string& eventJson, const net::EventLayout& layout) {
    return inTransaction("save event", [&] {
        {
            Query q(statement(
                "INSERT INTO event (id, json, name_zh, name_en, saved_ms) "
                "VALUES (1, ?, ?, ?, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)) "
                "ON CONFLICT (id) DO UPDATE SET json = excluded.json, name_zh = excluded.name_zh, "
                "name_en = excluded.name_en, saved_ms = excluded.saved_ms"));
            if (!q || q.bind(eventJson).bind(layout.name.zh).bind(layout.name.en).step() != SQLITE_DONE)
                return fail("save event");
        }
        {
            Query q(statement("DELETE FROM organization"));
            if (!q || q.step() != SQLITE_DONE) return fail("save event: clear organizations");
        }
        int64_t id = 0;
        for (const net::Booth& booth : layout.booths) {
            const net::Organization& o = booth.owner;
            Query q(statement(
                "INSERT INTO organization (id, name_zh, name_en, kind) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name_zh, name_en) DO NOTHING"));
            if (!q || q.bind(++id).bind(o.name.zh).bind(o.name.en).bind(net::orgKindName(o.kind)).step() != SQLITE_DONE)
                return fail("save event: organization");
        }
        return true;
    });
}

std::optional<std::string> SqliteStore::loadEventJson() {
    Query q(statement("SELECT json FROM event WHERE id = 1"));
    if (!q) return std::nullopt;
    int rc = q.step();
    if (rc == SQLITE_ROW) return q.text(0);
    if (rc != SQLITE_DONE) fail("load event");
    return std::nullopt;
}

std::vector<net::Organization> SqliteStore::organizations() {
    std::vector<net::Organization> out;
    Query q(statement("SELECT name_zh, name_en, kind FROM organization ORDER BY id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        net::Organization o;
        o.name.zh = q.text(0);
        o.name.en = q.text(1);
        if (!net::parseOrgKind(q.text(2), o.kind)) {
            m_lastError = m_path + ": organizations: unknown kind '" + q.text(2) + "'";
            if (m_desc.onError) m_desc.onError(m_lastError);
            return {};
        }
        out.push_back(std::move(o));
    }
    if (rc != SQLITE_DONE) {
        fail("organizations");
        return {};
    }
    return out;
}

// --- participants ------------------------------------------------------------------------------

std::optional<ParticipantRecord> SqliteStore::recordJoin(const std::string& name, const std::string& org,
                                                         net::Role role, int64_t nowMs) {
    std::optional<ParticipantRecord> out;
    bool ok = inTransaction("record join", [&] {
        {
            Query q(statement(
                "SELECT p.account_id FROM participant p JOIN login l ON l.account_id = p.account_id "
                "WHERE p.name = ? AND p.org = ? AND p.role = ?"));
            if (!q) return false;
            int rc = q.bind(name).bind(org).bind(net::roleName(role)).step();
            if (rc == SQLITE_ROW) {
                out = ParticipantRecord{.accountId = uint32_t(q.integer(0)), .name = name, .org = org, .role = role,
                                        .hasLogin = true};
                return true;
            }
            if (rc != SQLITE_DONE) return fail("record join");
        }
        {
            Query q(statement(
                "INSERT INTO participant (name, org, role, first_seen_ms, last_seen_ms, sessions) "
                "VALUES (?, ?, ?, ?, ?, 1) "
                "ON CONFLICT (name, org, role) DO UPDATE SET last_seen_ms = excluded.last_seen_ms, "
                "sessions = sessions + 1 "
                "RETURNING account_id, name, org, role, first_seen_ms, last_seen_ms, sessions"));
            if (!q) return false;
            if (q.bind(name).bind(org).bind(net::roleName(role)).bind(nowMs).bind(nowMs).step() != SQLITE_ROW)
                return fail("record join");
            bool roleOk = false;
            out = participantFrom(q, roleOk);
            // RETURNING yields the row before the statement finishes; run it to the end.
            if (q.step() != SQLITE_DONE) return fail("record join");
        }
        Query q(statement("INSERT INTO session (account_id, joined_ms) VALUES (?, ?)"));
        if (!q || q.bind(int64_t(out->accountId)).bind(nowMs).step() != SQLITE_DONE) return fail("record join: session");
        return true;
    });
    if (!ok) return std::nullopt;
    return out;
}

std::optional<ParticipantRecord> SqliteStore::recordAccountJoin(uint32_t accountId, int64_t nowMs) {
    std::optional<ParticipantRecord> out;
    bool ok = inTransaction("record join", [&] {
        {
            Query q(statement(
                "UPDATE participant SET first_seen_ms = CASE WHEN sessions = 0 THEN ?1 ELSE first_seen_ms END, "
                "last_seen_ms = max(last_seen_ms, ?1), sessions = sessions + 1 WHERE account_id = ?2 "
                "RETURNING account_id, name, org, role, first_seen_ms, last_seen_ms, sessions"));
            if (!q) return false;
            int rc = q.bind(nowMs).bind(int64_t(accountId)).step();
            if (rc == SQLITE_DONE) return true;  // no such account: out stays empty
            if (rc != SQLITE_ROW) return fail("record join");
            bool roleOk = false;
            out = participantFrom(q, roleOk);
            out->hasLogin = true;
            if (q.step() != SQLITE_DONE) return fail("record join");
        }
        Query q(statement("INSERT INTO session (account_id, joined_ms) VALUES (?, ?)"));
        if (!q || q.bind(int64_t(accountId)).bind(nowMs).step() != SQLITE_DONE) return fail("record join: session");
        return true;
    });
    if (!ok) return std::nullopt;
    return out;
}

// --- accounts ----------------------------------------------------------------------------------

namespace {
constexpr const char* kAccountColumns =
    "p.account_id, p.name, p.org, p.role, p.first_seen_ms, p.last_seen_ms, p.sessions, "
    "l.email, l.password_hash, l.self_registered, l.failed_logins, l.last_failed_ms";

AccountRow accountFrom(const Query& q) {
    AccountRow a;
    bool roleOk = false;
    a.who = participantFrom(q, roleOk);
    a.who.hasLogin = true;
    a.email = q.text(7);
    a.passwordHash = q.text(8);
    a.selfRegistered = q.integer(9) != 0;
    a.failedLogins = uint32_t(q.integer(10));
    a.lastFailedMs = q.integer(11);
    return a;
}
}  // namespace

std::optional<AccountRow> SqliteStore::oneAccount(const char* where, const std::string* text, int64_t id) {
    std::string sql = std::string("SELECT ") + kAccountColumns +
                      " FROM login l JOIN participant p ON p.account_id = l.account_id WHERE " + where;
    Query q(statement(sql.c_str()));  // cached by its text
    if (!q) return std::nullopt;
    if (text) q.bind(*text);
    else q.bind(id);
    int rc = q.step();
    if (rc == SQLITE_ROW) return accountFrom(q);
    if (rc != SQLITE_DONE) fail("account");
    return std::nullopt;
}

std::optional<AccountRow> SqliteStore::accountByEmail(const std::string& email) {
    return oneAccount("l.email = ?", &email, 0);
}

std::optional<AccountRow> SqliteStore::accountById(uint32_t accountId) {
    return oneAccount("l.account_id = ?", nullptr, int64_t(accountId));
}

std::vector<AccountRow> SqliteStore::accounts() {
    std::vector<AccountRow> out;
    static const std::string sql = std::string("SELECT ") + kAccountColumns +
                                   " FROM login l JOIN participant p ON p.account_id = l.account_id ORDER BY p.account_id";
    Query q(statement(sql.c_str()));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back(accountFrom(q));
    if (rc != SQLITE_DONE) {
        fail("accounts");
        return {};
    }
    return out;
}

uint64_t SqliteStore::accountCount() {
    Query q(statement("SELECT count(*) FROM login"));
    if (!q || q.step() != SQLITE_ROW) return 0;
    return uint64_t(q.integer(0));
}

// Inside a transaction. Creates the account (or gives the login to the same name + org + role
// that has none yet). Returns the account id, or 0 with m_lastError set.
uint32_t SqliteStore::insertAccount(const AccountImport& row, bool selfRegistered, int64_t nowMs, std::string& why) {
    int64_t id = 0;
    {
        Query q(statement("SELECT p.account_id, l.email FROM participant p LEFT JOIN login l ON l.account_id = p.account_id "
                          "WHERE p.name = ? AND p.org = ? AND p.role = ?"));
        if (!q) return 0;
        int rc = q.bind(row.name).bind(row.org).bind(net::roleName(row.role)).step();
        if (rc == SQLITE_ROW) {
            if (!q.text(1).empty()) {
                why = "the same name, organization and role already belong to " + q.text(1);
                return 0;
            }
            id = q.integer(0);
        } else if (rc != SQLITE_DONE) {
            fail("account");
            return 0;
        }
    }
    if (id == 0) {
        Query q(statement("INSERT INTO participant (name, org, role, first_seen_ms, last_seen_ms, sessions) "
                          "VALUES (?, ?, ?, ?, ?, 0) RETURNING account_id"));
        if (!q || q.bind(row.name).bind(row.org).bind(net::roleName(row.role)).bind(nowMs).bind(nowMs).step() != SQLITE_ROW) {
            fail("account");
            return 0;
        }
        id = q.integer(0);
        if (q.step() != SQLITE_DONE) {
            fail("account");
            return 0;
        }
    }
    Query q(statement("INSERT INTO login (account_id, email, password_hash, self_registered, created_ms) "
                      "VALUES (?, ?, ?, ?, ?)"));
    if (!q || q.bind(id).bind(row.email).bind(row.passwordHash).bind(int64_t(selfRegistered)).bind(nowMs).step() !=
                  SQLITE_DONE) {
        fail("account");
        why = m_lastError;
        return 0;
    }
    return uint32_t(id);
}

bool SqliteStore::importAccounts(const std::vector<AccountImport>& rows, int64_t nowMs,
                                 std::vector<ImportOutcome>* outcomes, size_t* badRow, std::string* error) {
    std::vector<ImportOutcome> done;
    size_t at = 0;
    std::string why;
    bool ok = inTransaction("import accounts", [&] {
        for (at = 0; at < rows.size(); ++at) {
            const AccountImport& row = rows[at];
            std::optional<AccountRow> existing = accountByEmail(row.email);
            if (existing) {
                Query q(statement("UPDATE participant SET name = ?, org = ?, role = ? WHERE account_id = ?"));
                if (!q) return false;
                int rc = q.bind(row.name).bind(row.org).bind(net::roleName(row.role)).bind(int64_t(existing->who.accountId)).step();
                if (rc != SQLITE_DONE) {
                    fail("import accounts");
                    why = (rc & 0xff) == SQLITE_CONSTRAINT ? "another participant has the same name, organization and role"
                                                           : m_lastError;
                    return false;
                }
                done.push_back(ImportOutcome::Updated);
            } else {
                if (insertAccount(row, false, nowMs, why) == 0) {
                    if (why.empty()) why = m_lastError;
                    return false;
                }
                done.push_back(ImportOutcome::Created);
            }
        }
        return true;
    });
    if (!ok) {
        if (badRow) *badRow = at;
        if (error) *error = why.empty() ? m_lastError : why;
        return false;
    }
    if (outcomes) *outcomes = std::move(done);
    return true;
}

std::optional<AccountRow> SqliteStore::createAccount(const AccountImport& row, int64_t nowMs) {
    std::string why;
    uint32_t id = 0;
    bool ok = inTransaction("register", [&] {
        if (accountByEmail(row.email)) return false;
        id = insertAccount(row, true, nowMs, why);
        return id != 0;
    });
    if (!ok) return std::nullopt;
    return accountById(id);
}

bool SqliteStore::setPasswordHash(uint32_t accountId, const std::string& hash, int64_t nowMs) {
    return inTransaction("set password", [&] {
        {
            Query q(statement("UPDATE login SET password_hash = ?, failed_logins = 0 WHERE account_id = ?"));
            if (!q || q.bind(hash).bind(int64_t(accountId)).step() != SQLITE_DONE) return fail("set password");
            if (sqlite3_changes(m_db) != 1) {
                m_lastError = m_path + ": set password: no account " + std::to_string(accountId);
                return false;
            }
        }
        Query q(statement("UPDATE session_token SET revoked_ms = ? WHERE account_id = ? AND revoked_ms IS NULL"));
        if (!q || q.bind(nowMs).bind(int64_t(accountId)).step() != SQLITE_DONE) return fail("set password");
        return true;
    });
}

bool SqliteStore::recordLoginFailure(uint32_t accountId, int64_t nowMs) {
    Query q(statement("UPDATE login SET failed_logins = failed_logins + 1, last_failed_ms = ? WHERE account_id = ?"));
    if (!q || q.bind(nowMs).bind(int64_t(accountId)).step() != SQLITE_DONE) return fail("login failure");
    return true;
}

bool SqliteStore::recordLoginSuccess(uint32_t accountId) {
    Query q(statement("UPDATE login SET failed_logins = 0 WHERE account_id = ? AND failed_logins != 0"));
    if (!q || q.bind(int64_t(accountId)).step() != SQLITE_DONE) return fail("login success");
    return true;
}

bool SqliteStore::saveSessionToken(const SessionTokenRow& row) {
    Query q(statement("INSERT INTO session_token (digest, account_id, created_ms, expires_ms) VALUES (?, ?, ?, ?)"));
    if (!q || q.bind(row.digest).bind(int64_t(row.accountId)).bind(row.createdMs).bind(row.expiresMs).step() != SQLITE_DONE)
        return fail("save session token");
    return true;
}

std::optional<SessionTokenRow> SqliteStore::sessionToken(const std::string& digest) {
    Query q(statement("SELECT digest, account_id, created_ms, expires_ms, revoked_ms IS NOT NULL FROM session_token "
                      "WHERE digest = ?"));
    if (!q) return std::nullopt;
    int rc = q.bind(digest).step();
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE) fail("session token");
        return std::nullopt;
    }
    return SessionTokenRow{q.text(0), uint32_t(q.integer(1)), q.integer(2), q.integer(3), q.integer(4) != 0};
}

bool SqliteStore::revokeSessionTokens(uint32_t accountId, int64_t nowMs) {
    Query q(statement("UPDATE session_token SET revoked_ms = ? WHERE account_id = ? AND revoked_ms IS NULL"));
    if (!q || q.bind(nowMs).bind(int64_t(accountId)).step() != SQLITE_DONE) return fail("revoke session tokens");
    return true;
}

int64_t SqliteStore::purgeExpiredSessionTokens(int64_t nowMs) {
    Query q(statement("DELETE FROM session_token WHERE expires_ms < ?"));
    if (!q || q.bind(nowMs).step() != SQLITE_DONE) {
        fail("purge session tokens");
        return -1;
    }
    return int64_t(sqlite3_changes(m_db));
}

bool SqliteStore::recordLeave(uint32_t accountId, int64_t nowMs) {
    return inTransaction("record leave", [&] {
        {
            Query q(statement(
                "UPDATE session SET left_ms = ? WHERE id = "
                "(SELECT id FROM session WHERE account_id = ? AND left_ms IS NULL ORDER BY id DESC LIMIT 1)"));
            if (!q || q.bind(nowMs).bind(int64_t(accountId)).step() != SQLITE_DONE) return fail("record leave");
        }
        Query q(statement("UPDATE participant SET last_seen_ms = max(last_seen_ms, ?) WHERE account_id = ?"));
        if (!q || q.bind(nowMs).bind(int64_t(accountId)).step() != SQLITE_DONE) return fail("record leave");
        return true;
    });
}

std::vector<ParticipantRecord> SqliteStore::participants() {
    std::vector<ParticipantRecord> out;
    Query q(statement(
        "SELECT account_id, name, org, role, first_seen_ms, last_seen_ms, sessions FROM participant "
        "ORDER BY account_id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        bool roleOk = false;
        out.push_back(participantFrom(q, roleOk));
        if (!roleOk) {
            m_lastError = m_path + ": participants: unknown role '" + q.text(3) + "'";
            if (m_desc.onError) m_desc.onError(m_lastError);
            return {};
        }
    }
    if (rc != SQLITE_DONE) {
        fail("participants");
        return {};
    }
    return out;
}

// --- chat --------------------------------------------------------------------------------------

bool SqliteStore::appendChat(const net::ChatLine& line) {
    return inTransaction("append chat", [&] {
        Query q(statement(
            "INSERT INTO chat (id, from_participant, from_name, from_org, unix_ms, text) VALUES (?, ?, ?, ?, ?, ?)"));
        if (!q) return false;
        q.bind(int64_t(line.id)).bind(int64_t(line.from.v)).bind(line.fromName).bind(line.fromOrg).bind(line.unixMs);
        if (q.bind(line.text).step() != SQLITE_DONE) return fail("append chat");
        return true;
    });
}

std::vector<net::ChatLine> SqliteStore::recentChat(size_t n) {
    std::vector<net::ChatLine> out;
    if (n == 0) return out;
    Query q(statement(
        "SELECT id, from_participant, from_name, from_org, unix_ms, text FROM "
        "(SELECT * FROM chat ORDER BY id DESC LIMIT ?) ORDER BY id"));
    if (!q) return out;
    q.bind(int64_t(std::min<uint64_t>(n, uint64_t(std::numeric_limits<int64_t>::max()))));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        net::ChatLine line;
        line.id = uint32_t(q.integer(0));
        line.from.v = uint16_t(q.integer(1));
        line.fromName = q.text(2);
        line.fromOrg = q.text(3);
        line.unixMs = q.integer(4);
        line.text = q.text(5);
        out.push_back(std::move(line));
    }
    if (rc != SQLITE_DONE) {
        fail("recent chat");
        return {};
    }
    return out;
}

uint32_t SqliteStore::lastChatId() {
    Query q(statement("SELECT coalesce(max(id), 0) FROM chat"));
    if (!q) return 0;
    if (q.step() != SQLITE_ROW) {
        fail("last chat id");
        return 0;
    }
    return uint32_t(q.integer(0));
}

uint64_t SqliteStore::chatCount() {
    Query q(statement("SELECT count(*) FROM chat"));
    if (!q) return 0;
    if (q.step() != SQLITE_ROW) {
        fail("chat count");
        return 0;
    }
    return uint64_t(q.integer(0));
}

// --- docking board ------------------------------------------------------------------------------

namespace {

const char* dockKindName(net::DockKind k) { return k == net::DockKind::Need ? "need" : "capability"; }

std::string joinFields(const std::vector<std::string>& fields) {
    std::string out;
    for (const auto& f : fields) {
        if (!out.empty()) out += ',';
        out += f;
    }
    return out;
}

std::vector<std::string> splitFields(const std::string& s) {
    std::vector<std::string> out;
    size_t b = 0;
    while (b < s.size()) {
        size_t e = s.find(',', b);
        if (e == std::string::npos) e = s.size();
        if (e > b) out.push_back(s.substr(b, e - b));
        b = e + 1;
    }
    return out;
}

std::string achievementsJson(const std::vector<net::DockAchievement>& list) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& a : list)
        j.push_back({{"kind", a.kind}, {"zh", a.title.zh}, {"en", a.title.en}, {"ref", a.reference}});
    return j.dump();
}

std::vector<net::DockAchievement> achievementsFrom(const std::string& text) {
    std::vector<net::DockAchievement> out;
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& e : j) {
        net::DockAchievement a;
        a.kind = uint8_t(std::clamp(e.value("kind", 4), 0, 4));
        a.title.zh = e.value("zh", "");
        a.title.en = e.value("en", "");
        a.reference = e.value("ref", "");
        out.push_back(std::move(a));
    }
    return out;
}

// Binds the post's content columns in the order of kPostColumns.
void bindPost(Query& q, const DockPostRow& r) {
    const net::PostView& p = r.post;
    q.bind(dockKindName(p.kind)).bind(r.orgKey).bind(p.org.zh).bind(p.org.en).bind(net::orgKindName(p.orgKind));
    q.bind(int64_t(r.authorAccount)).bind(p.author).bind(p.title.zh).bind(p.title.en).bind(joinFields(p.fields));
    q.bind(p.description.zh).bind(p.description.en).bind(p.extra.zh).bind(p.extra.en);
    q.bind(p.budgetMin).bind(p.budgetMax).bind(p.deadlineMs).bind(p.contact).bind(int64_t(p.readiness));
    q.bind(achievementsJson(p.achievements)).bind(int64_t(p.hidden ? 1 : 0));
}

}  // namespace

std::optional<uint32_t> SqliteStore::insertPost(const DockPostRow& row) {
    std::optional<uint32_t> id;
    bool ok = inTransaction("insert post", [&] {
        Query q(statement(
            "INSERT INTO dock_post (kind, org_key, org_zh, org_en, org_kind, author_account, author_name, title_zh, "
            "title_en, fields, description_zh, description_en, extra_zh, extra_en, budget_min, budget_max, "
            "deadline_ms, contact, readiness, achievements, hidden, created_ms, updated_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        if (!q) return false;
        bindPost(q, row);
        q.bind(row.createdMs).bind(row.post.updatedMs);
        if (q.step() != SQLITE_DONE) return fail("insert post");
        id = uint32_t(sqlite3_last_insert_rowid(m_db));
        return true;
    });
    if (!ok) return std::nullopt;
    return id;
}

bool SqliteStore::updatePost(const DockPostRow& row) {
    return inTransaction("update post", [&] {
        Query q(statement(
            "UPDATE dock_post SET kind = ?, org_key = ?, org_zh = ?, org_en = ?, org_kind = ?, author_account = ?, "
            "author_name = ?, title_zh = ?, title_en = ?, fields = ?, description_zh = ?, description_en = ?, "
            "extra_zh = ?, extra_en = ?, budget_min = ?, budget_max = ?, deadline_ms = ?, contact = ?, readiness = ?, "
            "achievements = ?, hidden = ?, updated_ms = ? WHERE id = ? AND withdrawn_ms IS NULL"));
        if (!q) return false;
        bindPost(q, row);
        q.bind(row.post.updatedMs).bind(int64_t(row.post.id));
        if (q.step() != SQLITE_DONE) return fail("update post");
        if (sqlite3_changes(m_db) != 1) {
            m_lastError = m_path + ": update post: no post " + std::to_string(row.post.id) + " on the board";
            return false;
        }
        return true;
    });
}

bool SqliteStore::setPostHidden(uint32_t post, bool hidden, int64_t nowMs) {
    return inTransaction("hide post", [&] {
        Query q(statement("UPDATE dock_post SET hidden = ?, updated_ms = ? WHERE id = ? AND withdrawn_ms IS NULL"));
        if (!q || q.bind(int64_t(hidden ? 1 : 0)).bind(nowMs).bind(int64_t(post)).step() != SQLITE_DONE)
            return fail("hide post");
        return sqlite3_changes(m_db) == 1;
    });
}

bool SqliteStore::withdrawPost(uint32_t post, int64_t nowMs) {
    return inTransaction("withdraw post", [&] {
        Query q(statement("UPDATE dock_post SET withdrawn_ms = ? WHERE id = ? AND withdrawn_ms IS NULL"));
        if (!q || q.bind(nowMs).bind(int64_t(post)).step() != SQLITE_DONE) return fail("withdraw post");
        return sqlite3_changes(m_db) == 1;
    });
}

std::vector<DockPostRow> SqliteStore::posts() {
    std::vector<DockPostRow> out;
    Query q(statement(
        "SELECT id, kind, org_key, org_zh, org_en, org_kind, author_account, author_name, title_zh, title_en, fields, "
        "description_zh, description_en, extra_zh, extra_en, budget_min, budget_max, deadline_ms, contact, readiness, "
        "achievements, hidden, created_ms, updated_ms FROM dock_post WHERE withdrawn_ms IS NULL ORDER BY id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        DockPostRow r;
        net::PostView& p = r.post;
        p.id = uint32_t(q.integer(0));
        p.kind = q.text(1) == "need" ? net::DockKind::Need : net::DockKind::Capability;
        r.orgKey = q.text(2);
        p.org = {q.text(3), q.text(4)};
        if (!net::parseOrgKind(q.text(5), p.orgKind)) p.orgKind = net::OrgKind::Enterprise;
        r.authorAccount = uint32_t(q.integer(6));
        p.author = q.text(7);
        p.title = {q.text(8), q.text(9)};
        p.fields = splitFields(q.text(10));
        p.description = {q.text(11), q.text(12)};
        p.extra = {q.text(13), q.text(14)};
        p.budgetMin = q.integer(15);
        p.budgetMax = q.integer(16);
        p.deadlineMs = q.integer(17);
        p.contact = q.text(18);
        p.readiness = uint8_t(std::clamp<int64_t>(q.integer(19), 0, 15));
        p.achievements = achievementsFrom(q.text(20));
        p.hidden = q.integer(21) != 0;
        r.createdMs = q.integer(22);
        p.updatedMs = q.integer(23);
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
        fail("posts");
        return {};
    }
    return out;
}

uint64_t SqliteStore::postsEverStored() {
    Query q(statement("SELECT count(*) FROM dock_post"));
    if (!q) return 0;
    if (q.step() != SQLITE_ROW) {
        fail("posts ever stored");
        return 0;
    }
    return uint64_t(q.integer(0));
}

// --- meetings ------------------------------------------------------------------------------------

namespace {

constexpr const char* kMeetingColumns =
    "post, topic_zh, topic_en, requester_account, requester_name, requester_org, requester_org_key, "
    "responder_account, responder_name, responder_org, responder_org_key, session, slot, start_ms, minutes, table_id, "
    "state, waiting_for, by_organizer, notes, outcome, agreement_id, agreement_title, reminded, called, created_ms, "
    "updated_ms";

void bindMeeting(Query& q, const MeetingRow& r) {
    const net::MeetingView& m = r.view;
    q.bind(int64_t(m.post)).bind(m.topic.zh).bind(m.topic.en);
    q.bind(int64_t(m.requester.account)).bind(m.requester.name).bind(m.requester.org).bind(r.requesterOrgKey);
    q.bind(int64_t(m.responder.account)).bind(m.responder.name).bind(m.responder.org).bind(r.responderOrgKey);
    q.bind(int64_t(m.slot.session)).bind(int64_t(m.slot.index)).bind(m.startMs).bind(int64_t(m.minutes));
    q.bind(int64_t(m.table)).bind(net::meetingStateName(m.state)).bind(int64_t(m.waitingFor));
    q.bind(int64_t(m.byOrganizer ? 1 : 0)).bind(m.notes).bind(net::meetingOutcomeName(m.outcome));
    q.bind(int64_t(m.agreementId)).bind(m.agreementTitle).bind(int64_t(r.reminded ? 1 : 0));
    q.bind(int64_t(r.called ? 1 : 0)).bind(r.createdMs).bind(r.updatedMs);
}

}  // namespace

std::optional<uint32_t> SqliteStore::insertMeeting(const MeetingRow& row) {
    static const std::string sql = std::string("INSERT INTO meeting (") + kMeetingColumns +
                                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    std::optional<uint32_t> id;
    bool ok = inTransaction("insert meeting", [&] {
        Query q(statement(sql.c_str()));
        if (!q) return false;
        bindMeeting(q, row);
        if (q.step() != SQLITE_DONE) return fail("insert meeting");
        id = uint32_t(sqlite3_last_insert_rowid(m_db));
        return true;
    });
    if (!ok) return std::nullopt;
    return id;
}

bool SqliteStore::writeMeeting(const MeetingRow& row) {
    static const std::string sql =
        "UPDATE meeting SET post = ?, topic_zh = ?, topic_en = ?, requester_account = ?, requester_name = ?, "
        "requester_org = ?, requester_org_key = ?, responder_account = ?, responder_name = ?, responder_org = ?, "
        "responder_org_key = ?, session = ?, slot = ?, start_ms = ?, minutes = ?, table_id = ?, state = ?, "
        "waiting_for = ?, by_organizer = ?, notes = ?, outcome = ?, agreement_id = ?, agreement_title = ?, "
        "reminded = ?, called = ?, created_ms = ?, updated_ms = ? WHERE id = ?";
    Query q(statement(sql.c_str()));
    if (!q) return false;
    bindMeeting(q, row);
    if (q.bind(int64_t(row.view.id)).step() != SQLITE_DONE) return fail("update meeting");
    if (sqlite3_changes(m_db) != 1) {
        m_lastError = m_path + ": update meeting: no meeting " + std::to_string(row.view.id);
        return false;
    }
    return true;
}

bool SqliteStore::updateMeeting(const MeetingRow& row) {
    return inTransaction("update meeting", [&] { return writeMeeting(row); });
}

std::optional<uint32_t> SqliteStore::recordOutcome(const MeetingRow& row, const AgreementDraftRow* draft) {
    uint32_t draftId = 0;
    bool ok = inTransaction("record outcome", [&] {
        MeetingRow copy = row;
        if (draft) {
            Query q(statement(
                "INSERT INTO agreement_draft (meeting, title, party_a, party_b, created_ms) VALUES (?, ?, ?, ?, ?)"));
            if (!q) return false;
            q.bind(int64_t(draft->meeting)).bind(draft->title).bind(draft->partyA).bind(draft->partyB);
            if (q.bind(draft->createdMs).step() != SQLITE_DONE) return fail("record outcome: draft");
            draftId = uint32_t(sqlite3_last_insert_rowid(m_db));
            copy.view.agreementId = draftId;
            copy.view.agreementTitle = draft->title;
        }
        return writeMeeting(copy);
    });
    if (!ok) return std::nullopt;
    return draftId;
}

std::vector<MeetingRow> SqliteStore::meetings() {
    static const std::string sql = std::string("SELECT id, ") + kMeetingColumns + " FROM meeting ORDER BY id";
    std::vector<MeetingRow> out;
    Query q(statement(sql.c_str()));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        MeetingRow r;
        net::MeetingView& m = r.view;
        m.id = uint32_t(q.integer(0));
        m.post = uint32_t(q.integer(1));
        m.topic = {q.text(2), q.text(3)};
        m.requester = {uint32_t(q.integer(4)), q.text(5), q.text(6)};
        r.requesterOrgKey = q.text(7);
        m.responder = {uint32_t(q.integer(8)), q.text(9), q.text(10)};
        r.responderOrgKey = q.text(11);
        m.slot = {uint8_t(q.integer(12)), uint16_t(q.integer(13))};
        m.startMs = q.integer(14);
        m.minutes = uint16_t(q.integer(15));
        m.table = uint16_t(q.integer(16));
        if (!net::parseMeetingState(q.text(17), m.state)) m.state = net::MeetingState::Cancelled;
        m.waitingFor = uint32_t(q.integer(18));
        m.byOrganizer = q.integer(19) != 0;
        m.notes = q.text(20);
        if (!net::parseMeetingOutcome(q.text(21), m.outcome)) m.outcome = net::MeetingOutcome::None;
        m.agreementId = uint32_t(q.integer(22));
        m.agreementTitle = q.text(23);
        r.reminded = q.integer(24) != 0;
        r.called = q.integer(25) != 0;
        r.createdMs = q.integer(26);
        r.updatedMs = q.integer(27);
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
        fail("meetings");
        return {};
    }
    return out;
}

std::vector<AgreementDraftRow> SqliteStore::agreementDrafts() {
    std::vector<AgreementDraftRow> out;
    Query q(statement("SELECT id, meeting, title, party_a, party_b, created_ms FROM agreement_draft ORDER BY id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        out.push_back({uint32_t(q.integer(0)), uint32_t(q.integer(1)), q.text(2), q.text(3), q.text(4), q.integer(5)});
    if (rc != SQLITE_DONE) {
        fail("agreement drafts");
        return {};
    }
    return out;
}

// --- business cards ------------------------------------------------------------------------------

namespace {
const char* contactStateName(net::ContactState s) {
    switch (s) {
        case net::ContactState::Asked: return "asked";
        case net::ContactState::Exchanged: return "exchanged";
        case net::ContactState::Declined: return "declined";
        default: return "asked";
    }
}
net::ContactState contactStateFrom(const std::string& s) {
    if (s == "exchanged") return net::ContactState::Exchanged;
    if (s == "declined") return net::ContactState::Declined;
    return net::ContactState::Asked;
}
}  // namespace

bool SqliteStore::setCard(uint32_t account, const net::BusinessCard& c) {
    return inTransaction("set card", [&] {
        Query q(statement(
            "INSERT INTO card (account_id, name, org, title, phone, email) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, org = excluded.org, title = excluded.title, "
            "phone = excluded.phone, email = excluded.email"));
        if (!q) return false;
        q.bind(int64_t(account)).bind(c.name).bind(c.org).bind(c.title).bind(c.phone).bind(c.email);
        if (q.step() != SQLITE_DONE) return fail("set card");
        return true;
    });
}

std::optional<net::BusinessCard> SqliteStore::card(uint32_t account) {
    Query q(statement("SELECT name, org, title, phone, email FROM card WHERE account_id = ?"));
    if (!q) return std::nullopt;
    int rc = q.bind(int64_t(account)).step();
    if (rc == SQLITE_ROW) return net::BusinessCard{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)};
    if (rc != SQLITE_DONE) fail("card");
    return std::nullopt;
}

std::optional<uint32_t> SqliteStore::insertExchange(const CardExchangeRow& row) {
    std::optional<uint32_t> id;
    bool ok = inTransaction("insert exchange", [&] {
        Query q(statement(
            "INSERT INTO card_exchange (from_account, to_account, state, asked_ms, answered_ms) VALUES (?, ?, ?, ?, ?)"));
        if (!q) return false;
        q.bind(int64_t(row.from)).bind(int64_t(row.to)).bind(contactStateName(row.state)).bind(row.askedMs);
        if (q.bind(row.answeredMs).step() != SQLITE_DONE) return fail("insert exchange");
        id = uint32_t(sqlite3_last_insert_rowid(m_db));
        return true;
    });
    if (!ok) return std::nullopt;
    return id;
}

bool SqliteStore::updateExchange(const CardExchangeRow& row) {
    return inTransaction("update exchange", [&] {
        Query q(statement("UPDATE card_exchange SET state = ?, answered_ms = ? WHERE id = ?"));
        if (!q || q.bind(contactStateName(row.state)).bind(row.answeredMs).bind(int64_t(row.id)).step() != SQLITE_DONE)
            return fail("update exchange");
        return sqlite3_changes(m_db) == 1;
    });
}

std::vector<CardExchangeRow> SqliteStore::exchanges() {
    std::vector<CardExchangeRow> out;
    Query q(statement("SELECT id, from_account, to_account, state, asked_ms, answered_ms FROM card_exchange ORDER BY id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        out.push_back({uint32_t(q.integer(0)), uint32_t(q.integer(1)), uint32_t(q.integer(2)), contactStateFrom(q.text(3)),
                       q.integer(4), q.integer(5)});
    if (rc != SQLITE_DONE) {
        fail("exchanges");
        return {};
    }
    return out;
}

// --- visits --------------------------------------------------------------------------------------

bool SqliteStore::appendVisit(const VisitRow& row) {
    return inTransaction("append visit", [&] {
        Query q(statement("INSERT INTO visit (account_id, booth, enter_ms, leave_ms) VALUES (?, ?, ?, ?)"));
        if (!q || q.bind(int64_t(row.account)).bind(int64_t(row.booth)).bind(row.enterMs).bind(row.leaveMs).step() !=
                      SQLITE_DONE)
            return fail("append visit");
        return true;
    });
}

std::vector<VisitRow> SqliteStore::visits() {
    std::vector<VisitRow> out;
    Query q(statement("SELECT account_id, booth, enter_ms, leave_ms FROM visit ORDER BY id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        out.push_back({uint32_t(q.integer(0)), uint16_t(q.integer(1)), q.integer(2), q.integer(3)});
    if (rc != SQLITE_DONE) {
        fail("visits");
        return {};
    }
    return out;
}

// --- stage -----------------------------------------------------------------------------------------

std::vector<SqliteStore::SessionSpan> SqliteStore::sessionSpans() {
    std::vector<SessionSpan> out;
    Query q(statement("SELECT account_id, joined_ms, COALESCE(left_ms, 0) FROM session ORDER BY joined_ms, id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back({uint32_t(q.integer(0)), q.integer(1), q.integer(2)});
    if (rc != SQLITE_DONE) {
        fail("session spans");
        return {};
    }
    return out;
}

namespace {

bool parseCeremonyState(const std::string& s, ceremony::CeremonyState& out) {
    for (int i = 0; i < int(ceremony::CeremonyState::Count); ++i)
        if (s == ceremony::ceremonyStateName(ceremony::CeremonyState(i))) {
            out = ceremony::CeremonyState(i);
            return true;
        }
    return false;
}

}  // namespace

bool SqliteStore::setSigningKey(uint32_t account, const net::SigningKey& key, int64_t nowMs) {
    return inTransaction("set signing key", [&] {
        Query q(statement(
            "INSERT INTO signing_key (account_id, public_key, registered_ms) VALUES (?, ?, ?) "
            "ON CONFLICT (account_id) DO UPDATE SET public_key = excluded.public_key, registered_ms = excluded.registered_ms"));
        if (!q || q.bind(int64_t(account)).bind(ceremony::toHex(key)).bind(nowMs).step() != SQLITE_DONE)
            return fail("set signing key");
        return true;
    });
}

std::map<uint32_t, net::SigningKey> SqliteStore::signingKeys() {
    std::map<uint32_t, net::SigningKey> out;
    Query q(statement("SELECT account_id, public_key FROM signing_key ORDER BY account_id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        net::SigningKey k{};
        if (ceremony::fromHex(q.text(1), k)) out[uint32_t(q.integer(0))] = k;
    }
    if (rc != SQLITE_DONE) {
        fail("signing keys");
        return {};
    }
    return out;
}

bool SqliteStore::writeCeremony(const ceremony::CeremonyRecord& r, int64_t nowMs) {
    {
        Query q(statement(
            "UPDATE ceremony SET state = ?, paused_from = ?, agreement = ?, content_hash = ?, signed_at_ms = ?, "
            "updated_ms = ? WHERE id = ?"));
        if (!q) return false;
        q.bind(ceremony::ceremonyStateName(r.state)).bind(ceremony::ceremonyStateName(r.pausedFrom));
        q.bind(net::canonicalJson(r.agreement)).bind(ceremony::toHex(r.contentHash)).bind(r.signedAtMs).bind(nowMs);
        if (q.bind(int64_t(r.id)).step() != SQLITE_DONE) return fail("write ceremony");
        if (sqlite3_changes(m_db) != 1) return false;
    }
    {
        Query q(statement("DELETE FROM ceremony_signature WHERE ceremony_id = ?"));
        if (!q || q.bind(int64_t(r.id)).step() != SQLITE_DONE) return fail("write ceremony: signatures");
    }
    for (const ceremony::AgreementSignature& sig : r.signatures) {
        Query q(statement(
            "INSERT INTO ceremony_signature (ceremony_id, account_id, party, public_key, signature, signed_ms) "
            "VALUES (?, ?, ?, ?, ?, ?)"));
        if (!q) return false;
        int party = -1;
        for (size_t i = 0; i < r.agreement.parties.size(); ++i)
            if (r.agreement.parties[i].representative.account == sig.account) party = int(i);
        q.bind(int64_t(r.id)).bind(int64_t(sig.account)).bind(int64_t(party)).bind(ceremony::toHex(sig.publicKey));
        if (q.bind(ceremony::toHex(sig.signature)).bind(sig.signedMs).step() != SQLITE_DONE)
            return fail("write ceremony: signature");
    }
    return true;
}

bool SqliteStore::insertCeremony(ceremony::CeremonyRecord& r, int64_t nowMs) {
    ceremony::CeremonyRecord copy = r;
    bool ok = inTransaction("insert ceremony", [&] {
        {
            Query q(statement(
                "INSERT INTO ceremony (state, paused_from, agreement, content_hash, created_ms, updated_ms) "
                "VALUES ('draft', 'ready', '', '', ?, ?)"));
            if (!q || q.bind(nowMs).bind(nowMs).step() != SQLITE_DONE) return fail("insert ceremony");
        }
        copy.id = uint32_t(sqlite3_last_insert_rowid(m_db));
        copy.agreement.id = copy.id;
        return writeCeremony(copy, nowMs);
    });
    if (ok) r = std::move(copy);
    return ok;
}

bool SqliteStore::updateCeremony(const ceremony::CeremonyRecord& r, int64_t nowMs) {
    return inTransaction("update ceremony", [&] { return writeCeremony(r, nowMs); });
}

std::vector<ceremony::CeremonyRecord> SqliteStore::ceremonies() {
    std::vector<ceremony::CeremonyRecord> out;
    {
        Query q(statement("SELECT id, state, paused_from, agreement, content_hash, signed_at_ms FROM ceremony ORDER BY id"));
        if (!q) return out;
        int rc;
        while ((rc = q.step()) == SQLITE_ROW) {
            ceremony::CeremonyRecord r;
            r.id = uint32_t(q.integer(0));
            std::string error;
            if (!parseCeremonyState(q.text(1), r.state) || !parseCeremonyState(q.text(2), r.pausedFrom) ||
                !ceremony::parseAgreementJson(q.text(3), r.agreement, error) ||
                !ceremony::fromHex(q.text(4), r.contentHash)) {
                m_lastError = m_path + ": ceremony " + std::to_string(r.id) + " is damaged (" + error + ")";
                if (m_desc.onError) m_desc.onError(m_lastError);
                continue;
            }
            r.signedAtMs = q.integer(5);
            out.push_back(std::move(r));
        }
        if (rc != SQLITE_DONE) {
            fail("ceremonies");
            return {};
        }
    }
    for (ceremony::CeremonyRecord& r : out) {
        Query q(statement(
            "SELECT account_id, public_key, signature, signed_ms FROM ceremony_signature WHERE ceremony_id = ? "
            "ORDER BY party"));
        if (!q) return {};
        q.bind(int64_t(r.id));
        int rc;
        while ((rc = q.step()) == SQLITE_ROW) {
            ceremony::AgreementSignature sig;
            sig.account = uint32_t(q.integer(0));
            if (!ceremony::fromHex(q.text(1), sig.publicKey) || !ceremony::fromHex(q.text(2), sig.signature)) continue;
            sig.signedMs = q.integer(3);
            r.signatures.push_back(sig);
        }
        if (rc != SQLITE_DONE) {
            fail("ceremony signatures");
            return {};
        }
    }
    return out;
}

std::optional<uint32_t> SqliteStore::appendAnnouncement(const net::Announcement& a, uint32_t fromAccount) {
    std::optional<uint32_t> id;
    bool ok = inTransaction("append announcement", [&] {
        Query q(statement(
            "INSERT INTO announcement (from_account, from_name, text_zh, text_en, at_ms) VALUES (?, ?, ?, ?, ?)"));
        if (!q) return false;
        q.bind(int64_t(fromAccount)).bind(a.fromName).bind(a.text.zh).bind(a.text.en);
        if (q.bind(a.atMs).step() != SQLITE_DONE) return fail("append announcement");
        id = uint32_t(sqlite3_last_insert_rowid(m_db));
        return true;
    });
    if (!ok) return std::nullopt;
    return id;
}

std::vector<net::Announcement> SqliteStore::announcements() {
    std::vector<net::Announcement> out;
    Query q(statement("SELECT id, from_name, at_ms, text_zh, text_en FROM announcement ORDER BY id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        out.push_back({uint32_t(q.integer(0)), q.text(1), q.integer(2), {q.text(3), q.text(4)}});
    if (rc != SQLITE_DONE) {
        fail("announcements");
        return {};
    }
    return out;
}

bool SqliteStore::setModeration(const ModerationRow& row) {
    return inTransaction("set moderation", [&] {
        Query q(statement(
            "INSERT INTO moderation (account_id, muted, banned, role, updated_ms) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (account_id) DO UPDATE SET muted = excluded.muted, banned = excluded.banned, "
            "role = excluded.role, updated_ms = excluded.updated_ms"));
        if (!q) return false;
        q.bind(int64_t(row.account)).bind(int64_t(row.muted)).bind(int64_t(row.banned));
        if (q.bind(row.roleSet ? net::roleName(row.role) : "").bind(row.updatedMs).step() != SQLITE_DONE)
            return fail("set moderation");
        return true;
    });
}

std::vector<ModerationRow> SqliteStore::moderation() {
    std::vector<ModerationRow> out;
    Query q(statement("SELECT account_id, muted, banned, role, updated_ms FROM moderation ORDER BY account_id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        ModerationRow m;
        m.account = uint32_t(q.integer(0));
        m.muted = q.integer(1) != 0;
        m.banned = q.integer(2) != 0;
        const std::string role = q.text(3);
        m.roleSet = !role.empty() && net::parseRole(role, m.role);
        m.updatedMs = q.integer(4);
        out.push_back(m);
    }
    if (rc != SQLITE_DONE) {
        fail("moderation");
        return {};
    }
    return out;
}

bool SqliteStore::setBoothLocked(uint16_t booth, bool locked, int64_t nowMs) {
    return inTransaction("lock booth", [&] {
        Query q(statement(locked ? "INSERT INTO booth_lock (booth, locked_ms) VALUES (?, ?) ON CONFLICT (booth) DO NOTHING"
                                 : "DELETE FROM booth_lock WHERE booth = ? AND ? IS NOT NULL"));
        if (!q || q.bind(int64_t(booth)).bind(nowMs).step() != SQLITE_DONE) return fail("lock booth");
        return true;
    });
}

std::optional<uint32_t> SqliteStore::appendSlide(const std::vector<uint8_t>& image, uint32_t account, int64_t nowMs) {
    std::optional<uint32_t> id;
    bool ok = inTransaction("append slide", [&] {
        Query q(statement("INSERT INTO slide (image, uploaded_by, uploaded_ms) VALUES (?, ?, ?)"));
        if (!q || q.bind(image).bind(int64_t(account)).bind(nowMs).step() != SQLITE_DONE) return fail("append slide");
        id = uint32_t(sqlite3_last_insert_rowid(m_db));
        return true;
    });
    if (!ok) return std::nullopt;
    return id;
}

std::vector<std::pair<uint32_t, std::vector<uint8_t>>> SqliteStore::slides() {
    std::vector<std::pair<uint32_t, std::vector<uint8_t>>> out;
    Query q(statement("SELECT id, image FROM slide ORDER BY id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.emplace_back(uint32_t(q.integer(0)), q.blob(1));
    if (rc != SQLITE_DONE) {
        fail("slides");
        return {};
    }
    return out;
}

bool SqliteStore::clearSlides() {
    return inTransaction("clear slides", [&] {
        Query q(statement("DELETE FROM slide"));
        if (!q || q.step() != SQLITE_DONE) return fail("clear slides");
        return true;
    });
}

std::vector<uint16_t> SqliteStore::lockedBooths() {
    std::vector<uint16_t> out;
    Query q(statement("SELECT booth FROM booth_lock ORDER BY booth"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back(uint16_t(q.integer(0)));
    if (rc != SQLITE_DONE) {
        fail("locked booths");
        return {};
    }
    return out;
}

bool SqliteStore::insertField(const net::DockField& field, int64_t nowMs) {
    return inTransaction("add field", [&] {
        Query q(statement("INSERT INTO dock_field (key, zh, en, added_ms) VALUES (?, ?, ?, ?)"));
        if (!q || q.bind(field.key).bind(field.zh).bind(field.en).bind(nowMs).step() != SQLITE_DONE)
            return fail("add field");
        return true;
    });
}

std::vector<net::DockField> SqliteStore::addedFields() {
    std::vector<net::DockField> out;
    Query q(statement("SELECT key, zh, en FROM dock_field ORDER BY added_ms, key"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back({q.text(0), q.text(1), q.text(2)});
    if (rc != SQLITE_DONE) {
        fail("fields");
        return {};
    }
    return out;
}

namespace {
nlohmann::json exhibitJson(const net::Exhibit& e) {
    return {{"asset", e.asset},
            {"title", {{"zh", e.title.zh}, {"en", e.title.en}}},
            {"material", e.material},
            {"process", {{"zh", e.process.zh}, {"en", e.process.en}}},
            {"mass_kg", e.massKg},
            {"description", {{"zh", e.description.zh}, {"en", e.description.en}}}};
}
std::optional<net::Exhibit> exhibitFromJson(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    auto local = [&](const char* key) {
        net::LocalText t;
        if (j.contains(key) && j[key].is_object()) {
            t.zh = j[key].value("zh", "");
            t.en = j[key].value("en", "");
        }
        return t;
    };
    net::Exhibit e;
    e.asset = j.value("asset", "");
    e.title = local("title");
    e.material = j.value("material", "");
    e.process = local("process");
    e.massKg = j.value("mass_kg", 0.0f);
    e.description = local("description");
    if (e.asset.empty()) return std::nullopt;
    return e;
}
}  // namespace

bool SqliteStore::insertUploadedExhibit(uint16_t booth, const net::Exhibit& exhibit, int64_t nowMs) {
    return inTransaction("add uploaded exhibit", [&] {
        Query q(statement("INSERT INTO uploaded_exhibit (booth, exhibit, added_ms) VALUES (?, ?, ?)"));
        if (!q || q.bind(int64_t(booth)).bind(exhibitJson(exhibit).dump()).bind(nowMs).step() != SQLITE_DONE)
            return fail("add uploaded exhibit");
        return true;
    });
}

std::vector<std::pair<uint16_t, net::Exhibit>> SqliteStore::uploadedExhibits() {
    std::vector<std::pair<uint16_t, net::Exhibit>> out;
    Query q(statement("SELECT booth, exhibit FROM uploaded_exhibit ORDER BY id"));
    if (!q) return out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        if (auto e = exhibitFromJson(q.text(1))) out.emplace_back(uint16_t(q.integer(0)), std::move(*e));
    if (rc != SQLITE_DONE) {
        fail("uploaded exhibits");
        return {};
    }
    return out;
}

bool SqliteStore::appendTableChat(const TableChatRow& row) {
    return inTransaction("append table chat", [&] {
        Query q(statement("INSERT INTO table_chat (meeting, table_id, from_account, from_name, unix_ms, text) "
                          "VALUES (?, ?, ?, ?, ?, ?)"));
        if (!q || q.bind(int64_t(row.line.meeting)).bind(int64_t(row.line.table)).bind(int64_t(row.fromAccount))
                          .bind(row.line.fromName).bind(row.line.unixMs).bind(row.line.text).step() != SQLITE_DONE)
            return fail("append table chat");
        return true;
    });
}

std::vector<TableChatRow> SqliteStore::tableChat(uint32_t meeting, size_t n) {
    std::vector<TableChatRow> out;
    Query q(statement("SELECT meeting, table_id, from_account, from_name, unix_ms, text FROM table_chat "
                      "WHERE meeting = ? ORDER BY id DESC LIMIT ?"));
    if (!q) return out;
    q.bind(int64_t(meeting)).bind(int64_t(n));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        TableChatRow r;
        r.line = {uint32_t(q.integer(0)), uint16_t(q.integer(1)), q.text(3), q.integer(4), q.text(5)};
        r.fromAccount = uint32_t(q.integer(2));
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
        fail("table chat");
        return {};
    }
    std::reverse(out.begin(), out.end());
    return out;
}

}  // namespace server
