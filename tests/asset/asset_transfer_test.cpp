// Asset delivery end to end: a real EventServer with its AssetService and real client Connections
// with an AssetFetcher and a disk cache, over the loopback transport with a fake clock; loss,
// latency and a dropped link where it matters. Plus the fetcher alone against damaged chunks and
// files, and the chunk reader's bounds.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "client/core/asset_cache.h"
#include "client/core/asset_fetcher.h"
#include "client/core/connection.h"
#include "net/asset/hash.h"
#include "net/transport/loopback_transport.h"
#include "server/core/asset_service.h"
#include "server/core/event_server.h"

namespace fs = std::filesystem;

namespace {

std::vector<uint8_t> randomBytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = uint8_t(rng());
    return v;
}

// Files in memory, named by exhibit asset path.
class MemorySource final : public server::AssetSource {
public:
    void add(const std::string& asset, std::vector<uint8_t> bytes) {
        net::AssetHash h = net::asset::hashOf(bytes);
        m_byAsset[asset] = h;
        m_files[h] = std::move(bytes);
    }
    std::optional<net::AssetHash> forExhibit(const std::string& asset) override {
        auto it = m_byAsset.find(asset);
        if (it == m_byAsset.end()) return std::nullopt;
        return it->second;
    }
    std::optional<uint64_t> size(const net::AssetHash& h, std::string& error) override {
        auto it = m_files.find(h);
        if (it == m_files.end()) { error = "missing"; return std::nullopt; }
        return it->second.size();
    }
    bool readRange(const net::AssetHash& h, uint64_t offset, size_t n, std::vector<uint8_t>& out, std::string& error) override {
        auto it = m_files.find(h);
        if (it == m_files.end() || offset + n > it->second.size()) { error = "missing"; return false; }
        out.assign(it->second.begin() + long(offset), it->second.begin() + long(offset + n));
        return true;
    }
    const std::vector<uint8_t>& bytes(const std::string& asset) { return m_files[m_byAsset[asset]]; }
    net::AssetHash hash(const std::string& asset) { return m_byAsset[asset]; }

private:
    std::map<std::string, net::AssetHash> m_byAsset;
    std::map<net::AssetHash, std::vector<uint8_t>> m_files;
};

