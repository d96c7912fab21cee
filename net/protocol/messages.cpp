// messages.cpp: packet encode/decode around the per-message serialize() templates.
#include "net/protocol/messages.h"

#include <zlib.h>

namespace net {

namespace {

constexpr int kTypeBits = kMsgTypeBits;
constexpr int kV1TypeBits = 4;  // protocol 1's type field (for reading old Hellos)

template <typename T>
Bytes encodeTyped(MsgType type, const T& msg) {
    WriteStream w;
    uint32_t t = uint32_t(type);
    w.serializeBits(t, kTypeBits);
    T copy = msg;  // serialize takes a mutable reference (one function reads and writes)
    if (!serialize(w, copy) || w.failed()) return {};
    Bytes out = w.finish();
    if (out.size() > kMaxMessageBytes) return {};
    return out;
}

// A packet is fully consumed when at most the final partial byte is left, and it is zero padding.
bool consumedExactly(ReadStream& r) {
    if (!r.align()) return false;
    return r.bytesRemaining() == 0;
}

template <typename T>
bool decodeTyped(std::span<const uint8_t> packet, MsgType type, T& out) {
    if (packet.empty() || packet.size() > kMaxMessageBytes) return false;
    ReadStream r(packet.data(), packet.size());
    uint32_t t = 0;
    if (!r.serializeBits(t, kTypeBits) || t != uint32_t(type)) return false;
    T tmp{};
    if (!serialize(r, tmp)) return false;
    if (!consumedExactly(r)) return false;
    out = std::move(tmp);
    return true;
}

}  // namespace

bool packLayout(const EventLayout& layout, std::vector<uint8_t>& deflated, uint32_t& rawBytes) {
    WriteStream w;
    if (!serialize(w, const_cast<EventLayout&>(layout)) || w.failed()) return false;  // the writer only reads it
    const std::vector<uint8_t>& raw = w.finish();
    if (raw.empty() || raw.size() > kMaxLayoutBytes) return false;
    rawBytes = uint32_t(raw.size());
    // The hall changes rarely (an exhibit uploaded) and is sent on every join: deflate each
    // version once per thread.
    thread_local std::vector<uint8_t> lastRaw, lastDeflated;
    if (raw != lastRaw) {
        uLongf n = compressBound(uLong(raw.size()));
        std::vector<uint8_t> out(n);
        if (compress2(out.data(), &n, raw.data(), uLong(raw.size()), Z_BEST_COMPRESSION) != Z_OK) return false;
        out.resize(n);
        lastRaw = raw;
        lastDeflated = std::move(out);
    }
    deflated = lastDeflated;
    return !deflated.empty() && deflated.size() <= kMaxMessageBytes;
}

bool unpackLayout(std::span<const uint8_t> deflated, uint32_t rawBytes, EventLayout& out) {
    if (deflated.empty() || rawBytes == 0 || rawBytes > kMaxLayoutBytes) return false;
    std::vector<uint8_t> raw(rawBytes);
    uLongf n = rawBytes;  // uncompress writes no more than this: a bomb stops here
    if (uncompress(raw.data(), &n, deflated.data(), uLong(deflated.size())) != Z_OK || n != rawBytes) return false;
    ReadStream r(raw.data(), raw.size());
    EventLayout tmp;
    if (!serialize(r, tmp) || !consumedExactly(r)) return false;
    out = std::move(tmp);
    return true;
}

const char* msgTypeName(MsgType t) {
    switch (t) {
        case MsgType::Hello: return "Hello";
        case MsgType::Welcome: return "Welcome";
        case MsgType::Refuse: return "Refuse";
        case MsgType::Input: return "Input";
        case MsgType::Snapshot: return "Snapshot";
        case MsgType::PresenceJoin: return "PresenceJoin";
        case MsgType::PresenceLeave: return "PresenceLeave";
        case MsgType::ChatSend: return "ChatSend";
        case MsgType::ChatLine: return "ChatLine";
        case MsgType::ChatLines: return "ChatLines";
        case MsgType::Notice: return "Notice";
        case MsgType::PostSave: return "PostSave";
        case MsgType::PostWithdraw: return "PostWithdraw";
        case MsgType::PostHide: return "PostHide";
        case MsgType::BoardSearch: return "BoardSearch";
        case MsgType::BoardResults: return "BoardResults";
        case MsgType::PostSaved: return "PostSaved";
        case MsgType::ForYou: return "ForYou";
        case MsgType::DockReply: return "DockReply";
        case MsgType::DockSessions: return "DockSessions";
        case MsgType::MeetingAsk: return "MeetingAsk";
        case MsgType::MeetingAnswer: return "MeetingAnswer";
        case MsgType::MeetingSchedule: return "MeetingSchedule";
        case MsgType::MeetingUpdate: return "MeetingUpdate";
        case MsgType::MeetingNotes: return "MeetingNotes";
        case MsgType::MeetingCall: return "MeetingCall";
        case MsgType::GoToTable: return "GoToTable";
        case MsgType::TableChatSend: return "TableChatSend";
        case MsgType::TableChatLine: return "TableChatLine";
        case MsgType::CardAsk: return "CardAsk";
        case MsgType::CardAnswer: return "CardAnswer";
        case MsgType::CardSet: return "CardSet";
        case MsgType::ContactUpdate: return "ContactUpdate";
        case MsgType::VisitLeads: return "VisitLeads";
        case MsgType::FieldAdd: return "FieldAdd";
        case MsgType::PresentSet: return "PresentSet";
        case MsgType::PresentView: return "PresentView";
        case MsgType::KeyRegister: return "KeyRegister";
        case MsgType::AgreementSave: return "AgreementSave";
        case MsgType::CeremonyAct: return "CeremonyAct";
        case MsgType::CeremonySign: return "CeremonySign";
        case MsgType::StageReply: return "StageReply";
        case MsgType::StageStatus: return "StageStatus";
        case MsgType::CeremonyView: return "CeremonyView";
        case MsgType::CeremonySigned: return "CeremonySigned";
        case MsgType::Announce: return "Announce";
        case MsgType::Announcement: return "Announcement";
        case MsgType::Moderate: return "Moderate";
        case MsgType::LiveFigures: return "LiveFigures";
        case MsgType::StageCall: return "StageCall";
        case MsgType::EyesOnStage: return "EyesOnStage";
        case MsgType::SlideUpload: return "SlideUpload";
        case MsgType::SlideShow: return "SlideShow";
        case MsgType::SlideState: return "SlideState";
        case MsgType::SlideFetch: return "SlideFetch";
        case MsgType::SlideData: return "SlideData";
        case MsgType::AssetList: return "AssetList";
        case MsgType::AssetRequest: return "AssetRequest";
        case MsgType::AssetChunk: return "AssetChunk";
        case MsgType::AssetAck: return "AssetAck";
        case MsgType::AssetError: return "AssetError";
        case MsgType::UploadBegin: return "UploadBegin";
        case MsgType::UploadChunk: return "UploadChunk";
        case MsgType::UploadResult: return "UploadResult";
        case MsgType::ExhibitAdded: return "ExhibitAdded";
        case MsgType::SlideClear: return "SlideClear";
        case MsgType::Count: break;
    }
    return "?";
}

Bytes encode(const Hello& m) { return encodeTyped(MsgType::Hello, m); }
Bytes encode(const Welcome& m) { return encodeTyped(MsgType::Welcome, m); }
Bytes encode(const Refuse& m) { return encodeTyped(MsgType::Refuse, m); }
Bytes encode(const Input& m) { return encodeTyped(MsgType::Input, m); }
Bytes encode(const Participant& m) { return encodeTyped(MsgType::PresenceJoin, m); }
Bytes encode(const PresenceLeave& m) { return encodeTyped(MsgType::PresenceLeave, m); }
Bytes encode(const ChatSend& m) { return encodeTyped(MsgType::ChatSend, m); }
Bytes encode(const ChatLine& m) { return encodeTyped(MsgType::ChatLine, m); }
Bytes encode(const ChatLines& m) { return encodeTyped(MsgType::ChatLines, m); }
Bytes encode(const Notice& m) { return encodeTyped(MsgType::Notice, m); }

bool decode(std::span<const uint8_t> p, Hello& out) {
    if (!decodeTyped(p, MsgType::Hello, out)) return false;
    return true;
}
bool decode(std::span<const uint8_t> p, Welcome& out) { return decodeTyped(p, MsgType::Welcome, out); }
bool decode(std::span<const uint8_t> p, Refuse& out) { return decodeTyped(p, MsgType::Refuse, out); }
bool decode(std::span<const uint8_t> p, Input& out) { return decodeTyped(p, MsgType::Input, out); }
bool decode(std::span<const uint8_t> p, Participant& out) { return decodeTyped(p, MsgType::PresenceJoin, out); }
bool decode(std::span<const uint8_t> p, PresenceLeave& out) { return decodeTyped(p, MsgType::PresenceLeave, out); }
bool decode(std::span<const uint8_t> p, ChatSend& out) { return decodeTyped(p, MsgType::ChatSend, out); }
bool decode(std::span<const uint8_t> p, ChatLine& out) { return decodeTyped(p, MsgType::ChatLine, out); }
bool decode(std::span<const uint8_t> p, ChatLines& out) { return decodeTyped(p, MsgType::ChatLines, out); }
bool decode(std::span<const uint8_t> p, Notice& out) { return decodeTyped(p, MsgType::Notice, out); }

std::optional<MsgType> peekType(std::span<const uint8_t> packet) {
    if (packet.empty()) return std::nullopt;
    uint32_t t = packet[0];
    if (t >= uint32_t(MsgType::Count)) return std::nullopt;
    return MsgType(t);
}

bool peekHelloVersion(std::span<const uint8_t> packet, uint16_t& version) {
    // This protocol's layout first, then protocol 1's (a 4-bit type field).
    for (int typeBits : {kTypeBits, kV1TypeBits}) {
        ReadStream r(packet.data(), packet.size());
        uint32_t t = 0, magic = 0;
        int64_t v = 0;
        if (!r.serializeBits(t, typeBits) || t != uint32_t(MsgType::Hello)) continue;
        if (!r.serializeBits(magic, 32) || magic != kProtocolMagic) continue;
        if (!r.serializeInt(v, 0, 65535)) continue;
        version = uint16_t(v);
        return true;
    }
    return false;
}

// --- snapshots -------------------------------------------------------------------------------

namespace {
template <typename S>
bool serializeSnapshotHeader(S& s, SnapshotMsg& m) {
    DH_SERIALIZE_U32(s, m.tick);
    // The baseline as its age in ticks (protocol 6): a baseline is at most kMaxBaselineAge old.
    bool hasBaseline = m.baselineTick != 0;
    DH_SERIALIZE_BOOL(s, hasBaseline);
    if (hasBaseline) {
        int64_t age = int64_t(m.tick) - int64_t(m.baselineTick);
        DH_SERIALIZE_INT(s, age, 1, kMaxBaselineAge);
        if constexpr (S::kReading) {
            if (int64_t(m.tick) <= age) return false;  // tick 0 is "no baseline"
            m.baselineTick = uint32_t(int64_t(m.tick) - age);
        }
    } else if constexpr (S::kReading) {
        m.baselineTick = 0;
    }
    DH_SERIALIZE_U32(s, m.lastInput);
    DH_SERIALIZE_INT(s, m.people, 0, kMaxParticipants);
    DH_SERIALIZE_INT(s, m.inputSlack, 0, kMaxInputSlack);
    return true;
}
}  // namespace

bool encodeSnapshotInto(const SnapshotMsg& m, const SnapshotFrame* baseline, Bytes& out) {
    // A baseline too old (or not older) for its age to be coded is refused by the header's writer.
    bool ok = (baseline == nullptr) == (m.baselineTick == 0) && (!baseline || baseline->tick == m.baselineTick);
    WriteStream w(std::move(out));
    if (ok) {
        uint32_t t = uint32_t(MsgType::Snapshot);
        w.serializeBits(t, kTypeBits);
        // The header fields by copy; the frame is only read by the writer (no copy of the avatars).
        SnapshotMsg header{.tick = m.tick, .baselineTick = m.baselineTick, .lastInput = m.lastInput, .people = m.people,
                           .inputSlack = m.inputSlack, .frame = {}};
        ok = serializeSnapshotHeader(w, header) && serializeSnapshotDelta(w, baseline, const_cast<SnapshotFrame&>(m.frame)) &&
             !w.failed();
    }
    out = w.takeBytes();
    if (!ok) out.clear();
    return ok;
}

Bytes encodeSnapshot(const SnapshotMsg& m, const SnapshotFrame* baseline) {
    Bytes out;
    encodeSnapshotInto(m, baseline, out);
    return out;
}

bool decodeSnapshotWith(std::span<const uint8_t> packet, SnapshotMsg& out,
                        const SnapshotFrame* (*lookup)(void*, uint32_t), void* ctx, size_t* used) {
    if (packet.empty() || packet.size() > kMaxMessageBytes) return false;
    ReadStream r(packet.data(), packet.size());
    uint32_t t = 0;
    if (!r.serializeBits(t, kTypeBits) || t != uint32_t(MsgType::Snapshot)) return false;
    SnapshotMsg m;
    if (!serializeSnapshotHeader(r, m)) return false;
    const SnapshotFrame* base = nullptr;
    if (m.baselineTick != 0) {
        base = lookup(ctx, m.baselineTick);
        if (!base) return false;
    }
    // Decoded into out's storage (a client passes the same message every time, so no snapshot
    // allocates once warm). On failure out keeps its header and storage, its avatars emptied.
    m.frame.avatars.swap(out.frame.avatars);
    bool ok = base != &out.frame && serializeSnapshotDelta(r, base, m.frame) &&
              (used ? r.align() : consumedExactly(r));
    if (!ok) {
        m.frame.avatars.clear();
        m.frame.avatars.swap(out.frame.avatars);
        return false;
    }
    m.frame.tick = m.tick;
    out = std::move(m);
    if (used) *used = packet.size() - r.bytesRemaining();
    return true;
}

}  // namespace net
