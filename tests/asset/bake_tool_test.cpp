// The client's upload path to the baker: dockhall-bake in a child process turns a model file into
// a baked file the hall accepts, and a damaged file into a message naming it; the user's own
// booth is found by organization name as the server matches it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "client/ui/asset_upload_panel.h"
#include "net/asset/baked.h"

namespace fs = std::filesystem;

TEST(BakeTool, AModelFileBakesToAFileTheHallAccepts) {
    const std::string glb = std::string(DOCKHALL_SOURCE_DIR) + "/assets/models/flange.glb";
    std::vector<uint8_t> baked;
    std::string error;
    ASSERT_TRUE(client::bakeWithTool(glb, baked, error)) << error;
    net::asset::BakedModel m;
    EXPECT_TRUE(net::asset::readBaked(baked, m, &error)) << error;
    EXPECT_GT(m.triangles(0), 0u);
}

TEST(BakeTool, ADamagedFileGivesAMessageNamingIt) {
    const fs::path bad = fs::temp_directory_path() / "dockhall_bake_tool_damaged.stl";
    std::ofstream(bad) << "solid broken\nfacet normal 0 0 1\nouter loop\nvertex 0 0";
    std::vector<uint8_t> baked;
    std::string error;
    EXPECT_FALSE(client::bakeWithTool(bad.string(), baked, error));
    EXPECT_NE(error.find("dockhall_bake_tool_damaged.stl"), std::string::npos) << error;
    EXPECT_NE(error.find("cannot read"), std::string::npos) << "the baker's own reason: " << error;
    fs::remove(bad);
}

TEST(BakeTool, OwnBoothIsFoundByEitherNameCaseAndSpacingAside) {
    net::EventLayout ev;
    ev.booths.resize(2);
    ev.booths[0].owner.name = {"嵊州齿轮厂", "Shengzhou Gear Works"};
    ev.booths[1].owner.name = {"嵊州市精工锻造有限公司", "Shengzhou Precision Forging"};
    EXPECT_EQ(client::ownBooth(ev, "嵊州市精工锻造有限公司"), 1);
    EXPECT_EQ(client::ownBooth(ev, " shengzhou gear  works"), 0);
    EXPECT_EQ(client::ownBooth(ev, "宁夏大学"), -1);
    EXPECT_EQ(client::ownBooth(ev, ""), -1);
}
