// The docking board: a hand-made meeting where each need has one obvious partner, the reasons
// people see, live adds with notifications, remove/update/hide, search, and the pruned top k
// against brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "server/docking/board.h"

using namespace server::docking;

namespace {

struct Pair {
    TechNeed need;
    Capability cap;
};

TechNeed need(std::string zh, std::string en, std::string desc, std::vector<std::string> fields) {
    TechNeed n;
    n.title = {std::move(zh), std::move(en)};
    n.description.zh = std::move(desc);
    n.fields = std::move(fields);
    n.contact = "联系人";
    return n;
}

Capability cap(std::string zh, std::string en, std::string desc, std::vector<std::string> fields,
               net::OrgKind kind = net::OrgKind::University) {
    Capability c;
    c.researchDirection = {std::move(zh), std::move(en)};
    c.description.zh = std::move(desc);
    c.fields = std::move(fields);
    c.readiness = 5;
    c.contact = "课题组";
    c.orgKind = kind;
    return c;
}

// Ten needs and ten capabilities; need i and capability i belong together. Texts mix languages
// and scripts on purpose: capability 0 is in traditional Chinese, need 3 only in English.
std::vector<Pair> meeting() {
    std::vector<Pair> p(10);
    p[0].need = need("42CrMo曲轴锻件内部裂纹检测", "", "模锻后的42CrMo曲轴内部存在微裂纹，人工抽检难以发现，需要在线超声无损检测方案。", {"forging", "testing"});
    p[0].cap = cap("鍛件超聲無損檢測", "Ultrasonic NDT of forgings", "實驗室長期從事鍛件超聲相控陣檢測，可識別曲軸內部微裂紋。", {"testing"});
    p[1].need = need("20CrMnTi齿轮渗碳淬火变形大", "", "汽车变速箱齿轮渗碳淬火后变形超差，需要控制热处理变形。", {"heat-treatment"});
    p[1].cap = cap("齿轮渗碳热处理变形控制", "Carburizing distortion control of gears", "研究20CrMnTi等齿轮钢渗碳淬火变形规律及控制工艺。", {"heat-treatment", "materials"});
    p[2].need = need("铝合金轮毂锻造模具寿命短", "", "铝合金轮毂热模锻模具磨损快，寿命不足一万件，希望提高模具寿命。", {"die-design"});
    p[2].cap = cap("热作模具表面强化与修复", "", "采用激光熔覆修复热锻模具，显著延长模具寿命，已在轮毂模具上应用。", {"die-design", "surface-treatment"});
    p[3].need = need("", "Robotic loading for a hot forging press line", "", {"automation"});
    p[3].need.description.en = "We need industrial robots to load and unload billets at our hot forging press line.";
    p[3].cap = cap("锻造自动化机器人", "Industrial robots for forging automation", "开发锻造压力机自动上下料机器人系统。", {"automation"});
    p[4].need = need("风电法兰石墨烯防腐涂层", "", "海上风电法兰腐蚀严重，寻求石墨烯防腐涂料技术。", {"graphene", "new-energy"});
    p[4].cap = cap("石墨烯改性防腐涂料", "Graphene anticorrosion coatings", "石墨烯防腐涂层在海洋环境下耐盐雾性能优异。", {"graphene"});
    p[5].need = need("TC4钛合金叶片等温锻造", "", "航空发动机TC4钛合金叶片成形困难，需要等温锻造工艺。", {"forging", "materials"});
    p[5].cap = cap("钛合金等温锻造", "Isothermal forging of titanium alloys", "研究所掌握TC4钛合金等温锻造与组织控制技术。", {"forging"}, net::OrgKind::Institute);
    p[6].need = need("锻造加热炉余热回收", "", "锻造加热炉排烟温度高，能耗大，希望回收余热节能。", {"energy-saving"});
    p[6].cap = cap("工业炉窑余热回收利用", "Waste heat recovery", "开发工业炉窑烟气余热回收换热装置，节能百分之二十。", {"energy-saving"});
    p[7].need = need("五轴数控加工刀具磨损快", "", "叶轮五轴数控铣削时刀具磨损快，切削参数需要优化。", {"cnc-machining"});
    p[7].cap = cap("高效数控切削与刀具寿命", "", "研究难加工材料五轴铣削切削参数优化与刀具磨损机理。", {"cnc-machining"});
    p[8].need = need("新能源汽车电机轴冷挤压成形", "", "电机轴采用冷挤压成形，需要解决开裂和模具问题。", {"new-energy", "forging"});
    p[8].cap = cap("冷挤压精密成形", "Cold extrusion", "长期从事冷挤压与冷锻精密成形，服务多家新能源汽车零部件企业。", {"forging"});
    p[9].need = need("锻造折叠缺陷数值模拟", "", "连杆终锻出现折叠缺陷，希望用有限元数值模拟优化预锻形状。", {"simulation", "forging"});
    p[9].cap = cap("锻造过程有限元数值模拟", "FE simulation of forging", "基于DEFORM的锻造过程数值模拟，预测折叠缺陷并优化预锻件设计。", {"simulation"});
    return p;
}

constexpr uint32_t kNeedBase = 100, kCapBase = 200;

void load(Board& board, const std::vector<Pair>& m, bool match) {
    for (size_t i = 0; i < m.size(); ++i) {
        ASSERT_TRUE(board.addNeed({kNeedBase + static_cast<uint32_t>(i)}, m[i].need, {.match = match}).ok);
        ASSERT_TRUE(board.addCapability({kCapBase + static_cast<uint32_t>(i)}, m[i].cap, {.match = match}).ok);
    }
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }
bool containsPart(const std::vector<std::string>& v, const std::string& s) {
    return std::any_of(v.begin(), v.end(), [&](const std::string& x) { return x.find(s) != std::string::npos; });
}

}  // namespace

