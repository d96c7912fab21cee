// agreement.cpp: the canonical form and content hash of an agreement (agreement.h).
#include "net/protocol/agreement.h"

#include <sodium.h>

#include <array>
#include <cstdio>

namespace net {

namespace {

constexpr std::array<const char*, size_t(PartyRole::Count)> kPartyRoleNames = {"party", "witness"};

// --- canonical writer (RFC 8785 escaping; strings otherwise byte for byte) --------------------
void writeString(std::string& out, std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\f': out += "\\f"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
                    out += buf;
                } else {
                    out += char(c);
                }
        }
    }
    out += '"';
}

void writeKey(std::string& out, std::string_view key, bool first) {
    if (!first) out += ',';
    writeString(out, key);
    out += ':';
}

void writeLocalText(std::string& out, const LocalText& t) {
    out += '{';
    writeKey(out, "en", true);
    writeString(out, t.en);
    writeKey(out, "zh", false);
    writeString(out, t.zh);
    out += '}';
}

// Keys in each object are written in byte order: the order below is sorted by hand.
void writeParty(std::string& out, const Party& p) {
    out += '{';
    writeKey(out, "kind", true);
    writeString(out, orgKindName(p.kind));
    writeKey(out, "organization", false);
    writeLocalText(out, p.organization);
    writeKey(out, "representative", false);
    out += '{';
    writeKey(out, "account", true);
    out += std::to_string(p.representative.account);
    writeKey(out, "name", false);
    writeString(out, p.representative.name);
    out += '}';
    writeKey(out, "role", false);
    writeString(out, partyRoleName(p.role));
    out += '}';
}

}  // namespace

const char* partyRoleName(PartyRole r) { return size_t(r) < kPartyRoleNames.size() ? kPartyRoleNames[size_t(r)] : "?"; }

bool parsePartyRole(std::string_view s, PartyRole& out) {
    for (size_t i = 0; i < kPartyRoleNames.size(); ++i)
        if (s == kPartyRoleNames[i]) { out = PartyRole(i); return true; }
    return false;
}

// --- canonical form --------------------------------------------------------------------------
std::string canonicalJson(const Agreement& a) {
    std::string out;
    out.reserve(512 + a.text.zh.size() + a.text.en.size());
    out += '{';
    writeKey(out, "createdMs", true);
    out += std::to_string(a.createdMs);
    writeKey(out, "format", false);
    writeString(out, kAgreementFormat);
    writeKey(out, "id", false);
    out += std::to_string(a.id);
    writeKey(out, "parties", false);
    out += '[';
    for (size_t i = 0; i < a.parties.size(); ++i) {
        if (i) out += ',';
        writeParty(out, a.parties[i]);
    }
    out += ']';
    writeKey(out, "text", false);
    writeLocalText(out, a.text);
    writeKey(out, "title", false);
    writeLocalText(out, a.title);
    out += '}';
    return out;
}

ContentHash contentHash(const Agreement& a) {
    if (sodium_init() < 0) return {};  // no entropy source: nothing hashes (never on Linux)
    const std::string bytes = canonicalJson(a);
    ContentHash h{};
    crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr, 0);
    return h;
}

}  // namespace net
