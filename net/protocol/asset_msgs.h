// asset_msgs.h: asset delivery (baked models, named by their BLAKE2b-256) and exhibitor uploads.
//
// Everything here travels on kChannelAssets (reliable), so a download never sits in front of
// chat or presence on kChannelEvents, and snapshots (kChannelState) are paced around it by the
// server's per-tick byte budget (server/core/asset_service.h).
//
//   AssetList     S->C  type | replace:1 | count:14 | count x AssetRef    (after Welcome; then
//                       one entry per exhibit added while the event runs, replace = 0)
//   AssetRequest  C->S  type | hash:256 | offset:32                       (offset > 0: resume)
//   AssetChunk    S->C  type | hash:256 | offset:32 | total:32 | check:128 | len | data
//   AssetAck      C->S  type | hash:256 | received:32                     (bytes held so far)
//   AssetError    S->C  type | hash:256 | code:3 | text                   (Chinese and English)
//   UploadBegin   C->S  type | req:32 | booth:9 | Exhibit | hash:256 | size:32
//   UploadChunk   C->S  type | req:32 | offset:32 | len | data
//   UploadResult  S->C  type | req:32 | ok:1 | text
//   ExhibitAdded  S->C  type | booth:9 | index:4 | Exhibit | AssetRef     (to everyone)
//
//   AssetRef = booth:9 | exhibit:4 | hash:256 | size:32
//
// A chunk's `check` is the BLAKE2b-128 of its data, and the reader bounds it: offset + len must
// not pass total, total must not pass kMaxAssetBytes; the receiver also checks the whole file's
// BLAKE2b-256 against its name before it keeps it (client/core/asset_cache.h).
//
//   net::Bytes b = net::encodeAsset(net::AssetRequest{.hash = h, .offset = 0});
//   net::AssetRequest r;
//   if (net::decodeAsset(packet, r)) ...
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/protocol/messages.h"