TEST(DockingBoard, ObviousPartnerRanksFirstBothWays) {
    Board board({});
    ASSERT_TRUE(board.foldsTraditional());
    const std::vector<Pair> m = meeting();
    load(board, m, false);
    board.refreshAll({.k = 5, .threads = 2});
    for (uint32_t i = 0; i < m.size(); ++i) {
        const std::vector<Match> forNeed = board.topK({kNeedBase + i}, 3);
        ASSERT_FALSE(forNeed.empty()) << "need " << i;
        EXPECT_EQ(forNeed[0].post.v, kCapBase + i) << "need " << i << " matched " << forNeed[0].post.v;
        const std::vector<Match> forCap = board.topK({kCapBase + i}, 3);
        ASSERT_FALSE(forCap.empty()) << "capability " << i;
        EXPECT_EQ(forCap[0].post.v, kNeedBase + i) << "capability " << i << " matched " << forCap[0].post.v;
        EXPECT_GT(forNeed[0].score, 0.0f);
        EXPECT_LE(forNeed[0].score, 100.0f);
        if (forNeed.size() > 1) {
            EXPECT_GE(forNeed[0].score, forNeed[1].score);
        }
    }
}

TEST(DockingBoard, LiveAddsFindTheSamePartners) {
    // Posts arrive one by one, each matched at once (no refreshAll): capability i comes after
    // need i, so its matches must already name need i first.
    Board board({});
    const std::vector<Pair> m = meeting();
    for (uint32_t i = 0; i < m.size(); ++i) {
        board.addNeed({kNeedBase + i}, m[i].need, {});
        const PostResult r = board.addCapability({kCapBase + i}, m[i].cap, {});
        ASSERT_TRUE(r.ok);
        ASSERT_FALSE(r.matches.empty());
        EXPECT_EQ(r.matches[0].post.v, kNeedBase + i);
        // The need's owner is told: the capability entered the need's top k.
        EXPECT_TRUE(std::find(r.notify.begin(), r.notify.end(), PostId{kNeedBase + i}) != r.notify.end());
    }
}

