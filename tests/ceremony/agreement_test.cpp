// agreement_test.cpp: the agreement's canonical form and content hash (stable, byte exact,
// bilingual), validation, and offline verification naming exactly what was changed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/ceremony/agreement.h"
#include "tests/ceremony/fixture.h"

namespace {

namespace cer = server::ceremony;

bool hasCode(const cer::VerifyReport& r, cer::VerifyCode c, int party) {
    for (const auto& p : r.problems)
        if (p.code == c && p.party == party) return true;
    return false;
}

// --- canonical form --------------------------------------------------------------------------

TEST(Canonical, SmallAgreementIsExactlyTheDocumentedBytes) {
    cer::Agreement a;
    a.id = 3;
    a.title = {"协议", "Pact"};
    a.parties = {{cer::PartyRole::Party, {"甲", "A"}, net::OrgKind::Enterprise, {11, "张"}},
                 {cer::PartyRole::Witness, {"乙", ""}, net::OrgKind::Association, {12, "李"}}};
    a.text = {"第一条\n\"引号\"\\", ""};
    a.createdMs = 1700000000000;
    EXPECT_EQ(cer::canonicalJson(a),
              "{\"createdMs\":1700000000000,\"format\":\"dockhall-agreement-1\",\"id\":3,\"parties\":["
              "{\"kind\":\"enterprise\",\"organization\":{\"en\":\"A\",\"zh\":\"甲\"},"
              "\"representative\":{\"account\":11,\"name\":\"张\"},\"role\":\"party\"},"
              "{\"kind\":\"association\",\"organization\":{\"en\":\"\",\"zh\":\"乙\"},"
              "\"representative\":{\"account\":12,\"name\":\"李\"},\"role\":\"witness\"}],"
              "\"text\":{\"en\":\"\",\"zh\":\"第一条\\n\\\"引号\\\"\\\\\"},\"title\":{\"en\":\"Pact\",\"zh\":\"协议\"}}");
}

TEST(Canonical, IsSortedCompactJsonThatReadsBackToTheSameBytes) {
    const std::string c = cer::canonicalJson(fixture::agreement());
    const nlohmann::json j = nlohmann::json::parse(c);  // nlohmann keeps keys sorted
    EXPECT_EQ(j.dump(), c);
    EXPECT_EQ(j["parties"][1]["organization"]["zh"], "寧夏大學機械工程學院");
}

TEST(Canonical, GoldenHashOfTheFixedAgreement) {
    // If this changes, every agreement ever signed stops verifying: the canonical form is frozen.
    // The same value comes out of Python with no Dockhall code at all (docs/agreements.md):
    // blake2b(json.dumps(a, sort_keys=True, separators=(",", ":"), ensure_ascii=False), 32 bytes).
    EXPECT_EQ(cer::toHex(cer::contentHash(fixture::agreement())),
              "b99e06f89538726305314121a713991a747c5e77ce48514b3828738cb54ec384");
}

TEST(Canonical, ControlCharactersAreEscapedTheRfc8785Way) {
    cer::Agreement a = fixture::agreement();
    a.text.en = std::string("a\tb\x01") + "c\r";
    const std::string c = cer::canonicalJson(a);
    EXPECT_NE(c.find("\"a\\tb\\u0001c\\r\""), std::string::npos) << c;
}

TEST(Canonical, TextIsTakenByteForByteNotFolded) {
    // 宁夏 (simplified) and 寧夏 (traditional) are different text: they must hash differently.
    cer::Agreement simplified = fixture::agreement();
    simplified.parties[1].organization.zh = "宁夏大学机械工程学院";
    EXPECT_NE(cer::contentHash(simplified), cer::contentHash(fixture::agreement()));
    // Any field counts: the representative's account, the order of parties, the time.
    cer::Agreement other = fixture::agreement();
    other.parties[0].representative.account += 1;
    EXPECT_NE(cer::contentHash(other), cer::contentHash(fixture::agreement()));
    other = fixture::agreement();
    std::swap(other.parties[0], other.parties[1]);
    EXPECT_NE(cer::contentHash(other), cer::contentHash(fixture::agreement()));
    other = fixture::agreement();
    other.createdMs += 1;
    EXPECT_NE(cer::contentHash(other), cer::contentHash(fixture::agreement()));
}

// --- validation ------------------------------------------------------------------------------

TEST(Validate, TheFixtureIsValid) { EXPECT_TRUE(cer::validateAgreement(fixture::agreement()).empty()); }

TEST(Validate, NamesEveryProblemWithThePartyInBothLanguages) {
    cer::Agreement a = fixture::agreement();
    a.title = {};
    a.parties[1].role = cer::PartyRole::Witness;     // one signing party left
    a.parties[2].representative.account = fixture::kEnterpriseRep;
    a.parties[0].organization.en = std::string("bad\xff", 4);
    const auto problems = cer::validateAgreement(a);
    auto has = [&](cer::AgreementProblemCode c, int party) {
        for (const auto& p : problems)
            if (p.code == c && p.party == party && !p.zh.empty() && !p.en.empty()) return true;
        return false;
    };
    EXPECT_TRUE(has(cer::AgreementProblemCode::EmptyTitle, -1));
    EXPECT_TRUE(has(cer::AgreementProblemCode::TooFewParties, -1));
    EXPECT_TRUE(has(cer::AgreementProblemCode::DuplicateRepresentative, 2));
    EXPECT_TRUE(has(cer::AgreementProblemCode::InvalidUtf8, 0));
    EXPECT_EQ(problems.size(), 4u);
}

TEST(Validate, APartyNeedsARepresentativeAndAName) {
    cer::Agreement a = fixture::agreement();
    a.parties[1].representative = {};
    a.parties[2].organization = {};
    const auto problems = cer::validateAgreement(a);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0].code, cer::AgreementProblemCode::NoRepresentative);
    EXPECT_EQ(problems[0].party, 1);
    EXPECT_NE(problems[0].zh.find("寧夏大學"), std::string::npos) << problems[0].zh;
    EXPECT_EQ(problems[1].code, cer::AgreementProblemCode::EmptyOrganization);
}

