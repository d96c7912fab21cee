// domain.cpp: names of the domain enums and UTF-8 validation for the wire.
#include "net/protocol/domain.h"

#include <array>

namespace net {

namespace {
constexpr std::array<const char*, size_t(Role::Count)> kRoleNames = {"attendee", "exhibitor", "university", "organizer", "speaker"};
constexpr std::array<const char*, size_t(OrgKind::Count)> kOrgKindNames = {"enterprise", "university", "institute", "association"};
constexpr std::array<const char*, size_t(ZoneKind::Count)> kZoneKindNames = {"enterprise", "university", "stage", "meeting"};

template <typename E, size_t N>
bool parseName(const std::array<const char*, N>& names, const std::string& s, E& out) {
    for (size_t i = 0; i < N; ++i)
        if (s == names[i]) { out = E(i); return true; }
    return false;
}
}  // namespace

const char* roleName(Role r) { return size_t(r) < kRoleNames.size() ? kRoleNames[size_t(r)] : "?"; }
bool parseRole(const std::string& s, Role& out) { return parseName(kRoleNames, s, out); }
const char* orgKindName(OrgKind k) { return size_t(k) < kOrgKindNames.size() ? kOrgKindNames[size_t(k)] : "?"; }
bool parseOrgKind(const std::string& s, OrgKind& out) { return parseName(kOrgKindNames, s, out); }
const char* zoneKindName(ZoneKind k) { return size_t(k) < kZoneKindNames.size() ? kZoneKindNames[size_t(k)] : "?"; }
bool parseZoneKind(const std::string& s, ZoneKind& out) { return parseName(kZoneKindNames, s, out); }

bool isCleanUtf8(const char* str, size_t n, bool allowNewline) {
    const auto* s = reinterpret_cast<const unsigned char*>(str);
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c < 0x20 && !(allowNewline && (c == '\n' || c == '\t'))) return false;
            if (c == 0x7f) return false;
            ++i;
            continue;
        }
        int len;
        uint32_t cp;
        if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
        else return false;
        if (i + size_t(len) > n) return false;
        for (int k = 1; k < len; ++k) {
            unsigned cc = s[i + size_t(k)];
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        // Overlong forms, surrogates and out-of-range code points are invalid.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += size_t(len);
    }
    return true;
}

}  // namespace net