TEST(DockingBoard, ReasonsNameSharedTermsAndFields) {
    Board board({});
    const std::vector<Pair> m = meeting();
    load(board, m, false);
    board.refreshAll({});
    // Need 0 is simplified, capability 0 traditional: the shared terms are found all the same.
    const std::vector<Match> top = board.topK({kNeedBase}, 1);
    ASSERT_EQ(top.size(), 1u);
    const Match& r = top[0];
    EXPECT_TRUE(contains(r.fields, "testing"));
    EXPECT_FALSE(contains(r.fields, "forging"));  // only the need has it
    // Shared bigrams that spell a phrase of both posts come back as the phrase.
    for (const char* t : {"超声", "检测", "裂纹", "曲轴"}) EXPECT_TRUE(containsPart(r.terms, t)) << t;
    EXPECT_TRUE(contains(r.terms, "超声无损检测"));
    for (const std::string& t : r.terms) EXPECT_NE(t, "声无") << "a bigram inside a phrase is not shown alone";

    const std::optional<Match> e = board.explain({kNeedBase + 5}, {kCapBase + 5});
    ASSERT_TRUE(e.has_value());
    EXPECT_TRUE(contains(e->terms, "TC4")) << "grade codes are shown as written";
    EXPECT_TRUE(contains(e->fields, "forging"));
    EXPECT_FALSE(board.explain({kNeedBase}, {kNeedBase + 1}).has_value());  // two needs: no pair

    // English words that both posts write side by side come back as the phrase.
    const std::optional<Match> robots = board.explain({kNeedBase + 3}, {kCapBase + 3});
    ASSERT_TRUE(robots.has_value());
    EXPECT_TRUE(contains(robots->terms, "industrial robots"));
    EXPECT_FALSE(contains(robots->terms, "industrial"));
}

TEST(DockingBoard, RemoveAndUpdateChangeResults) {
    Board board({});
    const std::vector<Pair> m = meeting();
    load(board, m, false);
    board.refreshAll({});
    ASSERT_EQ(board.topK({kNeedBase + 4}, 1)[0].post.v, kCapBase + 4);

    // The graphene capability is withdrawn: need 4 no longer sees it.
    EXPECT_TRUE(board.remove({kCapBase + 4}));
    EXPECT_FALSE(board.remove({kCapBase + 4}));
    EXPECT_EQ(board.capability({kCapBase + 4}), nullptr);
    for (const Match& x : board.topK({kNeedBase + 4}, 10)) EXPECT_NE(x.post.v, kCapBase + 4);

    // Need 7 is rewritten from machining to waste heat: its best partner follows.
    TechNeed n7 = m[6].need;
    n7.title.zh = "锻造炉烟气余热回收利用";
    const PostResult r = board.updateNeed({kNeedBase + 7}, n7, {});
    ASSERT_TRUE(r.ok);
    ASSERT_FALSE(r.matches.empty());
    EXPECT_EQ(r.matches[0].post.v, kCapBase + 6);
    EXPECT_EQ(board.topK({kNeedBase + 7}, 1)[0].post.v, kCapBase + 6);
    EXPECT_EQ(board.need({kNeedBase + 7})->title.zh, "锻造炉烟气余热回收利用");
    // And the machining capability no longer lists need 7.
    for (const Match& x : board.topK({kCapBase + 7}, 10)) EXPECT_NE(x.post.v, kNeedBase + 7);

    // Wrong kind or unknown ids are refused.
    EXPECT_FALSE(board.updateNeed({kCapBase + 1}, n7, {}).ok);
    EXPECT_FALSE(board.addNeed({kNeedBase + 1}, n7, {}).ok);  // id taken
    EXPECT_FALSE(board.addNeed({0}, n7, {}).ok);

    // After a reweight (which compacts removed slots) everything still points at the right posts.
    board.reweight();
    EXPECT_EQ(board.topK({kNeedBase + 7}, 1)[0].post.v, kCapBase + 6);
    EXPECT_EQ(board.topK({kNeedBase}, 1)[0].post.v, kCapBase);
    EXPECT_EQ(board.need({kNeedBase + 9})->title.zh, m[9].need.title.zh);
}