// --- signatures and verification -------------------------------------------------------------

TEST(Verify, AFullySignedAgreementVerifies) {
    const cer::SignedAgreement doc = fixture::signedAgreement();
    const cer::VerifyReport r = cer::verifySigned(doc);
    EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems[0].en);
    EXPECT_EQ(r.computedHash, doc.contentHash);
}

TEST(Verify, OneChangedByteInTheTextIsContentChangedAndNothingElse) {
    cer::SignedAgreement doc = fixture::signedAgreement();
    doc.agreement.text.en[4] = 'P';  // "The parties" -> "The Parties"
    const cer::VerifyReport r = cer::verifySigned(doc);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].code, cer::VerifyCode::ContentChanged);
    EXPECT_NE(r.problems[0].en.find("changed after signing"), std::string::npos);
    EXPECT_NE(r.problems[0].zh.find("改动"), std::string::npos);
}

TEST(Verify, ChangedTextWithARecomputedHashBreaksEverySignature) {
    cer::SignedAgreement doc = fixture::signedAgreement();
    doc.agreement.text.zh = fixture::agreement().text.zh + "补充";
    doc.contentHash = cer::contentHash(doc.agreement);
    const cer::VerifyReport r = cer::verifySigned(doc);
    ASSERT_EQ(r.problems.size(), 3u);
    for (int party = 0; party < 3; ++party) EXPECT_TRUE(hasCode(r, cer::VerifyCode::SignatureInvalid, party));
}

TEST(Verify, OneChangedByteInASignatureNamesThatParty) {
    cer::SignedAgreement doc = fixture::signedAgreement();
    doc.signatures[1].signature[10] ^= 0x01;
    const cer::VerifyReport r = cer::verifySigned(doc);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].code, cer::VerifyCode::SignatureInvalid);
    EXPECT_EQ(r.problems[0].party, 1);
    EXPECT_EQ(r.problems[0].account, fixture::kUniversityRep);
    EXPECT_NE(r.problems[0].en.find("Ningxia University"), std::string::npos) << r.problems[0].en;
    EXPECT_NE(r.problems[0].zh.find("寧夏大學"), std::string::npos) << r.problems[0].zh;
}

TEST(Verify, ASignatureByAnUnregisteredKeyIsKeyUnknown) {
    cer::SignedAgreement doc = fixture::signedAgreement();
    // A forger signs with their own key: the signature itself is sound, the key is not theirs.
    const cer::SigningKeyPair forger = fixture::keyFor(999);
    doc.signatures[0].publicKey = forger.publicKey;
    doc.signatures[0].signature = cer::signHash(doc.contentHash, forger.secretKey);
    cer::VerifyReport r = cer::verifySigned(doc);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].code, cer::VerifyCode::KeyUnknown);
    EXPECT_EQ(r.problems[0].party, 0);
    // No key registered at all for the witness.
    doc = fixture::signedAgreement();
    doc.keys.erase(fixture::kWitnessRep);
    r = cer::verifySigned(doc);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_TRUE(hasCode(r, cer::VerifyCode::KeyUnknown, 2));
}

