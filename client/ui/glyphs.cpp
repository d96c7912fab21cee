// glyphs.cpp: glyph coverage and the ImGui font atlas.
#include "client/ui/glyphs.h"

#include <fstream>
#include <iterator>

#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

namespace client {

namespace {
constexpr double kMinSecondsBetweenRebuilds = 0.25;
}

bool GlyphCoverage::add(std::string_view text) {
    bool added = false;
    forEachCodepoint(text, [&](uint32_t cp) {
        if (cp >= kPlane || m_marked.test(cp)) return;
        addCodepoint(cp);
        added = true;
    });
    return added;
}

void GlyphCoverage::addCodepoint(uint32_t cp) {
    if (cp >= kPlane || m_marked.test(cp)) return;
    m_marked.set(cp);
    m_added.push_back(cp);
}

std::vector<uint32_t> GlyphCoverage::takeAdded() {
    std::vector<uint32_t> out;
    out.swap(m_added);
    return out;
}

struct UiFont::Ranges {
    ImVector<ImWchar> v;
};

UiFont::UiFont() : m_ranges(std::make_unique<Ranges>()) {}
UiFont::~UiFont() = default;

bool UiFont::init(const std::string& fontPath, float pixelSize, float globalScale,
                  const std::vector<std::string>& extraText, std::string* error) {
    std::ifstream in(fontPath, std::ios::binary);
    if (!in) {
        if (error) *error = fontPath + ": cannot open the font file; install fonts-wqy-microhei or fonts-noto-cjk";
        return false;
    }
    m_fontData.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (m_fontData.size() < 1024) {
        if (error) *error = fontPath + ": not a font file (too short)";
        return false;
    }
    m_pixelSize = pixelSize;
    m_globalScale = globalScale;
    ImGuiIO& io = ImGui::GetIO();
    for (const ImWchar* r : {io.Fonts->GetGlyphRangesDefault(), io.Fonts->GetGlyphRangesChineseSimplifiedCommon()})
        for (; r[0]; r += 2)
            for (uint32_t cp = r[0]; cp <= r[1]; ++cp) m_coverage.addCodepoint(cp);
    for (const auto& t : extraText) m_coverage.add(t);
    m_coverage.addCodepoint(0x2026);  // …
    m_coverage.addCodepoint(0xFF08);  // （
    m_coverage.addCodepoint(0xFF09);  // ）
    m_coverage.takeAdded();
    build();
    return true;
}

void UiFont::setPixelSize(float pixelSize, float globalScale) {
    if (pixelSize == m_pixelSize && globalScale == m_globalScale) return;
    m_pixelSize = pixelSize;
    m_globalScale = globalScale;
    m_dirty = true;
    m_lastRebuild = -1e9;
}

void UiFont::want(std::string_view text) {
    if (m_coverage.add(text)) m_dirty = true;
}

bool UiFont::rebuildIfNeeded(double nowSeconds) {
    if (!m_dirty || nowSeconds - m_lastRebuild < kMinSecondsBetweenRebuilds) return false;
    m_coverage.takeAdded();
    build();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    m_lastRebuild = nowSeconds;
    ++m_rebuilds;
    return true;
}

void UiFont::build() {
    m_dirty = false;
    ImFontGlyphRangesBuilder builder;
    for (uint32_t cp = 1; cp < 0x10000; ++cp)
        if (m_coverage.has(cp)) builder.AddChar(ImWchar(cp));
    m_ranges->v.clear();
    builder.BuildRanges(&m_ranges->v);

    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig cfg;
    cfg.FontDataOwnedByAtlas = false;  // m_fontData outlives every rebuild
    cfg.OversampleH = 2;
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    m_font = io.Fonts->AddFontFromMemoryTTF(m_fontData.data(), int(m_fontData.size()), m_pixelSize, &cfg,
                                            m_ranges->v.Data);
    io.Fonts->Build();
    io.FontDefault = m_font;
    io.FontGlobalScale = m_globalScale;
}

}  // namespace client
