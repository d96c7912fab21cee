// asset_service.cpp: baked models to the clients, in chunks, within a window and a tick budget.
#include "server/core/asset_service.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "net/asset/hash.h"

namespace server {

namespace fs = std::filesystem;

// --- FolderAssetSource -----------------------------------------------------------------------

FolderAssetSource::FolderAssetSource(std::vector<std::string> folders) : m_folders(std::move(folders)) {
    for (const std::string& dir : m_folders) {
        std::ifstream in(fs::path(dir) / "index.json");
        if (!in) continue;
        nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
        if (!j.is_object()) continue;
        for (auto& [source, entry] : j.items()) {
            if (!entry.is_object() || !entry.contains("baked") || !entry["baked"].is_string()) continue;
            std::string name = entry["baked"].get<std::string>();
            if (name.size() != 68 || !name.ends_with(".dhm")) continue;
            if (auto h = net::AssetHash::fromHex(name.substr(0, 64))) m_index.emplace(source, *h);
        }
    }
}

std::optional<net::AssetHash> FolderAssetSource::forExhibit(const std::string& asset) {
    const std::string name = fs::path(asset).filename().string();
    if (name.size() == 68 && name.ends_with(".dhm")) return net::AssetHash::fromHex(name.substr(0, 64));
    auto it = m_index.find(name);
    if (it == m_index.end()) return std::nullopt;
    return it->second;
}

bool FolderAssetSource::read(const net::AssetHash& hash, std::vector<uint8_t>& out, std::string& error) {
    const std::string name = hash.hex() + ".dhm";
    for (const std::string& dir : m_folders) {
        const fs::path p = fs::path(dir) / name;
        std::error_code ec;
        const auto size = fs::file_size(p, ec);
        if (ec) continue;
        if (size > net::kMaxAssetBytes) {
            error = p.string() + " is larger than " + std::to_string(net::kMaxAssetBytes) + " bytes";
            return false;
        }
        std::ifstream in(p, std::ios::binary);
        out.resize(size_t(size));
        if (!in.read(reinterpret_cast<char*>(out.data()), std::streamsize(size))) {
            error = p.string() + " cannot be read";
            return false;
        }
        return true;
    }
    error = name + " is in none of the asset folders";
    return false;
}

// --- AssetService ----------------------------------------------------------------------------

struct AssetService::File {
    net::AssetHash hash;
    std::vector<uint8_t> bytes;
};

struct AssetService::Download {
    std::shared_ptr<const File> file;
    uint32_t next = 0;  // the next byte to send
};

struct AssetService::Client {
    net::ParticipantId id;
    std::deque<Download> queue;  // front: being sent
    uint32_t unacked = 0;        // chunks sent and not yet acknowledged
};

AssetService::AssetService(const AssetDesc& desc, const net::EventLayout& layout, AssetLink& link)
    : m_desc(desc), m_link(link) {
    m_desc.chunkBytes = std::clamp<uint32_t>(m_desc.chunkBytes, 1024, net::kMaxAssetChunkBytes);
    m_desc.windowChunks = std::max<uint32_t>(1, m_desc.windowChunks);
    if (!m_desc.source) return;
    for (size_t b = 0; b < layout.booths.size(); ++b) {
        const net::Booth& booth = layout.booths[b];
        for (size_t e = 0; e < booth.exhibits.size(); ++e) {
            const std::string& asset = booth.exhibits[e].asset;
            auto hash = m_desc.source->forExhibit(asset);
            if (!hash) {
                m_problems.push_back(asset + ": no baked file (run dockhall-bake --index)");
                continue;
            }
            auto it = m_files.find(*hash);
            if (it == m_files.end()) {
                auto f = std::make_shared<File>();
                f->hash = *hash;
                std::string why;
                if (!m_desc.source->read(*hash, f->bytes, why)) {
                    m_problems.push_back(asset + ": " + why);
                    continue;
                }
                // A file that does not match its name is never sent: the clients would refuse it anyway.
                if (net::asset::hashOf(f->bytes) != *hash || f->bytes.empty()) {
                    m_problems.push_back(asset + ": " + hash->hex() + ".dhm does not match its hash");
                    continue;
                }
                it = m_files.emplace(*hash, std::move(f)).first;
            }
            m_refs.push_back({uint16_t(b), uint8_t(e), *hash, uint32_t(it->second->bytes.size())});
        }
    }
}

AssetService::~AssetService() = default;

const AssetService::File* AssetService::file(const net::AssetHash& h) const {
    auto it = m_files.find(h);
    return it == m_files.end() ? nullptr : it->second.get();
}

void AssetService::onJoin(net::ParticipantId id) {
    auto c = std::make_unique<Client>();
    c->id = id;
    m_clients[id.v] = std::move(c);
    if (!m_desc.source) return;
    m_link.send(id, net::encodeAsset(net::AssetList{.replace = true, .refs = m_refs}));
}

void AssetService::onLeave(net::ParticipantId id) { m_clients.erase(id.v); }

void AssetService::error(net::ParticipantId to, const net::AssetHash& h, net::AssetErrorCode code,
                         const std::string& text) {
    ++m_stats.errorsSent;
    m_link.send(to, net::encodeAsset(net::AssetError{.hash = h, .code = code, .text = text}));
}

bool AssetService::onMessage(net::ParticipantId from, net::MsgType type, std::span<const uint8_t> packet) {
    auto cit = m_clients.find(from.v);
    if (cit == m_clients.end()) return false;
    Client& c = *cit->second;
    switch (type) {
        case net::MsgType::AssetRequest: {
            net::AssetRequest req;
            if (!net::decodeAsset(packet, req)) return false;
            auto it = m_files.find(req.hash);
            if (it == m_files.end()) {
                error(from, req.hash, net::AssetErrorCode::Unknown,
                      "This hall has no model " + req.hash.hex().substr(0, 12) + "…. 会场没有该模型文件。");
                return true;
            }
            if (req.offset >= it->second->bytes.size()) {
                error(from, req.hash, net::AssetErrorCode::BadRequest,
                      "Resume offset " + std::to_string(req.offset) + " is past the end of the model (" +
                          std::to_string(it->second->bytes.size()) + " bytes). 续传位置超出文件长度。");
                return true;
            }
            // Asking again (a resume after a bad chunk) moves the file's position; no second copy.
            for (Download& d : c.queue)
                if (d.file->hash == req.hash) {
                    d.next = req.offset;
                    return true;
                }
            if (c.queue.size() >= m_desc.maxQueued) {
                error(from, req.hash, net::AssetErrorCode::TooLarge,
                      "Too many models requested at once; ask again later. 同时请求的模型过多，请稍后再试。");
                return true;
            }
            c.queue.push_back({it->second, req.offset});
            return true;
        }
        case net::MsgType::AssetAck: {
            net::AssetAck ack;
            if (!net::decodeAsset(packet, ack)) return false;
            if (c.unacked > 0) --c.unacked;
            return true;
        }
        default: return false;  // server-to-client types; uploads are handled elsewhere
    }
}

bool AssetService::sendChunk(Client& c) {
    while (!c.queue.empty() && c.queue.front().next >= c.queue.front().file->bytes.size()) {
        c.queue.pop_front();
        ++m_stats.filesCompleted;
    }
    if (c.queue.empty() || c.unacked >= m_desc.windowChunks) return false;
    Download& d = c.queue.front();
    const std::vector<uint8_t>& bytes = d.file->bytes;
    const uint32_t n = std::min<uint32_t>(m_desc.chunkBytes, uint32_t(bytes.size()) - d.next);
    net::AssetChunk chunk;
    chunk.hash = d.file->hash;
    chunk.offset = d.next;
    chunk.total = uint32_t(bytes.size());
    chunk.data.assign(bytes.begin() + d.next, bytes.begin() + d.next + n);
    chunk.check = net::asset::chunkCheck(chunk.data);
    m_link.send(c.id, net::encodeAsset(chunk));
    d.next += n;
    ++c.unacked;
    ++m_stats.chunksSent;
    m_stats.bytesSent += n;
    if (d.next >= bytes.size()) {
        c.queue.pop_front();
        ++m_stats.filesCompleted;
    }
    return true;
}

void AssetService::update() {
    if (m_clients.empty()) return;
    // Round-robin from a rotating first client, one chunk each per round, until the tick's
    // budget is spent or every window is full.
    int64_t budget = m_desc.tickBudgetBytes;
    auto first = m_clients.lower_bound(m_nextFirst);
    if (first == m_clients.end()) first = m_clients.begin();
    m_nextFirst = uint16_t(std::next(first) == m_clients.end() ? 0 : std::next(first)->first);
    bool progress = true;
    while (budget > 0 && progress) {
        progress = false;
        auto it = first;
        for (size_t i = 0; i < m_clients.size() && budget > 0; ++i) {
            Client& c = *it->second;
            const uint64_t before = m_stats.bytesSent;
            if (sendChunk(c)) {
                budget -= int64_t(m_stats.bytesSent - before);
                progress = true;
            }
            if (++it == m_clients.end()) it = m_clients.begin();
        }
    }
}

}  // namespace server
