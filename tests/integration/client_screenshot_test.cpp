// The real client, end to end: it starts its embedded server, joins, renders the sample hall
// with its panels under the display tools/test provides (Xvfb), and saves a screenshot.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include <stb_image.h>

namespace {

struct Image {
    int w = 0, h = 0;
    std::vector<uint8_t> rgb;
    bool load(const std::string& path) {
        int n = 0;
        unsigned char* p = stbi_load(path.c_str(), &w, &h, &n, 3);
        if (!p) return false;
        rgb.assign(p, p + size_t(w) * size_t(h) * 3);
        stbi_image_free(p);
        return true;
    }
};

}  // namespace

TEST(ClientScreenshot, RendersTheHallWithPanels) {
    ASSERT_NE(std::getenv("DISPLAY"), nullptr) << "needs an X display; tools/test starts Xvfb";
    namespace fs = std::filesystem;
    const fs::path tmp = fs::temp_directory_path() / ("dockhall-shot-" + std::to_string(::getpid()));
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    const fs::path out = tmp / "shot.png";
    // The models it downloads from its own embedded server go to a folder of the test's, never to
    // the user's ~/.cache (XDG_CACHE_HOME points elsewhere, to see that nothing lands there).
    const fs::path cache = tmp / "cache", xdg = tmp / "xdg";
    std::string cmd = "XDG_CACHE_HOME=" + xdg.string() + " " + std::string(DOCKHALL_BIN_DIR) + "/dockhall --screenshot " +
                      out.string() + " --asset-cache " + cache.string() +
                      " --frames 20 --width 960 --height 540 --lang zh --db :memory: --port " +
                      std::to_string(30000 + ::getpid() % 20000) + " --name 测试员 --org 寧夏大學機械工程學院";
    int rc = std::system(cmd.c_str());
    ASSERT_EQ(rc, 0) << cmd;
    EXPECT_FALSE(fs::exists(xdg / "dockhall")) << "wrote to the default cache despite --asset-cache";
    size_t models = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(cache, ec))
        models += e.path().extension() == ".dhm" || e.path().extension() == ".part";
    EXPECT_GT(models, 0u) << "the downloaded models are in the --asset-cache folder";
    Image img;
    ASSERT_TRUE(img.load(out.string()));
    EXPECT_EQ(img.w, 960);
    EXPECT_EQ(img.h, 540);
    // Not blank, not black, not one flat colour: a hall has many colours and mid-range light.
    std::set<uint32_t> colours;
    double luminance = 0;
    for (size_t i = 0; i < img.rgb.size(); i += 3) {
        colours.insert(uint32_t(img.rgb[i]) << 16 | uint32_t(img.rgb[i + 1]) << 8 | img.rgb[i + 2]);
        luminance += 0.2126 * img.rgb[i] + 0.7152 * img.rgb[i + 1] + 0.0722 * img.rgb[i + 2];
    }
    luminance /= double(img.rgb.size() / 3);
    EXPECT_GT(colours.size(), 500u);
    EXPECT_GT(luminance, 25.0);
    EXPECT_LT(luminance, 235.0);
    fs::remove_all(tmp);
}
