// agreement.cpp: validation, canonical JSON, hashing, signatures and verification of
// agreements (agreement.h), on libsodium and nlohmann-json.
#include "server/ceremony/agreement.h"

#include <sodium.h>

#include <array>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "net/protocol/serialize.h"

namespace server::ceremony {

namespace {

using Json = nlohmann::json;

constexpr std::array<const char*, size_t(AgreementProblemCode::Count)> kProblemNames = {
    "empty-title", "empty-text", "too-long", "invalid-utf8", "too-few-parties", "too-many-parties",
    "empty-organization", "no-representative", "duplicate-representative", "bad-time"};
constexpr std::array<const char*, size_t(VerifyCode::Count)> kVerifyNames = {
    "invalid-agreement", "content-changed", "missing-signature", "signature-invalid",
    "key-unknown", "not-representative", "duplicate-signature"};

// --- validation helpers -----------------------------------------------------------------------
void problem(std::vector<AgreementProblem>& out, AgreementProblemCode code, int party, std::string zh, std::string en) {
    out.push_back({code, party, std::move(zh), std::move(en)});
}

void checkText(std::vector<AgreementProblem>& out, int party, const std::string& s, uint32_t maxBytes,
               bool allowNewline, const char* whatZh, const char* whatEn) {
    if (s.size() > maxBytes) {
        problem(out, AgreementProblemCode::TooLong, party,
                std::string(whatZh) + "过长（最多 " + std::to_string(maxBytes) + " 字节），请删减",
                std::string(whatEn) + " is too long (at most " + std::to_string(maxBytes) + " bytes); shorten it");
    } else if (!net::isCleanUtf8(s.data(), s.size(), allowNewline)) {
        problem(out, AgreementProblemCode::InvalidUtf8, party,
                std::string(whatZh) + "不是有效的 UTF-8 文本或含有控制字符，请重新输入",
                std::string(whatEn) + " is not valid UTF-8 or holds control characters; type it again");
    }
}

void checkLocal(std::vector<AgreementProblem>& out, int party, const net::LocalText& t, uint32_t maxBytes,
                bool allowNewline, const char* whatZh, const char* whatEn) {
    checkText(out, party, t.zh, maxBytes, allowNewline, whatZh, whatEn);
    checkText(out, party, t.en, maxBytes, allowNewline, whatZh, whatEn);
}

// --- verification helpers ---------------------------------------------------------------------
void verifyProblem(VerifyReport& r, VerifyCode code, int party, uint32_t account, std::string zh, std::string en) {
    r.problems.push_back({code, party, account, std::move(zh), std::move(en)});
}

int partyOf(const Agreement& a, uint32_t account) {
    for (size_t i = 0; i < a.parties.size(); ++i)
        if (a.parties[i].representative.account == account) return int(i);
    return -1;
}

// --- JSON reading helpers ---------------------------------------------------------------------
bool readString(const Json& obj, const char* key, std::string& out, std::string& error, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) {
        error = where + "." + key + ": missing or not a string";
        return false;
    }
    out = it->get<std::string>();
    return true;
}

template <typename Int>
bool readInt(const Json& obj, const char* key, Int& out, std::string& error, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer()) {
        error = where + "." + key + ": missing or not an integer";
        return false;
    }
    const int64_t v = it->is_number_unsigned() ? int64_t(it->get<uint64_t>()) : it->get<int64_t>();
    if (v < int64_t(std::numeric_limits<Int>::min()) ||
        (v > 0 && uint64_t(v) > uint64_t(std::numeric_limits<Int>::max()))) {
        error = where + "." + key + ": out of range";
        return false;
    }
    out = Int(v);
    return true;
}

bool readLocal(const Json& obj, const char* key, net::LocalText& out, std::string& error, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_object()) {
        error = where + "." + key + ": missing or not an object with \"zh\" and \"en\"";
        return false;
    }
    const std::string w = where + "." + key;
    return readString(*it, "zh", out.zh, error, w) && readString(*it, "en", out.en, error, w);
}

template <size_t N>
bool readHex(const Json& obj, const char* key, std::array<uint8_t, N>& out, std::string& error, const std::string& where) {
    std::string hex;
    if (!readString(obj, key, hex, error, where)) return false;
    if (!fromHex(hex, out)) {
        error = where + "." + key + ": expected " + std::to_string(N * 2) + " hex digits";
        return false;
    }
    return true;
}

