// docking_msgs.h: the messages of the docking board, meetings, business cards and booth visits.
//
// They travel on kChannelEvents behind the same 8-bit type tag as every message (messages.h):
//
//   PostSave      = type | req:32 | PostView                       (id 0 = a new post)
//   PostWithdraw  = type | req:32 | post:32
//   PostHide      = type | req:32 | post:32 | hidden:1             (organizer only)
//   BoardSearch   = type | req:32 | text | fields | kind:2 | orgKinds:4 | limit:7 | fetch:32
//   BoardResults  = type | req:32 | count:7 | count x (PostView | relevance | terms)
//   PostSaved     = type | req:32 | PostView | matches               (the save's acknowledgement)
//   ForYou        = type | count:7 | count x (PostSummary | matches) (my organization's posts)
//   DockReply     = type | req:32 | ok:1 | zh | en                  (every request gets one)
//   DockSessions  = type | account:32 | sessions | tables:9 | taxonomy
//   MeetingAsk    = type | req:32 | post:32 | slot | with:32
//   MeetingAnswer = type | req:32 | meeting:32 | action:2 | slot
//   MeetingSchedule = type | req:32 | need:32 | capability:32 | slot
//   MeetingUpdate = type | MeetingView
//   MeetingNotes  = type | req:32 | meeting:32 | notes | outcome:2
//   MeetingCall   = type | meeting:32 | kind:1 | table:8 | at | startMs:64
//   GoToTable     = type | req:32 | meeting:32
//   TableChatSend = type | meeting:32 | text
//   TableChatLine = type | meeting:32 | table:8 | fromName | unixMs:64 | text
//   CardAsk       = type | req:32 | to:12
//   CardAnswer    = type | req:32 | card:32 | accept:1
//   CardSet       = type | req:32 | BusinessCard
//   ContactUpdate = type | card:32 | state:2 | otherAccount:32 | BusinessCard
//   VisitLeads    = type | count:10 | count x Lead
//   FieldAdd      = type | req:32 | DockField                      (organizer only; answered by
//                   DockReply, then everyone online gets a new DockSessions with the taxonomy)
//
// Text limits on the wire are twice the server's own (records.h), so an over-long text reaches
// the server and is refused in words rather than dropped as malformed.
//
//   net::Bytes b = net::encodeDock(net::PostWithdraw{.req = 7, .post = 42});
//   net::PostWithdraw w;
//   if (net::decodeDock(packet, w)) ...
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "net/protocol/messages.h"

