// asset_service.cpp: baked models to the clients, in chunks, within a window and a tick budget.
#include "server/core/asset_service.h"

#include <algorithm>
#include <array>
#include <deque>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "net/asset/baked.h"
#include "net/asset/hash.h"
#include "server/core/docking_service.h"

namespace server {

namespace fs = std::filesystem;

// --- FolderAssetSource -----------------------------------------------------------------------

FolderAssetSource::FolderAssetSource(std::vector<std::string> folders, std::string uploadFolder)
    : m_folders(std::move(folders)), m_uploadFolder(std::move(uploadFolder)) {
    if (!m_uploadFolder.empty()) m_folders.push_back(m_uploadFolder);
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

std::optional<std::string> FolderAssetSource::pathOf(const net::AssetHash& hash) const {
    const std::string name = hash.hex() + ".dhm";
    for (const std::string& dir : m_folders) {
        const fs::path p = fs::path(dir) / name;
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return p.string();
    }
    return std::nullopt;
}

std::optional<uint64_t> FolderAssetSource::size(const net::AssetHash& hash, std::string& error) {
    auto path = pathOf(hash);
    if (!path) {
        error = hash.hex() + ".dhm is in none of the asset folders";
        return std::nullopt;
    }
    std::error_code ec;
    const auto n = fs::file_size(*path, ec);
    if (ec) {
        error = *path + ": " + ec.message();
        return std::nullopt;
    }
    return uint64_t(n);
}

bool FolderAssetSource::readRange(const net::AssetHash& hash, uint64_t offset, size_t n, std::vector<uint8_t>& out,
                                  std::string& error) {
    auto path = pathOf(hash);
    if (!path) {
        error = hash.hex() + ".dhm is in none of the asset folders";
        return false;
    }
    std::ifstream in(*path, std::ios::binary);
    out.resize(n);
    if (!in || !in.seekg(std::streamoff(offset)) || !in.read(reinterpret_cast<char*>(out.data()), std::streamsize(n))) {
        error = *path + " cannot be read at byte " + std::to_string(offset) + " (shorter than it was?)";
        return false;
    }
    return true;
}

bool FolderAssetSource::store(const net::AssetHash& hash, std::span<const uint8_t> bytes, std::string& error) {
    if (m_uploadFolder.empty()) {
        error = "this hall does not keep uploads";
        return false;
    }
    std::error_code ec;
    fs::create_directories(m_uploadFolder, ec);
    const fs::path final = fs::path(m_uploadFolder) / (hash.hex() + ".dhm");
    const fs::path tmp = fs::path(m_uploadFolder) / (hash.hex() + ".tmp");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out || !out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size())) || !out.flush()) {
            error = tmp.string() + " cannot be written";
            return false;
        }
    }
    fs::rename(tmp, final, ec);
    if (ec) {
        error = final.string() + ": " + ec.message();
        return false;
    }
    return true;
}

// --- AssetService ----------------------------------------------------------------------------

struct AssetService::File {
    net::AssetHash hash;
    uint32_t size = 0;
    std::vector<std::array<uint8_t, 16>> checks;  // BLAKE2b-128 of each chunk, taken at start
    bool bad = false;                             // changed or removed on disk since: never sent
};

struct AssetService::Download {
    std::shared_ptr<File> file;
    uint32_t next = 0;  // the next byte to send
};

struct AssetService::Upload {
    net::UploadBegin begin;
    std::vector<uint8_t> bytes;  // received so far
};

struct AssetService::Client {
    net::ParticipantId id;
    std::string org;
    net::Role role = net::Role::Attendee;
    std::optional<Upload> upload;  // one at a time
    std::deque<Download> queue;  // front: being sent
    uint32_t unacked = 0;        // chunks sent and not yet acknowledged
};

