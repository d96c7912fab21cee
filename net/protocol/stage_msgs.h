// stage_msgs.h: the messages of the stage: signing keys, agreements and the signing ceremony,
// announcements, moderation, live figures and "all eyes on stage".
//
// They travel on kChannelEvents behind the same 8-bit type tag as every message (messages.h):
//
//   KeyRegister    = type | req:32 | publicKey:32 bytes                    C->S  anyone
//   AgreementSave  = type | req:32 | Agreement (agreement.h; id 0 = new)   C->S  organizer
//   CeremonyAct    = type | req:32 | ceremony:32 | action:3                C->S  organizer
//   CeremonySign   = type | req:32 | ceremony:32 | hash:32 bytes | signature:64 bytes   C->S  representative
//   StageReply     = type | req:32 | ok:1 | zh | en                        S->C  every request gets one
//   StageStatus    = type | account:32 | keyRegistered:1 | role:3 | muted:1 | count:9 x booth:9
//                                                                          S->C  on join and on change
//   CeremonyView   = type | ceremony:32 | state:3 | pausedFrom:3 | Agreement | hash | count:5 x Seat
//                    | signedAtMs:64                                        S->C  everyone
//   CeremonySigned = type | ceremony:32 | hash | atMs:64 | parties          S->C  everyone: the moment
//   Announce       = type | req:32 | zh | en                               C->S  organizer
//   Announcement   = type | id:32 | fromName | atMs:64 | zh | en           S->C  everyone (the banner)
//   Moderate       = type | req:32 | action:4 | account:32 | booth:9 | role:3   C->S  organizer
//   LiveFigures    = type | people:12 | zones | booths | roster             S->C  organizers, each second
//   StageCall      = type | kind:2 | at | look                              S->C  "all eyes on stage" / summoned
//   EyesOnStage    = type | req:32                                          C->S  organizer
//   SlideUpload    = type | req:32 | total:23 | offset:23 | chunk bytes      C->S  organizer, speaker
//   SlideShow      = type | req:32 | index:7                                C->S  organizer, speaker
//   SlideState     = type | count:7 | current:7 | count x (id:32 | bytes:23) S->C  everyone
//   SlideFetch     = type | slide:32 | offset:23                            C->S  anyone
//   SlideData      = type | slide:32 | total:23 | offset:23 | chunk bytes   S->C  the one who fetched (channel 2)
//   SlideClear     = type | req:32                                          C->S  organizer, speaker (protocol 5)
//
// StageStatus also names the booths the organizer has closed (locked), for everyone: the hall
// shows them closed, and a visitor who walks in is shown out with a Notice saying why.
//
// Slides are PNG or JPEG images of at most kMaxSlideBytes, at most kMaxSlides of them. An upload
// is a run of chunks (offset 0 starts a new one); the last chunk completes it and the server
// stores the slide and answers. Clients fetch the slide on the big screen chunk by chunk, so a
// hall of people asks for it at their own pace.
//
// A write is answered (StageReply ok) only after the store committed it; a refusal comes as
// StageReply with ok = false and the reason in Chinese and English.
//
//   net::Bytes b = net::encodeStage(net::CeremonyAct{.req = 7, .ceremony = 1, .action = net::CeremonyAction::Start});
//   net::CeremonyAct a;
//   if (net::decodeStage(packet, a)) ...
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "net/protocol/agreement.h"
#include "net/protocol/messages.h"

