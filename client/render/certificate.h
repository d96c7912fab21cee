// certificate.h: the signing certificate as the stage's big screen shows it, composed on the CPU
// into an RGBA picture with the hall's CJK font (text.h). No GL: the renderer shows the picture
// (Renderer::setStageScreen); tests look at it directly.
//
//   StageCertificate c{.headline = "签约成功 Signed", .title = "...", .subtitle = "...",
//                      .parties = {"嵊州市精工锻造有限公司 Shengzhou Precision Forging Co., Ltd. — 王磊", ...},
//                      .footer = "2024-06-04 11:32 · 内容哈希 Content hash 3fa29c01 7be4d2a0"};
//   RgbaImage img = composeCertificate(font, c, 1600, 560);
#pragma once

#include <string>
#include <vector>

#include "client/render/image.h"
#include "client/render/text.h"

namespace client {

struct StageCertificate {
    std::string headline;              // "签约成功 Signed", in red at the top
    std::string title;                 // the agreement's title in the first language, large
    std::string subtitle;              // the title in the other language, smaller ("" = none)
    std::vector<std::string> parties;  // one line per party: organization (both languages) and representative
    std::string footer;                // the date and a short content hash, small at the bottom
};

// A width x height certificate: cream paper, a red and gold frame, the headline, the title,
// the parties and the footer, each line shrunk to fit. Without a loaded font: the paper and frame only.
RgbaImage composeCertificate(const FontRasterizer& font, const StageCertificate& c, int width, int height);

}  // namespace client
