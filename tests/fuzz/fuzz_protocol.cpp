// fuzz_protocol: every protocol message decoder (net/protocol/messages.h) on arbitrary packets.
//
// Each input is one packet as it would arrive from the network. Checks:
//   - no decoder crashes, reads out of bounds or trips UBSan, whatever the bytes;
//   - every decoder refuses a packet whose type tag is not its own;
//   - every MsgType up to Count has a decoder here: a type added to the catalogue without one
//     stops the run with its name (add one line to decodeAll());
//   - a packet that decodes re-encodes, the re-encoding decodes, and encoding that gives the same
//     bytes again (decode-encode is stable: what a reader accepts, a writer can send).
// A snapshot is decoded against an empty baseline table here; fuzz_snapshot covers deltas.
#include <cstdint>
#include <span>

#include <array>
#include <type_traits>

#include "net/protocol/asset_msgs.h"
#include "net/protocol/docking_msgs.h"
#include "net/protocol/present_msgs.h"
#include "net/protocol/stage_msgs.h"
#include "net/protocol/messages.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

using net::Bytes;
using net::MsgType;

// The types decodeAll() has a decoder for (filled as it runs).
std::array<bool, size_t(MsgType::Count)> g_covered{};

// Decodes as T; when that works, checks the tag and the encode/decode/encode round trip.
template <typename T>
void tryMessage(std::span<const uint8_t> packet, MsgType own) {
    g_covered[size_t(own)] = true;
    T msg{};
    if (!net::decode(packet, msg)) return;
    auto tag = net::peekType(packet);
    FUZZ_CHECK(tag.has_value() && *tag == own);
    Bytes once = net::encode(msg);
    FUZZ_CHECK(!once.empty());
    T again{};
    FUZZ_CHECK(net::decode(once, again));
    Bytes twice = net::encode(again);
    FUZZ_CHECK(once == twice);
}

// The docking board's messages (docking_msgs.h) and Present's (present_msgs.h), which share
// its tagged packet.
template <typename T>
void tryDock(std::span<const uint8_t> packet) {
    g_covered[size_t(T::kType)] = true;
    T msg{};
    if (!net::decodeDock(packet, msg)) return;
    auto tag = net::peekType(packet);
    FUZZ_CHECK(tag.has_value() && *tag == T::kType && (net::isDockingType(*tag) || net::isPresentType(*tag)));
    Bytes once = net::encodeDock(msg);
    FUZZ_CHECK(!once.empty());
    T again{};
    FUZZ_CHECK(net::decodeDock(once, again));
    FUZZ_CHECK(net::encodeDock(again) == once);
}

template <typename... T>
void tryDockAll(std::span<const uint8_t> packet) { (tryDock<T>(packet), ...); }

// The stage's messages (stage_msgs.h): keys, agreements, ceremonies, announcements, moderation.
template <typename T>
void tryStage(std::span<const uint8_t> packet) {
    g_covered[size_t(T::kType)] = true;
    T msg{};
    if (!net::decodeStage(packet, msg)) return;
    auto tag = net::peekType(packet);
    FUZZ_CHECK(tag.has_value() && *tag == T::kType && net::isStageType(*tag) && !net::isDockingType(*tag));
    Bytes once = net::encodeStage(msg);
    FUZZ_CHECK(!once.empty());
    T again{};
    FUZZ_CHECK(net::decodeStage(once, again));
    FUZZ_CHECK(net::encodeStage(again) == once);
}

template <typename... T>
void tryStageAll(std::span<const uint8_t> packet) { (tryStage<T>(packet), ...); }
// Asset delivery and uploads (asset_msgs.h): also, a chunk that decodes lies inside its file.
template <typename T>
void tryAsset(std::span<const uint8_t> packet) {
    g_covered[size_t(T::kType)] = true;
    T msg{};
    if (!net::decodeAsset(packet, msg)) return;
    auto tag = net::peekType(packet);
    FUZZ_CHECK(tag.has_value() && *tag == T::kType && net::isAssetType(*tag));
    if constexpr (std::is_same_v<T, net::AssetChunk>) {
        FUZZ_CHECK(!msg.data.empty() && msg.data.size() <= net::kMaxAssetChunkBytes);
        FUZZ_CHECK(uint64_t(msg.offset) + msg.data.size() <= msg.total && msg.total <= net::kMaxAssetBytes);
    }
    Bytes once = net::encodeAsset(msg);
    FUZZ_CHECK(!once.empty());
    T again{};
    FUZZ_CHECK(net::decodeAsset(once, again));
    FUZZ_CHECK(net::encodeAsset(again) == once);
}

