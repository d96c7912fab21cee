// net/asset/hash.h: the hashes of asset delivery (net/protocol/asset_msgs.h), with libsodium.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "net/protocol/asset_msgs.h"

namespace net::asset {

// BLAKE2b-256 of a whole file: its name (bakedFileName) and AssetHash.
AssetHash hashOf(std::span<const uint8_t> bytes);
// BLAKE2b-128 of one chunk's data (AssetChunk::check).
std::array<uint8_t, 16> chunkCheck(std::span<const uint8_t> data);

// hashOf() over a file read in pieces (the server checks its files without holding them):
//   FileHasher h; h.update(piece); ...; AssetHash whole = h.finish();
class FileHasher {
public:
    FileHasher();
    ~FileHasher();
    FileHasher(const FileHasher&) = delete;
    FileHasher& operator=(const FileHasher&) = delete;
    void update(std::span<const uint8_t> bytes);
    AssetHash finish();  // once; the hasher is spent after it

private:
    struct State;
    std::unique_ptr<State> m;
};

}  // namespace net::asset
