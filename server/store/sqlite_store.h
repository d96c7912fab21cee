// sqlite_store.h: the EventStore kept in an SQLite database, with schema migrations.
//
// A file database runs in WAL mode with synchronous=FULL: a write method returns true only after
// its transaction is committed and synced, so whatever the server acknowledged survives a crash,
// a SIGKILL or a power cut. ":memory:" keeps everything in the process (tests, demos).
//
//   std::string error;
//   auto store = server::SqliteStore::open("event.sqlite", &error);
//   if (!store) { /* error says what was wrong and what to do */ }
//
// The schema's version is SQLite's `PRAGMA user_version`. open() applies the missing migrations in
// order, each in its own transaction, and refuses a database written by a newer server.
//
// Errors: methods return false / nullopt / an empty list on a storage error and keep the message
// (lastError()); they log nothing themselves. SqliteStoreDesc::onError, when set, is called with
// each message as it happens, so the caller can log it with its own logger.
//
// Not thread-safe: use one SqliteStore from one thread (the server loop).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/core/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace server {

struct SqliteStoreDesc {
    int busyTimeoutMs = 5000;                          // wait this long for another process's lock
    std::function<void(std::string_view)> onError;     // optional: told every storage error
};

class SqliteStore final : public EventStore {
public:
    // The schema version this code writes: the number of migrations it knows.
    static constexpr int kSchemaVersion = 6;

    // Opens (creating if needed) and migrates the database at `path` (":memory:" for none on disk).
    // Returns nullptr on failure with a message for the user in *error (if error is not null).
    static std::unique_ptr<SqliteStore> open(const std::string& path, std::string* error,
                                             const SqliteStoreDesc& desc = {});
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    // --- EventStore ---------------------------------------------------------------------------
    // saveEvent stores the owners of the layout's booths as the organizations, in booth order,
    // once each (an organization with two booths is one organization).
    bool saveEvent(const std::string& eventJson, const net::EventLayout& layout) override;
    std::optional<std::string> loadEventJson() override;     // nullopt: none saved yet, or an error
    std::vector<net::Organization> organizations() override;
    std::optional<ParticipantRecord> recordJoin(const std::string& name, const std::string& org, net::Role role,
                                                int64_t nowMs) override;
    // Closes the account's newest open session. True also when it had none open (nothing to do).
    bool recordLeave(uint32_t accountId, int64_t nowMs) override;
    std::vector<ParticipantRecord> participants() override;  // by account id
    std::optional<ParticipantRecord> recordAccountJoin(uint32_t accountId, int64_t nowMs) override;
    bool importAccounts(const std::vector<AccountImport>& rows, int64_t nowMs, std::vector<ImportOutcome>* outcomes,
                        size_t* badRow, std::string* error) override;
    std::optional<AccountRow> createAccount(const AccountImport& row, int64_t nowMs) override;
    std::optional<AccountRow> accountByEmail(const std::string& email) override;
    std::optional<AccountRow> accountById(uint32_t accountId) override;
    std::vector<AccountRow> accounts() override;
    uint64_t accountCount() override;
    bool setPasswordHash(uint32_t accountId, const std::string& hash, int64_t nowMs) override;
    bool recordLoginFailure(uint32_t accountId, int64_t nowMs) override;
    bool recordLoginSuccess(uint32_t accountId) override;
    bool saveSessionToken(const SessionTokenRow& row) override;
    std::optional<SessionTokenRow> sessionToken(const std::string& digest) override;
    bool revokeSessionTokens(uint32_t accountId, int64_t nowMs) override;
    int64_t purgeExpiredSessionTokens(int64_t nowMs) override;
    // False (and the log unchanged) for an id already stored.
    bool appendChat(const net::ChatLine& line) override;
    std::vector<net::ChatLine> recentChat(size_t n) override;
    uint32_t lastChatId() override;
    std::optional<uint32_t> insertPost(const DockPostRow& row) override;
    bool updatePost(const DockPostRow& row) override;
    bool setPostHidden(uint32_t post, bool hidden, int64_t nowMs) override;
    bool withdrawPost(uint32_t post, int64_t nowMs) override;
    std::vector<DockPostRow> posts() override;
    uint64_t postsEverStored() override;
    std::optional<uint32_t> insertMeeting(const MeetingRow& row) override;
    bool updateMeeting(const MeetingRow& row) override;
    std::vector<MeetingRow> meetings() override;
    std::optional<uint32_t> recordOutcome(const MeetingRow& row, const AgreementDraftRow* draft) override;
    std::vector<AgreementDraftRow> agreementDrafts() override;
    bool setCard(uint32_t account, const net::BusinessCard& card) override;
    std::optional<net::BusinessCard> card(uint32_t account) override;
    std::optional<uint32_t> insertExchange(const CardExchangeRow& row) override;
    bool updateExchange(const CardExchangeRow& row) override;
    std::vector<CardExchangeRow> exchanges() override;
    bool appendVisit(const VisitRow& row) override;
    std::vector<VisitRow> visits() override;
    bool insertField(const net::DockField& field, int64_t nowMs) override;
    std::vector<net::DockField> addedFields() override;
    bool insertUploadedExhibit(uint16_t booth, const net::Exhibit& exhibit, int64_t nowMs) override;
    std::vector<std::pair<uint16_t, net::Exhibit>> uploadedExhibits() override;
    bool appendTableChat(const TableChatRow& row) override;
    std::vector<TableChatRow> tableChat(uint32_t meeting, size_t n) override;
    bool setSigningKey(uint32_t account, const net::SigningKey& key, int64_t nowMs) override;
    std::map<uint32_t, net::SigningKey> signingKeys() override;
    bool insertCeremony(ceremony::CeremonyRecord& r, int64_t nowMs) override;
    bool updateCeremony(const ceremony::CeremonyRecord& r, int64_t nowMs) override;
    std::vector<ceremony::CeremonyRecord> ceremonies() override;
    std::optional<uint32_t> appendAnnouncement(const net::Announcement& a, uint32_t fromAccount) override;
    std::vector<net::Announcement> announcements() override;
    bool setModeration(const ModerationRow& row) override;
    std::vector<ModerationRow> moderation() override;
    bool setBoothLocked(uint16_t booth, bool locked, int64_t nowMs) override;
    std::vector<uint16_t> lockedBooths() override;
    std::optional<uint32_t> appendSlide(const std::vector<uint8_t>& image, uint32_t account, int64_t nowMs) override;
    std::vector<std::pair<uint32_t, std::vector<uint8_t>>> slides() override;
    bool clearSlides() override;

