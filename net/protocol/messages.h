// messages.h: the message catalogue of Dockhall's client/server protocol.
//
// Transport: ENet over UDP. Channels (architecture.md):
//   0 kChannelState     unreliable sequenced  Input (up), Snapshot (down)
//   1 kChannelEvents    reliable ordered      everything else: handshake, presence, chat, notices
//   2 kChannelAssets    reliable              asset transfer and uploads, chunked (asset_msgs.h)
//
// Every ENet packet carries exactly one message, except that a snapshot packet may carry two
// snapshots (protocol 8, below) and then the hall chat's unacknowledged lines (protocol 10).
// Layout, bit-packed little-endian (serialize.h):
//
//   +--------+---------------------------------------------------------------+
//   | type:8 | body: the message's serialize(), strings byte-aligned          |
//   +--------+---------------------------------------------------------------+
//
// Hello is special: its first 56 bits are fixed so any server can read them and refuse another
// version's client with words instead of a decode error. Protocol 1 had a 4-bit type field
// (type:4 | magic:32 | version:16); peekHelloVersion() reads both layouts, so a version 1 client
// is still told in words that it must be updated.
//
//   Hello   = type:8 | magic:32 ('DKHL') | version:16 | name | org | role:3 | email | password
//             | hasToken:1 [token:256]
//   Welcome = type:8 | you:12 | role:3 | tickRate | serverTick:32 | layout
//             | hasToken:1 [token:256 | tokenExpiresUnixMs:64]
//   layout  = rawBytes | deflatedBytes | deflate(EventLayout)   (protocol 9, below)
//   Refuse  = type:8 | reason:4 | text
//
// Credentials (protocol 3): a Hello signs in with an account's e-mail + password, or presents the
// session token a Welcome gave (reconnect). Name, organization and role are then the account's, not
// what the Hello says. With neither, the Hello joins an open hall by name, organization and role as
// typed (local demo); an empty e-mail with a password is the event's shared organizer password.
// All of it travels inside the encrypted link (secure.h), never in clear.
//   Input   = type:8 | ackSnapshot:32 | ackChat:32 | count:3 (1..6) | newestSeq:32 | (count-1) x (consecutive:1 [seq:32])
//             | newest (moveX:8, moveZ:8, yaw:8, run:1) | (count-1) x (same:1 [moveX, moveZ, yaw, run])
//             (older ones newest first; protocol 7: two ticks to a packet, each input in three)
//   Snapshot= type:8 | tick:32 | hasBaseline:1 [age:8 = tick - baselineTick, 1..255] | lastInput:32 |
//             people:12 | inputSlack:3 | delta (snapshot.h)   (age: protocol 6; inputSlack: protocol 7)
//
// Snapshots two ticks to a packet (protocol 8): a server sends a client the previous tick's
// snapshot with this tick's, which is coded against it, in one packet: the two messages back to
// back, the second from the byte after the first. Clients take turns (by id), so each
// tick half of them get a packet. Every tick's state still reaches every client (nearby people
// every tick); the datagrams, seals and ENet packets a second halve on both sides, and the older
// state arrives a tick later, well inside the ~100 ms the view interpolates behind.
//
// The hall's layout in a Welcome is deflated (protocol 9, zlib): booths, exhibits and the agenda
// in two languages came to ~17 KB for the sample event, and a thousand people walking in at once
// were sent 17 MB of it (measured: 1,000 joined in 0.6-1.2 s with it, 0.4-0.5 s with the layout
// left out). The reader inflates into at most kMaxLayoutBytes and refuses anything that does not
// inflate to exactly the size the message states.
//
// The hall chat rides on the snapshots (protocol 10): a snapshot packet may end with a ChatLines
// message holding the lines its client has not acknowledged yet, oldest first, up to
// kChatBytesPerPacket. A client acknowledges them with the newest line it has (Input's ackChat:
// a packet carries every line from the oldest unacknowledged one, so the newest line a client
// has says it has all before it). They cost a listener no reliable packet and no acknowledgement
// datagram of its own; as reliable messages, a line said to 2,000 people was 2,000 sealed packets
// out and 2,000 acknowledgements in. A lost packet's lines come again with a later one; the
// client keeps each id once. Lines from before a client joined come as ChatLine on the events
// channel (history).
//
// The docking board, meetings, business cards and booth visits (types from PostSave on) are
// laid out in docking_msgs.h; the stage's (from KeyRegister on) in stage_msgs.h.
//
// A reader checks every range; a message that fails to decode is dropped and counted, and the
// sender's session is not trusted more for it. Message sizes are bounded by kMaxMessageBytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "net/protocol/domain.h"
#include "net/protocol/hall.h"
#include "net/protocol/snapshot.h"