bool readParty(const Json& j, Party& p, std::string& error, const std::string& where) {
    if (!j.is_object()) {
        error = where + ": not an object";
        return false;
    }
    std::string kind, role;
    if (!readString(j, "kind", kind, error, where) || !readString(j, "role", role, error, where)) return false;
    if (!net::parseOrgKind(kind, p.kind)) {
        error = where + ".kind: \"" + kind + "\" is not enterprise, university, institute or association";
        return false;
    }
    if (!parsePartyRole(role, p.role)) {
        error = where + ".role: \"" + role + "\" is not party or witness";
        return false;
    }
    if (!readLocal(j, "organization", p.organization, error, where)) return false;
    auto rep = j.find("representative");
    if (rep == j.end() || !rep->is_object()) {
        error = where + ".representative: missing or not an object";
        return false;
    }
    return readInt(*rep, "account", p.representative.account, error, where + ".representative") &&
           readString(*rep, "name", p.representative.name, error, where + ".representative");
}

bool readAgreement(const Json& j, Agreement& a, std::string& error) {
    const std::string where = "agreement";
    if (!j.is_object()) {
        error = "agreement: missing or not an object";
        return false;
    }
    std::string format;
    if (!readString(j, "format", format, error, where)) return false;
    if (format != kAgreementFormat) {
        error = "agreement.format: \"" + format + "\" is not " + std::string(kAgreementFormat);
        return false;
    }
    if (!readInt(j, "id", a.id, error, where) || !readInt(j, "createdMs", a.createdMs, error, where) ||
        !readLocal(j, "title", a.title, error, where) || !readLocal(j, "text", a.text, error, where))
        return false;
    auto parties = j.find("parties");
    if (parties == j.end() || !parties->is_array()) {
        error = "agreement.parties: missing or not a list";
        return false;
    }
    a.parties.clear();
    for (size_t i = 0; i < parties->size(); ++i) {
        Party p;
        if (!readParty((*parties)[i], p, error, "agreement.parties[" + std::to_string(i) + "]")) return false;
        a.parties.push_back(std::move(p));
    }
    return true;
}

}  // namespace

// --- names -----------------------------------------------------------------------------------
const char* agreementProblemName(AgreementProblemCode c) { return size_t(c) < kProblemNames.size() ? kProblemNames[size_t(c)] : "?"; }
const char* verifyCodeName(VerifyCode c) { return size_t(c) < kVerifyNames.size() ? kVerifyNames[size_t(c)] : "?"; }

std::string partyLabel(const Agreement& a, size_t i, bool chinese) {
    if (i >= a.parties.size()) return chinese ? "未知一方" : "unknown party";
    const Party& p = a.parties[i];
    std::string names = p.organization.zh;
    if (!p.organization.en.empty()) names += (names.empty() ? "" : " / ") + p.organization.en;
    if (chinese)
        return std::string(p.role == PartyRole::Witness ? "见证方 " : "第 ") + std::to_string(i + 1) +
               (p.role == PartyRole::Witness ? "" : " 方") + "（" + names + "）";
    return std::string(p.role == PartyRole::Witness ? "witness " : "party ") + std::to_string(i + 1) + " (" + names + ")";
}

// --- validation ------------------------------------------------------------------------------
std::vector<AgreementProblem> validateAgreement(const Agreement& a) {
    std::vector<AgreementProblem> out;
    if (a.title.zh.empty() && a.title.en.empty())
        problem(out, AgreementProblemCode::EmptyTitle, -1, "协议没有标题，请填写中文或英文标题",
                "the agreement has no title; give it one in Chinese or English");
    checkLocal(out, -1, a.title, kMaxAgreementTitleBytes, false, "协议标题", "the title");
    if (a.text.zh.empty() && a.text.en.empty())
        problem(out, AgreementProblemCode::EmptyText, -1, "协议没有正文，请填写中文或英文正文",
                "the agreement has no text; write it in Chinese or English");
    checkLocal(out, -1, a.text, kMaxAgreementTextBytes, true, "协议正文", "the text");
    if (a.createdMs < 0)
        problem(out, AgreementProblemCode::BadTime, -1, "协议的创建时间无效", "the agreement's created time is invalid");

    size_t signingParties = 0;
    std::set<uint32_t> accounts;
    for (size_t i = 0; i < a.parties.size(); ++i) {
        const Party& p = a.parties[i];
        const int pi = int(i);
        if (p.role == PartyRole::Party) ++signingParties;
        if (p.organization.zh.empty() && p.organization.en.empty())
            problem(out, AgreementProblemCode::EmptyOrganization, pi,
                    "第 " + std::to_string(i + 1) + " 方没有机构名称，请填写",
                    "party " + std::to_string(i + 1) + " has no organization name; fill it in");
        checkLocal(out, pi, p.organization, kMaxOrganizationBytes, false, "机构名称", "the organization's name");
        checkText(out, pi, p.representative.name, kMaxRepresentativeNameBytes, false, "代表姓名", "the representative's name");
        if (p.representative.account == 0 || p.representative.name.empty()) {
            problem(out, AgreementProblemCode::NoRepresentative, pi,
                    partyLabel(a, i, true) + "没有指定签约代表，请选择一位参会者",
                    partyLabel(a, i, false) + " has no representative; choose a participant to sign");
        } else if (!accounts.insert(p.representative.account).second) {
            problem(out, AgreementProblemCode::DuplicateRepresentative, pi,
                    partyLabel(a, i, true) + "的代表已代表另一方签约；每位代表只能代表一方",
                    partyLabel(a, i, false) + ": this representative already signs for another party; one person signs for one party");
        }
    }
    if (signingParties < 2)
        problem(out, AgreementProblemCode::TooFewParties, -1, "协议至少需要两个签约方（见证方不计）",
                "an agreement needs at least two signing parties (witnesses do not count)");
    if (a.parties.size() > kMaxParties)
        problem(out, AgreementProblemCode::TooManyParties, -1,
                "签约方和见证方最多 " + std::to_string(kMaxParties) + " 个",
                "at most " + std::to_string(kMaxParties) + " parties and witnesses together");
    return out;
}

