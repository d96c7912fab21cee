// bench_match.cpp: `dockhall-bench match`: the docking board at scale.
//
//   dockhall-bench match --needs 20000 --capabilities 20000 --json match.json [--threads 2] [--seed 1]
//
// Generates N needs and M capabilities with bilingual text from vocabularies of forging,
// materials and manufacturing terms (Chinese in both scripts: a fifth of the Chinese texts is
// turned traditional through OpenCC's s2t.json; seeded and deterministic), then measures:
//   index_ms      adding every post (tokenize, intern, postings) plus one reweight()
//   all_top10_ms  refreshAll(): the top 10 of every need and every capability
//   new_post_ms   one new post (need or capability) matched against everything, with the list
//                 of counterparts to notify; median of 20 (new_post_max_ms: the slowest)
//   top10_with_reasons_ms  one post's cached top 10 with the reasons people see (average of 200)
//   memory_mb     resident memory grown while loading and matching (records included);
//                 index_mb is the index alone as the board counts it
// *_cpu_ms is the CPU time of all threads in the same phase, and load_average_before the
// machine's load: on a shared 2-core machine wall time alone can mislead.
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "server/docking/board.h"
#include "server/docking/text.h"
#include "tools/bench/bench.h"

namespace {

using namespace server::docking;

// --- vocabularies ----------------------------------------------------------------------------
struct Term2 { const char* zh; const char* en; };

struct FieldVocab {
    const char* key;
    std::vector<Term2> methods;  // processes, methods, topics of the field
};

const std::vector<FieldVocab>& fieldVocab() {
    static const std::vector<FieldVocab> v = {
        {"forging", {{"热模锻", "hot die forging"}, {"精密锻造", "precision forging"}, {"等温锻造", "isothermal forging"},
                     {"辊锻", "roll forging"}, {"楔横轧", "cross wedge rolling"}, {"环轧", "ring rolling"},
                     {"冷挤压", "cold extrusion"}, {"温锻", "warm forging"}, {"自由锻", "open die forging"},
                     {"闭式模锻", "closed die forging"}, {"锻造成形", "forming"}, {"近净成形", "near net shape"}}},
        {"materials", {{"高强度钢", "high strength steel"}, {"铝合金", "aluminium alloy"}, {"钛合金", "titanium alloy"},
                       {"高温合金", "superalloy"}, {"微合金化", "microalloying"}, {"非调质钢", "non-quenched steel"},
                       {"粉末冶金", "powder metallurgy"}, {"镁合金", "magnesium alloy"}, {"夹杂物控制", "inclusion control"},
                       {"晶粒细化", "grain refinement"}}},
        {"heat-treatment", {{"淬火", "quenching"}, {"回火", "tempering"}, {"渗碳", "carburizing"}, {"渗氮", "nitriding"},
                            {"感应淬火", "induction hardening"}, {"调质处理", "quench and temper"},
                            {"锻后余热淬火", "direct quenching after forging"}, {"真空热处理", "vacuum heat treatment"},
                            {"等温正火", "isothermal normalizing"}, {"退火", "annealing"}}},
        {"automation", {{"工业机器人", "industrial robot"}, {"自动上下料", "automatic loading"}, {"数字孪生", "digital twin"},
                        {"智能产线", "smart production line"}, {"PLC控制", "PLC control"}, {"视觉定位", "vision positioning"},
                        {"MES系统", "MES system"}, {"工业互联网", "industrial internet"}, {"传感器", "sensors"},
                        {"预测性维护", "predictive maintenance"}}},
        {"testing", {{"超声检测", "ultrasonic testing"}, {"磁粉探伤", "magnetic particle inspection"}, {"涡流检测", "eddy current testing"},
                     {"工业CT", "industrial CT"}, {"相控阵", "phased array"}, {"金相分析", "metallographic analysis"},
                     {"机器视觉", "machine vision"}, {"在线检测", "online inspection"}, {"射线检测", "radiographic testing"},
                     {"硬度测试", "hardness testing"}, {"无损检测", "nondestructive testing"}}},
        {"new-energy", {{"新能源汽车", "new energy vehicles"}, {"电机轴", "motor shaft"}, {"风电", "wind power"},
                        {"光伏支架", "photovoltaic mounts"}, {"氢能", "hydrogen energy"}, {"储能", "energy storage"},
                        {"电池壳体", "battery housing"}, {"核电", "nuclear power"}, {"燃料电池", "fuel cells"}}},
        {"new-materials", {{"复合材料", "composites"}, {"陶瓷基复合材料", "ceramic matrix composites"},
                           {"金属基复合材料", "metal matrix composites"}, {"高熵合金", "high entropy alloys"},
                           {"纳米材料", "nanomaterials"}, {"形状记忆合金", "shape memory alloys"}, {"增材制造", "additive manufacturing"},
                           {"3D打印", "3D printing"}}},
        {"graphene", {{"石墨烯", "graphene"}, {"导热膜", "thermal film"}, {"石墨烯涂层", "graphene coating"},
                      {"防腐涂料", "anticorrosion paint"}, {"导电油墨", "conductive ink"}, {"润滑添加剂", "lubricant additive"},
                      {"散热材料", "heat dissipation"}, {"增强复合", "reinforced composites"}}},
        {"surface-treatment", {{"喷丸强化", "shot peening"}, {"激光熔覆", "laser cladding"}, {"热喷涂", "thermal spraying"},
                               {"电镀", "electroplating"}, {"表面硬化", "surface hardening"}, {"PVD涂层", "PVD coating"},
                               {"抛光", "polishing"}, {"磷化", "phosphating"}, {"清洁生产", "clean production"}}},
        {"die-design", {{"模具设计", "die design"}, {"模具寿命", "die life"}, {"模具钢", "die steel"}, {"热作模具", "hot work dies"},
                        {"有限元模拟", "finite element simulation"}, {"多工位", "multi-station"}, {"飞边", "flash"},
                        {"预锻", "preforging"}, {"终锻", "finish forging"}, {"模具修复", "die repair"}}},
        {"cnc-machining", {{"数控车削", "CNC turning"}, {"五轴加工", "five-axis machining"}, {"刀具寿命", "tool life"},
                           {"切削参数", "cutting parameters"}, {"加工中心", "machining centre"}, {"磨削", "grinding"},
                           {"表面粗糙度", "surface roughness"}, {"夹具", "fixtures"}, {"精加工", "finishing"}}},
        {"casting", {{"砂型铸造", "sand casting"}, {"压铸", "die casting"}, {"熔模铸造", "investment casting"},
                     {"缩孔", "shrinkage cavities"}, {"气孔", "porosity"}, {"铸件", "castings"}, {"消失模", "lost foam"}}},
        {"welding", {{"激光焊接", "laser welding"}, {"摩擦焊", "friction welding"}, {"焊缝", "weld seams"},
                     {"焊接变形", "welding distortion"}, {"电子束焊", "electron beam welding"}, {"焊接机器人", "welding robots"}}},
        {"simulation", {{"数值模拟", "numerical simulation"}, {"工艺优化", "process optimization"}, {"人工智能", "artificial intelligence"},
                        {"大数据", "big data"}, {"机器学习", "machine learning"}, {"DEFORM仿真", "DEFORM simulation"}}},
        {"equipment", {{"压力机", "presses"}, {"液压机", "hydraulic press"}, {"电动螺旋压力机", "electric screw press"},
                       {"中频加热", "induction heating"}, {"加热炉", "heating furnace"}, {"伺服系统", "servo system"}}},
        {"energy-saving", {{"节能", "energy saving"}, {"余热回收", "waste heat recovery"}, {"碳排放", "carbon emissions"},
                           {"废水处理", "wastewater treatment"}, {"降噪", "noise reduction"}}},
    };
    return v;
}

const std::vector<Term2> kParts = {
    {"曲轴", "crankshaft"}, {"连杆", "connecting rod"}, {"齿轮", "gear"}, {"轴承套圈", "bearing ring"}, {"法兰", "flange"},
    {"涡轮叶片", "turbine blade"}, {"轮毂", "wheel hub"}, {"转向节", "steering knuckle"}, {"半轴", "axle shaft"},
    {"锻环", "forged ring"}, {"阀体", "valve body"}, {"传动轴", "drive shaft"}, {"凸轮轴", "camshaft"}, {"前轴", "front axle"},
    {"风电主轴", "wind turbine main shaft"}, {"起重吊钩", "crane hook"}, {"履带板", "track shoe"}, {"油缸活塞杆", "piston rod"},
    {"高铁车轴", "railway axle"}, {"航空锻件", "aerospace forging"},
};

const std::vector<const char*> kGrades = {
    "42CrMo", "40Cr", "20CrMnTi", "18CrNiMo7-6", "GCr15", "304", "316L", "TC4", "7075", "6061", "Inconel718", "H13",
    "5CrNiMo", "38CrMoAl", "35CrMo", "20MnCr5", "17CrNiMo6", "Q345B", "45", "30CrMnSiA",
};

const std::vector<Term2> kProblems = {
    {"裂纹", "cracks"}, {"折叠", "laps"}, {"氧化皮", "scale"}, {"变形", "distortion"}, {"残余应力", "residual stress"},
    {"晶粒粗大", "coarse grains"}, {"疲劳寿命不足", "short fatigue life"}, {"磨损", "wear"}, {"腐蚀", "corrosion"},
    {"硬度不均", "uneven hardness"}, {"尺寸超差", "dimensional deviation"}, {"能耗高", "high energy use"},
    {"材料利用率低", "low material yield"}, {"废品率高", "high scrap rate"},
};

const std::vector<Term2> kGoals = {
    {"产品合格率", "yield"}, {"生产效率", "productivity"}, {"使用寿命", "service life"}, {"一致性", "consistency"},
    {"成本", "cost"}, {"轻量化水平", "weight reduction"}, {"质量稳定性", "quality stability"},
};

const std::vector<Term2> kEquipment = {
    {"万能试验机", "universal testing machine"}, {"扫描电镜", "scanning electron microscope"}, {"X射线衍射仪", "X-ray diffractometer"},
    {"热模拟试验机", "Gleeble thermal simulator"}, {"超声探伤仪", "ultrasonic flaw detector"}, {"3150吨压力机", "3150 t press"},
    {"真空炉", "vacuum furnace"}, {"三坐标测量机", "coordinate measuring machine"}, {"疲劳试验机", "fatigue testing machine"},
    {"激光熔覆设备", "laser cladding system"},
};

// splitmix64: small, fast, the same on every platform (std distributions are not).
struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    size_t below(size_t n) { return static_cast<size_t>(next() % n); }
    // Skewed towards the front of a list: a few terms are common, most are rare (like real text).
    size_t skewed(size_t n) { return std::min(n - 1, static_cast<size_t>(static_cast<double>(n) * unit() * unit())); }
    template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
    template <class T> const T& pickSkewed(const std::vector<T>& v) { return v[skewed(v.size())]; }
};

