// store.h: what the event server keeps across restarts, behind an interface.
//
// server_core talks only to this interface; server_store implements it with SQLite (a file in
// WAL mode, or ":memory:" for tests). Every write method returns only after the write is durable
// (committed), so whatever the server acknowledged to a client survives a crash.
// Methods return false / nullopt on a storage error; the store logs the SQLite message.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/protocol/docking_msgs.h"
#include "net/protocol/messages.h"
#include "net/protocol/stage_msgs.h"
#include "server/ceremony/ceremony.h"

namespace server {

struct ParticipantRecord {
    uint32_t accountId = 0;        // stable across sessions: the store assigns it (name + org + role)
    std::string name;
    std::string org;
    net::Role role = net::Role::Attendee;
    int64_t firstSeenMs = 0;       // unix ms
    int64_t lastSeenMs = 0;
    uint32_t sessions = 0;         // how many times they joined
    bool hasLogin = false;         // an account with an e-mail: joins only by signing in
};

// An account that signs in: the participant record (its accountId is the identity everything else
// refers to: posts, meetings, cards) plus its e-mail and password hash.
struct AccountRow {
    ParticipantRecord who;
    std::string email;             // normalized (auth.h), unique
    std::string passwordHash;      // crypto_pwhash_str string
    bool selfRegistered = false;
    uint32_t failedLogins = 0;     // wrong passwords since the last success
    int64_t lastFailedMs = 0;
};

// One row of an import, or a self-registration.
struct AccountImport {
    std::string name, org;
    net::Role role = net::Role::Attendee;
    std::string email;             // normalized
    std::string passwordHash;      // for a new account; ignored when the e-mail exists (update)
};

// What importAccounts did with each row, in order.
enum class ImportOutcome : uint8_t { Created, Updated };

// A session token as stored: only its digest.
struct SessionTokenRow {
    std::string digest;            // auth.h tokenDigest
    uint32_t accountId = 0;
    int64_t createdMs = 0, expiresMs = 0;
    bool revoked = false;
};

// A post on the docking board as stored. `post.id` is the row id (given by insertPost);
// `post.mine` is not stored (it depends on who reads).
struct DockPostRow {
    net::PostView post;
    std::string orgKey;            // the owning organization (docking_service.h: orgKeyFor)
    uint32_t authorAccount = 0;
    int64_t createdMs = 0;
};

// A meeting as stored: the view people see plus the server's bookkeeping.
struct MeetingRow {
    net::MeetingView view;         // view.id is the row id (given by insertMeeting)
    std::string requesterOrgKey, responderOrgKey;
    bool reminded = false;         // the five-minute reminder went out
    bool called = false;           // the call to the table went out
    int64_t createdMs = 0, updatedMs = 0;
};

// The draft of an agreement that came out of a meeting's "intent to cooperate", to be signed
// later at a ceremony.
struct AgreementDraftRow {
    uint32_t id = 0;
    uint32_t meeting = 0;
    std::string title;
    std::string partyA, partyB;    // the organizations (as their members named them)
    int64_t createdMs = 0;
};

// A business card exchange between two accounts.
struct CardExchangeRow {
    uint32_t id = 0;
    uint32_t from = 0, to = 0;     // accounts: who asked whom
    net::ContactState state = net::ContactState::Asked;  // Asked, Exchanged or Declined
    int64_t askedMs = 0, answeredMs = 0;
};

// One stay at a booth.
struct VisitRow {
    uint32_t account = 0;
    uint16_t booth = 0;
    int64_t enterMs = 0, leaveMs = 0;
};

// A line said at a negotiation table (only the meeting's parties ever read it back).
struct TableChatRow {
    net::TableChatLine line;
    uint32_t fromAccount = 0;
};

// What the organizer decided about one account (moderation). Kept until changed.
struct ModerationRow {
    uint32_t account = 0;
    bool muted = false;            // may not chat
    bool banned = false;           // refused on join
    bool roleSet = false;          // `role` replaces the role the person joins with
    net::Role role = net::Role::Attendee;
    int64_t updatedMs = 0;
};

class EventStore {
public:
    virtual ~EventStore() = default;