namespace net {

constexpr uint32_t kProtocolMagic = 0x4C484B44;  // "DKHL" little-endian
constexpr uint16_t kProtocolVersion = 10;
constexpr int kMsgTypeBits = 8;            // the type tag in front of every message
constexpr uint8_t kChannelState = 0;
constexpr uint8_t kChannelEvents = 1;
constexpr uint8_t kChannelAssets = 2;
constexpr uint8_t kChannelCount = 3;
constexpr size_t kMaxMessageBytes = 256 * 1024;
constexpr uint32_t kMaxLayoutBytes = 1024 * 1024;  // a Welcome's layout, inflated
constexpr uint32_t kMaxPasswordBytes = 128;
constexpr uint32_t kMaxEmailBytes = 254;       // RFC 5321's limit for a forward path
constexpr size_t kSessionTokenBytes = 32;
constexpr int kInputTicksPerPacket = 2;      // an Input leaves every second tick with that tick's and the one before
constexpr int kMaxInputsPerPacket = 6;       // ... and repeats the two packets before it: each input travels three times
constexpr int kMaxInputSlack = 7;            // SnapshotMsg::inputSlack's largest value (3 bits)

enum class MsgType : uint8_t {
    Hello,          // C->S  join request: version, name, organization, role, credentials
    Welcome,        // S->C  you are in: your id, the event
    Refuse,         // S->C  you are not in, and why (then the server disconnects)
    Input,          // C->S  movement intent for the last few ticks + snapshot ack
    Snapshot,       // S->C  avatar states, delta-encoded against an acknowledged baseline
    PresenceJoin,   // S->C  who someone is: sent once, when that person first enters your interest
    PresenceLeave,  // S->C  someone you were told about left
    ChatSend,       // C->S  a line for the hall chat
    ChatLine,       // S->C  a chat line, with its id and sender (history on join, then live)
    Notice,         // S->C  a message for the user: refused action, rate limit, announcement
    // Docking board, meetings, contacts, visits (docking_msgs.h)
    PostSave,       // C->S  create or edit a need / capability of my organization
    PostWithdraw,   // C->S  withdraw a post of my organization
    PostHide,       // C->S  organizer: hide or show any post
    BoardSearch,    // C->S  search the board by keyword, field, kind, organization kind
    BoardResults,   // S->C  the posts found (also the answer to a post fetch)
    PostSaved,      // S->C  a post is stored (the save's acknowledgement, with its matches)
    ForYou,         // S->C  my organization's posts with their ranked matches
    DockReply,      // S->C  the outcome of a docking request, by request id
    DockSessions,   // S->C  the event's meeting sessions, slots and tables
    MeetingAsk,     // C->S  request a meeting about a post, proposing a slot
    MeetingAnswer,  // C->S  accept, decline, propose another slot, or cancel
    MeetingSchedule,// C->S  organizer: book a meeting between a need's and a capability's owners
    MeetingUpdate,  // S->C  a meeting I am part of (or any, for the organizer) changed
    MeetingNotes,   // C->S  notes and outcome of a meeting
    MeetingCall,    // S->C  a meeting is about to start (reminder) or starts now (go to table)
    GoToTable,      // C->S  take me to my meeting's table
    TableChatSend,  // C->S  a line for the table I am seated at
    TableChatLine,  // S->C  a line from my table
    CardAsk,        // C->S  ask someone for a business card exchange
    CardAnswer,     // C->S  accept or decline an exchange
    CardSet,        // C->S  my own business card's details
    ContactUpdate,  // S->C  an exchange asked of me, or a contact I now have
    VisitLeads,     // S->C  exhibitor: who visited my organization's booth
    FieldAdd,       // C->S  organizer: add a field to the docking board's taxonomy
    // Present: an exhibitor drives the inspector of everyone at the booth (present_msgs.h)
    PresentSet,     // C->S  start, update or stop presenting an exhibit
    PresentView,    // S->C  the presented exhibit and view, or that the presentation ended
    // Stage: signing keys, agreements and ceremonies, announcements, moderation (stage_msgs.h)
    KeyRegister,    // C->S  the public key I sign agreements with
    AgreementSave,  // C->S  organizer: create or edit an agreement draft
    CeremonyAct,    // C->S  organizer: finalize, start, open signing, pause, resume, cancel
    CeremonySign,   // C->S  representative: my signature over the agreement's content hash
    StageReply,     // S->C  the outcome of a stage request, by request id
    StageStatus,    // S->C  my account, whether my key is registered, my role, whether I am muted
    CeremonyView,   // S->C  a ceremony: agreement, state, who is called, present, has signed
    CeremonySigned, // S->C  the moment: every party has signed
    Announce,       // C->S  organizer: a banner for everyone
    Announcement,   // S->C  the banner (also the latest one on join)
    Moderate,       // C->S  organizer: mute, kick, ban, role change, summon, lock a booth
    LiveFigures,    // S->C  organizers: people in the hall, per zone, per booth, the roster
    StageCall,      // S->C  look at the stage / you were brought to the stage or the signing table
    EyesOnStage,    // C->S  organizer: draw everyone's camera to the stage
    SlideUpload,    // C->S  organizer: one chunk of a slide image (PNG or JPEG)
    SlideShow,      // C->S  organizer: show this slide on the big screen
    SlideState,     // S->C  the slides and the one on the big screen
    SlideFetch,     // C->S  send me a chunk of this slide
    SlideData,      // S->C  a chunk of a slide (channel 2)
    // Asset delivery and exhibitor uploads, on kChannelAssets (asset_msgs.h)
    AssetList,      // S->C  which baked file (hash, size) each exhibit shows
    AssetRequest,   // C->S  send me this file from this offset
    AssetChunk,     // S->C  a piece of a file, with its offset and check hash
    AssetAck,       // C->S  bytes of a file received so far (the server's window)
    AssetError,     // S->C  a request that cannot be served, in words
    UploadBegin,    // C->S  exhibitor: a new exhibit for my booth, its facts and file size
    UploadChunk,    // C->S  a piece of the uploaded file
    UploadResult,   // S->C  the upload's outcome, in words
    ExhibitAdded,   // S->C  an exhibit appeared at a booth (to everyone)
    // Stage, protocol 5 (stage_msgs.h)
    SlideClear,     // C->S  organizer or speaker: take every slide off the big screen (the next talk starts empty)
    // Protocol 10
    ChatLines,      // S->C  hall chat lines the client has not acknowledged, at the end of a snapshot packet
    Count
};
static_assert(int(MsgType::Count) <= 256, "type field is 8 bits");
const char* msgTypeName(MsgType t);

enum class RefuseReason : uint8_t {
    VersionMismatch,  // client and server speak different protocol versions
    HallFull,         // the participant cap is reached
    BadName,          // empty, too long or invalid name / organization
    BadCredentials,   // wrong password (account or organizer password)
    Banned,           // the organizer banned this person
    ServerShutdown,   // the server is stopping
    Removed,          // the organizer asked this person to leave (they may come back)
    UnknownAccount,   // no account with that e-mail, and the hall does not let people register
    SessionExpired,   // the session token expired or was revoked: sign in with the password again
    Flooding,         // the client sent far more than the limits allow and was cut off
    Count
};

enum class NoticeCode : uint8_t {
    Info,             // plain information
    ChatTooLong,      // chat line over kMaxChatBytes
    ChatRateLimited,  // too many chat lines in a short time
    ChatEmpty,        // nothing to send
    NotAllowed,       // the role may not do that
    Announcement,     // from the organizer
    Refused,          // a docking request was refused (the text says why and what to do)
    Match,            // a new post matches one of my organization's posts
    Meeting,          // a meeting request, answer, reminder or call to the table
    RateLimited,      // too many requests in a short time (docking actions, searches)
    TooLarge,         // a message over the size its type allows was dropped
    Count
};

// A session token: 32 random bytes the server hands out in Welcome; it stores only their hash.
struct SessionToken {
    std::array<uint8_t, kSessionTokenBytes> bytes{};
    bool empty() const {
        for (uint8_t b : bytes)
            if (b) return false;
        return true;
    }
    friend bool operator==(const SessionToken&, const SessionToken&) = default;
};

struct Hello {
    uint32_t magic = kProtocolMagic;
    uint16_t version = kProtocolVersion;
    std::string name;      // open hall: who I am; with an account, ignored (the account's name is used)
    std::string org;
    Role role = Role::Attendee;
    std::string email;     // account sign-in (with password), or self-registration where allowed
    std::string password;  // the account's password; with an empty e-mail, the organizer password
    SessionToken token;    // non-empty: resume the session a Welcome gave (e-mail and password unused)
};

struct Welcome {
    ParticipantId you;
    Role role = Role::Attendee;
    uint8_t tickRate = kTickRate;
    uint32_t serverTick = 0;
    EventLayout event;
    SessionToken token;              // empty: the hall has no accounts (open hall)
    int64_t tokenExpiresUnixMs = 0;  // present it before then to come back without the password
    int64_t unixMs = 0;              // the hall's clock (event time, which a rehearsal shifts) now
};

struct Refuse {
    RefuseReason reason = RefuseReason::VersionMismatch;
    std::string text;  // shown to the user as is
};

struct Input {
    uint32_t ackSnapshot = 0;            // newest snapshot tick the client decoded (0 = none)
    uint32_t ackChat = 0;                // newest hall chat line the client has (protocol 10; 0 = none)
    std::vector<MoveInput> inputs;       // newest last, 1..kMaxInputsPerPacket
};

struct SnapshotMsg {
    uint32_t tick = 0;
    uint32_t baselineTick = 0;           // 0 = full snapshot
    uint32_t lastInput = 0;              // newest input seq the server applied for the receiver
    uint16_t people = 0;                 // everyone in the hall now (the frame holds only those of interest)
    // The receiver's inputs that waited at the server after every tick of the last half second
    // (the least of them, at most kMaxInputSlack): more than a packet's worth means its inputs
    // arrive ahead of need, and the client should send them a little slower (protocol 7).
    uint8_t inputSlack = 0;
    SnapshotFrame frame;                 // reader: filled from baseline + delta
};

struct Participant {
    ParticipantId id;
    std::string name;
    std::string org;
    Role role = Role::Attendee;
};

struct PresenceLeave { ParticipantId id; };

struct ChatSend { std::string text; };

struct ChatLine {
    uint32_t id = 0;                     // increases by one per line in the event
    ParticipantId from;
    std::string fromName;
    std::string fromOrg;
    int64_t unixMs = 0;
    std::string text;
};

// Protocol 10: at the end of a snapshot packet (see the top of this file).
constexpr size_t kChatBytesPerPacket = 900;       // a packet's lines stop short of this (the first always goes):
                                                  // with its snapshots it stays within one datagram
constexpr uint32_t kMaxChatLinesPerPacket = 32;
struct ChatLines {
    std::vector<ChatLine> lines;         // consecutive ids, oldest first
};

struct Notice {
    NoticeCode code = NoticeCode::Info;
    std::string text;
};

// --- serialize -------------------------------------------------------------------------------
// hasToken:1 [token:256 [expiresUnixMs:64]]: an absent token costs one bit. `expires` null: no expiry field.
template <typename S> bool serializeToken(S& s, SessionToken& t, int64_t* expires) {
    bool has = !t.empty();
    DH_SERIALIZE_BOOL(s, has);
    if (!has) return true;
    for (size_t i = 0; i < kSessionTokenBytes; i += 8) {
        uint64_t w = 0;
        for (size_t k = 0; k < 8; ++k) w |= uint64_t(t.bytes[i + k]) << (8 * k);
        DH_SERIALIZE_U64(s, w);
        for (size_t k = 0; k < 8; ++k) t.bytes[i + k] = uint8_t(w >> (8 * k));
    }
    if (S::kReading && t.empty()) return false;  // "has a token" of all zeros: not what a writer sends
    if (expires) {
        uint64_t ms = uint64_t(*expires);
        DH_SERIALIZE_U64(s, ms);
        if constexpr (S::kReading) *expires = int64_t(ms);
    }
    return true;
}
template <typename S> bool serialize(S& s, Hello& v) {
    DH_SERIALIZE_U32(s, v.magic);
    DH_SERIALIZE_INT(s, v.version, 0, 65535);
    if (v.magic != kProtocolMagic) return false;
    if (v.version != kProtocolVersion) return true;  // the rest may differ; caller refuses by version
    DH_SERIALIZE_STRING(s, v.name, kMaxNameBytes);
    DH_SERIALIZE_STRING(s, v.org, kMaxOrgBytes);
    DH_SERIALIZE_INT(s, v.role, 0, int(Role::Count) - 1);
    DH_SERIALIZE_STRING(s, v.email, kMaxEmailBytes);
    DH_SERIALIZE_STRING(s, v.password, kMaxPasswordBytes);
    return serializeToken(s, v.token, nullptr);
}
// The layout deflated (protocol 9): packLayout() codes and deflates it (the last result is kept,
// so a server welcoming a crowd deflates an unchanged hall once); unpackLayout() inflates and
// decodes, false on anything malformed.
bool packLayout(const EventLayout& layout, std::vector<uint8_t>& deflated, uint32_t& rawBytes);
bool unpackLayout(std::span<const uint8_t> deflated, uint32_t rawBytes, EventLayout& out);
template <typename S> bool serializeDeflatedLayout(S& s, EventLayout& layout) {
    std::vector<uint8_t> blob;
    uint32_t raw = 0;
    if constexpr (!S::kReading)
        if (!packLayout(layout, blob, raw)) return false;
    uint32_t n = uint32_t(blob.size());
    DH_SERIALIZE_INT(s, raw, 1, kMaxLayoutBytes);
    DH_SERIALIZE_INT(s, n, 1, uint32_t(kMaxMessageBytes));
    if constexpr (S::kReading) blob.resize(n);
    if (!s.serializeBytes(blob.data(), n)) return false;
    if constexpr (S::kReading) return unpackLayout(blob, raw, layout);
    return true;
}
template <typename S> bool serialize(S& s, Welcome& v) {
    DH_SERIALIZE_INT(s, v.you.v, 1, kMaxParticipants);
    DH_SERIALIZE_INT(s, v.role, 0, int(Role::Count) - 1);
    DH_SERIALIZE_INT(s, v.tickRate, 1, 120);
    DH_SERIALIZE_U32(s, v.serverTick);
    if (!serializeDeflatedLayout(s, v.event)) return false;
    uint64_t clock = uint64_t(v.unixMs);
    DH_SERIALIZE_U64(s, clock);
    if constexpr (S::kReading) v.unixMs = int64_t(clock);
    return serializeToken(s, v.token, &v.tokenExpiresUnixMs);
}
template <typename S> bool serialize(S& s, Refuse& v) {
    DH_SERIALIZE_INT(s, v.reason, 0, int(RefuseReason::Count) - 1);
    DH_SERIALIZE_STRING(s, v.text, 1000);
    return true;
}
// A MoveInput's fields but its seq (Input codes the seqs together).
template <typename S> bool serializeMoveFields(S& s, MoveInput& v) {
    DH_SERIALIZE_QFLOAT(s, v.moveX, -1.0f, 1.0f, 1.0f / 127.0f);
    DH_SERIALIZE_QFLOAT(s, v.moveZ, -1.0f, 1.0f, 1.0f / 127.0f);
    if (!serializeYaw(s, v.yaw)) return false;
    DH_SERIALIZE_BOOL(s, v.run);
    return true;
}
// Bit-identical move fields (not the seq): an older input the newer one may stand for.
inline bool sameMoveFields(const MoveInput& a, const MoveInput& b) {
    return a.moveX == b.moveX && a.moveZ == b.moveZ && a.yaw == b.yaw && a.run == b.run;
}
// Seqs: the newest in full, then each older one as "newer seq - 1" (one bit) or in full.
// Inputs come one per tick, so a packet of six costs 37 bits of seq instead of 192.
template <typename S> bool serialize(S& s, Input& v) {
    DH_SERIALIZE_U32(s, v.ackSnapshot);
    DH_SERIALIZE_U32(s, v.ackChat);
    int64_t n = int64_t(v.inputs.size());
    if (!s.serializeInt(n, 1, kMaxInputsPerPacket)) return false;
    if constexpr (S::kReading) v.inputs.resize(size_t(n));
    DH_SERIALIZE_U32(s, v.inputs.back().seq);
    for (size_t i = v.inputs.size() - 1; i-- > 0;) {
        bool consecutive = v.inputs[i].seq + 1 == v.inputs[i + 1].seq;
        DH_SERIALIZE_BOOL(s, consecutive);
        if (consecutive) {
            if constexpr (S::kReading) v.inputs[i].seq = v.inputs[i + 1].seq - 1;
        } else {
            DH_SERIALIZE_U32(s, v.inputs[i].seq);
        }
    }
    // The newest in full; each older one as "same as the newer one" (one bit: someone walking
    // holds a direction for many ticks) or in full.
    if (!serializeMoveFields(s, v.inputs.back())) return false;
    for (size_t i = v.inputs.size() - 1; i-- > 0;) {
        bool same = false;
        if constexpr (!S::kReading) same = sameMoveFields(v.inputs[i], v.inputs[i + 1]);
        DH_SERIALIZE_BOOL(s, same);
        if (same) {
            if constexpr (S::kReading) {
                const uint32_t seq = v.inputs[i].seq;
                v.inputs[i] = v.inputs[i + 1];
                v.inputs[i].seq = seq;
            }
        } else if (!serializeMoveFields(s, v.inputs[i])) {
            return false;
        }
    }
    return true;
}
template <typename S> bool serialize(S& s, Participant& v) {
    DH_SERIALIZE_INT(s, v.id.v, 1, kMaxParticipants);
    DH_SERIALIZE_STRING(s, v.name, kMaxNameBytes);
    DH_SERIALIZE_STRING(s, v.org, kMaxOrgBytes);
    DH_SERIALIZE_INT(s, v.role, 0, int(Role::Count) - 1);
    return true;
}
template <typename S> bool serialize(S& s, PresenceLeave& v) {
    DH_SERIALIZE_INT(s, v.id.v, 1, kMaxParticipants);
    return true;
}
template <typename S> bool serialize(S& s, ChatSend& v) {
    // The wire allows more than kMaxChatBytes so the server can answer "too long" in words.
    DH_SERIALIZE_TEXT(s, v.text, kMaxChatBytes * 4);
    return true;
}
template <typename S> bool serialize(S& s, ChatLine& v) {
    DH_SERIALIZE_U32(s, v.id);
    DH_SERIALIZE_INT(s, v.from.v, 0, kMaxParticipants);
    DH_SERIALIZE_STRING(s, v.fromName, kMaxNameBytes);
    DH_SERIALIZE_STRING(s, v.fromOrg, kMaxOrgBytes);
    uint64_t ms = uint64_t(v.unixMs);
    DH_SERIALIZE_U64(s, ms);
    if constexpr (S::kReading) v.unixMs = int64_t(ms);
    DH_SERIALIZE_TEXT(s, v.text, kMaxChatBytes);
    return true;
}
template <typename S> bool serialize(S& s, ChatLines& v) {
    uint32_t n = uint32_t(v.lines.size());
    DH_SERIALIZE_INT(s, n, 1, kMaxChatLinesPerPacket);
    if constexpr (S::kReading) v.lines.resize(n);
    for (ChatLine& line : v.lines)
        if (!serialize(s, line)) return false;
    return true;
}
template <typename S> bool serialize(S& s, Notice& v) {
    DH_SERIALIZE_INT(s, v.code, 0, int(NoticeCode::Count) - 1);
    DH_SERIALIZE_TEXT(s, v.text, 2000);
    return true;
}

// --- packets ---------------------------------------------------------------------------------

using Bytes = std::vector<uint8_t>;

// Encodes one message with its type tag. Returns an empty vector if the message is invalid
// (a field out of range): a programming error on the sending side, logged by the caller.
Bytes encode(const Hello& m);
Bytes encode(const Welcome& m);
Bytes encode(const Refuse& m);
Bytes encode(const Input& m);
Bytes encode(const Participant& m);  // as PresenceJoin
Bytes encode(const PresenceLeave& m);
Bytes encode(const ChatSend& m);
Bytes encode(const ChatLine& m);
Bytes encode(const ChatLines& m);
Bytes encode(const Notice& m);
// Snapshot: delta against `baseline` (nullptr = full). m.baselineTick must match baseline->tick.
Bytes encodeSnapshot(const SnapshotMsg& m, const SnapshotFrame* baseline);
// The same into `out`, reusing its capacity (the server encodes one per client per tick): false,
// and `out` empty, where encodeSnapshot() would return empty.
bool encodeSnapshotInto(const SnapshotMsg& m, const SnapshotFrame* baseline, Bytes& out);

// The tagged packet of any message with a kType and a serialize() (the docking, stage, Present
// and asset messages): empty when a field is out of range or it is too big.
template <typename T> Bytes encodeTagged(const T& msg) {
    WriteStream w;
    uint32_t t = uint32_t(T::kType);
    w.serializeBits(t, kMsgTypeBits);
    T copy = msg;
    if (!serialize(w, copy) || w.failed()) return {};
    Bytes out = w.finish();
    if (out.size() > kMaxMessageBytes) return {};
    return out;
}

// False: not this type, or malformed (bad range, bad text, trailing bytes); `out` is untouched.
template <typename T> bool decodeTagged(std::span<const uint8_t> packet, T& out) {
    if (packet.empty() || packet.size() > kMaxMessageBytes) return false;
    ReadStream r(packet.data(), packet.size());
    uint32_t t = 0;
    if (!r.serializeBits(t, kMsgTypeBits) || t != uint32_t(T::kType)) return false;
    T tmp{};
    if (!serialize(r, tmp)) return false;
    if (!r.align() || r.bytesRemaining() != 0) return false;
    out = std::move(tmp);
    return true;
}

// Reads the type tag; nullopt for an empty buffer or an unknown type.
std::optional<MsgType> peekType(std::span<const uint8_t> packet);

// Reads the fixed part of a Hello (magic + version) even from a future protocol version.
// Returns false if the packet is not a Hello from a Dockhall client at all.
bool peekHelloVersion(std::span<const uint8_t> packet, uint16_t& version);

// Decodes a message of a known type. False: the packet is malformed and must be dropped.
// Trailing bytes beyond the final partial byte also count as malformed.
bool decode(std::span<const uint8_t> packet, Hello& out);
bool decode(std::span<const uint8_t> packet, Welcome& out);
bool decode(std::span<const uint8_t> packet, Refuse& out);
bool decode(std::span<const uint8_t> packet, Input& out);
bool decode(std::span<const uint8_t> packet, Participant& out);
bool decode(std::span<const uint8_t> packet, PresenceLeave& out);
bool decode(std::span<const uint8_t> packet, ChatSend& out);
bool decode(std::span<const uint8_t> packet, ChatLine& out);
bool decode(std::span<const uint8_t> packet, ChatLines& out);
bool decode(std::span<const uint8_t> packet, Notice& out);
// Snapshot: `baselineFor(tick)` returns the frame for a baseline tick the receiver kept, or
// nullptr; a delta against a baseline the receiver no longer has fails to decode. The avatars are
// decoded into out.frame's storage (its capacity reused); on failure they are left empty.
//
// With `used` given, the snapshot may be followed by more bytes (the next snapshot of a packet
// that carries two): *used is set to the bytes this one took, padding included (the padding must
// be zero). Without it, trailing bytes are malformed.
template <typename F>
bool decodeSnapshot(std::span<const uint8_t> packet, SnapshotMsg& out, F&& baselineFor, size_t* used = nullptr);
bool decodeSnapshotWith(std::span<const uint8_t> packet, SnapshotMsg& out,
                        const SnapshotFrame* (*lookup)(void*, uint32_t), void* ctx, size_t* used = nullptr);

template <typename F>
bool decodeSnapshot(std::span<const uint8_t> packet, SnapshotMsg& out, F&& baselineFor, size_t* used) {
    return decodeSnapshotWith(packet, out,
        [](void* ctx, uint32_t tick) -> const SnapshotFrame* { return (*static_cast<F*>(ctx))(tick); }, &baselineFor,
        used);
}

}  // namespace net
