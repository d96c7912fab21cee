// Exhibitor uploads end to end: a real EventServer with its AssetService, the SQLite store and a
// folder for uploads, real client Connections over the loopback transport with a fake clock. An
// upload is refused (naming the file and the reason, changing nothing) for another
// organization's booth, for a broken file and for an oversized one; accepted for one's own booth,
// seen by everyone in the hall without reconnecting, and still there after a restart.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "client/core/asset_cache.h"
#include "client/core/asset_upload.h"
#include "client/core/connection.h"
#include "net/asset/hash.h"
#include "net/transport/loopback_transport.h"
#include "server/core/asset_service.h"
#include "server/core/event_server.h"
#include "server/store/sqlite_store.h"

namespace fs = std::filesystem;

namespace {

const char* kForge = "嵊州市精工锻造有限公司";
const char* kGears = "嵊州齿轮厂";

net::EventLayout twoBooths() {
    net::EventLayout ev;
    ev.name = {"测试会场", "Test hall"};
    ev.hallSize = {60, 40};
    ev.spawn = {30, 30};
    net::Booth a;
    a.owner = {{kForge, "Shengzhou Precision Forging"}, net::OrgKind::Enterprise};
    a.center = {15, 10};
    net::Booth b;
    b.id.v = 1;
    b.owner = {{kGears, "Shengzhou Gear Works"}, net::OrgKind::Enterprise};
    b.center = {45, 10};
    ev.booths = {a, b};
    return ev;
}

std::vector<uint8_t> readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A real baked model of the sample event.
std::vector<uint8_t> sampleBaked() {
    const fs::path dir = fs::path(DOCKHALL_SOURCE_DIR) / "assets" / "models" / "baked";
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".dhm") return readFile(e.path());
    return {};
}

