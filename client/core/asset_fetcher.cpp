// asset_fetcher.cpp: asks for missing baked models, checks every chunk and file, resumes.
#include "client/core/asset_fetcher.h"

#include <chrono>
#include <utility>

#include "net/asset/hash.h"

namespace client {

AssetFetcher::~AssetFetcher() {
    for (Check& c : m_checks) c.result.wait();  // a worker still reads the cache's files
}

FetchFile* AssetFetcher::find(const net::AssetHash& h) {
    for (FetchFile& f : m_files)
        if (f.hash == h) return &f;
    return nullptr;
}

void AssetFetcher::request(FetchFile& f, uint32_t offset) {
    f.asked = true;
    f.have = offset;
    f.state = offset > 0 ? FetchState::Downloading : FetchState::Waiting;
    m_outbox.push_back(net::encodeAsset(net::AssetRequest{.hash = f.hash, .offset = offset}));
}

void AssetFetcher::fail(FetchFile& f, const std::string& why) {
    f.state = FetchState::Failed;
    f.error = why;
    m_cache.dropPart(f.hash);
}

void AssetFetcher::addRefs(const std::vector<net::AssetRef>& refs) {
    for (const net::AssetRef& r : refs) {
        m_byExhibit[{r.booth, r.exhibit}] = r.hash;
        if (find(r.hash)) continue;
        FetchFile& f = m_files.emplace_back();
        f.hash = r.hash;
        f.size = r.size;
        f.booth = r.booth;
        f.exhibit = r.exhibit;
        if (m_cache.has(r.hash)) {
            f.state = FetchState::Cached;
            f.have = f.size;
            continue;
        }
        uint64_t part = m_cache.partSize(r.hash);
        if (part >= r.size && r.size > 0) {
            // A complete .part (the run ended before the check): check it now; a bad one is
            // removed and fetched from the start.
            f.have = f.size;
            f.asked = true;
            startCheck(f, true);
            continue;
        }
        f.resumedFrom = uint32_t(part);
        f.have = uint32_t(part);
        f.state = FetchState::Waiting;  // asked for by askMore(), a few at a time
    }
}

void AssetFetcher::askMore() {
    size_t out = 0;
    for (const FetchFile& f : m_files)
        if (f.asked && (f.state == FetchState::Waiting || f.state == FetchState::Downloading)) ++out;
    for (FetchFile& f : m_files) {
        if (out >= kMaxAsked) break;
        if (f.asked || f.state != FetchState::Waiting) continue;
        request(f, f.have);
        ++out;
    }
}

void AssetFetcher::onChunk(const net::AssetChunk& c) {
    // Every chunk is acknowledged, good or not: the server's window counts chunks.
    m_outbox.push_back(net::encodeAsset(net::AssetAck{.hash = c.hash, .received = c.offset + uint32_t(c.data.size())}));
    ++m_stats.chunks;
    m_stats.bytes += c.data.size();
    FetchFile* f = find(c.hash);
    if (!f || (f->state != FetchState::Waiting && f->state != FetchState::Downloading)) return;
    if (c.offset != f->have || c.total != f->size || net::asset::chunkCheck(c.data) != c.check) {
        // After a re-request, chunks already in flight arrive out of place: ignore them until
        // the one that starts where the file stands.
        if (m_resyncing[f->hash] && c.offset != f->have) return;
        ++m_stats.badChunks;
        if (++f->retries > 1) {
            fail(*f, "The model " + f->hash.hex().substr(0, 12) + "… arrived damaged twice (chunk at byte " +
                         std::to_string(c.offset) + "); it is not shown. 模型文件两次传输损坏，无法显示。");
            return;
        }
        m_resyncing[f->hash] = true;
        request(*f, f->have);
        return;
    }
    m_resyncing[f->hash] = false;
    std::string why;
    if (!m_cache.writePart(f->hash, c.offset, c.data, &why)) {
        fail(*f, "The model cannot be kept in the cache: " + why + ". 模型无法写入缓存。");
        return;
    }
    f->have += uint32_t(c.data.size());
    f->state = FetchState::Downloading;
    if (f->have >= f->size) startCheck(*f, false);
}

void AssetFetcher::startCheck(FetchFile& f, bool leftover) {
    f.state = FetchState::Checking;
    if (m_desc.checkInline) {
        std::string why;
        const bool ok = m_cache.commitPart(f.hash, &why);
        finishCheck(f, ok, why, leftover);
        return;
    }
    // The worker touches only this file's .part and .dhm; nothing else writes them while the file
    // is Checking (chunks and errors for it are ignored until then).
    AssetCache* cache = &m_cache;
    const net::AssetHash h = f.hash;
    m_checks.push_back({h, leftover, std::async(std::launch::async, [cache, h] {
                            std::string why;
                            const bool ok = cache->commitPart(h, &why);
                            return std::make_pair(ok, why);
                        })});
}

void AssetFetcher::finishCheck(FetchFile& f, bool ok, const std::string& why, bool leftover) {
    if (ok) {
        f.state = FetchState::Done;
        if (!leftover) ++m_stats.filesDownloaded;
        ++m_generation;
        return;
    }
    if (leftover) {  // a bad .part from an earlier run (commitPart removed it): no retry spent
        f.resumedFrom = 0;
        request(f, 0);
        return;
    }
    ++m_stats.badFiles;
    if (++f.retries > 1) {
        fail(f, "The model " + f.hash.hex().substr(0, 12) + "… failed its check twice (" + why +
                    "); it is not shown. 模型文件两次校验失败，无法显示。");
        return;
    }
    request(f, 0);  // commitPart removed the .part: from the start
}

void AssetFetcher::poll() {
    bool finished = false;
    for (size_t i = 0; i < m_checks.size();) {
        Check& c = m_checks[i];
        if (c.result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            ++i;
            continue;
        }
        const auto [ok, why] = c.result.get();
        if (FetchFile* f = find(c.hash); f && f->state == FetchState::Checking) finishCheck(*f, ok, why, c.leftover);
        m_checks.erase(m_checks.begin() + long(i));
        finished = true;
    }
    if (finished) askMore();
}

bool AssetFetcher::onPacket(net::MsgType type, std::span<const uint8_t> packet) {
    const bool ok = handle(type, packet);
    askMore();
    return ok;
}

bool AssetFetcher::handle(net::MsgType type, std::span<const uint8_t> packet) {
    switch (type) {
        case net::MsgType::AssetList: {
            net::AssetList m;
            if (!net::decodeAsset(packet, m)) return false;
            if (m.replace) m_byExhibit.clear();
            addRefs(m.refs);
            return true;
        }
        case net::MsgType::AssetChunk: {
            net::AssetChunk m;
            if (!net::decodeAsset(packet, m)) return false;
            onChunk(m);
            return true;
        }
        case net::MsgType::AssetError: {
            net::AssetError m;
            if (!net::decodeAsset(packet, m)) return false;
            // A file being checked has every byte already: the check decides.
            if (FetchFile* f = find(m.hash); f && (f->state == FetchState::Waiting || f->state == FetchState::Downloading))
                fail(*f, m.text);
            return true;
        }
        case net::MsgType::ExhibitAdded: {
            net::ExhibitAdded m;
            if (!net::decodeAsset(packet, m)) return false;
            addRefs({m.ref});  // the World takes the exhibit itself (Connection)
            return true;
        }
        case net::MsgType::UploadResult: {
            net::UploadResult m;
            if (!net::decodeAsset(packet, m)) return false;
            m_uploadResults.push_back(std::move(m));
            return true;
        }
        default: return false;  // client-to-server types
    }
}

std::vector<net::Bytes> AssetFetcher::takeOutbox() { return std::exchange(m_outbox, {}); }
std::vector<net::UploadResult> AssetFetcher::takeUploadResults() { return std::exchange(m_uploadResults, {}); }

std::optional<std::string> AssetFetcher::fileFor(uint16_t booth, uint8_t exhibit) const {
    auto it = m_byExhibit.find({booth, exhibit});
    if (it == m_byExhibit.end() || !m_cache.has(it->second)) return std::nullopt;
    return m_cache.pathFor(it->second);
}

std::optional<net::AssetHash> AssetFetcher::hashFor(uint16_t booth, uint8_t exhibit) const {
    auto it = m_byExhibit.find({booth, exhibit});
    if (it == m_byExhibit.end()) return std::nullopt;
    return it->second;
}

bool AssetFetcher::announced(uint16_t booth, uint8_t exhibit) const { return m_byExhibit.count({booth, exhibit}) > 0; }

uint64_t AssetFetcher::totalBytes() const {
    uint64_t n = 0;
    for (const FetchFile& f : m_files)
        if (f.state != FetchState::Cached) n += f.size;
    return n;
}

uint64_t AssetFetcher::heldBytes() const {
    uint64_t n = 0;
    for (const FetchFile& f : m_files)
        if (f.state != FetchState::Cached) n += f.have;
    return n;
}

bool AssetFetcher::busy() const {
    for (const FetchFile& f : m_files)
        if (f.state == FetchState::Waiting || f.state == FetchState::Downloading || f.state == FetchState::Checking)
            return true;
    return false;
}

}  // namespace client