// --- keys and signatures ---------------------------------------------------------------------
bool cryptoInit() { return sodium_init() >= 0; }

SigningKeyPair generateSigningKeyPair() {
    cryptoInit();
    SigningKeyPair kp;
    crypto_sign_keypair(kp.publicKey.data(), kp.secretKey.data());
    return kp;
}

SigningKeyPair signingKeyPairFromSeed(std::span<const uint8_t, 32> seed) {
    cryptoInit();
    SigningKeyPair kp;
    crypto_sign_seed_keypair(kp.publicKey.data(), kp.secretKey.data(), seed.data());
    return kp;
}

Signature signHash(const ContentHash& hash, const SecretKey& secretKey) {
    cryptoInit();
    Signature sig{};
    crypto_sign_detached(sig.data(), nullptr, hash.data(), hash.size(), secretKey.data());
    return sig;
}

bool verifySignature(const ContentHash& hash, const Signature& sig, const PublicKey& key) {
    cryptoInit();
    return crypto_sign_verify_detached(sig.data(), hash.data(), hash.size(), key.data()) == 0;
}

std::string toHex(std::span<const uint8_t> bytes) {
    std::string s(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(s.data(), s.size(), bytes.data(), bytes.size());
    s.pop_back();
    return s;
}

bool fromHex(std::string_view hex, std::span<uint8_t> out) {
    if (hex.size() != out.size() * 2) return false;
    size_t got = 0;
    return sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &got, nullptr) == 0 && got == out.size();
}

std::string keyFingerprint(const PublicKey& key) {
    cryptoInit();
    std::array<uint8_t, 32> h{};
    crypto_generichash(h.data(), h.size(), key.data(), key.size(), nullptr, 0);
    const std::string hex = toHex(std::span<const uint8_t>(h.data(), 16));
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 4) {
        if (i) out += ' ';
        out += hex.substr(i, 4);
    }
    return out;
}

// --- verification ----------------------------------------------------------------------------
VerifyReport verifySigned(const SignedAgreement& doc) {
    VerifyReport r;
    const Agreement& a = doc.agreement;
    for (const AgreementProblem& p : validateAgreement(a))
        verifyProblem(r, VerifyCode::InvalidAgreement, p.party, 0, "协议内容无效：" + p.zh, "the agreement is malformed: " + p.en);
    r.computedHash = contentHash(a);
    const bool changed = r.computedHash != doc.contentHash;
    if (changed)
        verifyProblem(r, VerifyCode::ContentChanged, -1, 0,
                      "协议内容与签署时的内容哈希不符：签署后标题、正文或签约方被改动过",
                      "the agreement does not match the content hash it was signed with: the title, text or "
                      "parties were changed after signing");

    std::vector<int> signaturesPerParty(a.parties.size(), 0);
    for (const AgreementSignature& s : doc.signatures) {
        const int party = partyOf(a, s.account);
        if (party < 0) {
            verifyProblem(r, VerifyCode::NotRepresentative, -1, s.account,
                          "账号 " + std::to_string(s.account) + " 的签名不属于任何签约方的代表",
                          "a signature by account " + std::to_string(s.account) + ", who represents no party");
            continue;
        }
        const std::string zhLabel = partyLabel(a, size_t(party), true), enLabel = partyLabel(a, size_t(party), false);
        if (++signaturesPerParty[size_t(party)] > 1) {
            verifyProblem(r, VerifyCode::DuplicateSignature, party, s.account, zhLabel + "有不止一个签名",
                          enLabel + " has more than one signature");
            continue;
        }
        auto registered = doc.keys.find(s.account);
        if (registered == doc.keys.end() || registered->second != s.publicKey) {
            verifyProblem(r, VerifyCode::KeyUnknown, party, s.account,
                          zhLabel + "的签名所用公钥（指纹 " + keyFingerprint(s.publicKey) + "）不是代表" +
                              a.parties[size_t(party)].representative.name + "登记的公钥",
                          enLabel + " signed with a key (fingerprint " + keyFingerprint(s.publicKey) +
                              ") that is not the registered key of " + a.parties[size_t(party)].representative.name);
            continue;
        }
        // When the content changed, a signature that still verifies over the recorded hash is
        // sound: the one problem is the content, already named above.
        const ContentHash& over = changed ? doc.contentHash : r.computedHash;
        if (!verifySignature(over, s.signature, s.publicKey))
            verifyProblem(r, VerifyCode::SignatureInvalid, party, s.account,
                          zhLabel + "的签名无效：签名被改动或伪造",
                          enLabel + ": the signature is invalid (altered or forged)");
    }
    for (size_t i = 0; i < a.parties.size(); ++i)
        if (signaturesPerParty[i] == 0)
            verifyProblem(r, VerifyCode::MissingSignature, int(i), a.parties[i].representative.account,
                          partyLabel(a, i, true) + "的代表" + a.parties[i].representative.name + "尚未签名",
                          partyLabel(a, i, false) + ": " + a.parties[i].representative.name + " has not signed");
    return r;
}

