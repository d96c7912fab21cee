// asset_panel.h: the model download progress window (asset_fetcher.h): one bar per file being
// fetched and one for the total, shown while downloads run or one of them failed.
#pragma once

#include "client/core/asset_fetcher.h"
#include "client/ui/i18n.h"
#include "net/protocol/domain.h"

namespace client {

class UiFont;

// Draws the window when there is something to show (a download running or failed). Text from
// the layout and the server is noted in `font`.
void drawAssetDownloads(const AssetFetcher& fetcher, const net::EventLayout& event, Language lang, float topBarHeight,
                        UiFont& font);

}  // namespace client
