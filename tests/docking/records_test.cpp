// Validation of needs and capabilities, and the organizer extending the taxonomy.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/docking/records.h"

using namespace server::docking;

namespace {

constexpr int64_t kNow = 1'760'000'000'000;  // some day in October 2025, in ms

TechNeed goodNeed() {
    TechNeed n;
    n.title.zh = "42CrMo曲轴锻件裂纹检测";
    n.fields = {"forging", "testing"};
    n.description.zh = "模锻后的曲轴内部存在微裂纹，需要在线检测方案。";
    n.budget = {200'000, 500'000};
    n.deadlineUnixMs = kNow + 86'400'000;
    n.contact = "王工 13800000000";
    return n;
}

Capability goodCapability() {
    Capability c;
    c.researchDirection.en = "Ultrasonic nondestructive testing of forgings";
    c.fields = {"testing"};
    c.readiness = 6;
    c.contact = "Prof. Li, ndt@univ.edu.cn";
    c.achievements.push_back({AchievementKind::Patent, {"一种锻件相控阵超声检测方法", ""}, "CN112345678A"});
    return c;
}

bool has(const std::vector<Problem>& p, ProblemCode code) {
    return std::any_of(p.begin(), p.end(), [&](const Problem& x) { return x.code == code; });
}

}  // namespace

TEST(DockingValidation, GoodPostsPass) {
    const Taxonomy t = defaultTaxonomy();
    EXPECT_TRUE(validateNeed(goodNeed(), t, kNow).empty());
    EXPECT_TRUE(validateCapability(goodCapability(), t).empty());
}

TEST(DockingValidation, EveryProblemSaysWhatInBothLanguages) {
    const Taxonomy t = defaultTaxonomy();
    TechNeed n = goodNeed();
    n.title = {};
    n.fields = {"forging", "alchemy", "forging"};
    n.deadlineUnixMs = kNow - 1;
    n.budget = {500'000, 200'000};
    n.description.en = std::string(kMaxPostTextBytes + 1, 'x');
    n.contact = "  ";
    n.orgKind = net::OrgKind::University;
    const std::vector<Problem> p = validateNeed(n, t, kNow);
    for (ProblemCode c : {ProblemCode::EmptyTitle, ProblemCode::UnknownField, ProblemCode::DuplicateField,
                          ProblemCode::DeadlinePast, ProblemCode::BadBudget, ProblemCode::TooLong,
                          ProblemCode::EmptyContact, ProblemCode::WrongOrgKind})
        EXPECT_TRUE(has(p, c)) << "missing problem " << static_cast<int>(c);
    for (const Problem& x : p) {
        EXPECT_FALSE(x.zh.empty());
        EXPECT_FALSE(x.en.empty());
        EXPECT_FALSE(x.what.empty());
    }
    const auto unknown = std::find_if(p.begin(), p.end(), [](const Problem& x) { return x.code == ProblemCode::UnknownField; });
    EXPECT_NE(unknown->en.find("alchemy"), std::string::npos);
    EXPECT_EQ(unknown->what, "fields[1]");
}

TEST(DockingValidation, NeedLimits) {
    const Taxonomy t = defaultTaxonomy();
    TechNeed n = goodNeed();
    n.fields = {};
    EXPECT_TRUE(has(validateNeed(n, t, kNow), ProblemCode::NoField));
    n = goodNeed();
    n.fields = {"forging", "materials", "testing", "welding", "casting", "graphene"};
    EXPECT_TRUE(has(validateNeed(n, t, kNow), ProblemCode::TooManyFields));
    n = goodNeed();
    n.title.zh = std::string(kMaxPostTitleBytes, 'a');  // exactly at the limit is fine
    EXPECT_TRUE(validateNeed(n, t, kNow).empty());
    n.title.zh += "a";
    EXPECT_TRUE(has(validateNeed(n, t, kNow), ProblemCode::TooLong));
    n = goodNeed();
    n.title.zh = "bad \xFF utf8";
    EXPECT_TRUE(has(validateNeed(n, t, kNow), ProblemCode::InvalidUtf8));
    n = goodNeed();
    n.budget = {-1, 10};
    EXPECT_TRUE(has(validateNeed(n, t, kNow), ProblemCode::BadBudget));
    n.budget = {0, kMaxBudgetYuan + 1};
    EXPECT_TRUE(has(validateNeed(n, t, kNow), ProblemCode::BadBudget));
    n.budget = {0, 0};  // negotiable
    n.deadlineUnixMs = 0;  // open-ended
    EXPECT_TRUE(validateNeed(n, t, kNow).empty());
}

TEST(DockingValidation, CapabilityReadinessAndKind) {
    const Taxonomy t = defaultTaxonomy();
    Capability c = goodCapability();
    c.readiness = 0;
    EXPECT_TRUE(has(validateCapability(c, t), ProblemCode::BadReadiness));
    c.readiness = 10;
    EXPECT_TRUE(has(validateCapability(c, t), ProblemCode::BadReadiness));
    c = goodCapability();
    c.orgKind = net::OrgKind::Enterprise;
    EXPECT_TRUE(has(validateCapability(c, t), ProblemCode::WrongOrgKind));
    c = goodCapability();
    c.researchDirection = {};
    EXPECT_TRUE(has(validateCapability(c, t), ProblemCode::EmptyTitle));
    c = goodCapability();
    c.achievements.resize(kMaxAchievements + 1, c.achievements[0]);
    EXPECT_TRUE(has(validateCapability(c, t), ProblemCode::TooManyAchievements));
    c = goodCapability();
    c.orgKind = net::OrgKind::Institute;
    EXPECT_TRUE(validateCapability(c, t).empty());
}

TEST(DockingTaxonomy, DefaultHasTheMeetingsFieldsInBothLanguages) {
    const Taxonomy t = defaultTaxonomy();
    for (const char* key : {"forging", "materials", "heat-treatment", "automation", "testing", "new-energy",
                            "new-materials", "graphene", "surface-treatment", "die-design", "cnc-machining"}) {
        const Field* f = findField(t, key);
        ASSERT_NE(f, nullptr) << key;
        EXPECT_FALSE(f->zh.empty());
        EXPECT_FALSE(f->en.empty());
    }
    EXPECT_EQ(findField(t, "alchemy"), nullptr);
}

TEST(DockingTaxonomy, OrganizerExtendsItAtRunTime) {
    Taxonomy t = defaultTaxonomy();
    TechNeed n = goodNeed();
    n.fields = {"hydrogen-storage"};
    EXPECT_TRUE(has(validateNeed(n, t, kNow), ProblemCode::UnknownField));

    EXPECT_TRUE(addField(t, {"hydrogen-storage", "储氢材料", "Hydrogen storage"}).empty());
    EXPECT_TRUE(validateNeed(n, t, kNow).empty());

    const size_t before = t.fields.size();
    EXPECT_TRUE(has(addField(t, {"hydrogen-storage", "储氢", "H2"}), ProblemCode::DuplicateFieldKey));
    EXPECT_TRUE(has(addField(t, {"Bad Key", "坏", "Bad"}), ProblemCode::BadFieldKey));
    EXPECT_TRUE(has(addField(t, {"", "空", "Empty"}), ProblemCode::BadFieldKey));
    EXPECT_TRUE(has(addField(t, {"no-english", "只有中文", ""}), ProblemCode::BadFieldName));
    EXPECT_EQ(t.fields.size(), before);  // refused fields are not added
}