    // --- for reports --------------------------------------------------------------------------
    uint64_t chatCount();                                    // 0 when empty or on error
    // Every stay in the hall: (account, joined, left); left is 0 for a session still open.
    struct SessionSpan { uint32_t account = 0; int64_t joinedMs = 0, leftMs = 0; };
    std::vector<SessionSpan> sessionSpans();

    // --- about this store ---------------------------------------------------------------------
    const std::string& path() const { return m_path; }
    int migrationsApplied() const { return m_migrationsApplied; }  // by open(): 0 when up to date
    // The message of the latest failure (empty if none yet); success does not clear it.
    const std::string& lastError() const { return m_lastError; }

private:
    SqliteStore(sqlite3* db, std::string path, SqliteStoreDesc desc);

    bool configure(std::string* error);
    bool migrate(std::string* error);
    sqlite3_stmt* statement(const char* sql);           // cached; nullptr on error
    bool exec(const char* sql);                         // uncached, for one-off statements
    bool inTransaction(const char* what, const std::function<bool()>& body);
    bool fail(const char* what);                        // records the SQLite error; returns false
    bool writeMeeting(const MeetingRow& row);           // UPDATE inside a transaction
    bool writeCeremony(const ceremony::CeremonyRecord& r, int64_t nowMs);  // inside a transaction
    std::optional<AccountRow> oneAccount(const char* where, const std::string* text, int64_t id);
    uint32_t insertAccount(const AccountImport& row, bool selfRegistered, int64_t nowMs, std::string& why);

    sqlite3* m_db = nullptr;
    std::string m_path;
    SqliteStoreDesc m_desc;
    std::unordered_map<std::string, sqlite3_stmt*> m_statements;  // SQL text -> prepared statement
    int m_migrationsApplied = 0;
    std::string m_lastError;
};

}  // namespace server
