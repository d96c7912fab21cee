// fixture.h: a fixed three-party agreement (an enterprise, a university, an association as
// witness; names in simplified and traditional Chinese and in English) and deterministic keys
// for its representatives, shared by the ceremony tests.
#pragma once

#include <array>
#include <cstdint>

#include "server/ceremony/agreement.h"

namespace fixture {

namespace cer = server::ceremony;

constexpr uint32_t kEnterpriseRep = 101;  // 王建国, 宁夏力成电气集团有限公司
constexpr uint32_t kUniversityRep = 202;  // 李晓梅, 寧夏大學 (traditional script on purpose)
constexpr uint32_t kWitnessRep = 303;     // 马东, 银川市企业科技创新服务协会
constexpr uint32_t kOrganizer = 1;
constexpr uint32_t kAttendee = 404;
constexpr int64_t kCreatedMs = 1717464600000;  // 2024-06-04 01:30 UTC (09:30 in Yinchuan)

inline cer::Agreement agreement() {
    cer::Agreement a;
    a.id = 7;
    a.title = {"石墨烯在化学纤维中的应用 产学研合作框架协议",
               "Framework agreement on graphene in chemical fibres"};
    a.parties = {
        {cer::PartyRole::Party, {"宁夏力成电气集团有限公司", "Ningxia Licheng Electric Group Co., Ltd."},
         net::OrgKind::Enterprise, {kEnterpriseRep, "王建国"}},
        {cer::PartyRole::Party, {"寧夏大學機械工程學院", "School of Mechanical Engineering, Ningxia University"},
         net::OrgKind::University, {kUniversityRep, "李晓梅"}},
        {cer::PartyRole::Witness, {"银川市企业科技创新服务协会", "Yinchuan Enterprise Technology Innovation Service Association"},
         net::OrgKind::Association, {kWitnessRep, "马东"}},
    };
    a.text = {"甲乙双方就“石墨烯在化学纤维中的应用”开展联合研发。\n第一条 合作期限三年。\n第二条 成果归属按贡献协商。",
              "The parties will jointly research \"graphene in chemical fibres\".\nArticle 1. The term is three years.\n"
              "Article 2. Results are shared by contribution, as agreed."};
    a.createdMs = kCreatedMs;
    return a;
}

// Key pairs from fixed seeds: the same keys on every run.
inline cer::SigningKeyPair keyFor(uint32_t account) {
    std::array<uint8_t, 32> seed{};
    for (size_t i = 0; i < seed.size(); ++i) seed[i] = uint8_t(account * 31 + i);
    return cer::signingKeyPairFromSeed(seed);
}

// The agreement fully signed by every representative, with the registered keys.
inline cer::SignedAgreement signedAgreement() {
    cer::SignedAgreement doc;
    doc.agreement = agreement();
    doc.contentHash = cer::contentHash(doc.agreement);
    int64_t t = kCreatedMs + 3'600'000;
    for (const cer::Party& p : doc.agreement.parties) {
        const cer::SigningKeyPair kp = keyFor(p.representative.account);
        doc.signatures.push_back({p.representative.account, kp.publicKey, cer::signHash(doc.contentHash, kp.secretKey), t});
        doc.keys[p.representative.account] = kp.publicKey;
        doc.signedMs = t;
        t += 60'000;
    }
    return doc;
}

}  // namespace fixture