namespace net {

constexpr uint32_t kMaxAnnouncementBytes = 600;   // per language
constexpr uint32_t kMaxRoster = 4095;
constexpr uint32_t kMaxSlides = 100;
constexpr uint32_t kMaxSlideBytes = 4 * 1024 * 1024;   // one image
constexpr uint32_t kSlideChunkBytes = 32 * 1024;        // per SlideUpload / SlideData
constexpr size_t kSigningKeyBytes = 32;           // Ed25519 public key
constexpr size_t kSignatureBytes = 64;            // Ed25519 signature

using SigningKey = std::array<uint8_t, kSigningKeyBytes>;
using SignatureBytes = std::array<uint8_t, kSignatureBytes>;

// The ceremony's states as the wire carries them (server::ceremony::CeremonyState, same order).
enum class CeremonyPhase : uint8_t {
    Draft,                   // the organizer drafts the agreement
    Ready,                   // the agreement is final: its content hash is fixed
    CallingRepresentatives,  // representatives are called to the signing table
    Signing,                 // signatures are accepted
    Signed,                  // every representative has signed
    Paused,                  // held by the organizer
    Cancelled,               // called off
    Count
};

enum class CeremonyAction : uint8_t {
    Finalize,     // freeze the draft: its content hash is fixed (Draft -> Ready)
    Start,        // call the representatives to the signing table (Ready -> CallingRepresentatives)
    OpenSigning,  // open signing without waiting for everyone at the table
    Pause,        // hold the ceremony
    Resume,       // go on where it was
    Cancel,       // call it off
    Count
};

enum class ModerationAction : uint8_t {
    Mute,         // may not chat (persisted)
    Unmute,
    Kick,         // disconnect now; may come back
    Ban,          // disconnect now and refuse on every later join (persisted)
    Unban,
    SetRole,      // change the account's role, now and on later joins (persisted)
    Summon,       // bring the person to the stage
    LockBooth,    // close a booth: visitors are turned away (persisted)
    UnlockBooth,
    Count
};

enum class StageCallKind : uint8_t {
    EyesOnStage,  // look at the stage and take a seat
    Summoned,     // the organizer brought you to the stage
    ToSigningTable,  // you are called to sign: you stand at the signing table
    Count
};

// One party's place at the signing table, as everyone sees it.
struct SeatView {
    bool called = false;
    bool present = false;
    bool signedIt = false;
    int64_t signedMs = 0;
    SigningKey publicKey{};      // the key the signature was checked against (once signed)
};

struct PersonFigure {
    ParticipantId id;
    uint32_t account = 0;
    std::string name;
    std::string org;
    Role role = Role::Attendee;
    bool muted = false;
};

// --- messages --------------------------------------------------------------------------------

struct KeyRegister { static constexpr MsgType kType = MsgType::KeyRegister; uint32_t req = 0; SigningKey publicKey{}; };
struct AgreementSave { static constexpr MsgType kType = MsgType::AgreementSave; uint32_t req = 0; Agreement agreement; };
struct CeremonyAct {
    static constexpr MsgType kType = MsgType::CeremonyAct;
    uint32_t req = 0;
    uint32_t ceremony = 0;
    CeremonyAction action = CeremonyAction::Finalize;
};
struct CeremonySign {
    static constexpr MsgType kType = MsgType::CeremonySign;
    uint32_t req = 0;
    uint32_t ceremony = 0;
    ContentHash hash{};          // what the signer's client computed from the text it showed
    SignatureBytes signature{};
};
struct StageReply {
    static constexpr MsgType kType = MsgType::StageReply;
    uint32_t req = 0;
    bool ok = false;
    uint32_t id = 0;             // the record the request made (an agreement's ceremony id), or 0
    std::string zh, en;
};
struct StageStatus {
    static constexpr MsgType kType = MsgType::StageStatus;
    uint32_t account = 0;        // the receiver's account (agreements name accounts)
    bool keyRegistered = false;
    Role role = Role::Attendee;  // after a role change
    bool muted = false;
    std::vector<uint16_t> lockedBooths;  // booth ids closed to visitors now, ascending (the same for everyone)
};
struct CeremonyView {
    static constexpr MsgType kType = MsgType::CeremonyView;
    uint32_t ceremony = 0;
    CeremonyPhase state = CeremonyPhase::Draft;
    CeremonyPhase pausedFrom = CeremonyPhase::Ready;
    Agreement agreement;
    ContentHash hash{};          // fixed from Ready on
    std::vector<SeatView> seats; // one per party
    int64_t signedAtMs = 0;
};
struct CeremonySigned {
    static constexpr MsgType kType = MsgType::CeremonySigned;
    uint32_t ceremony = 0;
    ContentHash hash{};
    int64_t atMs = 0;
    LocalText title;
    std::vector<LocalText> parties;  // the organizations, in agreement order
};
struct Announce { static constexpr MsgType kType = MsgType::Announce; uint32_t req = 0; LocalText text; };
struct Announcement {
    static constexpr MsgType kType = MsgType::Announcement;
    uint32_t id = 0;
    std::string fromName;
    int64_t atMs = 0;
    LocalText text;
};
struct Moderate {
    static constexpr MsgType kType = MsgType::Moderate;
    uint32_t req = 0;
    ModerationAction action = ModerationAction::Mute;
    uint32_t account = 0;        // whom (all but the booth actions)
    uint16_t booth = 0;          // LockBooth / UnlockBooth
    Role role = Role::Attendee;  // SetRole
};
struct LiveFigures {
    static constexpr MsgType kType = MsgType::LiveFigures;
    uint16_t people = 0;
    std::vector<uint16_t> perZone;   // by zone index
    std::vector<uint16_t> perBooth;  // by booth index
    std::vector<uint16_t> lockedBooths;
    std::vector<PersonFigure> roster;
};
struct StageCall {
    static constexpr MsgType kType = MsgType::StageCall;
    StageCallKind kind = StageCallKind::EyesOnStage;
    Vec2 at;                     // where you now stand
    Vec2 look;                   // the point to look at (the stage's centre)
};
struct EyesOnStage { static constexpr MsgType kType = MsgType::EyesOnStage; uint32_t req = 0; };
struct SlideUpload {
    static constexpr MsgType kType = MsgType::SlideUpload;
    uint32_t req = 0;
    uint32_t total = 0;            // the whole image's bytes
    uint32_t offset = 0;           // where this chunk goes; 0 starts a new upload
    std::vector<uint8_t> chunk;    // at most kSlideChunkBytes
};
struct SlideShow { static constexpr MsgType kType = MsgType::SlideShow; uint32_t req = 0; uint8_t index = 0; };
struct SlideInfo { uint32_t id = 0; uint32_t bytes = 0; };
struct SlideState {
    static constexpr MsgType kType = MsgType::SlideState;
    std::vector<SlideInfo> slides; // in show order
    uint8_t current = 0;           // index into slides (meaningless when there are none)
};
// Takes every slide off the big screen and out of the store, so the next talk starts empty.
struct SlideClear { static constexpr MsgType kType = MsgType::SlideClear; uint32_t req = 0; };
struct SlideFetch { static constexpr MsgType kType = MsgType::SlideFetch; uint32_t slide = 0; uint32_t offset = 0; };
struct SlideData {
    static constexpr MsgType kType = MsgType::SlideData;
    uint32_t slide = 0;
    uint32_t total = 0;
    uint32_t offset = 0;
    std::vector<uint8_t> chunk;
};

// --- serialize -------------------------------------------------------------------------------

template <typename S, size_t N> bool serializeFixedBytes(S& s, std::array<uint8_t, N>& v) {
    return s.serializeBytes(v.data(), N);
}
template <typename S> bool serializeMs(S& s, int64_t& v) {
    uint64_t u = uint64_t(v);
    if (!s.serializeWide(u, 64)) return false;
    if constexpr (S::kReading) v = int64_t(u);
    return true;
}
template <typename S> bool serializeLocal(S& s, LocalText& v, uint32_t max, bool newlines) {
    return serializeString(s, v.zh, max, newlines) && serializeString(s, v.en, max, newlines);
}

template <typename S> bool serialize(S& s, SeatView& v) {
    DH_SERIALIZE_BOOL(s, v.called);
    DH_SERIALIZE_BOOL(s, v.present);
    DH_SERIALIZE_BOOL(s, v.signedIt);
    if (v.signedIt) {
        if (!serializeMs(s, v.signedMs) || !serializeFixedBytes(s, v.publicKey)) return false;
    }
    return true;
}
template <typename S> bool serialize(S& s, PersonFigure& v) {
    DH_SERIALIZE_INT(s, v.id.v, 1, kMaxParticipants);
    DH_SERIALIZE_U32(s, v.account);
    DH_SERIALIZE_STRING(s, v.name, kMaxNameBytes);
    DH_SERIALIZE_STRING(s, v.org, kMaxOrgBytes);
    DH_SERIALIZE_INT(s, v.role, 0, int(Role::Count) - 1);
    DH_SERIALIZE_BOOL(s, v.muted);
    return true;
}
template <typename S> bool serializeCounts(S& s, std::vector<uint16_t>& v, uint32_t maxCount, int64_t maxValue) {
    int64_t n = int64_t(v.size());
    if constexpr (!S::kReading) {
        if (v.size() > maxCount) return false;
    }
    if (!s.serializeInt(n, 0, maxCount)) return false;
    if constexpr (S::kReading) v.resize(size_t(n));
    for (auto& x : v)
        if (!serializeInt(s, x, 0, maxValue)) return false;
    return true;
}

template <typename S> bool serialize(S& s, KeyRegister& v) {
    DH_SERIALIZE_U32(s, v.req);
    return serializeFixedBytes(s, v.publicKey);
}
template <typename S> bool serialize(S& s, AgreementSave& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_OBJECT(s, v.agreement);
    return true;
}
template <typename S> bool serialize(S& s, CeremonyAct& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_U32(s, v.ceremony);
    DH_SERIALIZE_INT(s, v.action, 0, int(CeremonyAction::Count) - 1);
    return true;
}
template <typename S> bool serialize(S& s, CeremonySign& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_U32(s, v.ceremony);
    return serializeFixedBytes(s, v.hash) && serializeFixedBytes(s, v.signature);
}
template <typename S> bool serialize(S& s, StageReply& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_BOOL(s, v.ok);
    DH_SERIALIZE_U32(s, v.id);
    DH_SERIALIZE_TEXT(s, v.zh, 4000);
    DH_SERIALIZE_TEXT(s, v.en, 4000);
    return true;
}
template <typename S> bool serialize(S& s, StageStatus& v) {
    DH_SERIALIZE_U32(s, v.account);
    DH_SERIALIZE_BOOL(s, v.keyRegistered);
    DH_SERIALIZE_INT(s, v.role, 0, int(Role::Count) - 1);
    DH_SERIALIZE_BOOL(s, v.muted);
    return serializeCounts(s, v.lockedBooths, kMaxBooths, kMaxBooths - 1);
}
template <typename S> bool serialize(S& s, CeremonyView& v) {
    DH_SERIALIZE_U32(s, v.ceremony);
    DH_SERIALIZE_INT(s, v.state, 0, int(CeremonyPhase::Count) - 1);
    DH_SERIALIZE_INT(s, v.pausedFrom, 0, int(CeremonyPhase::Count) - 1);
    DH_SERIALIZE_OBJECT(s, v.agreement);
    if (!serializeFixedBytes(s, v.hash)) return false;
    DH_SERIALIZE_VECTOR(s, v.seats, kMaxParties);
    return serializeMs(s, v.signedAtMs);
}
template <typename S> bool serialize(S& s, CeremonySigned& v) {
    DH_SERIALIZE_U32(s, v.ceremony);
    if (!serializeFixedBytes(s, v.hash) || !serializeMs(s, v.atMs)) return false;
    if (!serializeLocal(s, v.title, kMaxAgreementTitleBytes * 2, false)) return false;
    int64_t n = int64_t(v.parties.size());
    if constexpr (!S::kReading) {
        if (v.parties.size() > kMaxParties) return false;
    }
    if (!s.serializeInt(n, 0, kMaxParties)) return false;
    if constexpr (S::kReading) v.parties.resize(size_t(n));
    for (auto& p : v.parties)
        if (!serializeLocal(s, p, kMaxOrganizationBytes * 2, false)) return false;
    return true;
}
template <typename S> bool serialize(S& s, Announce& v) {
    DH_SERIALIZE_U32(s, v.req);
    return serializeLocal(s, v.text, kMaxAnnouncementBytes * 2, true);
}
template <typename S> bool serialize(S& s, Announcement& v) {
    DH_SERIALIZE_U32(s, v.id);
    DH_SERIALIZE_STRING(s, v.fromName, kMaxNameBytes);
    if (!serializeMs(s, v.atMs)) return false;
    return serializeLocal(s, v.text, kMaxAnnouncementBytes, true);
}
template <typename S> bool serialize(S& s, Moderate& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_INT(s, v.action, 0, int(ModerationAction::Count) - 1);
    DH_SERIALIZE_U32(s, v.account);
    DH_SERIALIZE_INT(s, v.booth, 0, kMaxBooths - 1);
    DH_SERIALIZE_INT(s, v.role, 0, int(Role::Count) - 1);
    return true;
}
template <typename S> bool serialize(S& s, LiveFigures& v) {
    DH_SERIALIZE_INT(s, v.people, 0, kMaxParticipants);
    if (!serializeCounts(s, v.perZone, kMaxZones, kMaxParticipants)) return false;
    if (!serializeCounts(s, v.perBooth, kMaxBooths, kMaxParticipants)) return false;
    if (!serializeCounts(s, v.lockedBooths, kMaxBooths, kMaxBooths - 1)) return false;
    DH_SERIALIZE_VECTOR(s, v.roster, kMaxRoster);
    return true;
}
template <typename S> bool serialize(S& s, StageCall& v) {
    DH_SERIALIZE_INT(s, v.kind, 0, int(StageCallKind::Count) - 1);
    DH_SERIALIZE_OBJECT(s, v.at);
    DH_SERIALIZE_OBJECT(s, v.look);
    return true;
}
template <typename S> bool serialize(S& s, EyesOnStage& v) { DH_SERIALIZE_U32(s, v.req); return true; }
template <typename S> bool serializeChunk(S& s, std::vector<uint8_t>& v) {
    int64_t n = int64_t(v.size());
    if constexpr (!S::kReading) {
        if (v.size() > kSlideChunkBytes) return false;
    }
    if (!s.serializeInt(n, 0, kSlideChunkBytes)) return false;
    if constexpr (S::kReading) v.resize(size_t(n));
    return s.serializeBytes(v.data(), v.size());
}
template <typename S> bool serialize(S& s, SlideUpload& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_INT(s, v.total, 1, kMaxSlideBytes);
    DH_SERIALIZE_INT(s, v.offset, 0, kMaxSlideBytes - 1);
    return serializeChunk(s, v.chunk);
}
template <typename S> bool serialize(S& s, SlideShow& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_INT(s, v.index, 0, kMaxSlides - 1);
    return true;
}
template <typename S> bool serialize(S& s, SlideInfo& v) {
    DH_SERIALIZE_U32(s, v.id);
    DH_SERIALIZE_INT(s, v.bytes, 1, kMaxSlideBytes);
    return true;
}
template <typename S> bool serialize(S& s, SlideState& v) {
    DH_SERIALIZE_VECTOR(s, v.slides, kMaxSlides);
    DH_SERIALIZE_INT(s, v.current, 0, kMaxSlides - 1);
    return true;
}
template <typename S> bool serialize(S& s, SlideClear& v) { DH_SERIALIZE_U32(s, v.req); return true; }
template <typename S> bool serialize(S& s, SlideFetch& v) {
    DH_SERIALIZE_U32(s, v.slide);
    DH_SERIALIZE_INT(s, v.offset, 0, kMaxSlideBytes - 1);
    return true;
}
template <typename S> bool serialize(S& s, SlideData& v) {
    DH_SERIALIZE_U32(s, v.slide);
    DH_SERIALIZE_INT(s, v.total, 1, kMaxSlideBytes);
    DH_SERIALIZE_INT(s, v.offset, 0, kMaxSlideBytes - 1);
    return serializeChunk(s, v.chunk);
}

// --- packets ---------------------------------------------------------------------------------

// The tagged packet of any message above; empty when a field is out of range or it is too big.
template <typename T> Bytes encodeStage(const T& msg) { return encodeTagged(msg); }

// False: not this type, or malformed (bad range, bad text, trailing bytes); `out` is untouched.
template <typename T> bool decodeStage(std::span<const uint8_t> packet, T& out) { return decodeTagged(packet, out); }

// Whether a message type belongs to this file (so dispatchers can hand it on).
bool isStageType(MsgType t);

// Names for logs and exports: "draft", "calling-representatives", ...; "mute", "ban", ...
const char* ceremonyPhaseName(CeremonyPhase p);
const char* ceremonyActionName(CeremonyAction a);
const char* moderationActionName(ModerationAction a);

}  // namespace net