net::Exhibit facts(const std::string& file) {
    net::Exhibit e;
    e.asset = file;
    e.title = {"法兰锻件", "Forged flange"};
    e.material = "42CrMo";
    e.process = {"闭式模锻", "Closed-die forging"};
    e.massKg = 12.5f;
    e.description = {"DN150 法兰", "DN150 flange"};
    return e;
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("dockhall_upload_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

struct UploadHall {
    explicit UploadHall(const fs::path& dir, server::AssetDesc assets = {})
        : source({}, (dir / "uploads").string()) {
        std::string error;
        store = server::SqliteStore::open((dir / "event.sqlite").string(), &error);
        EXPECT_TRUE(store) << error;
        assets.source = &source;
        server::ServerDesc desc;
        desc.assets = assets;
        server = std::make_unique<server::EventServer>(desc, layout, network.server(), store.get());
    }

    client::Connection& join(const std::string& name, const std::string& org, net::Role role, client::AssetCache& cache) {
        transports.push_back(network.connectClient());
        conns.push_back(std::make_unique<client::Connection>(
            *transports.back(), client::JoinRequest{name, org, role, "", net::kProtocolVersion}, now));
        conns.back()->enableAssets(cache, {.checkInline = true});  // the fake clock steps the whole check
        run(300);
        EXPECT_EQ(conns.back()->state(), client::ConnState::Joined);
        return *conns.back();
    }

    void run(uint64_t ms) {
        for (uint64_t i = 0; i < ms; ++i) {
            ++now;
            server->update({.monoMs = now, .unixMs = int64_t(1717462800000 + now)});
            for (auto& c : conns) c->update(now);
        }
    }

    // Sends an upload (two pieces a millisecond) and waits for its result.
    std::optional<net::UploadResult> upload(client::Connection& c, client::AssetUpload& up) {
        for (int i = 0; i < 5000; ++i) {
            up.pump(c, 2);
            run(1);
            for (auto& r : c.assets()->takeUploadResults())
                if (r.req == up.req()) return r;
        }
        return std::nullopt;
    }

    net::EventLayout layout = twoBooths();
    server::FolderAssetSource source;
    std::unique_ptr<server::SqliteStore> store;
    net::LoopbackNetwork network;
    std::unique_ptr<server::EventServer> server;
    std::vector<std::unique_ptr<net::LoopbackClient>> transports;
    std::vector<std::unique_ptr<client::Connection>> conns;
    uint64_t now = 0;
};

}  // namespace

TEST(AssetUpload, OwnBoothIsAcceptedSeenByEveryoneAndKeptAcrossARestart) {
    TempDir dir;
    const std::vector<uint8_t> baked = sampleBaked();
    ASSERT_FALSE(baked.empty());
    client::AssetCache exhibitorCache((dir.path / "c1").string()), visitorCache((dir.path / "c2").string());
    {
        UploadHall h(dir.path);
        auto& exhibitor = h.join("王磊", kForge, net::Role::Exhibitor, exhibitorCache);
        auto& visitor = h.join("李娜", "宁夏大学", net::Role::Attendee, visitorCache);
        const size_t partsBefore = visitor.world().parts().size();
        client::AssetUpload up(1, 0, facts("flange_dn150.stl"), baked, 16 * 1024);
        auto result = h.upload(exhibitor, up);
        ASSERT_TRUE(result);
        EXPECT_TRUE(result->ok) << result->text;
        h.run(300);
        // Everyone sees the exhibit at the booth, with its facts, and fetches its model.
        for (client::Connection* c : {&exhibitor, &visitor}) {
            const auto& booth = c->world().event().booths[0];
            ASSERT_EQ(booth.exhibits.size(), 1u);
            EXPECT_EQ(booth.exhibits[0].material, "42CrMo");
            EXPECT_EQ(booth.exhibits[0].title.en, "Forged flange");
            EXPECT_EQ(booth.exhibits[0].asset, net::asset::hashOf(baked).hex() + ".dhm");
        }
        EXPECT_GT(visitor.world().parts().size(), partsBefore) << "its pedestal stands in the hall";
        EXPECT_EQ(h.server->hall().layout().booths[0].exhibits.size(), 1u);
        h.run(500);
        auto path = visitor.assets()->fileFor(0, 0);
        ASSERT_TRUE(path);
        EXPECT_EQ(readFile(*path), baked);
        EXPECT_EQ(h.server->assets().stats().uploadsAccepted, 1u);
    }
    // The server starts again on the same store and folder: the exhibit is still there.
    UploadHall again(dir.path);
    EXPECT_TRUE(again.server->assets().problems().empty());
    client::AssetCache freshCache((dir.path / "c3").string());
    auto& late = again.join("赵敏", "浙江大学", net::Role::Attendee, freshCache);
    again.run(500);
    ASSERT_EQ(late.world().event().booths[0].exhibits.size(), 1u);
    auto path = late.assets()->fileFor(0, 0);
    ASSERT_TRUE(path);
    EXPECT_EQ(readFile(*path), baked);
}

TEST(AssetUpload, AnotherOrganizationsBoothABrokenFileAndAnOversizedFileAreRefusedInWords) {
    TempDir dir;
    UploadHall h(dir.path, {.maxUploadBytes = 256 * 1024});
    client::AssetCache c1((dir.path / "c1").string()), c2((dir.path / "c2").string());
    auto& exhibitor = h.join("王磊", kForge, net::Role::Exhibitor, c1);
    auto& visitor = h.join("李娜", "宁夏大学", net::Role::Attendee, c2);
    const std::vector<uint8_t> baked = sampleBaked();

    // Another organization's booth.
    client::AssetUpload other(1, 1, facts("gear.glb"), baked);
    auto r = h.upload(exhibitor, other);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->ok);
    EXPECT_NE(r->text.find("gear.glb"), std::string::npos) << r->text;
    EXPECT_NE(r->text.find("not your organization"), std::string::npos) << r->text;

    // A broken file: the right hash of bytes that are no model.
    std::vector<uint8_t> junk(5000);
    std::mt19937 rng(3);
    for (auto& b : junk) b = uint8_t(rng());
    client::AssetUpload broken(2, 0, facts("crankshaft.fbx"), junk);
    r = h.upload(exhibitor, broken);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->ok);
    EXPECT_NE(r->text.find("crankshaft.fbx"), std::string::npos) << r->text;
    EXPECT_NE(r->text.find("not a valid baked model"), std::string::npos) << r->text;

    // A truncated model (a good file cut short).
    std::vector<uint8_t> cut(baked.begin(), baked.begin() + long(baked.size() / 2));
    client::AssetUpload truncated(3, 0, facts("ring.glb"), cut);
    r = h.upload(exhibitor, truncated);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->ok);
    EXPECT_NE(r->text.find("ring.glb"), std::string::npos) << r->text;

    // Oversized: refused at the start, before any byte is kept.
    net::UploadBegin big{.req = 4, .booth = 0, .exhibit = facts("press.step"), .hash = {}, .size = 300 * 1024};
    ASSERT_TRUE(exhibitor.sendAsset(net::encodeAsset(big)));
    std::optional<net::UploadResult> bigResult;
    for (int i = 0; i < 200 && !bigResult; ++i) {
        h.run(1);
        for (auto& res : exhibitor.assets()->takeUploadResults())
            if (res.req == 4) bigResult = res;
    }
    ASSERT_TRUE(bigResult);
    EXPECT_FALSE(bigResult->ok);
    EXPECT_NE(bigResult->text.find("press.step"), std::string::npos) << bigResult->text;
    EXPECT_NE(bigResult->text.find("limit"), std::string::npos) << bigResult->text;

    // An attendee may not add exhibits at all.
    client::AssetUpload attendee(5, 0, facts("axle.glb"), baked);
    r = h.upload(visitor, attendee);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->ok);

    // Nothing changed anywhere.
    h.run(300);
    for (const auto& b : h.server->hall().layout().booths) EXPECT_TRUE(b.exhibits.empty());
    for (const auto& b : visitor.world().event().booths) EXPECT_TRUE(b.exhibits.empty());
    EXPECT_TRUE(h.store->uploadedExhibits().empty());
    EXPECT_FALSE(fs::exists(dir.path / "uploads") && !fs::is_empty(dir.path / "uploads"));
    EXPECT_EQ(h.server->assets().stats().uploadsRefused, 5u);
    EXPECT_EQ(h.server->stats().malformedPackets, 0u);
}