TEST(DockingBoard, NewPostNotifiesTheNeedsItEnters) {
    Board board({});
    const std::vector<Pair> m = meeting();
    load(board, m, false);
    board.refreshAll({.k = 1});
    // A second NDT lab, even closer to need 0: need 0's owner hears of it, the others do not.
    Capability c = cap("曲轴锻件内部裂纹超声无损检测", "", "42CrMo曲轴锻件微裂纹在线超声检测系统。", {"testing", "forging"});
    const PostResult r = board.addCapability({300}, c, {.k = 3});
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.matches[0].post.v, kNeedBase);
    EXPECT_TRUE(std::find(r.notify.begin(), r.notify.end(), PostId{kNeedBase}) != r.notify.end());
    EXPECT_TRUE(std::find(r.notify.begin(), r.notify.end(), PostId{kNeedBase + 4}) == r.notify.end());
    EXPECT_EQ(board.topK({kNeedBase}, 1)[0].post.v, 300u);

    // Fixing a typo in it tells nobody again: it was in need 0's list already.
    c.description.zh += "欢迎联系。";
    const PostResult edit = board.updateCapability({300}, c, {.k = 3});
    EXPECT_TRUE(edit.ok);
    EXPECT_EQ(edit.matches[0].post.v, kNeedBase);
    EXPECT_TRUE(std::find(edit.notify.begin(), edit.notify.end(), PostId{kNeedBase}) == edit.notify.end());
}

TEST(DockingBoard, PostsIndexedWithoutMatchingStillReachTheLists) {
    Board board({});
    const std::vector<Pair> m = meeting();
    load(board, m, false);
    board.refreshAll({});
    Capability c = cap("曲轴锻件内部裂纹超声无损检测", "", "42CrMo曲轴锻件微裂纹在线超声检测系统。", {"testing", "forging"});
    const PostResult r = board.addCapability({300}, c, {.match = false});
    EXPECT_TRUE(r.ok);
    EXPECT_TRUE(r.matches.empty());
    EXPECT_EQ(board.topK({kNeedBase}, 1)[0].post.v, 300u);  // the cached list did not hide it
}

TEST(DockingBoard, HiddenPostsAreNeitherMatchedNorFound) {
    Board board({});
    const std::vector<Pair> m = meeting();
    load(board, m, false);
    board.refreshAll({});
    EXPECT_TRUE(board.setHidden({kCapBase + 2}, true));
    for (const Match& x : board.topK({kNeedBase + 2}, 10)) EXPECT_NE(x.post.v, kCapBase + 2);
    EXPECT_TRUE(board.search({.text = "激光熔覆"}).empty());
    // Editing a hidden post keeps it hidden and tells nobody.
    const PostResult r = board.updateCapability({kCapBase + 2}, m[2].cap, {});
    EXPECT_TRUE(r.ok);
    EXPECT_TRUE(r.notify.empty());
    for (const Match& x : board.topK({kNeedBase + 2}, 10)) EXPECT_NE(x.post.v, kCapBase + 2);
    EXPECT_TRUE(board.setHidden({kCapBase + 2}, false));
    EXPECT_EQ(board.topK({kNeedBase + 2}, 1)[0].post.v, kCapBase + 2);
    EXPECT_EQ(board.search({.text = "激光熔覆"}).size(), 1u);
}