    // The event definition as loaded (JSON text) plus its organizations, replacing any earlier one.
    virtual bool saveEvent(const std::string& eventJson, const net::EventLayout& layout) = 0;
    virtual std::optional<std::string> loadEventJson() = 0;
    // Organizations as saved with the event: (name, kind) in booth order.
    virtual std::vector<net::Organization> organizations() = 0;

    // Records a join: creates the participant on first sight (same name + org + role), updates
    // lastSeen and the session count otherwise. Returns the record, or nullopt on error. When that
    // name + org + role belongs to an account with a login, nothing is written and the record
    // comes back with hasLogin set: the caller refuses (nobody takes over an account by its name).
    virtual std::optional<ParticipantRecord> recordJoin(const std::string& name, const std::string& org, net::Role role,
                                                        int64_t nowMs) = 0;
    virtual bool recordLeave(uint32_t accountId, int64_t nowMs) = 0;
    // Records a join of a known account (lastSeen, session count, a session row).
    virtual std::optional<ParticipantRecord> recordAccountJoin(uint32_t accountId, int64_t nowMs) = 0;

    // Accounts (sign-in by e-mail). importAccounts applies all rows in one transaction: a new
    // e-mail creates an account (or gives a login to the participant of the same name, organization
    // and role who has none), a known one updates name, organization and role. On any error nothing
    // is written, and *badRow (index into rows) and *error say which row and why.
    virtual bool importAccounts(const std::vector<AccountImport>& rows, int64_t nowMs,
                                std::vector<ImportOutcome>* outcomes, size_t* badRow, std::string* error) = 0;
    // Self-registration: a new account; nullopt if the e-mail (or the name + org + role) is taken.
    virtual std::optional<AccountRow> createAccount(const AccountImport& row, int64_t nowMs) = 0;
    virtual std::optional<AccountRow> accountByEmail(const std::string& email) = 0;
    virtual std::optional<AccountRow> accountById(uint32_t accountId) = 0;
    virtual std::vector<AccountRow> accounts() = 0;      // by account id
    virtual uint64_t accountCount() = 0;
    // Replaces the hash and revokes every session token of the account.
    virtual bool setPasswordHash(uint32_t accountId, const std::string& hash, int64_t nowMs) = 0;
    virtual bool recordLoginFailure(uint32_t accountId, int64_t nowMs) = 0;
    virtual bool recordLoginSuccess(uint32_t accountId) = 0;

    // Session tokens.
    virtual bool saveSessionToken(const SessionTokenRow& row) = 0;
    virtual std::optional<SessionTokenRow> sessionToken(const std::string& digest) = 0;
    virtual bool revokeSessionTokens(uint32_t accountId, int64_t nowMs) = 0;
    // Forgets tokens that expired before `nowMs` (they are refused anyway); how many, or -1.
    virtual int64_t purgeExpiredSessionTokens(int64_t nowMs) = 0;
    virtual std::vector<ParticipantRecord> participants() = 0;

    // Chat: lines are appended with their id (ids increase); recentChat returns the newest `n`,
    // oldest first. lastChatId is 0 for an empty log.
    virtual bool appendChat(const net::ChatLine& line) = 0;
    virtual std::vector<net::ChatLine> recentChat(size_t n) = 0;
    virtual uint32_t lastChatId() = 0;

    // Docking board. insertPost returns the new post's id; posts() lists those not withdrawn
    // (hidden ones included), by id.
    virtual std::optional<uint32_t> insertPost(const DockPostRow& row) = 0;
    virtual bool updatePost(const DockPostRow& row) = 0;
    virtual bool setPostHidden(uint32_t post, bool hidden, int64_t nowMs) = 0;
    virtual bool withdrawPost(uint32_t post, int64_t nowMs) = 0;
    virtual std::vector<DockPostRow> posts() = 0;
    virtual uint64_t postsEverStored() = 0;  // withdrawn ones included (0: a board never used)

