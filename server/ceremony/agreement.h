// agreement.h: the agreement signed at a ceremony, its canonical form, content hash,
// Ed25519 signatures, and offline verification of a signed agreement.
//
// What is signed. An Agreement (id, title, parties with their representatives, text, created
// time) is written as canonical JSON (canonicalJson: sorted keys, no whitespace, integers only,
// strings byte for byte as given; docs/agreements.md spells it out). Its content hash is
// BLAKE2b-256 of those bytes; each representative signs the 32 hash bytes with Ed25519
// (crypto_sign_detached). Nothing else is signed: not the signatures, not the keys.
//
// Verification (verifySigned) names every problem at once, each with the party it concerns
// and a sentence in Chinese and English:
//
//   SignedAgreement doc;
//   std::string error;
//   if (!parseSignedAgreement(fileText, doc, error)) fail(error);
//   VerifyReport r = verifySigned(doc);
//   for (const VerifyProblem& p : r.problems) print(p.en);
//
// Pure: no files, no clock, no sockets. libsodium for hashing and signatures.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/protocol/agreement.h"
#include "net/protocol/domain.h"

namespace server::ceremony {

// The agreement itself, its canonical form and content hash are shared with the client
// (net/protocol/agreement.h): the client hashes what it shows before it signs.
using net::Agreement;
using net::ContentHash;
using net::kAgreementFormat;
using net::kHashBytes;
using net::kMaxAgreementTextBytes;
using net::kMaxAgreementTitleBytes;
using net::kMaxOrganizationBytes;
using net::kMaxParties;
using net::kMaxRepresentativeNameBytes;
using net::parsePartyRole;
using net::Party;
using net::PartyRole;
using net::partyRoleName;
using net::Representative;

constexpr size_t kPublicKeyBytes = 32;   // Ed25519
constexpr size_t kSecretKeyBytes = 64;   // Ed25519 in libsodium's form (seed + public key)
constexpr size_t kSignatureBytes = 64;   // Ed25519

using PublicKey = std::array<uint8_t, kPublicKeyBytes>;
using SecretKey = std::array<uint8_t, kSecretKeyBytes>;
using Signature = std::array<uint8_t, kSignatureBytes>;

// The format tag of an exported signed agreement (signedAgreementJson).
constexpr std::string_view kSignedAgreementFormat = "dockhall-signed-agreement-1";

// --- validation -------------------------------------------------------------------------------
enum class AgreementProblemCode : uint8_t {
    EmptyTitle,               // no title in either language
    EmptyText,                // no text in either language
    TooLong,                  // a text over its limit
    InvalidUtf8,              // a text is not valid UTF-8, or has control characters
    TooFewParties,            // fewer than two parties with role "party"
    TooManyParties,           // more than kMaxParties
    EmptyOrganization,        // a party without a name in either language
    NoRepresentative,         // a party without a representative (account 0 or no name)
    DuplicateRepresentative,  // one account named for two parties
    BadTime,                  // created time negative
    Count
};
const char* agreementProblemName(AgreementProblemCode c);  // "empty-title", ...

struct AgreementProblem {
    AgreementProblemCode code = AgreementProblemCode::EmptyTitle;
    int party = -1;  // index into parties, or -1
    std::string zh, en;
};

// Every problem at once; empty when the agreement can be signed.
std::vector<AgreementProblem> validateAgreement(const Agreement& a);

// "party 2 (宁夏大学 / Ningxia University)" style label of parties[i], for messages.
std::string partyLabel(const Agreement& a, size_t i, bool chinese);

// --- canonical form and hash (net/protocol/agreement.h) --------------------------------------
using net::canonicalJson;
using net::contentHash;

// Reads an agreement back from its canonical JSON (as the store keeps it). False with a message
// naming the field otherwise.
bool parseAgreementJson(std::string_view json, Agreement& out, std::string& error);

// --- keys and signatures ----------------------------------------------------------------------
// False only if libsodium cannot start (no entropy source).
bool cryptoInit();

struct SigningKeyPair {
    PublicKey publicKey{};
    SecretKey secretKey{};
};
SigningKeyPair generateSigningKeyPair();
// The key pair a 32-byte seed determines (tests, and key files that keep only the seed).
SigningKeyPair signingKeyPairFromSeed(std::span<const uint8_t, 32> seed);

Signature signHash(const ContentHash& hash, const SecretKey& secretKey);
bool verifySignature(const ContentHash& hash, const Signature& sig, const PublicKey& key);

std::string toHex(std::span<const uint8_t> bytes);               // lowercase
bool fromHex(std::string_view hex, std::span<uint8_t> out);      // exact length; either case
// A public key's fingerprint for people: BLAKE2b-256 of the key, first 16 bytes, as eight
// groups of four hex digits ("3f2a 9c01 ...").
std::string keyFingerprint(const PublicKey& key);

// --- signed agreement -------------------------------------------------------------------------
struct AgreementSignature {
    uint32_t account = 0;   // who signed (a representative's account)
    PublicKey publicKey{};  // the key that made the signature
    Signature signature{};
    int64_t signedMs = 0;
};

// The public keys the server had registered, by account.
using KeyRegistry = std::map<uint32_t, PublicKey>;

struct SignedAgreement {
    Agreement agreement;
    ContentHash contentHash{};  // as recorded when it was signed
    std::vector<AgreementSignature> signatures;
    KeyRegistry keys;           // the registered key of every representative
    int64_t signedMs = 0;       // when the last signature made it complete; 0 if not complete
};

enum class VerifyCode : uint8_t {
    InvalidAgreement,    // the agreement itself is malformed (see the message)
    ContentChanged,      // the agreement no longer matches its content hash: text or parties changed
    MissingSignature,    // a party's representative has not signed
    SignatureInvalid,    // a signature does not verify over the content hash: altered or forged
    KeyUnknown,          // signed with a key that is not the registered key of that representative
    NotRepresentative,   // a signature by an account that represents no party
    DuplicateSignature,  // two signatures for one party
    Count
};
const char* verifyCodeName(VerifyCode c);  // "content-changed", ...

struct VerifyProblem {
    VerifyCode code = VerifyCode::InvalidAgreement;
    int party = -1;        // index into agreement.parties, or -1
    uint32_t account = 0;  // the signer concerned, or 0
    std::string zh, en;
};

struct VerifyReport {
    ContentHash computedHash{};  // the hash of the agreement as it reads now
    std::vector<VerifyProblem> problems;
    bool ok() const { return problems.empty(); }
};

// Checks the recorded hash against the agreement, and every party's signature against the
// hash and that representative's registered key.
VerifyReport verifySigned(const SignedAgreement& doc);

// The export file: indented JSON for people, with the canonical agreement inside as an object.
std::string signedAgreementJson(const SignedAgreement& doc);
// Reads an export file. False with a message naming the field when it is not one.
bool parseSignedAgreement(std::string_view json, SignedAgreement& out, std::string& error);

}  // namespace server::ceremony
