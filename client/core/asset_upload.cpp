// asset_upload.cpp: an upload as packets.
#include "client/core/asset_upload.h"

#include <algorithm>

#include "net/asset/hash.h"

namespace client {

AssetUpload::AssetUpload(uint32_t req, uint16_t booth, const net::Exhibit& facts, std::span<const uint8_t> baked,
                         uint32_t chunkBytes)
    : m_req(req) {
    chunkBytes = std::clamp<uint32_t>(chunkBytes, 1024, net::kMaxAssetChunkBytes);
    net::UploadBegin begin{.req = req, .booth = booth, .exhibit = facts, .hash = net::asset::hashOf(baked),
                           .size = uint32_t(baked.size())};
    m_packets.push_back(net::encodeAsset(begin));
    for (size_t at = 0; at < baked.size(); at += chunkBytes) {
        const size_t n = std::min<size_t>(chunkBytes, baked.size() - at);
        net::UploadChunk c{.req = req, .offset = uint32_t(at), .data = {baked.begin() + long(at), baked.begin() + long(at + n)}};
        m_packets.push_back(net::encodeAsset(c));
    }
}

bool AssetUpload::pump(Connection& conn, size_t maxPackets) {
    for (size_t i = 0; i < maxPackets && m_next < m_packets.size(); ++i) {
        if (m_packets[m_next].empty() || !conn.sendAsset(m_packets[m_next])) return false;
        ++m_next;
    }
    return !sent();
}

}  // namespace client