template <typename... T>
void tryAssetAll(std::span<const uint8_t> packet) { (tryAsset<T>(packet), ...); }

void trySnapshot(std::span<const uint8_t> packet) {
    g_covered[size_t(MsgType::Snapshot)] = true;
    net::SnapshotMsg msg;
    // decodeSnapshot takes its lookup as a temporary (an lvalue callable does not compile).
    auto none = [] { return [](uint32_t) -> const net::SnapshotFrame* { return nullptr; }; };
    if (!net::decodeSnapshot(packet, msg, none())) return;
    FUZZ_CHECK(msg.baselineTick == 0);  // no baseline is known, so only full frames decode
    Bytes once = net::encodeSnapshot(msg, nullptr);
    FUZZ_CHECK(!once.empty());
    net::SnapshotMsg again;
    FUZZ_CHECK(net::decodeSnapshot(once, again, none()));
    FUZZ_CHECK(net::encodeSnapshot(again, nullptr) == once);
}

// Every decoder gets every packet: a decoder must refuse the other types' packets on its own.
void decodeAll(std::span<const uint8_t> p) {
    tryMessage<net::Hello>(p, MsgType::Hello);
    tryMessage<net::Welcome>(p, MsgType::Welcome);
    tryMessage<net::Refuse>(p, MsgType::Refuse);
    tryMessage<net::Input>(p, MsgType::Input);
    tryMessage<net::Participant>(p, MsgType::PresenceJoin);
    tryMessage<net::PresenceLeave>(p, MsgType::PresenceLeave);
    tryMessage<net::ChatSend>(p, MsgType::ChatSend);
    tryMessage<net::ChatLine>(p, MsgType::ChatLine);
    tryMessage<net::ChatLines>(p, MsgType::ChatLines);
    tryMessage<net::Notice>(p, MsgType::Notice);
    trySnapshot(p);
    tryDockAll<net::PostSave, net::PostWithdraw, net::PostHide, net::BoardSearch, net::BoardResults, net::PostSaved,
               net::ForYou, net::DockReply, net::DockSessions, net::MeetingAsk, net::MeetingAnswer,
               net::MeetingSchedule, net::MeetingUpdate, net::MeetingNotes, net::MeetingCall, net::GoToTable,
               net::TableChatSend, net::TableChatLine, net::CardAsk, net::CardAnswer, net::CardSet,
               net::ContactUpdate, net::VisitLeads, net::FieldAdd, net::PresentSet, net::PresentView>(p);
    tryStageAll<net::KeyRegister, net::AgreementSave, net::CeremonyAct, net::CeremonySign, net::StageReply,
                net::StageStatus, net::CeremonyView, net::CeremonySigned, net::Announce, net::Announcement,
                net::Moderate, net::LiveFigures, net::StageCall, net::EyesOnStage, net::SlideUpload, net::SlideShow,
                net::SlideState, net::SlideFetch, net::SlideData, net::SlideClear>(p);
    tryAssetAll<net::AssetList, net::AssetRequest, net::AssetChunk, net::AssetAck, net::AssetError, net::UploadBegin,
                net::UploadChunk, net::UploadResult, net::ExhibitAdded>(p);
}

// Every type in the catalogue has a decoder above.
void checkCoverage() {
    for (int t = 0; t < int(MsgType::Count); ++t) {
        if (g_covered[size_t(t)]) continue;
        std::fprintf(stderr, "fuzz_protocol: MsgType %s (%d) has no decoder in fuzz_protocol.cpp; add it to decodeAll()\n",
                     net::msgTypeName(MsgType(t)), t);
        std::abort();
    }
}

// The server's first look at a packet: the type, and for a Hello the version from any release.
void peekAll(std::span<const uint8_t> p) {
    auto type = net::peekType(p);
    if (type) {
        FUZZ_CHECK(int(*type) < int(MsgType::Count));
        FUZZ_CHECK(net::msgTypeName(*type)[0] != '?');
    }
    uint16_t version = 0;
    if (net::peekHelloVersion(p, version)) FUZZ_CHECK(type && *type == MsgType::Hello);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const uint8_t> packet(data, size);
    peekAll(packet);
    decodeAll(packet);
    checkCoverage();
    // Every type has a name, new types included.
    for (int t = 0; t < int(MsgType::Count); ++t) FUZZ_CHECK(net::msgTypeName(MsgType(t))[0] != '?');
    return 0;
}
