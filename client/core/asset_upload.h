// asset_upload.h: an exhibitor's upload of a baked model to their booth (asset_msgs.h), as
// packets sent a few at a time so the upload never crowds out walking and chat.
//
//   AssetUpload up(req, booth, facts, bakedBytes);     // facts.asset: the source file's name
//   every frame: up.pump(conn, 2);                      // then watch AssetFetcher::takeUploadResults()
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "client/core/connection.h"
#include "net/protocol/asset_msgs.h"

namespace client {

class AssetUpload {
public:
    AssetUpload(uint32_t req, uint16_t booth, const net::Exhibit& facts, std::span<const uint8_t> baked,
                uint32_t chunkBytes = net::kAssetChunkBytes);
    // Sends up to `maxPackets` more packets. False once everything is sent (or nothing can be).
    bool pump(Connection& conn, size_t maxPackets);
    bool sent() const { return m_next >= m_packets.size(); }
    float progress() const { return m_packets.empty() ? 1.0f : float(m_next) / float(m_packets.size()); }
    uint32_t req() const { return m_req; }

private:
    uint32_t m_req;
    std::vector<net::Bytes> m_packets;  // UploadBegin, then the chunks
    size_t m_next = 0;
};

}  // namespace client