AssetService::AssetService(const AssetDesc& desc, const net::EventLayout& layout, AssetLink& link, EventStore* store)
    : m_desc(desc), m_layout(layout), m_link(link), m_store(store) {
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
                // A file that does not match its name is never sent: the clients would refuse it anyway.
                if (!checkFile(*f, why)) {
                    m_problems.push_back(asset + ": " + why);
                    continue;
                }
                it = m_files.emplace(*hash, std::move(f)).first;
            }
            m_refs.push_back({uint16_t(b), uint8_t(e), *hash, it->second->size});
        }
    }
}

AssetService::~AssetService() = default;

bool AssetService::checkFile(File& f, std::string& why) {
    auto size = m_desc.source->size(f.hash, why);
    if (!size) return false;
    if (*size == 0 || *size > net::kMaxAssetBytes) {
        why = f.hash.hex() + ".dhm is " + std::to_string(*size) + " bytes; a model has 1 to " +
              std::to_string(net::kMaxAssetBytes);
        return false;
    }
    f.size = uint32_t(*size);
    f.checks.clear();
    net::asset::FileHasher whole;
    std::vector<uint8_t> piece;
    for (uint32_t at = 0; at < f.size; at += m_desc.chunkBytes) {
        const size_t n = std::min<size_t>(m_desc.chunkBytes, f.size - at);
        if (!m_desc.source->readRange(f.hash, at, n, piece, why)) return false;
        whole.update(piece);
        f.checks.push_back(net::asset::chunkCheck(piece));
    }
    if (whole.finish() != f.hash) {
        why = f.hash.hex() + ".dhm does not match its hash";
        return false;
    }
    return true;
}

const std::vector<uint8_t>* AssetService::chunkData(File& f, uint32_t index) {
    if (f.bad || index >= f.checks.size()) return nullptr;
    const auto key = std::make_pair(f.hash, index);
    if (auto it = m_cache.find(key); it != m_cache.end()) {
        it->second.lastUse = ++m_useClock;
        return &it->second.bytes;
    }
    const uint64_t at = uint64_t(index) * m_desc.chunkBytes;
    const size_t n = std::min<size_t>(m_desc.chunkBytes, f.size - at);
    std::vector<uint8_t> bytes;
    std::string why;
    ++m_stats.chunkReads;
    if (!m_desc.source->readRange(f.hash, at, n, bytes, why) || net::asset::chunkCheck(bytes) != f.checks[index]) {
        f.bad = true;
        ++m_stats.filesGoneBad;
        m_problems.push_back(f.hash.hex() + ".dhm changed or went missing after start; no longer served" +
                             (why.empty() ? std::string() : " (" + why + ")"));
        for (auto it = m_cache.begin(); it != m_cache.end();) {  // what was cached of it goes too
            if (it->first.first == f.hash) {
                m_stats.cachedBytes -= it->second.bytes.size();
                it = m_cache.erase(it);
            } else {
                ++it;
            }
        }
        return nullptr;
    }
    // Least recently used out until the new chunk fits (the cache holds at least this one).
    while (!m_cache.empty() && m_stats.cachedBytes + n > m_desc.cacheBytes) {
        auto oldest = m_cache.begin();
        for (auto it = m_cache.begin(); it != m_cache.end(); ++it)
            if (it->second.lastUse < oldest->second.lastUse) oldest = it;
        m_stats.cachedBytes -= oldest->second.bytes.size();
        m_cache.erase(oldest);
    }
    m_stats.cachedBytes += n;
    CachedChunk& c = m_cache[key];
    c.bytes = std::move(bytes);
    c.lastUse = ++m_useClock;
    return &c.bytes;
}

void AssetService::refuseBadFile(net::ParticipantId to, const File& f) {
    error(to, f.hash, net::AssetErrorCode::Unreadable,
          "The hall's copy of model " + f.hash.hex().substr(0, 12) +
              "… was changed or removed on the server; it cannot be sent. Ask the organizer to restore it. "
              "会场服务器上的该模型文件已被更改或删除，无法发送，请联系主办方恢复。");
}

const AssetService::File* AssetService::file(const net::AssetHash& h) const {
    auto it = m_files.find(h);
    return it == m_files.end() ? nullptr : it->second.get();
}