struct Generator {
    Rng rng;
    const Tokenizer& toTraditional;

    struct Lang { bool zh; bool en; bool traditional; };
    Lang lang() {
        const double u = rng.unit();
        Lang l{u < 0.8, u >= 0.5, false};
        l.traditional = l.zh && rng.unit() < 0.2;
        return l;
    }

    std::vector<size_t> fields() {
        std::vector<size_t> f = {rng.below(fieldVocab().size())};
        if (rng.unit() < 0.6) {
            const size_t g = rng.below(fieldVocab().size());
            if (g != f[0]) f.push_back(g);
        }
        return f;
    }

    const Term2& method(const std::vector<size_t>& f) { return rng.pickSkewed(fieldVocab()[f[rng.below(f.size())]].methods); }
    std::string zh(const std::string& s, const Lang& l) const { return l.traditional ? toTraditional.fold(s) : s; }

    TechNeed need() {
        const Lang l = lang();
        const std::vector<size_t> f = fields();
        const Term2& part = rng.pickSkewed(kParts);
        const char* grade = rng.pick(kGrades);
        const Term2& m1 = method(f);
        const Term2& m2 = method(f);
        const Term2& p1 = rng.pickSkewed(kProblems);
        const Term2& p2 = rng.pickSkewed(kProblems);
        const Term2& goal = rng.pick(kGoals);
        TechNeed n;
        for (size_t i : f) n.fields.push_back(fieldVocab()[i].key);
        if (l.zh) {
            n.title.zh = zh(std::string(grade) + part.zh + m1.zh + p1.zh + "问题攻关", l);
            n.description.zh = zh("我公司主要生产" + std::string(part.zh) + "，材料为" + grade + "，年产量约" +
                                      std::to_string(1 + rng.below(50)) + "万件。目前在" + m1.zh + "过程中存在" + p1.zh +
                                      "和" + p2.zh + "问题，希望与高校或科研院所在" + m2.zh + "方面开展技术合作。",
                                  l);
            n.expectedOutcome.zh = zh("提高" + std::string(goal.zh) + "，降低" + p2.zh + "，形成可量产的" + m2.zh + "工艺。", l);
        }
        if (l.en) {
            n.title.en = std::string(p1.en) + " in " + grade + " " + part.en + " " + m1.en;
            n.description.en = "We produce " + std::string(part.en) + "s in " + grade + ". During " + m1.en + " we see " +
                               p1.en + " and " + p2.en + ". We seek a university partner in " + m2.en + ".";
            n.expectedOutcome.en = "Better " + std::string(goal.en) + " and less " + p2.en + "; a " + m2.en + " process ready for production.";
        }
        const int64_t lo = static_cast<int64_t>(10 + rng.below(200)) * 10000;
        n.budget = {lo, lo * 2};
        n.contact = "张工 138" + std::to_string(10000000 + rng.below(89999999));
        return n;
    }

