// agreement.h: the agreement signed at a ceremony as client and server both see it: its fields,
// its canonical form and its content hash, and its layout on the wire.
//
// What is signed. An Agreement (id, title, parties with their representatives, text, created
// time) is written as canonical JSON (canonicalJson: sorted keys, no whitespace, integers only,
// strings byte for byte as given; docs/agreements.md spells it out). Its content hash is
// BLAKE2b-256 of those bytes; each representative signs the 32 hash bytes with Ed25519. The
// client computes the hash itself from the agreement it was shown, so it signs what its reader
// read, not a number the server handed it.
//
// Validation, signatures and verification live in server/ceremony/agreement.h. Pure: libsodium
// for the hash, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/protocol/domain.h"
#include "net/protocol/serialize.h"

namespace net {

constexpr size_t kHashBytes = 32;  // BLAKE2b-256
using ContentHash = std::array<uint8_t, kHashBytes>;

// The format tag inside the canonical form; a new canonical form gets a new tag.
constexpr std::string_view kAgreementFormat = "dockhall-agreement-1";

// --- limits (bytes of UTF-8) ------------------------------------------------------------------
constexpr uint32_t kMaxAgreementTitleBytes = 200;     // per language
constexpr uint32_t kMaxAgreementTextBytes = 65536;    // per language (~21000 CJK characters)
constexpr uint32_t kMaxOrganizationBytes = 160;       // per language
constexpr uint32_t kMaxRepresentativeNameBytes = 64;
constexpr uint32_t kMaxParties = 16;                  // parties and witnesses together

enum class PartyRole : uint8_t {
    Party,    // a signing party: an enterprise, a university, an institute
    Witness,  // signs as witness: an association, a government office
    Count
};
const char* partyRoleName(PartyRole r);                    // "party", "witness"
bool parsePartyRole(std::string_view s, PartyRole& out);

// The person who signs for an organization: a participant account and the name people see.
struct Representative {
    uint32_t account = 0;  // the account id the store assigned; 0 means "nobody"
    std::string name;      // 张伟 / Zhang Wei
};

struct Party {
    PartyRole role = PartyRole::Party;
    LocalText organization;  // 宁夏大学 / Ningxia University
    OrgKind kind = OrgKind::Enterprise;
    Representative representative;
};

struct Agreement {
    uint32_t id = 0;
    LocalText title;
    std::vector<Party> parties;   // in the order they appear on the agreement
    LocalText text;               // Chinese and/or English; line breaks allowed
    int64_t createdMs = 0;        // unix ms
};

// The canonical JSON bytes (docs/agreements.md). Deterministic for any input; meaningful for a
// valid agreement (server::ceremony::validateAgreement empty).
std::string canonicalJson(const Agreement& a);
ContentHash contentHash(const Agreement& a);  // BLAKE2b-256 of canonicalJson(a)

// --- wire ---------------------------------------------------------------------------------------
// Texts on the wire may be twice the limits above, so an over-long draft reaches the server and
// is refused in words (validateAgreement) rather than dropped as malformed.
template <typename S> bool serialize(S& s, Representative& v) {
    DH_SERIALIZE_U32(s, v.account);
    DH_SERIALIZE_STRING(s, v.name, kMaxRepresentativeNameBytes * 2);
    return true;
}
template <typename S> bool serialize(S& s, Party& v) {
    DH_SERIALIZE_INT(s, v.role, 0, int(PartyRole::Count) - 1);
    DH_SERIALIZE_STRING(s, v.organization.zh, kMaxOrganizationBytes * 2);
    DH_SERIALIZE_STRING(s, v.organization.en, kMaxOrganizationBytes * 2);
    DH_SERIALIZE_INT(s, v.kind, 0, int(OrgKind::Count) - 1);
    DH_SERIALIZE_OBJECT(s, v.representative);
    return true;
}
template <typename S> bool serialize(S& s, Agreement& v) {
    DH_SERIALIZE_U32(s, v.id);
    DH_SERIALIZE_STRING(s, v.title.zh, kMaxAgreementTitleBytes * 2);
    DH_SERIALIZE_STRING(s, v.title.en, kMaxAgreementTitleBytes * 2);
    DH_SERIALIZE_VECTOR(s, v.parties, kMaxParties);
    DH_SERIALIZE_TEXT(s, v.text.zh, kMaxAgreementTextBytes);
    DH_SERIALIZE_TEXT(s, v.text.en, kMaxAgreementTextBytes);
    uint64_t ms = uint64_t(v.createdMs);
    DH_SERIALIZE_U64(s, ms);
    if constexpr (S::kReading) v.createdMs = int64_t(ms);
    return true;
}

}  // namespace net