namespace net {

constexpr uint32_t kMaxDockTitleBytes = 400;      // per language
constexpr uint32_t kMaxDockTextBytes = 8000;      // description, outcome, equipment, notes
constexpr uint32_t kMaxDockShortBytes = 400;      // contact, reference, card lines
constexpr uint32_t kMaxDockFieldKeyBytes = 64;
constexpr uint32_t kMaxDockFields = 8;
constexpr uint32_t kMaxDockAchievements = 32;
constexpr uint32_t kMaxDockTerms = 16;
constexpr uint32_t kMaxDockResults = 100;         // posts in one BoardResults
constexpr uint32_t kMaxForYouPosts = 100;
constexpr uint32_t kMaxDockMatches = 20;          // matches per post on the wire
constexpr uint32_t kMaxDockSessions = 16;
constexpr uint32_t kMaxDockTaxonomy = 256;
constexpr uint32_t kMaxLeads = 1000;
constexpr uint16_t kMaxSlotsPerSession = 256;
constexpr int64_t kMaxDockMoney = 1'000'000'000'000;  // yuan, wire range; the server refuses above 1e11

enum class DockKind : uint8_t {
    Need,        // a technical need, posted by an enterprise
    Capability,  // a capability, posted by a university or institute
    Count
};

enum class MeetingState : uint8_t {
    Requested,   // waiting for `waitingFor` to accept, decline or propose another slot
    Accepted,    // booked: slot and table fixed
    Declined,    // the asked side said no
    Cancelled,   // either side cancelled
    Count
};

enum class MeetingAction : uint8_t {
    Accept,      // book the proposed slot
    Decline,     // say no
    Propose,     // propose `slot` instead (the other side answers next)
    Cancel,      // either side, in any open state
    Count
};

enum class MeetingOutcome : uint8_t {
    None,        // not recorded yet
    FollowUp,    // talk again
    Intent,      // intent to cooperate: an agreement draft is made for the signing ceremony
    NoFit,       // no fit
    Count
};

enum class CallKind : uint8_t {
    Reminder,    // five minutes before the slot
    Start,       // the slot starts: go to the table
    Count
};

enum class ContactState : uint8_t {
    Asked,       // I asked; waiting for them
    AskedOfMe,   // they asked me
    Exchanged,   // both cards are in each other's contacts
    Declined,    // they said no
    Count
};

// --- parts -----------------------------------------------------------------------------------

struct DockAchievement {
    uint8_t kind = 4;            // server::docking::AchievementKind (Patent .. Other)
    LocalText title;
    std::string reference;       // patent number, may be empty
};

// A post as people read it. Need: title, expected outcome in `extra`, budget, deadline.
// Capability: research direction in `title`, lab equipment in `extra`, achievements, readiness.
struct PostView {
    uint32_t id = 0;
    DockKind kind = DockKind::Need;
    LocalText org;               // the owning organization (set by the server)
    OrgKind orgKind = OrgKind::Enterprise;
    std::string author;          // who posted it (set by the server)
    LocalText title;
    std::vector<std::string> fields;
    LocalText description;
    LocalText extra;
    int64_t budgetMin = 0, budgetMax = 0;  // yuan; both 0: negotiable
    int64_t deadlineMs = 0;      // 0: open-ended
    std::string contact;
    uint8_t readiness = 0;       // TRL 1..9 (capability)
    std::vector<DockAchievement> achievements;
    bool hidden = false;         // by the organizer (only its owners and organizers see it)
    bool mine = false;           // the receiver's organization owns it (set per receiver)
    int64_t updatedMs = 0;
};

struct PostSummary {
    uint32_t id = 0;
    DockKind kind = DockKind::Need;
    LocalText org;
    OrgKind orgKind = OrgKind::Enterprise;
    LocalText title;
    std::vector<std::string> fields;
};

struct MatchView {
    PostSummary post;            // the counterpart
    float score = 0;             // 0..100
    std::vector<std::string> terms;   // shared terms, most telling first
    std::vector<std::string> fields;  // shared field keys
};

struct SlotRef {
    uint8_t session = 0;         // index into DockSessions::sessions
    uint16_t index = 0;          // slot within the session
    friend bool operator==(SlotRef, SlotRef) = default;
};

struct MeetingSession {
    LocalText name;
    int64_t startMs = 0;         // unix ms
    uint16_t minutes = 60;
    uint16_t slotMinutes = 20;
};

struct DockField {
    std::string key, zh, en;
};

struct PersonView {
    uint32_t account = 0;
    std::string name;
    std::string org;
};

struct MeetingView {
    uint32_t id = 0;
    uint32_t post = 0;           // what it is about (0: scheduled by the organizer about a match)
    LocalText topic;             // the post's title, or "need x capability"
    PersonView requester, responder;
    SlotRef slot;
    int64_t startMs = 0;
    uint16_t minutes = 0;
    uint16_t table = 0;          // TableId while Accepted
    MeetingState state = MeetingState::Requested;
    uint32_t waitingFor = 0;     // account whose answer is awaited (Requested)
    bool byOrganizer = false;
    std::string notes;
    MeetingOutcome outcome = MeetingOutcome::None;
    uint32_t agreementId = 0;    // the agreement draft made from it (Intent)
    std::string agreementTitle;
};

struct BusinessCard {
    std::string name, org, title, phone, email;
};

struct Lead {
    PersonView who;
    uint16_t booth = 0;
    int64_t firstMs = 0, lastMs = 0;
    uint32_t seconds = 0;        // time spent at the booth, all visits together
    uint16_t visits = 0;
};

// --- messages --------------------------------------------------------------------------------

struct PostSave { static constexpr MsgType kType = MsgType::PostSave; uint32_t req = 0; PostView post; };
struct PostWithdraw { static constexpr MsgType kType = MsgType::PostWithdraw; uint32_t req = 0; uint32_t post = 0; };
struct PostHide { static constexpr MsgType kType = MsgType::PostHide; uint32_t req = 0; uint32_t post = 0; bool hidden = true; };

struct BoardSearch {
    static constexpr MsgType kType = MsgType::BoardSearch;
    uint32_t req = 0;
    std::string text;                 // keywords in either language; empty: all
    std::vector<std::string> fields;  // any of these; empty: any
    uint8_t kind = 0;                 // 0 both, 1 needs, 2 capabilities
    uint8_t orgKinds = 0;             // bit per OrgKind; 0: any
    uint8_t limit = 50;               // 1..kMaxDockResults
    uint32_t fetch = 0;               // not 0: just this post, in full
};

struct SearchResult {
    PostView post;
    float relevance = 0;
    std::vector<std::string> terms;
};

struct BoardResults { static constexpr MsgType kType = MsgType::BoardResults; uint32_t req = 0; std::vector<SearchResult> results; };
struct PostSaved { static constexpr MsgType kType = MsgType::PostSaved; uint32_t req = 0; PostView post; std::vector<MatchView> matches; };

struct ForYouEntry {
    PostSummary mine;
    std::vector<MatchView> matches;
};
struct ForYou { static constexpr MsgType kType = MsgType::ForYou; std::vector<ForYouEntry> posts; };

struct DockReply {
    static constexpr MsgType kType = MsgType::DockReply;
    uint32_t req = 0;
    bool ok = false;
    std::string zh, en;               // what happened, or why not and what to do
};

struct DockSessions {
    static constexpr MsgType kType = MsgType::DockSessions;
    uint32_t account = 0;             // the receiver's account (meetings and contacts name accounts)
    std::vector<MeetingSession> sessions;
    uint16_t tables = 0;
    std::vector<DockField> taxonomy;
};

struct FieldAdd {
    static constexpr MsgType kType = MsgType::FieldAdd;
    uint32_t req = 0;
    DockField field;                  // key [a-z0-9_-], names in Chinese and English
};

struct MeetingAsk {
    static constexpr MsgType kType = MsgType::MeetingAsk;
    uint32_t req = 0;
    uint32_t post = 0;                // ask the post's author
    SlotRef slot;
    uint32_t with = 0;                // for my own post: the account to meet (0: the post's author)
};
struct MeetingAnswer {
    static constexpr MsgType kType = MsgType::MeetingAnswer;
    uint32_t req = 0;
    uint32_t meeting = 0;
    MeetingAction action = MeetingAction::Accept;
    SlotRef slot;                     // Propose only
};
struct MeetingSchedule {
    static constexpr MsgType kType = MsgType::MeetingSchedule;
    uint32_t req = 0;
    uint32_t need = 0, capability = 0;
    SlotRef slot;
};
struct MeetingUpdate { static constexpr MsgType kType = MsgType::MeetingUpdate; MeetingView meeting; };
struct MeetingNotes {
    static constexpr MsgType kType = MsgType::MeetingNotes;
    uint32_t req = 0;
    uint32_t meeting = 0;
    std::string notes;
    MeetingOutcome outcome = MeetingOutcome::None;
};
struct MeetingCall {
    static constexpr MsgType kType = MsgType::MeetingCall;
    uint32_t meeting = 0;
    CallKind kind = CallKind::Reminder;
    uint16_t table = 0;
    Vec2 at;                          // the table's centre
    int64_t startMs = 0;
};
struct GoToTable { static constexpr MsgType kType = MsgType::GoToTable; uint32_t req = 0; uint32_t meeting = 0; };
struct TableChatSend { static constexpr MsgType kType = MsgType::TableChatSend; uint32_t meeting = 0; std::string text; };
struct TableChatLine {
    static constexpr MsgType kType = MsgType::TableChatLine;
    uint32_t meeting = 0;
    uint16_t table = 0;
    std::string fromName;
    int64_t unixMs = 0;
    std::string text;
};
struct CardAsk { static constexpr MsgType kType = MsgType::CardAsk; uint32_t req = 0; ParticipantId to; };
struct CardAnswer { static constexpr MsgType kType = MsgType::CardAnswer; uint32_t req = 0; uint32_t card = 0; bool accept = true; };
struct CardSet { static constexpr MsgType kType = MsgType::CardSet; uint32_t req = 0; BusinessCard card; };
struct ContactUpdate {
    static constexpr MsgType kType = MsgType::ContactUpdate;
    uint32_t card = 0;
    ContactState state = ContactState::Asked;
    uint32_t otherAccount = 0;
    BusinessCard other;               // name and organization always; the rest once Exchanged
};
struct VisitLeads { static constexpr MsgType kType = MsgType::VisitLeads; std::vector<Lead> leads; };

// --- serialize -------------------------------------------------------------------------------

template <typename S> bool serializeI64(S& s, int64_t& v) {
    uint64_t u = uint64_t(v);
    if (!s.serializeWide(u, 64)) return false;
    if constexpr (S::kReading) v = int64_t(u);
    return true;
}
template <typename S> bool serializeLongText(S& s, LocalText& v, uint32_t max, bool newlines) {
    return serializeString(s, v.zh, max, newlines) && serializeString(s, v.en, max, newlines);
}
template <typename S> bool serializeStrings(S& s, std::vector<std::string>& v, uint32_t maxCount, uint32_t maxBytes) {
    int64_t n = int64_t(v.size());
    if constexpr (!S::kReading) {
        if (v.size() > maxCount) return false;
    }
    if (!s.serializeInt(n, 0, maxCount)) return false;
    if constexpr (S::kReading) v.resize(size_t(n));
    for (auto& x : v)
        if (!serializeString(s, x, maxBytes)) return false;
    return true;
}

template <typename S> bool serialize(S& s, DockAchievement& v) {
    DH_SERIALIZE_INT(s, v.kind, 0, 4);
    if (!serializeLongText(s, v.title, kMaxDockTitleBytes, false)) return false;
    DH_SERIALIZE_STRING(s, v.reference, kMaxDockShortBytes);
    return true;
}
template <typename S> bool serialize(S& s, PostView& v) {
    DH_SERIALIZE_U32(s, v.id);
    DH_SERIALIZE_INT(s, v.kind, 0, int(DockKind::Count) - 1);
    if (!serializeLongText(s, v.org, kMaxOrgBytes, false)) return false;
    DH_SERIALIZE_INT(s, v.orgKind, 0, int(OrgKind::Count) - 1);
    DH_SERIALIZE_STRING(s, v.author, kMaxNameBytes);
    if (!serializeLongText(s, v.title, kMaxDockTitleBytes, false)) return false;
    if (!serializeStrings(s, v.fields, kMaxDockFields, kMaxDockFieldKeyBytes)) return false;
    if (!serializeLongText(s, v.description, kMaxDockTextBytes, true)) return false;
    if (!serializeLongText(s, v.extra, kMaxDockTextBytes, true)) return false;
    DH_SERIALIZE_INT(s, v.budgetMin, -kMaxDockMoney, kMaxDockMoney);
    DH_SERIALIZE_INT(s, v.budgetMax, -kMaxDockMoney, kMaxDockMoney);
    if (!serializeI64(s, v.deadlineMs)) return false;
    DH_SERIALIZE_STRING(s, v.contact, kMaxDockShortBytes);
    DH_SERIALIZE_INT(s, v.readiness, 0, 15);
    DH_SERIALIZE_VECTOR(s, v.achievements, kMaxDockAchievements);
    DH_SERIALIZE_BOOL(s, v.hidden);
    DH_SERIALIZE_BOOL(s, v.mine);
    return serializeI64(s, v.updatedMs);
}
template <typename S> bool serialize(S& s, PostSummary& v) {
    DH_SERIALIZE_U32(s, v.id);
    DH_SERIALIZE_INT(s, v.kind, 0, int(DockKind::Count) - 1);
    if (!serializeLongText(s, v.org, kMaxOrgBytes, false)) return false;
    DH_SERIALIZE_INT(s, v.orgKind, 0, int(OrgKind::Count) - 1);
    if (!serializeLongText(s, v.title, kMaxDockTitleBytes, false)) return false;
    return serializeStrings(s, v.fields, kMaxDockFields, kMaxDockFieldKeyBytes);
}
template <typename S> bool serialize(S& s, MatchView& v) {
    DH_SERIALIZE_OBJECT(s, v.post);
    DH_SERIALIZE_QFLOAT(s, v.score, 0.0f, 100.0f, 0.1f);
    if (!serializeStrings(s, v.terms, kMaxDockTerms, 128)) return false;
    return serializeStrings(s, v.fields, kMaxDockFields, kMaxDockFieldKeyBytes);
}
template <typename S> bool serialize(S& s, SlotRef& v) {
    DH_SERIALIZE_INT(s, v.session, 0, kMaxDockSessions - 1);
    DH_SERIALIZE_INT(s, v.index, 0, kMaxSlotsPerSession - 1);
    return true;
}
template <typename S> bool serialize(S& s, MeetingSession& v) {
    DH_SERIALIZE_OBJECT(s, v.name);
    if (!serializeI64(s, v.startMs)) return false;
    DH_SERIALIZE_INT(s, v.minutes, 1, 24 * 60);
    DH_SERIALIZE_INT(s, v.slotMinutes, 5, 240);
    return true;
}
template <typename S> bool serialize(S& s, DockField& v) {
    DH_SERIALIZE_STRING(s, v.key, kMaxDockFieldKeyBytes);
    DH_SERIALIZE_STRING(s, v.zh, 128);
    DH_SERIALIZE_STRING(s, v.en, 128);
    return true;
}
template <typename S> bool serialize(S& s, PersonView& v) {
    DH_SERIALIZE_U32(s, v.account);
    DH_SERIALIZE_STRING(s, v.name, kMaxNameBytes);
    DH_SERIALIZE_STRING(s, v.org, kMaxOrgBytes);
    return true;
}
template <typename S> bool serialize(S& s, MeetingView& v) {
    DH_SERIALIZE_U32(s, v.id);
    DH_SERIALIZE_U32(s, v.post);
    if (!serializeLongText(s, v.topic, kMaxDockTitleBytes * 2 + 8, false)) return false;
    DH_SERIALIZE_OBJECT(s, v.requester);
    DH_SERIALIZE_OBJECT(s, v.responder);
    DH_SERIALIZE_OBJECT(s, v.slot);
    if (!serializeI64(s, v.startMs)) return false;
    DH_SERIALIZE_INT(s, v.minutes, 0, 24 * 60);
    DH_SERIALIZE_INT(s, v.table, 0, kMaxTables - 1);
    DH_SERIALIZE_INT(s, v.state, 0, int(MeetingState::Count) - 1);
    DH_SERIALIZE_U32(s, v.waitingFor);
    DH_SERIALIZE_BOOL(s, v.byOrganizer);
    DH_SERIALIZE_TEXT(s, v.notes, kMaxDockTextBytes);
    DH_SERIALIZE_INT(s, v.outcome, 0, int(MeetingOutcome::Count) - 1);
    DH_SERIALIZE_U32(s, v.agreementId);
    DH_SERIALIZE_STRING(s, v.agreementTitle, kMaxDockTitleBytes * 2);
    return true;
}
template <typename S> bool serialize(S& s, BusinessCard& v) {
    DH_SERIALIZE_STRING(s, v.name, kMaxNameBytes);
    DH_SERIALIZE_STRING(s, v.org, kMaxOrgBytes);
    DH_SERIALIZE_STRING(s, v.title, kMaxDockShortBytes);
    DH_SERIALIZE_STRING(s, v.phone, kMaxDockShortBytes);
    DH_SERIALIZE_STRING(s, v.email, kMaxDockShortBytes);
    return true;
}
template <typename S> bool serialize(S& s, Lead& v) {
    DH_SERIALIZE_OBJECT(s, v.who);
    DH_SERIALIZE_INT(s, v.booth, 0, kMaxBooths - 1);
    if (!serializeI64(s, v.firstMs) || !serializeI64(s, v.lastMs)) return false;
    DH_SERIALIZE_U32(s, v.seconds);
    DH_SERIALIZE_INT(s, v.visits, 0, 65535);
    return true;
}
template <typename S> bool serialize(S& s, SearchResult& v) {
    DH_SERIALIZE_OBJECT(s, v.post);
    DH_SERIALIZE_QFLOAT(s, v.relevance, 0.0f, 1000.0f, 0.01f);
    return serializeStrings(s, v.terms, kMaxDockTerms, 128);
}
template <typename S> bool serialize(S& s, ForYouEntry& v) {
    DH_SERIALIZE_OBJECT(s, v.mine);
    DH_SERIALIZE_VECTOR(s, v.matches, kMaxDockMatches);
    return true;
}

template <typename S> bool serialize(S& s, PostSave& v) { DH_SERIALIZE_U32(s, v.req); DH_SERIALIZE_OBJECT(s, v.post); return true; }
template <typename S> bool serialize(S& s, PostWithdraw& v) { DH_SERIALIZE_U32(s, v.req); DH_SERIALIZE_U32(s, v.post); return true; }
template <typename S> bool serialize(S& s, PostHide& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_U32(s, v.post);
    DH_SERIALIZE_BOOL(s, v.hidden);
    return true;
}
template <typename S> bool serialize(S& s, BoardSearch& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_STRING(s, v.text, 400);
    if (!serializeStrings(s, v.fields, kMaxDockFields, kMaxDockFieldKeyBytes)) return false;
    DH_SERIALIZE_INT(s, v.kind, 0, 2);
    DH_SERIALIZE_INT(s, v.orgKinds, 0, (1 << int(OrgKind::Count)) - 1);
    DH_SERIALIZE_INT(s, v.limit, 1, kMaxDockResults);
    DH_SERIALIZE_U32(s, v.fetch);
    return true;
}
template <typename S> bool serialize(S& s, BoardResults& v) { DH_SERIALIZE_U32(s, v.req); DH_SERIALIZE_VECTOR(s, v.results, kMaxDockResults); return true; }
template <typename S> bool serialize(S& s, PostSaved& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_OBJECT(s, v.post);
    DH_SERIALIZE_VECTOR(s, v.matches, kMaxDockMatches);
    return true;
}
template <typename S> bool serialize(S& s, ForYou& v) { DH_SERIALIZE_VECTOR(s, v.posts, kMaxForYouPosts); return true; }
template <typename S> bool serialize(S& s, DockReply& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_BOOL(s, v.ok);
    DH_SERIALIZE_TEXT(s, v.zh, 2000);
    DH_SERIALIZE_TEXT(s, v.en, 2000);
    return true;
}
template <typename S> bool serialize(S& s, DockSessions& v) {
    DH_SERIALIZE_U32(s, v.account);
    DH_SERIALIZE_VECTOR(s, v.sessions, kMaxDockSessions);
    DH_SERIALIZE_INT(s, v.tables, 0, kMaxTables);
    DH_SERIALIZE_VECTOR(s, v.taxonomy, kMaxDockTaxonomy);
    return true;
}
template <typename S> bool serialize(S& s, MeetingAsk& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_U32(s, v.post);
    DH_SERIALIZE_OBJECT(s, v.slot);
    DH_SERIALIZE_U32(s, v.with);
    return true;
}
template <typename S> bool serialize(S& s, MeetingAnswer& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_U32(s, v.meeting);
    DH_SERIALIZE_INT(s, v.action, 0, int(MeetingAction::Count) - 1);
    DH_SERIALIZE_OBJECT(s, v.slot);
    return true;
}
template <typename S> bool serialize(S& s, MeetingSchedule& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_U32(s, v.need);
    DH_SERIALIZE_U32(s, v.capability);
    DH_SERIALIZE_OBJECT(s, v.slot);
    return true;
}
template <typename S> bool serialize(S& s, MeetingUpdate& v) { DH_SERIALIZE_OBJECT(s, v.meeting); return true; }
template <typename S> bool serialize(S& s, MeetingNotes& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_U32(s, v.meeting);
    DH_SERIALIZE_TEXT(s, v.notes, kMaxDockTextBytes);
    DH_SERIALIZE_INT(s, v.outcome, 0, int(MeetingOutcome::Count) - 1);
    return true;
}
template <typename S> bool serialize(S& s, MeetingCall& v) {
    DH_SERIALIZE_U32(s, v.meeting);
    DH_SERIALIZE_INT(s, v.kind, 0, int(CallKind::Count) - 1);
    DH_SERIALIZE_INT(s, v.table, 0, kMaxTables - 1);
    DH_SERIALIZE_OBJECT(s, v.at);
    return serializeI64(s, v.startMs);
}
template <typename S> bool serialize(S& s, GoToTable& v) { DH_SERIALIZE_U32(s, v.req); DH_SERIALIZE_U32(s, v.meeting); return true; }
template <typename S> bool serialize(S& s, TableChatSend& v) {
    DH_SERIALIZE_U32(s, v.meeting);
    DH_SERIALIZE_TEXT(s, v.text, kMaxChatBytes * 4);
    return true;
}
template <typename S> bool serialize(S& s, TableChatLine& v) {
    DH_SERIALIZE_U32(s, v.meeting);
    DH_SERIALIZE_INT(s, v.table, 0, kMaxTables - 1);
    DH_SERIALIZE_STRING(s, v.fromName, kMaxNameBytes);
    if (!serializeI64(s, v.unixMs)) return false;
    DH_SERIALIZE_TEXT(s, v.text, kMaxChatBytes);
    return true;
}
template <typename S> bool serialize(S& s, CardAsk& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_INT(s, v.to.v, 1, kMaxParticipants);
    return true;
}
template <typename S> bool serialize(S& s, CardAnswer& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_U32(s, v.card);
    DH_SERIALIZE_BOOL(s, v.accept);
    return true;
}
template <typename S> bool serialize(S& s, CardSet& v) { DH_SERIALIZE_U32(s, v.req); DH_SERIALIZE_OBJECT(s, v.card); return true; }
template <typename S> bool serialize(S& s, ContactUpdate& v) {
    DH_SERIALIZE_U32(s, v.card);
    DH_SERIALIZE_INT(s, v.state, 0, int(ContactState::Count) - 1);
    DH_SERIALIZE_U32(s, v.otherAccount);
    DH_SERIALIZE_OBJECT(s, v.other);
    return true;
}
template <typename S> bool serialize(S& s, VisitLeads& v) { DH_SERIALIZE_VECTOR(s, v.leads, kMaxLeads); return true; }
template <typename S> bool serialize(S& s, FieldAdd& v) { DH_SERIALIZE_U32(s, v.req); DH_SERIALIZE_OBJECT(s, v.field); return true; }

// --- packets ---------------------------------------------------------------------------------

// The tagged packet of any message above; empty when a field is out of range or it is too big.
template <typename T> Bytes encodeDock(const T& msg) { return encodeTagged(msg); }

// False: not this type, or malformed (bad range, bad text, trailing bytes); `out` is untouched.
template <typename T> bool decodeDock(std::span<const uint8_t> packet, T& out) { return decodeTagged(packet, out); }

// Whether a message type belongs to this file (so dispatchers can hand it on).
bool isDockingType(MsgType t);

// Names for logs and exports: "requested", "accepted", ...; "follow-up", "intent", "no-fit".
const char* meetingStateName(MeetingState s);
const char* meetingOutcomeName(MeetingOutcome o);
bool parseMeetingState(const std::string& s, MeetingState& out);
bool parseMeetingOutcome(const std::string& s, MeetingOutcome& out);

// A business card as a vCard 3.0 text (RFC 2426), lines ending in CRLF; text values escaped.
std::string toVCard(const BusinessCard& card);

}  // namespace net