    // Meetings and the agreement drafts made from them.
    virtual std::optional<uint32_t> insertMeeting(const MeetingRow& row) = 0;
    virtual bool updateMeeting(const MeetingRow& row) = 0;
    virtual std::vector<MeetingRow> meetings() = 0;
    // Stores the meeting and, when `draft` is set, the draft with it, in one transaction.
    // Returns the draft's id (0 when none), nullopt on error.
    virtual std::optional<uint32_t> recordOutcome(const MeetingRow& row, const AgreementDraftRow* draft) = 0;
    virtual std::vector<AgreementDraftRow> agreementDrafts() = 0;

    // Business cards: each account's own card, and the exchanges.
    virtual bool setCard(uint32_t account, const net::BusinessCard& card) = 0;
    virtual std::optional<net::BusinessCard> card(uint32_t account) = 0;
    virtual std::optional<uint32_t> insertExchange(const CardExchangeRow& row) = 0;
    virtual bool updateExchange(const CardExchangeRow& row) = 0;
    virtual std::vector<CardExchangeRow> exchanges() = 0;

    // Booth visits, appended when the visitor leaves the booth.
    virtual bool appendVisit(const VisitRow& row) = 0;
    virtual std::vector<VisitRow> visits() = 0;

    // Docking taxonomy fields the organizer added while the event ran (the defaults are not
    // stored), oldest first. Adding a key that exists fails.
    virtual bool insertField(const net::DockField& field, int64_t nowMs) = 0;
    virtual std::vector<net::DockField> addedFields() = 0;

    // Table chat: appended as said; tableChat returns a meeting's newest `n` lines, oldest first.
    virtual bool appendTableChat(const TableChatRow& row) = 0;
    virtual std::vector<TableChatRow> tableChat(uint32_t meeting, size_t n) = 0;

    // --- stage (stage_service.h) ------------------------------------------------------------
    // Each account's registered signing key (Ed25519 public key); a new key replaces the old one.
    virtual bool setSigningKey(uint32_t account, const net::SigningKey& key, int64_t nowMs) = 0;
    virtual std::map<uint32_t, net::SigningKey> signingKeys() = 0;
    // Ceremonies with their agreements and signatures. insertCeremony gives the record its id
    // (r.id and r.agreement.id) in the same transaction; updateCeremony rewrites state,
    // agreement and signatures together.
    virtual bool insertCeremony(ceremony::CeremonyRecord& r, int64_t nowMs) = 0;
    virtual bool updateCeremony(const ceremony::CeremonyRecord& r, int64_t nowMs) = 0;
    virtual std::vector<ceremony::CeremonyRecord> ceremonies() = 0;  // by id
    // Announcements, oldest first; appendAnnouncement gives the id.
    virtual std::optional<uint32_t> appendAnnouncement(const net::Announcement& a, uint32_t fromAccount) = 0;
    virtual std::vector<net::Announcement> announcements() = 0;
    // Moderation by account, and locked booths.
    virtual bool setModeration(const ModerationRow& row) = 0;
    virtual std::vector<ModerationRow> moderation() = 0;
    virtual bool setBoothLocked(uint16_t booth, bool locked, int64_t nowMs) = 0;
    virtual std::vector<uint16_t> lockedBooths() = 0;
    // Slides for the big screen (PNG or JPEG bytes), in show order; appendSlide gives the id.
    virtual std::optional<uint32_t> appendSlide(const std::vector<uint8_t>& image, uint32_t account, int64_t nowMs) = 0;
    virtual std::vector<std::pair<uint32_t, std::vector<uint8_t>>> slides() = 0;
    // Deletes every slide (ids are never reused, so clients' caches cannot mistake a new one).
    virtual bool clearSlides() = 0;
    // Exhibits uploaded while the event ran (asset_service.h), oldest first: each is appended to
    // its booth's exhibits when the server starts again. The defaults keep nothing.
    virtual bool insertUploadedExhibit(uint16_t /*booth*/, const net::Exhibit& /*exhibit*/, int64_t /*nowMs*/) { return false; }
    virtual std::vector<std::pair<uint16_t, net::Exhibit>> uploadedExhibits() { return {}; }
};

}  // namespace server