    Capability capability() {
        const Lang l = lang();
        const std::vector<size_t> f = fields();
        const Term2& m1 = method(f);
        const Term2& m2 = method(f);
        const Term2& m3 = method(f);
        const Term2& p1 = rng.pickSkewed(kProblems);
        const Term2& part = rng.pickSkewed(kParts);
        const char* grade = rng.pick(kGrades);
        const Term2& eq1 = rng.pick(kEquipment);
        const Term2& eq2 = rng.pick(kEquipment);
        Capability c;
        c.orgKind = rng.unit() < 0.7 ? net::OrgKind::University : net::OrgKind::Institute;
        for (size_t i : f) c.fields.push_back(fieldVocab()[i].key);
        c.readiness = 3 + static_cast<int>(rng.below(6));
        Achievement a;
        a.kind = rng.unit() < 0.5 ? AchievementKind::Patent : AchievementKind::Process;
        if (l.zh) {
            c.researchDirection.zh = zh(std::string(m1.zh) + "与" + m2.zh, l);
            c.description.zh = zh("课题组长期从事" + std::string(m1.zh) + "研究，在" + m2.zh + "和" + p1.zh +
                                      "控制方面积累了丰富经验，曾为多家企业解决" + grade + part.zh + "的" + m3.zh + "难题。",
                                  l);
            c.equipment.zh = zh(std::string(eq1.zh) + "、" + eq2.zh, l);
            a.title.zh = zh("一种" + std::string(part.zh) + m1.zh + "方法", l);
        }
        if (l.en) {
            c.researchDirection.en = std::string(m1.en) + " and " + m2.en;
            c.description.en = "Our group works on " + std::string(m1.en) + " and " + m2.en + ", controlling " + p1.en +
                               "; we have solved " + m3.en + " problems of " + grade + " " + part.en + "s for industry.";
            c.equipment.en = std::string(eq1.en) + ", " + eq2.en;
            a.title.en = "A " + std::string(m1.en) + " method for " + part.en + "s";
        }
        a.reference = "CN" + std::to_string(100000000 + rng.below(899999999)) + "A";
        c.achievements.push_back(a);
        c.contact = "李教授 lab@univ.edu.cn";
        return c;
    }
};

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// CPU time of the whole process (all threads), to tell own work from waiting for a busy machine.
double cpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::string loadAverage() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