void AssetService::onJoin(net::ParticipantId id, const std::string& org, net::Role role) {
    auto c = std::make_unique<Client>();
    c->id = id;
    c->org = org;
    c->role = role;
    m_clients[id.v] = std::move(c);
    if (!m_desc.source) return;
    m_link.send(id, net::encodeAsset(net::AssetList{.replace = true, .refs = m_refs}));
}

void AssetService::onLeave(net::ParticipantId id) {
    m_clients.erase(id.v);
    m_sending.erase(id.v);
}

void AssetService::error(net::ParticipantId to, const net::AssetHash& h, net::AssetErrorCode code,
                         const std::string& text) {
    ++m_stats.errorsSent;
    m_link.send(to, net::encodeAsset(net::AssetError{.hash = h, .code = code, .text = text}));
}

bool AssetService::onMessage(net::ParticipantId from, net::MsgType type, std::span<const uint8_t> packet,
                             int64_t unixMs) {
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
            if (it->second->bad) {
                refuseBadFile(from, *it->second);
                return true;
            }
            if (req.offset >= it->second->size) {
                error(from, req.hash, net::AssetErrorCode::BadRequest,
                      "Resume offset " + std::to_string(req.offset) + " is past the end of the model (" +
                          std::to_string(it->second->size) + " bytes). 续传位置超出文件长度。");
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
            m_sending.insert(c.id.v);
            return true;
        }
        case net::MsgType::AssetAck: {
            net::AssetAck ack;
            if (!net::decodeAsset(packet, ack)) return false;
            if (c.unacked > 0) --c.unacked;
            return true;
        }
        case net::MsgType::UploadBegin: {
            net::UploadBegin m;
            if (!net::decodeAsset(packet, m)) return false;
            onUploadBegin(c, m, unixMs);
            return true;
        }
        case net::MsgType::UploadChunk: {
            net::UploadChunk m;
            if (!net::decodeAsset(packet, m)) return false;
            onUploadChunk(c, m, unixMs);
            return true;
        }
        default: return false;  // server-to-client types
    }
}

void AssetService::refuseUpload(Client& c, uint32_t req, const std::string& text) {
    ++m_stats.uploadsRefused;
    c.upload.reset();
    m_link.send(c.id, net::encodeAsset(net::UploadResult{.req = req, .ok = false, .text = text}));
}

void AssetService::onUploadBegin(Client& c, const net::UploadBegin& m, int64_t unixMs) {
    const std::string file = m.exhibit.asset.empty() ? std::string("the model") : m.exhibit.asset;
    if (!m_desc.source) {
        refuseUpload(c, m.req, file + ": this hall does not accept models. 本会场不接收模型上传。");
        return;
    }
    if (c.role != net::Role::Exhibitor && c.role != net::Role::University) {
        refuseUpload(c, m.req, file + ": only exhibitors and universities add exhibits to their booths. 只有参展单位可以为本单位展位添加展品。");
        return;
    }
    if (m.booth >= m_layout.booths.size()) {
        refuseUpload(c, m.req, file + ": there is no such booth. 展位不存在。");
        return;
    }
    const net::Booth& booth = m_layout.booths[m.booth];
    if (orgKeyFor(c.org, {booth.owner}) != "org:1") {
        refuseUpload(c, m.req, file + ": booth of " + booth.owner.name.in(false) + " is not your organization's (" + c.org +
                                   "); you may add exhibits only to your own booth. 该展位（" + booth.owner.name.in(true) +
                                   "）不属于您的单位，只能为本单位展位添加展品。");
        return;
    }
    if (booth.exhibits.size() >= net::kMaxExhibitsPerBooth) {
        refuseUpload(c, m.req, file + ": the booth already shows " + std::to_string(net::kMaxExhibitsPerBooth) +
                                   " exhibits, the most it can. 展位展品已满。");
        return;
    }
    if (m.size == 0 || m.size > m_desc.maxUploadBytes) {
        refuseUpload(c, m.req, file + ": " + std::to_string(m.size) + " bytes baked; the limit is " +
                                   std::to_string(m_desc.maxUploadBytes) + " bytes. Simplify the model. 模型文件过大（上限 " +
                                   std::to_string(m_desc.maxUploadBytes >> 20) + " MB），请简化后再上传。");
        return;
    }
    if (m.exhibit.title.zh.empty() && m.exhibit.title.en.empty()) {
        refuseUpload(c, m.req, file + ": the exhibit needs a name (Chinese or English). 请填写展品名称。");
        return;
    }
    (void)unixMs;
    c.upload = Upload{m, {}};
    c.upload->bytes.reserve(m.size);
}