bool parseAgreementJson(std::string_view text, Agreement& out, std::string& error) {
    const Json j = Json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) {
        error = "agreement: not JSON";
        return false;
    }
    Agreement a;
    if (!readAgreement(j, a, error)) return false;
    out = std::move(a);
    return true;
}

// --- export file -----------------------------------------------------------------------------
std::string signedAgreementJson(const SignedAgreement& doc) {
    Json j = Json::object();
    j["format"] = kSignedAgreementFormat;
    j["agreement"] = Json::parse(canonicalJson(doc.agreement));
    j["contentHash"] = toHex(doc.contentHash);
    j["signedMs"] = doc.signedMs;
    Json sigs = Json::array();
    for (const AgreementSignature& s : doc.signatures)
        sigs.push_back({{"account", s.account}, {"publicKey", toHex(s.publicKey)},
                        {"signature", toHex(s.signature)}, {"signedMs", s.signedMs}});
    j["signatures"] = std::move(sigs);
    Json keys = Json::array();
    for (const auto& [account, key] : doc.keys)
        keys.push_back({{"account", account}, {"publicKey", toHex(key)}, {"fingerprint", keyFingerprint(key)}});
    j["keys"] = std::move(keys);
    return j.dump(2, ' ', false) + "\n";
}

bool parseSignedAgreement(std::string_view text, SignedAgreement& out, std::string& error) {
    const Json j = Json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = "not a JSON object (damaged, or not an exported agreement)";
        return false;
    }
    std::string format;
    if (!readString(j, "format", format, error, "file")) return false;
    if (format != kSignedAgreementFormat) {
        error = "file.format: \"" + format + "\" is not " + std::string(kSignedAgreementFormat);
        return false;
    }
    SignedAgreement doc;
    if (!readAgreement(j.contains("agreement") ? j["agreement"] : Json(), doc.agreement, error) ||
        !readHex(j, "contentHash", doc.contentHash, error, "file") || !readInt(j, "signedMs", doc.signedMs, error, "file"))
        return false;
    auto sigs = j.find("signatures");
    auto keys = j.find("keys");
    if (sigs == j.end() || !sigs->is_array() || keys == j.end() || !keys->is_array()) {
        error = "file: \"signatures\" and \"keys\" must be lists";
        return false;
    }
    for (size_t i = 0; i < sigs->size(); ++i) {
        const Json& s = (*sigs)[i];
        const std::string where = "signatures[" + std::to_string(i) + "]";
        AgreementSignature sig;
        if (!s.is_object() || !readInt(s, "account", sig.account, error, where) ||
            !readHex(s, "publicKey", sig.publicKey, error, where) || !readHex(s, "signature", sig.signature, error, where) ||
            !readInt(s, "signedMs", sig.signedMs, error, where)) {
            if (!s.is_object()) error = where + ": not an object";
            return false;
        }
        doc.signatures.push_back(sig);
    }
    for (size_t i = 0; i < keys->size(); ++i) {
        const Json& k = (*keys)[i];
        const std::string where = "keys[" + std::to_string(i) + "]";
        uint32_t account = 0;
        PublicKey key{};
        if (!k.is_object() || !readInt(k, "account", account, error, where) || !readHex(k, "publicKey", key, error, where)) {
            if (!k.is_object()) error = where + ": not an object";
            return false;
        }
        if (!doc.keys.emplace(account, key).second) {
            error = where + ": account " + std::to_string(account) + " has two keys";
            return false;
        }
    }
    out = std::move(doc);
    return true;
}

}  // namespace server::ceremony