double rssMb() {
    long pages = 0, resident = 0;
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

}  // namespace

int bench::match(int argc, char** argv) {
    CLI::App app{"dockhall-bench match: needs x capabilities on the docking board"};
    int needs = 20000, caps = 20000;
    unsigned threads = 0;
    uint64_t seed = 1;
    std::string jsonPath;
    app.add_option("--needs", needs, "technical needs to generate")->check(CLI::Range(1, 10'000'000));
    app.add_option("--capabilities", caps, "capabilities to generate")->check(CLI::Range(1, 10'000'000));
    app.add_option("--threads", threads, "threads for the top 10 of all (0: all cores)");
    app.add_option("--seed", seed, "generator seed");
    app.add_option("--json", jsonPath, "write the figures here");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    // Generate first (not measured as indexing): the records as the store would hand them over.
    Tokenizer toTraditional({.openccConfig = "s2t.json"});
    Generator gen{{seed}, toTraditional};
    std::vector<TechNeed> needList;
    std::vector<Capability> capList;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < needs; ++i) needList.push_back(gen.need());
    for (int i = 0; i < caps; ++i) capList.push_back(gen.capability());
    const double generateMs = msSince(t0);
    std::vector<TechNeed> newNeeds;
    std::vector<Capability> newCaps;
    for (int i = 0; i < 10; ++i) newNeeds.push_back(gen.need());
    for (int i = 0; i < 10; ++i) newCaps.push_back(gen.capability());

    const double rss0 = rssMb();
    Board board({});
    const std::string loadBefore = loadAverage();
    t0 = std::chrono::steady_clock::now();
    double c0 = cpuMs();
    uint32_t id = 1;
    for (const TechNeed& n : needList) board.addNeed({id++}, n, {.match = false});
    for (const Capability& c : capList) board.addCapability({id++}, c, {.match = false});
    board.reweight();
    const double indexMs = msSince(t0);
    const double indexCpuMs = cpuMs() - c0;

    const unsigned threadsUsed = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
    t0 = std::chrono::steady_clock::now();
    c0 = cpuMs();
    board.refreshAll({.k = 10, .threads = threadsUsed});
    const double allTop10Ms = msSince(t0);
    const double allTop10CpuMs = cpuMs() - c0;

    // New posts, live: each is matched at once and tells whose top 10 it entered.
    std::vector<double> newMs;
    size_t notified = 0, matched = 0;
    for (size_t i = 0; i < newNeeds.size() + newCaps.size(); ++i) {
        t0 = std::chrono::steady_clock::now();
        const PostResult r = i % 2 == 0 ? board.addNeed({id++}, newNeeds[i / 2], {})
                                        : board.addCapability({id++}, newCaps[i / 2], {});
        newMs.push_back(msSince(t0));
        notified += r.notify.size();
        matched += r.matches.size();
    }
    std::vector<double> sorted = newMs;
    std::sort(sorted.begin(), sorted.end());
    const double rss1 = rssMb();

    // What a person asking for "my matches" waits for: a cached top 10 with its reasons.
    t0 = std::chrono::steady_clock::now();
    const uint32_t asks = 200;
    size_t reasonTerms = 0;
    for (uint32_t i = 0; i < asks; ++i) {
        const uint32_t ask = 1 + static_cast<uint32_t>((static_cast<uint64_t>(i) * 7919u) % static_cast<uint64_t>(needs + caps));
        for (const Match& mt : board.topK({ask}, 10)) reasonTerms += mt.terms.size();
    }
    const double topWithReasonsMs = msSince(t0) / asks;

    // What one top 10 looks like, to see the reasons make sense.
    const std::vector<Match> sample = board.topK({1}, 3);
    nlohmann::json sampleJson = nlohmann::json::array();
    for (const Match& m : sample)
        sampleJson.push_back({{"post", m.post.v}, {"score", m.score}, {"terms", m.terms}, {"fields", m.fields}});

    const BoardStats st = board.stats();
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    const nlohmann::json out = {
        {"needs", needs},
        {"capabilities", caps},
        {"threads", threadsUsed},
        {"seed", seed},
        {"opencc", board.foldsTraditional()},
        {"generate_ms", generateMs},
        {"index_ms", indexMs},
        {"index_cpu_ms", indexCpuMs},
        {"all_top10_ms", allTop10Ms},
        {"all_top10_cpu_ms", allTop10CpuMs},
        {"load_average_before", loadBefore},
        {"new_post_ms", sorted[sorted.size() / 2]},
        {"new_post_max_ms", sorted.back()},
        {"top10_with_reasons_ms", topWithReasonsMs},
        {"reason_terms_per_match_avg", static_cast<double>(reasonTerms) / (asks * 10.0)},
        {"new_post_notified_avg", static_cast<double>(notified) / static_cast<double>(newMs.size())},
        {"new_post_matches_avg", static_cast<double>(matched) / static_cast<double>(newMs.size())},
        {"memory_mb", rss1 - rss0},
        {"index_mb", static_cast<double>(st.indexBytes) / (1024.0 * 1024.0)},
        {"records_mb", static_cast<double>(st.recordBytes) / (1024.0 * 1024.0)},
        {"max_rss_mb", static_cast<double>(ru.ru_maxrss) / 1024.0},
        {"terms", st.terms},
        {"postings", st.postings},
        {"sample_top3_of_need_1", sampleJson},
    };
    if (!writeFigures(out, jsonPath, "match")) return 1;
    return 0;
}
