// certificate.cpp: the printable HTML certificate of a signed agreement (certificate.h).
#include "tools/admin/certificate.h"

#include <chrono>
#include <cstdio>

namespace tools::admin {

namespace cer = server::ceremony;

namespace {

constexpr const char* kStyle = R"(
  @page { size: A4; margin: 18mm; }
  body { font-family: "Noto Serif CJK SC", "WenQuanYi Micro Hei", "Songti SC", serif; color: #1a1a1a;
         max-width: 180mm; margin: 0 auto; line-height: 1.55; }
  header { text-align: center; border-bottom: 3px double #8a1c1c; padding-bottom: 6mm; margin-bottom: 6mm; }
  header .kind { letter-spacing: 0.4em; color: #8a1c1c; font-size: 14pt; }
  h1 { font-size: 20pt; margin: 3mm 0 1mm; }
  h1 + .en { font-size: 14pt; color: #444; }
  h2 { font-size: 12pt; color: #8a1c1c; border-bottom: 1px solid #ccc; margin-top: 8mm; }
  table { width: 100%; border-collapse: collapse; font-size: 10pt; }
  th, td { border: 1px solid #bbb; padding: 2mm; vertical-align: top; text-align: left; }
  th { background: #f4eeee; }
  .text { white-space: pre-wrap; font-size: 11pt; }
  .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; word-break: break-all; }
  footer { margin-top: 10mm; font-size: 9pt; color: #555; border-top: 1px solid #ccc; padding-top: 3mm; }
)";

const char* kindZh(net::OrgKind k) {
    switch (k) {
        case net::OrgKind::Enterprise: return "企业";
        case net::OrgKind::University: return "高校";
        case net::OrgKind::Institute: return "科研院所";
        case net::OrgKind::Association: return "协会 / 机关";
        default: return "";
    }
}

std::string roleCell(cer::PartyRole r) {
    return r == cer::PartyRole::Witness ? "见证方<br>Witness" : "签约方<br>Party";
}

std::string signatureRow(const cer::SignedAgreement& doc, size_t i) {
    const cer::Party& p = doc.agreement.parties[i];
    std::string row = "<tr><td>" + roleCell(p.role) + "</td><td>" + htmlEscape(p.organization.zh) + "<br>" +
                      htmlEscape(p.organization.en) + "<br><small>" + kindZh(p.kind) + " · " +
                      net::orgKindName(p.kind) + "</small></td><td>" + htmlEscape(p.representative.name) + "</td>";
    for (const cer::AgreementSignature& s : doc.signatures) {
        if (s.account != p.representative.account) continue;
        return row + "<td>" + htmlEscape(utcTime(s.signedMs)) + "</td><td class=mono>" +
               htmlEscape(cer::keyFingerprint(s.publicKey)) + "</td><td class=mono>" +
               cer::toHex(std::span<const uint8_t>(s.signature.data(), 16)) + "…</td></tr>\n";
    }
    return row + "<td colspan=3>未签署 / not signed</td></tr>\n";
}

}  // namespace

std::string htmlEscape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string utcTime(int64_t unixMs) {
    using namespace std::chrono;
    const sys_time<milliseconds> t{milliseconds(unixMs)};
    const sys_days day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> hms{t - day};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d UTC", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()));
    return buf;
}

std::string certificateHtml(const cer::SignedAgreement& doc) {
    const cer::Agreement& a = doc.agreement;
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
    h += htmlEscape(a.title.zh.empty() ? a.title.en : a.title.zh);
    h += "</title>\n<style>";
    h += kStyle;
    h += "</style>\n</head>\n<body>\n<header>\n<div class=kind>签约证书 · CERTIFICATE OF SIGNING</div>\n";
    h += "<h1>" + htmlEscape(a.title.zh.empty() ? a.title.en : a.title.zh) + "</h1>\n";
    if (!a.title.zh.empty() && !a.title.en.empty()) h += "<div class=en>" + htmlEscape(a.title.en) + "</div>\n";
    h += "<p>协议编号 Agreement No. " + std::to_string(a.id) + " · 签署完成 Signed " +
         htmlEscape(doc.signedMs ? utcTime(doc.signedMs) : std::string("—")) + "</p>\n</header>\n";

    h += "<h2>签约各方 Parties</h2>\n<table>\n<tr><th>身份 Role</th><th>机构 Organization</th>"
         "<th>代表 Representative</th><th>签署时间 Signed</th><th>公钥指纹 Key fingerprint</th>"
         "<th>签名 Signature</th></tr>\n";
    for (size_t i = 0; i < a.parties.size(); ++i) h += signatureRow(doc, i);
    h += "</table>\n";

    if (!a.text.zh.empty()) h += "<h2>协议正文</h2>\n<div class=text lang=\"zh-CN\">" + htmlEscape(a.text.zh) + "</div>\n";
    if (!a.text.en.empty()) h += "<h2>Text of the agreement</h2>\n<div class=text lang=\"en\">" + htmlEscape(a.text.en) + "</div>\n";

    h += "<h2>内容哈希 Content hash (BLAKE2b-256)</h2>\n<p class=mono>" + cer::toHex(doc.contentHash) + "</p>\n";
    h += "<footer>每位代表以其 Ed25519 私钥对上述内容哈希签名。可离线核验：<code>dockhall-admin agreement verify "
         "FILE.json</code><br>Each representative signed the content hash above with their own Ed25519 key. "
         "Verify offline with <code>dockhall-admin agreement verify FILE.json</code>; the fingerprints above "
         "must match the keys the representatives hold.</footer>\n</body>\n</html>\n";
    return h;
}

}  // namespace tools::admin
