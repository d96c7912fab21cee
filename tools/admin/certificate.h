// certificate.h: the printable certificate of a signed agreement, as one self-contained HTML
// page (no scripts, no external files): title, parties in both scripts with their
// representatives, the text, each signature's key fingerprint, the content hash and the date.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/ceremony/agreement.h"

namespace tools::admin {

// `doc` should verify (server::ceremony::verifySigned); the page does not check it again.
std::string certificateHtml(const server::ceremony::SignedAgreement& doc);

// "2026-11-29 14:50 UTC"
std::string utcTime(int64_t unixMs);
// & < > " ' as entities.
std::string htmlEscape(std::string_view s);

}  // namespace tools::admin