void AssetService::onUploadChunk(Client& c, const net::UploadChunk& m, int64_t unixMs) {
    // Pieces of an upload already refused (the client sends ahead) are dropped without an answer each.
    if (!c.upload || c.upload->begin.req != m.req) return;
    Upload& u = *c.upload;
    if (m.offset != u.bytes.size() || u.bytes.size() + m.data.size() > u.begin.size) {
        refuseUpload(c, m.req, u.begin.exhibit.asset + ": a piece arrived out of place (byte " + std::to_string(m.offset) +
                                   "); please upload again. 上传数据顺序错误，请重新上传。");
        return;
    }
    u.bytes.insert(u.bytes.end(), m.data.begin(), m.data.end());
    if (u.bytes.size() == u.begin.size) finishUpload(c, unixMs);
}

void AssetService::finishUpload(Client& c, int64_t unixMs) {
    Upload u = std::move(*c.upload);
    c.upload.reset();
    const uint32_t req = u.begin.req;
    const std::string file = u.begin.exhibit.asset.empty() ? std::string("the model") : u.begin.exhibit.asset;
    if (net::asset::hashOf(u.bytes) != u.begin.hash) {
        refuseUpload(c, req, file + ": the file arrived damaged (its hash does not match); please upload again. 文件传输损坏，请重新上传。");
        return;
    }
    // Decoded in full, as every client will: a file that passes here renders everywhere.
    net::asset::BakedModel model;
    std::string why;
    net::asset::Limits limits;
    limits.maxTriangles = m_desc.maxUploadTriangles;
    if (!net::asset::readBaked(u.bytes, model, &why, limits, true)) {
        refuseUpload(c, req, file + ": not a valid baked model (" + why + "). 不是有效的模型文件。");
        return;
    }
    if (model.triangles(0) > m_desc.maxUploadTriangles) {
        refuseUpload(c, req, file + ": " + std::to_string(model.triangles(0)) + " triangles; the limit is " +
                                 std::to_string(m_desc.maxUploadTriangles) + ". 三角面数超出上限。");
        return;
    }
    for (size_t i = 0; i < model.meshes.size(); ++i) {
        net::asset::DecodedMesh mesh;
        if (!net::asset::decodeMesh(model, i, mesh, &why)) {
            refuseUpload(c, req, file + ": mesh " + std::to_string(i) + " does not decode (" + why + "). 模型网格数据损坏。");
            return;
        }
    }
    if (!m_files.count(u.begin.hash) && !m_desc.source->store(u.begin.hash, u.bytes, why)) {
        refuseUpload(c, req, file + ": the hall could not keep it (" + why + "). 会场无法保存该文件。");
        return;
    }
    net::Exhibit exhibit = u.begin.exhibit;
    exhibit.asset = u.begin.hash.hex() + ".dhm";
    const uint16_t boothIndex = u.begin.booth;
    if (m_layout.booths[boothIndex].exhibits.size() >= net::kMaxExhibitsPerBooth) {
        refuseUpload(c, req, file + ": the booth is full. 展位展品已满。");
        return;
    }
    if (m_store && !m_store->insertUploadedExhibit(boothIndex, exhibit, unixMs)) {
        refuseUpload(c, req, file + ": the exhibit could not be saved; please try again. 展品未能保存，请重试。");
        return;
    }
    if (!m_files.count(u.begin.hash)) {
        // Kept by the source; only its chunk checks stay here, as for the files found at start.
        auto f = std::make_shared<File>();
        f->hash = u.begin.hash;
        f->size = uint32_t(u.bytes.size());
        for (size_t at = 0; at < u.bytes.size(); at += m_desc.chunkBytes)
            f->checks.push_back(net::asset::chunkCheck(
                std::span<const uint8_t>(u.bytes).subspan(at, std::min<size_t>(m_desc.chunkBytes, u.bytes.size() - at))));
        m_files.emplace(f->hash, std::move(f));
    }
    const uint32_t size = uint32_t(u.bytes.size());
    const uint8_t index = uint8_t(m_layout.booths[boothIndex].exhibits.size());
    m_link.addExhibit(boothIndex, exhibit);
    net::AssetRef ref{boothIndex, index, u.begin.hash, size};
    m_refs.push_back(ref);
    ++m_stats.uploadsAccepted;
    m_link.send(c.id, net::encodeAsset(net::UploadResult{
                          .req = req, .ok = true,
                          .text = exhibit.title.in(false) + " is now shown at your booth. 展品" + exhibit.title.in(true) + "已在展位展出。"}));
    m_link.broadcast(net::encodeAsset(net::ExhibitAdded{.booth = boothIndex, .index = index, .exhibit = exhibit, .ref = ref}));
}

