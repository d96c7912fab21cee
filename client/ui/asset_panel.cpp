// asset_panel.cpp: progress of the model downloads.
#include "client/ui/asset_panel.h"

#include <cstdio>
#include <string>

#include <imgui.h>

#include "client/ui/glyphs.h"

namespace client {

void drawAssetDownloads(const AssetFetcher& fetcher, const net::EventLayout& event, Language lang, float topBarHeight,
                        UiFont& font) {
    int fetched = 0, done = 0;
    bool failed = false;
    for (const FetchFile& f : fetcher.files()) {
        if (f.state == FetchState::Cached) continue;
        ++fetched;
        if (f.state == FetchState::Done) ++done;
        if (f.state == FetchState::Failed) failed = true;
    }
    if (fetched == 0 || (!fetcher.busy() && !failed)) return;

    const bool zh = isChinese(lang);
    ImGuiIO& io = ImGui::GetIO();
    const float w = 360.0f;
    ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f - w * 0.5f, topBarHeight + 8.0f}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSizeConstraints({w, 0.0f}, {w, io.DisplaySize.y * 0.5f});
    if (!ImGui::Begin(tr(UiText::AssetTitle, lang), nullptr, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::End();
        return;
    }
    const double mb = 1024.0 * 1024.0;
    const uint64_t total = fetcher.totalBytes(), held = fetcher.heldBytes();
    char line[256];
    std::snprintf(line, sizeof line, tr(UiText::AssetTotal, lang), done, fetched, double(held) / mb, double(total) / mb);
    ImGui::ProgressBar(total ? float(double(held) / double(total)) : 1.0f, {-1.0f, 0.0f}, line);
    ImGui::TextDisabled("%s", tr(UiText::AssetPlaceholder, lang));
    ImGui::Separator();
    for (const FetchFile& f : fetcher.files()) {
        if (f.state == FetchState::Cached || f.state == FetchState::Done) continue;
        std::string name = f.hash.hex().substr(0, 12);
        if (f.booth < event.booths.size() && f.exhibit < event.booths[f.booth].exhibits.size()) {
            name = event.booths[f.booth].exhibits[f.exhibit].title.in(zh);
            font.want(name);
        }
        ImGui::TextUnformatted(name.c_str());
        if (f.state == FetchState::Failed) {
            font.want(f.error);
            ImGui::TextColored({1.0f, 0.45f, 0.35f, 1.0f}, "%s%s", tr(UiText::AssetFailed, lang), f.error.c_str());
            continue;
        }
        const char* overlay = f.state == FetchState::Waiting    ? tr(UiText::AssetWaiting, lang)
                              : f.state == FetchState::Checking ? tr(UiText::AssetChecking, lang)
                                                                : nullptr;
        std::snprintf(line, sizeof line, "%.0f / %.0f KB", double(f.have) / 1024.0, double(f.size) / 1024.0);
        ImGui::ProgressBar(f.size ? float(double(f.have) / double(f.size)) : 0.0f, {-1.0f, 0.0f}, overlay ? overlay : line);
    }
    ImGui::End();
}

}  // namespace client