namespace net {

constexpr uint32_t kAssetChunkBytes = 64 * 1024;        // what the server sends per chunk
constexpr uint32_t kMaxAssetChunkBytes = 192 * 1024;    // what a reader accepts (message <= 256 KiB)
constexpr uint32_t kMaxAssetBytes = 64u * 1024 * 1024;  // one baked file, on the wire
constexpr uint32_t kMaxAssetRefs = uint32_t(kMaxBooths) * kMaxExhibitsPerBooth;

struct AssetHash {
    std::array<uint8_t, 32> b{};
    friend bool operator==(const AssetHash&, const AssetHash&) = default;
    friend bool operator<(const AssetHash& a, const AssetHash& c) { return a.b < c.b; }
    bool empty() const;
    std::string hex() const;  // 64 lowercase hex digits (the baked file's name without ".dhm")
    static std::optional<AssetHash> fromHex(std::string_view hex);
};

// Which file an exhibit shows.
struct AssetRef {
    uint16_t booth = 0;      // index into EventLayout::booths
    uint8_t exhibit = 0;     // index into Booth::exhibits
    AssetHash hash;
    uint32_t size = 0;       // bytes
};

enum class AssetErrorCode : uint8_t {
    Unknown,      // the server has no file with that hash
    TooLarge,     // over the limit (download or upload)
    BadRequest,   // offset past the end, a chunk out of order
    Unreadable,   // the server's own copy is missing or does not match its hash
    Count
};

struct AssetList {
    static constexpr MsgType kType = MsgType::AssetList;
    bool replace = true;     // true: this is every asset of the event; false: add to what you have
    std::vector<AssetRef> refs;
};
struct AssetRequest {
    static constexpr MsgType kType = MsgType::AssetRequest;
    AssetHash hash;
    uint32_t offset = 0;     // bytes the client already holds (a .part file): send from here
};
struct AssetChunk {
    static constexpr MsgType kType = MsgType::AssetChunk;
    AssetHash hash;
    uint32_t offset = 0;
    uint32_t total = 0;      // the whole file's size
    std::array<uint8_t, 16> check{};  // BLAKE2b-128 of data
    std::vector<uint8_t> data;
};
struct AssetAck {
    static constexpr MsgType kType = MsgType::AssetAck;
    AssetHash hash;
    uint32_t received = 0;   // the client holds the file's bytes [0, received)
};
struct AssetError {
    static constexpr MsgType kType = MsgType::AssetError;
    AssetHash hash;
    AssetErrorCode code = AssetErrorCode::Unknown;
    std::string text;
};
struct UploadBegin {
    static constexpr MsgType kType = MsgType::UploadBegin;
    uint32_t req = 0;
    uint16_t booth = 0;      // must be the uploader's organization's booth
    Exhibit exhibit;         // its facts; `asset` is set by the server
    AssetHash hash;          // of the baked file that follows
    uint32_t size = 0;
};
struct UploadChunk {
    static constexpr MsgType kType = MsgType::UploadChunk;
    uint32_t req = 0;
    uint32_t offset = 0;
    std::vector<uint8_t> data;
};
struct UploadResult {
    static constexpr MsgType kType = MsgType::UploadResult;
    uint32_t req = 0;
    bool ok = false;
    std::string text;        // why not (naming the file and the reason), or what was added
};
struct ExhibitAdded {
    static constexpr MsgType kType = MsgType::ExhibitAdded;
    uint16_t booth = 0;
    uint8_t index = 0;       // its place in the booth's exhibits (the end of the list)
    Exhibit exhibit;
    AssetRef ref;
};

// --- serialize -------------------------------------------------------------------------------
template <typename S> bool serialize(S& s, AssetHash& v) {
    return s.serializeBytes(v.b.data(), v.b.size());
}
template <typename S> bool serialize(S& s, AssetRef& v) {
    DH_SERIALIZE_INT(s, v.booth, 0, kMaxBooths - 1);
    DH_SERIALIZE_INT(s, v.exhibit, 0, kMaxExhibitsPerBooth - 1);
    DH_SERIALIZE_OBJECT(s, v.hash);
    DH_SERIALIZE_INT(s, v.size, 0, kMaxAssetBytes);
    return true;
}
template <typename S> bool serializeBlock(S& s, std::vector<uint8_t>& v, uint32_t maxBytes) {
    int64_t n = int64_t(v.size());
    if constexpr (!S::kReading) {
        if (v.size() > maxBytes) return false;
    }
    if (!s.serializeInt(n, 0, maxBytes)) return false;
    if constexpr (S::kReading) v.resize(size_t(n));
    return s.serializeBytes(v.data(), v.size());
}
template <typename S> bool serialize(S& s, AssetList& v) {
    DH_SERIALIZE_BOOL(s, v.replace);
    DH_SERIALIZE_VECTOR(s, v.refs, kMaxAssetRefs);
    return true;
}
template <typename S> bool serialize(S& s, AssetRequest& v) {
    DH_SERIALIZE_OBJECT(s, v.hash);
    DH_SERIALIZE_INT(s, v.offset, 0, kMaxAssetBytes);
    return true;
}
template <typename S> bool serialize(S& s, AssetChunk& v) {
    DH_SERIALIZE_OBJECT(s, v.hash);
    DH_SERIALIZE_INT(s, v.offset, 0, kMaxAssetBytes);
    DH_SERIALIZE_INT(s, v.total, 1, kMaxAssetBytes);
    if (!s.serializeBytes(v.check.data(), v.check.size())) return false;
    if (!serializeBlock(s, v.data, kMaxAssetChunkBytes)) return false;
    // Bounds: a chunk lies inside its file and is not empty.
    return !v.data.empty() && uint64_t(v.offset) + v.data.size() <= v.total;
}
template <typename S> bool serialize(S& s, AssetAck& v) {
    DH_SERIALIZE_OBJECT(s, v.hash);
    DH_SERIALIZE_INT(s, v.received, 0, kMaxAssetBytes);
    return true;
}
template <typename S> bool serialize(S& s, AssetError& v) {
    DH_SERIALIZE_OBJECT(s, v.hash);
    DH_SERIALIZE_INT(s, v.code, 0, int(AssetErrorCode::Count) - 1);
    DH_SERIALIZE_TEXT(s, v.text, 2000);
    return true;
}
template <typename S> bool serialize(S& s, UploadBegin& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_INT(s, v.booth, 0, kMaxBooths - 1);
    DH_SERIALIZE_OBJECT(s, v.exhibit);
    DH_SERIALIZE_OBJECT(s, v.hash);
    // Wider than the server's limit, so an oversized file is refused in words, not dropped.
    DH_SERIALIZE_U32(s, v.size);
    return true;
}
template <typename S> bool serialize(S& s, UploadChunk& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_INT(s, v.offset, 0, kMaxAssetBytes);
    if (!serializeBlock(s, v.data, kMaxAssetChunkBytes)) return false;
    return !v.data.empty() && uint64_t(v.offset) + v.data.size() <= kMaxAssetBytes;
}
template <typename S> bool serialize(S& s, UploadResult& v) {
    DH_SERIALIZE_U32(s, v.req);
    DH_SERIALIZE_BOOL(s, v.ok);
    DH_SERIALIZE_TEXT(s, v.text, 2000);
    return true;
}
template <typename S> bool serialize(S& s, ExhibitAdded& v) {
    DH_SERIALIZE_INT(s, v.booth, 0, kMaxBooths - 1);
    DH_SERIALIZE_INT(s, v.index, 0, kMaxExhibitsPerBooth - 1);
    DH_SERIALIZE_OBJECT(s, v.exhibit);
    DH_SERIALIZE_OBJECT(s, v.ref);
    return v.ref.booth == v.booth && v.ref.exhibit == v.index;
}

// --- packets ---------------------------------------------------------------------------------

// The tagged packet; empty when a field is out of range or it is too big.
template <typename T> Bytes encodeAsset(const T& msg) { return encodeTagged(msg); }

// False: not this type, or malformed (bad range, chunk out of its file, trailing bytes).
template <typename T> bool decodeAsset(std::span<const uint8_t> packet, T& out) { return decodeTagged(packet, out); }

// Whether a message type belongs to this file (so dispatchers can hand it on).
bool isAssetType(MsgType t);

}  // namespace net