TEST(DockingBoard, SearchByKeywordFieldAndOrganizationKind) {
    Board board({});
    const std::vector<Pair> m = meeting();
    load(board, m, false);
    board.reweight();
    // Traditional keywords find simplified posts and the other way round.
    std::vector<SearchHit> h = board.search({.text = "鈦合金"});
    ASSERT_GE(h.size(), 2u);
    EXPECT_TRUE((h[0].post.v == kNeedBase + 5 || h[0].post.v == kCapBase + 5));
    h = board.search({.text = "超声检测", .kind = PostKind::Capability});
    ASSERT_FALSE(h.empty());
    EXPECT_EQ(h[0].post.v, kCapBase);
    EXPECT_EQ(h[0].kind, PostKind::Capability);
    // English keywords.
    h = board.search({.text = "robots"});
    ASSERT_FALSE(h.empty());
    EXPECT_TRUE(h[0].post.v == kNeedBase + 3 || h[0].post.v == kCapBase + 3);
    EXPECT_TRUE(contains(h[0].terms, "robots"));
    // Field filter, no keywords: every post in the field, newest first.
    h = board.search({.fields = {"graphene"}});
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[0].post.v, kCapBase + 4);
    EXPECT_EQ(h[1].post.v, kNeedBase + 4);
    // Organization kind: only the institute's capability.
    h = board.search({.orgKinds = {net::OrgKind::Institute}});
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0].post.v, kCapBase + 5);
    // A field's name typed as a keyword finds the field's posts.
    h = board.search({.text = "热处理"});
    ASSERT_FALSE(h.empty());
    EXPECT_TRUE(h[0].post.v == kNeedBase + 1 || h[0].post.v == kCapBase + 1);
    // One character alone finds the words that contain it: 钛 -> 钛合金.
    h = board.search({.text = "钛"});
    ASSERT_EQ(h.size(), 2u);
    EXPECT_TRUE(containsPart(h[0].terms, "钛"));
    // Words that appear nowhere find nothing; an unknown field filter finds nothing.
    EXPECT_TRUE(board.search({.text = "quantum teleportation"}).empty());
    EXPECT_TRUE(board.search({.fields = {"alchemy"}}).empty());
}

TEST(DockingBoard, FieldAddedAtRunTimeIsMatched) {
    Board board({});
    ASSERT_TRUE(board.addField({"hydrogen-storage", "储氢材料", "Hydrogen storage"}).empty());
    ASSERT_FALSE(board.addField({"hydrogen-storage", "x", "y"}).empty());
    TechNeed n = need("储氢瓶内胆材料", "", "", {"hydrogen-storage"});
    Capability c = cap("镁基储氢合金", "", "", {"hydrogen-storage"});
    board.addNeed({1}, n, {});
    const PostResult r = board.addCapability({2}, c, {});
    ASSERT_EQ(r.matches.size(), 1u);
    EXPECT_TRUE(contains(r.matches[0].fields, "hydrogen-storage"));
    EXPECT_TRUE(contains(r.matches[0].terms, "储氢"));
}