net::EventLayout boothLayout(const std::vector<std::string>& assets) {
    net::EventLayout ev;
    ev.name = {"测试会场", "Test hall"};
    ev.hallSize = {60, 40};
    ev.spawn = {30, 30};
    net::Booth b;
    b.owner = {{"嵊州市精工锻造有限公司", "Shengzhou Precision Forging"}, net::OrgKind::Enterprise};
    b.center = {30, 10};
    for (const auto& a : assets) {
        net::Exhibit e;
        e.asset = a;
        e.title = {"齿轮", "Gear"};
        b.exhibits.push_back(e);
    }
    ev.booths.push_back(b);
    return ev;
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("dockhall_assets_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

struct AssetHall {
    AssetHall(server::AssetSource& src, const net::EventLayout& layout, const net::LinkConditions& link,
              server::AssetDesc desc = {})
        : network(link), server(makeDesc(src, desc), layout, network.server(), nullptr) {}

    static server::ServerDesc makeDesc(server::AssetSource& src, server::AssetDesc d) {
        server::ServerDesc desc;
        d.source = &src;
        desc.assets = d;
        return desc;
    }

    size_t join(client::AssetCache& cache, const std::string& name = "李娜") {
        transports.push_back(network.connectClient());
        conns.push_back(std::make_unique<client::Connection>(
            *transports.back(), client::JoinRequest{name, "宁夏大学", net::Role::Attendee, "", net::kProtocolVersion}, now));
        conns.back()->enableAssets(cache, {.checkInline = true});  // the fake clock steps the whole check
        return conns.size() - 1;
    }

    // 1 ms steps; every 33 ms each joined client sends an input (they walk in a slow circle).
    // Stops early when `until` says so.
    template <typename F>
    void run(uint64_t ms, F&& until) {
        for (uint64_t i = 0; i < ms; ++i) {
            ++now;
            server.update({.monoMs = now, .unixMs = int64_t(1717462800000 + now)});
            for (auto& c : conns) {
                if (!c) continue;
                c->update(now);
                if (now % 33 == 0 && c->state() == client::ConnState::Joined) {
                    net::MoveInput in{c->nextInputSeq(), 0.3f, 0.0f, 0.0f, false};
                    c->sendInput(in);
                }
            }
            if (until()) return;
        }
    }
    void run(uint64_t ms) { run(ms, [] { return false; }); }

    client::AssetFetcher& fetcher(size_t k) { return *conns[k]->assets(); }

    uint64_t now = 0;
    net::LoopbackNetwork network;
    server::EventServer server;
    std::vector<std::unique_ptr<net::LoopbackClient>> transports;
    std::vector<std::unique_ptr<client::Connection>> conns;
};

std::vector<uint8_t> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(AssetMsgs, ChunkOutsideItsFileDoesNotDecode) {
    net::AssetChunk c;
    c.hash.b[0] = 7;
    c.offset = 100;
    c.total = 150;
    c.data.assign(50, 1);
    c.check = net::asset::chunkCheck(c.data);
    net::Bytes ok = net::encodeAsset(c);
    ASSERT_FALSE(ok.empty());
    net::AssetChunk back;
    ASSERT_TRUE(net::decodeAsset(ok, back));
    EXPECT_EQ(back.offset, 100u);
    EXPECT_EQ(back.data, c.data);
    EXPECT_EQ(back.check, c.check);
    c.total = 149;  // one byte past the end
    EXPECT_TRUE(net::encodeAsset(c).empty());
    net::AssetRequest r{.hash = c.hash, .offset = net::kMaxAssetBytes};
    net::AssetRequest rb;
    ASSERT_TRUE(net::decodeAsset(net::encodeAsset(r), rb));
    EXPECT_FALSE(net::decodeAsset(net::encodeAsset(r), back)) << "another type's packet";
}

TEST(AssetTransfer, LossyLinkDownloadsAndVerifiesThenACacheHitDownloadsNothing) {
    MemorySource src;
    src.add("models/gear.glb", randomBytes(600 * 1024, 1));
    src.add("models/flange.glb", randomBytes(90 * 1024, 2));
    AssetHall h(src, boothLayout({"models/gear.glb", "models/flange.glb", "models/gear.glb"}),
                {.lossPercent = 10, .latencyMs = 30, .jitterMs = 10, .seed = 3});
    EXPECT_TRUE(h.server.assets().problems().empty());
    ASSERT_EQ(h.server.assets().refs().size(), 3u);
    TempDir dir;
    client::AssetCache cache(dir.path.string());
    size_t k = h.join(cache);
    h.run(20000, [&] { return h.conns[k]->assets()->files().size() == 2 && !h.fetcher(k).busy(); });
    auto& f = h.fetcher(k);
    ASSERT_EQ(f.files().size(), 2u) << "the same model at two exhibits is fetched once";
    for (const auto& file : f.files()) EXPECT_EQ(file.state, client::FetchState::Done) << file.error;
    ASSERT_TRUE(f.fileFor(0, 0));
    EXPECT_EQ(readFile(*f.fileFor(0, 0)), src.bytes("models/gear.glb"));
    EXPECT_EQ(readFile(*f.fileFor(0, 1)), src.bytes("models/flange.glb"));
    EXPECT_EQ(*f.fileFor(0, 2), *f.fileFor(0, 0));
    EXPECT_EQ(f.stats().bytes, 690u * 1024) << "every byte once";
    EXPECT_EQ(f.stats().badChunks, 0u);
    EXPECT_FALSE(fs::exists(cache.partPathFor(src.hash("models/gear.glb"))));

    // A second visit (a new connection on the same cache) downloads nothing.
    const uint64_t chunksBefore = h.server.assets().stats().chunksSent;
    size_t k2 = h.join(cache, "王磊");
    h.run(2000, [&] { return h.fetcher(k2).files().size() == 2; });
    h.run(500);
    ASSERT_EQ(h.fetcher(k2).files().size(), 2u);
    for (const auto& file : h.fetcher(k2).files()) EXPECT_EQ(file.state, client::FetchState::Cached);
    EXPECT_EQ(h.fetcher(k2).stats().bytes, 0u);
    EXPECT_EQ(h.server.assets().stats().chunksSent, chunksBefore);
    EXPECT_TRUE(h.fetcher(k2).fileFor(0, 1));
}

TEST(AssetTransfer, ADroppedConnectionResumesFromThePartFile) {
    MemorySource src;
    const size_t size = 1200 * 1024;
    src.add("models/crankshaft.glb", randomBytes(size, 4));
    AssetHall h(src, boothLayout({"models/crankshaft.glb"}), {.lossPercent = 5, .latencyMs = 20, .seed = 9},
                {.tickBudgetBytes = 64 * 1024});
    TempDir dir;
    client::AssetCache cache(dir.path.string());
    size_t k = h.join(cache);
    h.run(20000, [&] { return h.fetcher(k).heldBytes() >= size / 3; });
    const uint64_t held = h.fetcher(k).heldBytes();
    ASSERT_GE(held, size / 3);
    ASSERT_LT(held, size);
    // The link goes dark: the transfer stops with a .part holding what arrived.
    h.transports[k]->setConditions({.lossPercent = 100, .latencyMs = 20});
    h.run(8000, [&] { return h.conns[k]->state() == client::ConnState::Lost; });
    ASSERT_EQ(h.conns[k]->state(), client::ConnState::Lost);
    const net::AssetHash hash = src.hash("models/crankshaft.glb");
    const uint64_t part = cache.partSize(hash);
    EXPECT_GE(part, held) << "what arrived is kept";
    EXPECT_FALSE(cache.has(hash));
    h.conns[k].reset();

    // Joining again asks from where the .part stops and gets only the rest.
    size_t k2 = h.join(cache, "李娜");
    h.run(20000, [&] { return !h.fetcher(k2).files().empty() && !h.fetcher(k2).busy(); });
    auto& f = h.fetcher(k2);
    ASSERT_EQ(f.files().size(), 1u);
    EXPECT_EQ(f.files()[0].state, client::FetchState::Done) << f.files()[0].error;
    EXPECT_EQ(f.files()[0].resumedFrom, part);
    EXPECT_EQ(f.stats().bytes, size - part);
    ASSERT_TRUE(cache.has(hash));
    EXPECT_EQ(readFile(cache.pathFor(hash)), src.bytes("models/crankshaft.glb"));
}

TEST(AssetTransfer, SnapshotsKeepTheirRateDuringABigDownload) {
    MemorySource src;
    const size_t size = 8 * 1024 * 1024;
    src.add("models/press.glb", randomBytes(size, 5));
    AssetHall h(src, boothLayout({"models/press.glb"}), {.latencyMs = 15, .jitterMs = 5, .seed = 2});
    TempDir dir;
    client::AssetCache cache(dir.path.string());
    client::AssetCache otherCache((dir.path / "other").string());
    size_t k = h.join(cache);
    size_t walker = h.join(otherCache, "王磊");  // also downloading: two share the budget
    h.run(1000, [&] { return h.fetcher(k).heldBytes() > 0; });
    const uint64_t startMs = h.now;
    const uint64_t snapsBefore = h.conns[k]->stats().snapshots;
    const uint64_t walkerSnaps = h.conns[walker]->stats().snapshots;
    std::vector<uint64_t> arrivals;
    uint64_t lastSnaps = snapsBefore, maxGapMs = 0, lastAt = h.now;
    h.run(30000, [&] {
        uint64_t s = h.conns[k]->stats().snapshots;
        if (s != lastSnaps) {
            maxGapMs = std::max(maxGapMs, h.now - lastAt);
            lastAt = h.now;
            lastSnaps = s;
        }
        return !h.fetcher(k).busy();
    });
    ASSERT_EQ(h.fetcher(k).files()[0].state, client::FetchState::Done);
    const double seconds = double(h.now - startMs) / 1000.0;
    const double rate = double(h.conns[k]->stats().snapshots - snapsBefore) / seconds;
    const double walkerRate = double(h.conns[walker]->stats().snapshots - walkerSnaps) / seconds;
    const double mibPerSecond = double(size) / (1024.0 * 1024.0) / seconds;
    std::printf("download of %zu MiB by two clients at once: %.2f s (fake clock), %.2f MiB/s each; "
                "snapshots %.1f Hz and %.1f Hz, longest gap %llu ms\n",
                size >> 20, seconds, mibPerSecond, rate, walkerRate, (unsigned long long)maxGapMs);
    EXPECT_GE(rate, 29.0);
    EXPECT_GE(walkerRate, 29.0);
    EXPECT_LE(maxGapMs, 100u);
    EXPECT_GT(mibPerSecond, 1.0);
    EXPECT_EQ(readFile(cache.pathFor(src.hash("models/press.glb"))), src.bytes("models/press.glb"));
}

TEST(AssetTransfer, UnknownHashIsRefusedInWords) {
    MemorySource src;
    src.add("models/gear.glb", randomBytes(1000, 6));
    AssetHall h(src, boothLayout({"models/gear.glb", "models/missing.glb"}), {});
    ASSERT_EQ(h.server.assets().problems().size(), 1u);
    EXPECT_NE(h.server.assets().problems()[0].find("models/missing.glb"), std::string::npos);
    TempDir dir;
    client::AssetCache cache(dir.path.string());
    size_t k = h.join(cache);
    h.run(500, [&] { return !h.fetcher(k).files().empty() && !h.fetcher(k).busy(); });
    EXPECT_FALSE(h.fetcher(k).announced(0, 1));
    net::AssetHash stranger;
    stranger.b[5] = 9;
    ASSERT_TRUE(h.conns[k]->sendAsset(net::encodeAsset(net::AssetRequest{.hash = stranger, .offset = 0})));
    h.run(200);
    EXPECT_EQ(h.server.assets().stats().errorsSent, 1u);
}

// --- the fetcher alone: damaged chunks and files -----------------------------------------------

namespace {
struct FetcherRig {
    TempDir dir;
    client::AssetCache cache{dir.path.string()};
    client::AssetFetcher f{cache, {.checkInline = true}};
    std::vector<uint8_t> file = randomBytes(3000, 8);
    net::AssetHash hash = net::asset::hashOf(file);

    void announce() {
        f.onPacket(net::MsgType::AssetList,
                   net::encodeAsset(net::AssetList{.replace = true, .refs = {{0, 0, hash, uint32_t(file.size())}}}));
    }
    net::Bytes chunk(uint32_t offset, uint32_t n, bool damage = false) {
        net::AssetChunk c;
        c.hash = hash;
        c.offset = offset;
        c.total = uint32_t(file.size());
        c.data.assign(file.begin() + offset, file.begin() + offset + n);
        c.check = net::asset::chunkCheck(c.data);
        if (damage) c.data[n / 2] ^= 0x40;  // flipped on the way
        return net::encodeAsset(c);
    }
    // The requests in the outbox, as (offset) values.
    std::vector<uint32_t> requests() {
        std::vector<uint32_t> out;
        for (auto& p : f.takeOutbox()) {
            net::AssetRequest r;
            if (net::decodeAsset(p, r)) out.push_back(r.offset);
        }
        return out;
    }
};
}  // namespace

TEST(AssetFetcher, ADamagedChunkIsRefetchedOnceThenTheFileIsGivenUp) {
    FetcherRig rig;
    rig.announce();
    EXPECT_EQ(rig.requests(), std::vector<uint32_t>{0});
    ASSERT_TRUE(rig.f.onPacket(net::MsgType::AssetChunk, rig.chunk(0, 1000)));
    ASSERT_TRUE(rig.f.onPacket(net::MsgType::AssetChunk, rig.chunk(1000, 1000, true)));
    EXPECT_EQ(rig.f.stats().badChunks, 1u);
    EXPECT_EQ(rig.requests(), std::vector<uint32_t>{1000}) << "asked again from the last good byte";
    ASSERT_TRUE(rig.f.onPacket(net::MsgType::AssetChunk, rig.chunk(2000, 1000)));  // in flight: ignored
    EXPECT_EQ(rig.f.files()[0].have, 1000u);
    ASSERT_TRUE(rig.f.onPacket(net::MsgType::AssetChunk, rig.chunk(1000, 1000)));
    ASSERT_TRUE(rig.f.onPacket(net::MsgType::AssetChunk, rig.chunk(2000, 1000, true)));
    EXPECT_EQ(rig.f.files()[0].state, client::FetchState::Failed);
    EXPECT_NE(rig.f.files()[0].error.find("damaged"), std::string::npos);
    EXPECT_FALSE(rig.cache.has(rig.hash));
    EXPECT_EQ(rig.cache.partSize(rig.hash), 0u) << "nothing of a bad file is kept";
    EXPECT_FALSE(rig.f.fileFor(0, 0));
}

TEST(AssetFetcher, AFileThatFailsItsHashIsNotCachedAndIsFetchedAgainFromTheStart) {
    FetcherRig rig;
    const std::vector<uint8_t> good = rig.file;
    rig.file[1500] ^= 1;  // the server's copy is wrong, though every chunk matches its check
    rig.announce();
    rig.requests();
    ASSERT_TRUE(rig.f.onPacket(net::MsgType::AssetChunk, rig.chunk(0, 3000)));
    EXPECT_EQ(rig.f.stats().badFiles, 1u);
    EXPECT_FALSE(rig.cache.has(rig.hash));
    EXPECT_EQ(rig.requests(), std::vector<uint32_t>{0});
    rig.file = good;  // the second time it arrives intact
    ASSERT_TRUE(rig.f.onPacket(net::MsgType::AssetChunk, rig.chunk(0, 3000)));
    EXPECT_EQ(rig.f.files()[0].state, client::FetchState::Done);
    EXPECT_TRUE(rig.cache.has(rig.hash));
    EXPECT_EQ(rig.f.generation(), 1u);
}

TEST(AssetFetcher, TwoBadFilesGiveUpWithAMessage) {
    FetcherRig rig;
    rig.file[10] ^= 1;
    rig.announce();
    ASSERT_TRUE(rig.f.onPacket(net::MsgType::AssetChunk, rig.chunk(0, 3000)));
    ASSERT_TRUE(rig.f.onPacket(net::MsgType::AssetChunk, rig.chunk(0, 3000)));
    EXPECT_EQ(rig.f.files()[0].state, client::FetchState::Failed);
    EXPECT_NE(rig.f.files()[0].error.find("check"), std::string::npos);
    EXPECT_FALSE(rig.cache.has(rig.hash));
    EXPECT_FALSE(fs::exists(rig.cache.partPathFor(rig.hash)));
}

// The whole-file check runs on a worker, not on the thread that pumps the connection (the
// render thread): the last chunk leaves the file Checking, and poll() later makes it Done, or
// asks for it again from the start when it fails.
TEST(AssetFetcher, TheWholeFileCheckRunsOnAWorkerAndPollDeliversIt) {
    TempDir dir;
    client::AssetCache cache{dir.path.string()};
    std::vector<uint8_t> file = randomBytes(160 * 1024, 21);  // one chunk
    const net::AssetHash hash = net::asset::hashOf(file);
    client::AssetFetcher f{cache};
    auto chunk = [&](const std::vector<uint8_t>& bytes) {
        net::AssetChunk c;
        c.hash = hash;
        c.offset = 0;
        c.total = uint32_t(bytes.size());
        c.data = bytes;
        c.check = net::asset::chunkCheck(c.data);
        return net::encodeAsset(c);
    };
    auto pollUntilNotChecking = [&] {
        for (int i = 0; i < 5000 && f.files()[0].state == client::FetchState::Checking; ++i) {
            f.poll();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    };
    f.onPacket(net::MsgType::AssetList, net::encodeAsset(net::AssetList{.replace = true, .refs = {{0, 0, hash, uint32_t(file.size())}}}));
    f.takeOutbox();
    std::vector<uint8_t> damaged = file;
    damaged[12345] ^= 1;  // every chunk matches its check, the file does not
    ASSERT_TRUE(f.onPacket(net::MsgType::AssetChunk, chunk(damaged)));
    EXPECT_EQ(f.files()[0].state, client::FetchState::Checking) << "the check waits for poll()";
    EXPECT_TRUE(f.busy());
    f.takeOutbox();  // the chunk's ack
    pollUntilNotChecking();
    ASSERT_EQ(f.files()[0].state, client::FetchState::Waiting) << "asked for again";
    EXPECT_EQ(f.stats().badFiles, 1u);
    std::vector<uint32_t> asked;
    for (auto& p : f.takeOutbox())
        if (net::AssetRequest r; net::decodeAsset(p, r)) asked.push_back(r.offset);
    EXPECT_EQ(asked, std::vector<uint32_t>{0});
    ASSERT_TRUE(f.onPacket(net::MsgType::AssetChunk, chunk(file)));
    EXPECT_EQ(f.files()[0].state, client::FetchState::Checking);
    pollUntilNotChecking();
    EXPECT_EQ(f.files()[0].state, client::FetchState::Done);
    EXPECT_FALSE(f.busy());
    EXPECT_TRUE(cache.has(hash));
    EXPECT_EQ(f.generation(), 1u);
}

// The server keeps no file in memory: it reads chunks when it sends them, through a small cache.
// A file changed or removed on disk after start no longer matches the chunk checks taken at
// start: the client is told in words and keeps none of it; an intact file still arrives whole.
TEST(AssetTransfer, AFileChangedOrRemovedOnDiskAfterStartIsRefusedNotServed) {
    TempDir dir;
    const fs::path served = dir.path / "baked";
    fs::create_directories(served);
    std::vector<net::AssetHash> hashes;
    std::vector<std::string> assets;
    for (uint32_t k = 0; k < 3; ++k) {
        const auto bytes = randomBytes(300 * 1024, 31 + k);
        hashes.push_back(net::asset::hashOf(bytes));
        assets.push_back(hashes.back().hex() + ".dhm");
        std::ofstream(served / assets.back(), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), long(bytes.size()));
    }
    server::FolderAssetSource src({served.string()});
    const uint32_t cacheBytes = 128 * 1024;
    AssetHall h(src, boothLayout(assets), {}, {.cacheBytes = cacheBytes});
    ASSERT_EQ(h.server.assets().refs().size(), 3u) << "all three checked at start";
    {  // after start: the first changed in its fourth chunk (same size), the second removed
        std::fstream f(served / assets[0], std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(200 * 1024);
        f.put('\x5a');
    }
    fs::remove(served / assets[1]);
    client::AssetCache cache((dir.path / "cache").string());
    size_t k = h.join(cache);
    h.run(20000, [&] { return h.fetcher(k).files().size() == 3 && !h.fetcher(k).busy(); });
    const auto& files = h.fetcher(k).files();
    ASSERT_EQ(files.size(), 3u);
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(files[i].state, client::FetchState::Failed) << i;
        EXPECT_NE(files[i].error.find("changed or removed"), std::string::npos) << files[i].error;
        EXPECT_NE(files[i].error.find("已被更改或删除"), std::string::npos) << files[i].error;
        EXPECT_FALSE(cache.has(hashes[i]));
        EXPECT_EQ(cache.partSize(hashes[i]), 0u) << "nothing of it is kept";
    }
    EXPECT_EQ(files[2].state, client::FetchState::Done) << files[2].error;
    EXPECT_TRUE(cache.has(hashes[2]));
    const auto& stats = h.server.assets().stats();
    EXPECT_EQ(stats.filesGoneBad, 2u);
    EXPECT_LE(stats.cachedBytes, cacheBytes) << "the chunk cache stays within its bound";
    EXPECT_GE(stats.chunkReads, 5u) << "the intact file's chunks were read from disk";
    // Asking again is refused at once.
    client::AssetCache cache2((dir.path / "cache2").string());
    size_t k2 = h.join(cache2);
    h.run(20000, [&] { return h.fetcher(k2).files().size() == 3 && !h.fetcher(k2).busy(); });
    EXPECT_EQ(h.fetcher(k2).files()[0].state, client::FetchState::Failed);
    EXPECT_EQ(h.fetcher(k2).files()[2].state, client::FetchState::Done);
}

TEST(AssetTransfer, ManyModelsAreAskedForAFewAtATime) {
    MemorySource src;
    net::EventLayout ev = boothLayout({});
    ev.booths.clear();
    for (int b = 0; b < 3; ++b) {
        net::Booth booth;
        booth.id.v = uint16_t(b);
        booth.center = {10.0f + 20.0f * float(b), 10};
        for (int e = 0; e < 14; ++e) {
            const std::string asset = "models/part_" + std::to_string(b) + "_" + std::to_string(e) + ".glb";
            src.add(asset, randomBytes(3000 + size_t(e), uint32_t(100 + b * 20 + e)));
            booth.exhibits.push_back({.asset = asset});
        }
        ev.booths.push_back(booth);
    }
    // The server takes at most 16 requests from one client at a time.
    AssetHall h(src, ev, {.latencyMs = 20}, {.maxQueued = 16});
    TempDir dir;
    client::AssetCache cache(dir.path.string());
    size_t k = h.join(cache);
    h.run(10000, [&] { return !h.fetcher(k).files().empty() && !h.fetcher(k).busy(); });
    ASSERT_EQ(h.fetcher(k).files().size(), 42u);
    for (const auto& f : h.fetcher(k).files()) EXPECT_EQ(f.state, client::FetchState::Done) << f.error;
    EXPECT_EQ(h.server.assets().stats().errorsSent, 0u);
}