bool AssetService::sendChunk(Client& c) {
    while (!c.queue.empty() && c.queue.front().next >= c.queue.front().file->size) {
        c.queue.pop_front();
        ++m_stats.filesCompleted;
    }
    if (c.queue.empty() || c.unacked >= m_desc.windowChunks) return false;
    Download& d = c.queue.front();
    File& f = *d.file;
    // Chunks are read at chunkBytes boundaries (the checks taken at start are per chunk); a
    // resume from elsewhere gets the rest of its chunk first.
    const uint32_t index = d.next / m_desc.chunkBytes;
    const uint32_t within = d.next - index * m_desc.chunkBytes;
    const std::vector<uint8_t>* bytes = chunkData(f, index);
    if (!bytes || within >= bytes->size()) {
        refuseBadFile(c.id, f);
        c.queue.pop_front();
        return true;  // the queue moved on: the round goes on with the next file
    }
    const uint32_t n = uint32_t(bytes->size()) - within;
    net::AssetChunk chunk;
    chunk.hash = f.hash;
    chunk.offset = d.next;
    chunk.total = f.size;
    chunk.data.assign(bytes->begin() + within, bytes->end());
    chunk.check = within == 0 ? f.checks[index] : net::asset::chunkCheck(chunk.data);
    m_link.send(c.id, net::encodeAsset(chunk));
    d.next += n;
    ++c.unacked;
    ++m_stats.chunksSent;
    m_stats.bytesSent += n;
    if (d.next >= f.size) {
        c.queue.pop_front();
        ++m_stats.filesCompleted;
    }
    return true;
}

void AssetService::update() {
    if (m_sending.empty()) return;
    // Round-robin over the clients with downloads queued, from a rotating first one, one chunk
    // each per round, until the tick's budget is spent or every window is full.
    int64_t budget = m_desc.tickBudgetBytes;
    auto first = m_sending.lower_bound(m_nextFirst);
    if (first == m_sending.end()) first = m_sending.begin();
    m_nextFirst = std::next(first) == m_sending.end() ? 0 : *std::next(first);
    m_idle.clear();
    bool progress = true;
    while (budget > 0 && progress) {
        progress = false;
        auto it = first;
        for (size_t i = 0; i < m_sending.size() && budget > 0; ++i) {
            auto c = m_clients.find(*it);
            if (c == m_clients.end()) {
                m_idle.push_back(*it);
            } else {
                const uint64_t before = m_stats.bytesSent;
                if (sendChunk(*c->second)) {
                    budget -= int64_t(m_stats.bytesSent - before);
                    progress = true;
                }
                if (c->second->queue.empty()) m_idle.push_back(*it);
            }
            if (++it == m_sending.end()) it = m_sending.begin();
        }
    }
    for (uint16_t id : m_idle) m_sending.erase(id);  // nothing left queued (a request adds it again)
}

}  // namespace server