// The pruned top k (refreshAll's pass and topK's MaxScore search) must equal brute force.
TEST(DockingBoard, TopKEqualsBruteForce) {
    const std::vector<std::string> words = {
        "锻造", "热处理", "裂纹", "检测", "超声", "模具", "寿命", "齿轮", "曲轴", "渗碳", "变形", "钛合金",
        "forging", "crack", "ultrasonic", "gear", "die", "robot", "coating", "graphene", "42CrMo", "TC4",
        "石墨烯", "涂层", "机器人", "自动化", "余热", "回收", "数值模拟", "冷挤压"};
    const std::vector<std::string> fields = {"forging", "testing", "heat-treatment", "die-design", "automation"};
    uint64_t x = 7;
    auto rnd = [&](size_t n) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<size_t>((x >> 33) % n);
    };
    auto text = [&]() {
        std::string s;
        const size_t n = 3 + rnd(12);
        for (size_t i = 0; i < n; ++i) s += words[std::min(rnd(words.size()), rnd(words.size()))] + " ";
        return s;
    };
    Board board({.autoRefreshBelow = 0});  // keep the incremental path under test
    const uint32_t kN = 150, kC = 120;
    for (uint32_t i = 0; i < kN; ++i) {
        TechNeed n = need(text(), "", text(), {fields[rnd(fields.size())]});
        board.addNeed({1 + i}, n, {.match = false});
    }
    for (uint32_t i = 0; i < kC; ++i) {
        Capability c = cap(text(), "", text(), {fields[rnd(fields.size())]});
        board.addCapability({1000 + i}, c, {.match = false});
    }
    board.refreshAll({.k = 10, .threads = 2});

    auto brute = [&](PostId id, bool isNeed) {
        std::vector<std::pair<float, uint32_t>> all;
        const uint32_t base = isNeed ? 1000 : 1, count = isNeed ? kC : kN;
        for (uint32_t j = 0; j < count; ++j) {
            const std::optional<Match> e = isNeed ? board.explain(id, {base + j}) : board.explain({base + j}, id);
            if (e && e->score > 0) all.push_back({e->score, base + j});
        }
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
        return all;
    };
    auto check = [&](PostId id, bool isNeed, size_t k) {
        const std::vector<Match> got = board.topK(id, k);
        const auto want = brute(id, isNeed);
        ASSERT_EQ(got.size(), std::min(k, want.size())) << id.v;
        for (size_t r = 0; r < got.size(); ++r) {
            EXPECT_NEAR(got[r].score, want[r].first, 1e-3f) << "post " << id.v << " rank " << r;
            // Same post unless two scores tie within float noise.
            if (got[r].post.v != want[r].second) {
                const auto it = std::find_if(want.begin(), want.end(), [&](const auto& w) { return w.second == got[r].post.v; });
                ASSERT_NE(it, want.end());
                EXPECT_NEAR(it->first, want[r].first, 1e-3f) << "post " << id.v << " rank " << r;
            }
        }
    };
    for (uint32_t i = 0; i < kN; ++i) check({1 + i}, true, 10);    // cached by refreshAll
    for (uint32_t i = 0; i < kC; ++i) check({1000 + i}, false, 10);
    for (uint32_t i = 0; i < kN; i += 7) check({1 + i}, true, 25);  // beyond the cache: pruned search
    for (uint32_t i = 0; i < kC; i += 7) check({1000 + i}, false, 25);

    // Live changes keep the cached lists exact: withdraw some posts, edit some, add some.
    std::vector<bool> needGone(kN, false), capGone(kC, false);
    for (uint32_t i = 0; i < 12; ++i) {
        const uint32_t a = static_cast<uint32_t>(rnd(kN)), b = static_cast<uint32_t>(rnd(kC));
        if (!needGone[a]) needGone[a] = board.remove({1 + a});
        if (!capGone[b]) capGone[b] = board.remove({1000 + b});
        const uint32_t e = static_cast<uint32_t>(rnd(kC));
        if (!capGone[e]) {
            ASSERT_TRUE(board.updateCapability({1000 + e}, cap(text(), "", text(), {fields[rnd(fields.size())]}), {}).ok);
        }
    }
    for (uint32_t i = 0; i < 12; ++i) {
        ASSERT_TRUE(board.addNeed({5000 + i}, need(text(), "", text(), {fields[rnd(fields.size())]}), {}).ok);
        ASSERT_TRUE(board.addCapability({6000 + i}, cap(text(), "", text(), {fields[rnd(fields.size())]}), {}).ok);
    }
    auto bruteAll = [&](PostId id, bool isNeed) {
        std::vector<std::pair<float, uint32_t>> all;
        std::vector<uint32_t> ids;
        if (isNeed) {
            for (uint32_t j = 0; j < kC; ++j) ids.push_back(1000 + j);
            for (uint32_t j = 0; j < 12; ++j) ids.push_back(6000 + j);
        } else {
            for (uint32_t j = 0; j < kN; ++j) ids.push_back(1 + j);
            for (uint32_t j = 0; j < 12; ++j) ids.push_back(5000 + j);
        }
        for (uint32_t j : ids) {
            const std::optional<Match> e = isNeed ? board.explain(id, {j}) : board.explain({j}, id);
            if (e && e->score > 0) all.push_back({e->score, j});
        }
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        return all;
    };
    auto checkScores = [&](PostId id, bool isNeed) {
        const std::vector<Match> got = board.topK(id, 10);
        const auto want = bruteAll(id, isNeed);
        ASSERT_EQ(got.size(), std::min<size_t>(10, want.size())) << id.v;
        for (size_t r = 0; r < got.size(); ++r) EXPECT_NEAR(got[r].score, want[r].first, 1e-3f) << "post " << id.v << " rank " << r;
    };
    for (uint32_t i = 0; i < kN; ++i)
        if (!needGone[i]) checkScores({1 + i}, true);
    for (uint32_t i = 0; i < kC; ++i)
        if (!capGone[i]) checkScores({1000 + i}, false);
    for (uint32_t i = 0; i < 12; ++i) {
        checkScores({5000 + i}, true);
        checkScores({6000 + i}, false);
    }
}