TEST(Verify, MissingDuplicateAndStraySignaturesAreNamed) {
    cer::SignedAgreement doc = fixture::signedAgreement();
    doc.signatures.erase(doc.signatures.begin() + 2);  // the witness never signed
    cer::VerifyReport r = cer::verifySigned(doc);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_TRUE(hasCode(r, cer::VerifyCode::MissingSignature, 2));
    EXPECT_NE(r.problems[0].en.find("马东 has not signed"), std::string::npos) << r.problems[0].en;

    doc = fixture::signedAgreement();
    doc.signatures.push_back(doc.signatures[0]);
    const cer::SigningKeyPair stranger = fixture::keyFor(fixture::kAttendee);
    doc.signatures.push_back({fixture::kAttendee, stranger.publicKey, cer::signHash(doc.contentHash, stranger.secretKey), 0});
    r = cer::verifySigned(doc);
    ASSERT_EQ(r.problems.size(), 2u);
    EXPECT_TRUE(hasCode(r, cer::VerifyCode::DuplicateSignature, 0));
    EXPECT_TRUE(hasCode(r, cer::VerifyCode::NotRepresentative, -1));
}

// --- export file -----------------------------------------------------------------------------

TEST(ExportFile, RoundTripsAndStillVerifies) {
    const cer::SignedAgreement doc = fixture::signedAgreement();
    const std::string text = cer::signedAgreementJson(doc);
    cer::SignedAgreement back;
    std::string error;
    ASSERT_TRUE(cer::parseSignedAgreement(text, back, error)) << error;
    EXPECT_EQ(cer::canonicalJson(back.agreement), cer::canonicalJson(doc.agreement));
    EXPECT_EQ(back.contentHash, doc.contentHash);
    EXPECT_EQ(back.signatures.size(), 3u);
    EXPECT_EQ(back.keys, doc.keys);
    EXPECT_EQ(back.signedMs, doc.signedMs);
    EXPECT_TRUE(cer::verifySigned(back).ok());
    EXPECT_NE(text.find("寧夏大學機械工程學院"), std::string::npos);  // readable, not \u-escaped
}

TEST(ExportFile, BadFilesAreRefusedNamingTheField) {
    const nlohmann::json good = nlohmann::json::parse(cer::signedAgreementJson(fixture::signedAgreement()));
    auto refuse = [](const nlohmann::json& j) {
        cer::SignedAgreement out;
        std::string error;
        EXPECT_FALSE(cer::parseSignedAgreement(j.dump(), out, error));
        return error;
    };
    cer::SignedAgreement out;
    std::string error;
    EXPECT_FALSE(cer::parseSignedAgreement("{ not json", out, error));
    EXPECT_FALSE(error.empty());
    nlohmann::json j = good;
    j["signatures"][0]["signature"] = "00ff";
    EXPECT_NE(refuse(j).find("signatures[0].signature"), std::string::npos);
    j = good;
    j["agreement"]["createdMs"] = 1.5;
    EXPECT_NE(refuse(j).find("agreement.createdMs"), std::string::npos);
    j = good;
    j["agreement"]["parties"][1]["role"] = "observer";
    EXPECT_NE(refuse(j).find("agreement.parties[1].role"), std::string::npos);
    j = good;
    j["agreement"]["format"] = "dockhall-agreement-0";
    EXPECT_NE(refuse(j).find("agreement.format"), std::string::npos);
    j = good;
    j["agreement"]["parties"][0]["representative"]["account"] = -4;
    EXPECT_NE(refuse(j).find("account"), std::string::npos);
}

TEST(Keys, FingerprintIsEightGroupsOfFourHexDigits) {
    const std::string f = cer::keyFingerprint(fixture::keyFor(fixture::kEnterpriseRep).publicKey);
    EXPECT_EQ(f.size(), 8u * 4 + 7);
    EXPECT_EQ(f[4], ' ');
    EXPECT_NE(f, cer::keyFingerprint(fixture::keyFor(fixture::kUniversityRep).publicKey));
}

}  // namespace
