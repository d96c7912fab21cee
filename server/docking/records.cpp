// records.cpp: the default taxonomy and the validation of posts.
#include "server/docking/records.h"

#include <algorithm>

#include "server/docking/text.h"

namespace server::docking {

const char* postKindName(PostKind k) {
    switch (k) {
    case PostKind::Need: return "need";
    case PostKind::Capability: return "capability";
    case PostKind::Count: break;
    }
    return "?";
}

const char* achievementKindName(AchievementKind k) {
    switch (k) {
    case AchievementKind::Patent: return "patent";
    case AchievementKind::Prototype: return "prototype";
    case AchievementKind::Process: return "process";
    case AchievementKind::Software: return "software";
    case AchievementKind::Other: return "other";
    case AchievementKind::Count: break;
    }
    return "?";
}

Taxonomy defaultTaxonomy() {
    return Taxonomy{{
        {"forging", "锻造工艺", "Forging process"},
        {"materials", "材料", "Materials"},
        {"heat-treatment", "热处理", "Heat treatment"},
        {"automation", "自动化", "Automation"},
        {"testing", "检测与试验", "Testing and inspection"},
        {"new-energy", "新能源", "New energy"},
        {"new-materials", "新材料", "New materials"},
        {"graphene", "石墨烯应用", "Graphene applications"},
        {"surface-treatment", "表面处理", "Surface treatment"},
        {"die-design", "模具设计", "Mould and die design"},
        {"cnc-machining", "数控加工", "CNC machining"},
        {"casting", "铸造", "Casting"},
        {"welding", "焊接", "Welding"},
        {"simulation", "仿真与数字化", "Simulation and digitalization"},
        {"equipment", "装备制造", "Equipment manufacturing"},
        {"energy-saving", "节能环保", "Energy saving and environment"},
    }};
}

const Field* findField(const Taxonomy& t, std::string_view key) {
    for (const Field& f : t.fields)
        if (f.key == key) return &f;
    return nullptr;
}

namespace {

void add(std::vector<Problem>& out, ProblemCode code, std::string what, std::string zh, std::string en) {
    out.push_back({code, std::move(what), std::move(zh), std::move(en)});
}

// Checks one text: valid UTF-8 and within `limit` bytes.
void checkText(std::vector<Problem>& out, const std::string& text, const char* what, const char* zhName,
               uint32_t limit) {
    if (!isValidUtf8(text)) {
        add(out, ProblemCode::InvalidUtf8, what, std::string(zhName) + "含有无效的 UTF-8 字符，请重新输入",
            std::string(what) + " contains invalid UTF-8; please type it again");
    }
    if (text.size() > limit) {
        const std::string n = std::to_string(text.size()), max = std::to_string(limit);
        add(out, ProblemCode::TooLong, what,
            std::string(zhName) + "过长（" + n + " 字节，上限 " + max + " 字节，约 " + std::to_string(limit / 3) +
                " 个汉字），请删减",
            std::string(what) + " is too long (" + n + " bytes, limit " + max + "); please shorten it");
    }
}

void checkLocal(std::vector<Problem>& out, const net::LocalText& t, const char* what, const char* zhName,
                uint32_t limit) {
    checkText(out, t.zh, (std::string(what) + ".zh").c_str(), zhName, limit);
    checkText(out, t.en, (std::string(what) + ".en").c_str(), zhName, limit);
}

bool blank(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

void checkFields(std::vector<Problem>& out, const std::vector<std::string>& fields, const Taxonomy& taxonomy) {
    if (fields.empty()) {
        add(out, ProblemCode::NoField, "fields", "请至少选择一个领域", "choose at least one field");
        return;
    }
    if (fields.size() > kMaxFieldsPerPost) {
        add(out, ProblemCode::TooManyFields, "fields",
            "领域最多选择 " + std::to_string(kMaxFieldsPerPost) + " 个",
            "choose at most " + std::to_string(kMaxFieldsPerPost) + " fields");
    }
    for (size_t i = 0; i < fields.size(); ++i) {
        const std::string what = "fields[" + std::to_string(i) + "]";
        if (!findField(taxonomy, fields[i])) {
            // Shown as is: the key came from the client; keep the message short and safe.
            const std::string key = isValidUtf8(fields[i]) ? fields[i].substr(0, kMaxFieldKeyBytes) : "?";
            add(out, ProblemCode::UnknownField, what, "未知领域“" + key + "”，请从领域列表中选择",
                "unknown field '" + key + "'; choose one from the list of fields");
        } else if (std::find(fields.begin(), fields.begin() + static_cast<long>(i), fields[i]) !=
                   fields.begin() + static_cast<long>(i)) {
            add(out, ProblemCode::DuplicateField, what, "领域“" + fields[i] + "”重复",
                "field '" + fields[i] + "' is chosen twice");
        }
    }
}

void checkContact(std::vector<Problem>& out, const std::string& contact) {
    if (blank(contact))
        add(out, ProblemCode::EmptyContact, "contact", "请填写联系人及联系方式", "give a contact person and how to reach them");
    checkText(out, contact, "contact", "联系人", kMaxContactBytes);
}

}  // namespace

std::vector<Problem> validateNeed(const TechNeed& need, const Taxonomy& taxonomy, int64_t nowUnixMs) {
    std::vector<Problem> out;
    if (need.orgKind != net::OrgKind::Enterprise) {
        add(out, ProblemCode::WrongOrgKind, "orgKind", "技术需求只能由企业发布；高校和院所请发布科研成果/能力",
            "only an enterprise can post a technical need; universities and institutes post capabilities");
    }
    if (blank(need.title.zh) && blank(need.title.en))
        add(out, ProblemCode::EmptyTitle, "title", "请填写需求标题（中文或英文）", "give the need a title (Chinese or English)");
    checkLocal(out, need.title, "title", "标题", kMaxPostTitleBytes);
    checkLocal(out, need.description, "description", "需求描述", kMaxPostTextBytes);
    checkLocal(out, need.expectedOutcome, "expectedOutcome", "预期成果", kMaxPostTextBytes);
    checkFields(out, need.fields, taxonomy);
    const BudgetRange& b = need.budget;
    if (b.minYuan < 0 || b.maxYuan < 0) {
        add(out, ProblemCode::BadBudget, "budget", "预算不能为负数", "the budget cannot be negative");
    } else if (b.minYuan > b.maxYuan) {
        add(out, ProblemCode::BadBudget, "budget", "预算下限高于上限，请检查", "the budget's minimum is above its maximum; check both");
    } else if (b.maxYuan > kMaxBudgetYuan) {
        add(out, ProblemCode::BadBudget, "budget", "预算超过 1000 亿元，请检查单位（元）",
            "the budget is over 100 billion yuan; check the unit (yuan)");
    }
    if (need.deadlineUnixMs != 0 && need.deadlineUnixMs < nowUnixMs) {
        add(out, ProblemCode::DeadlinePast, "deadline", "截止日期已过，请选择今天或以后的日期",
            "the deadline is in the past; choose today or a later date");
    }
    checkContact(out, need.contact);
    return out;
}

std::vector<Problem> validateCapability(const Capability& cap, const Taxonomy& taxonomy) {
    std::vector<Problem> out;
    if (cap.orgKind != net::OrgKind::University && cap.orgKind != net::OrgKind::Institute) {
        add(out, ProblemCode::WrongOrgKind, "orgKind", "科研能力只能由高校或科研院所发布；企业请发布技术需求",
            "only a university or institute can post a capability; enterprises post technical needs");
    }
    if (blank(cap.researchDirection.zh) && blank(cap.researchDirection.en)) {
        add(out, ProblemCode::EmptyTitle, "researchDirection", "请填写研究方向（中文或英文）",
            "give the research direction (Chinese or English)");
    }
    checkLocal(out, cap.researchDirection, "researchDirection", "研究方向", kMaxPostTitleBytes);
    checkLocal(out, cap.description, "description", "能力描述", kMaxPostTextBytes);
    checkLocal(out, cap.equipment, "equipment", "实验设备", kMaxPostTextBytes);
    checkFields(out, cap.fields, taxonomy);
    if (cap.achievements.size() > kMaxAchievements) {
        add(out, ProblemCode::TooManyAchievements, "achievements",
            "可转化成果最多 " + std::to_string(kMaxAchievements) + " 项",
            "at most " + std::to_string(kMaxAchievements) + " achievements");
    }
    for (size_t i = 0; i < cap.achievements.size() && i < kMaxAchievements; ++i) {
        const Achievement& a = cap.achievements[i];
        const std::string what = "achievements[" + std::to_string(i) + "]";
        if (blank(a.title.zh) && blank(a.title.en)) {
            add(out, ProblemCode::EmptyTitle, what, "第 " + std::to_string(i + 1) + " 项成果缺少名称",
                "achievement " + std::to_string(i + 1) + " has no title");
        }
        checkLocal(out, a.title, what.c_str(), "成果名称", kMaxPostTitleBytes);
        checkText(out, a.reference, (what + ".reference").c_str(), "成果编号", kMaxPostTitleBytes);
    }
    if (cap.readiness < 1 || cap.readiness > 9) {
        add(out, ProblemCode::BadReadiness, "readiness", "技术成熟度（TRL）应为 1 到 9",
            "the readiness level (TRL) must be 1 to 9");
    }
    checkContact(out, cap.contact);
    return out;
}

std::vector<Problem> addField(Taxonomy& taxonomy, Field field) {
    std::vector<Problem> out;
    const bool keyOk = !field.key.empty() && field.key.size() <= kMaxFieldKeyBytes &&
                       std::all_of(field.key.begin(), field.key.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                       });
    if (!keyOk) {
        add(out, ProblemCode::BadFieldKey, "key",
            "领域代码须为 1 到 " + std::to_string(kMaxFieldKeyBytes) + " 个小写字母、数字、- 或 _",
            "a field key is 1 to " + std::to_string(kMaxFieldKeyBytes) + " lowercase letters, digits, - or _");
    } else if (findField(taxonomy, field.key)) {
        add(out, ProblemCode::DuplicateFieldKey, "key", "领域代码“" + field.key + "”已存在",
            "field key '" + field.key + "' already exists");
    }
    if (blank(field.zh) || blank(field.en)) {
        add(out, ProblemCode::BadFieldName, "name", "请同时填写领域的中文名和英文名",
            "give the field both a Chinese and an English name");
    }
    checkText(out, field.zh, "zh", "中文名", kMaxFieldNameBytes);
    checkText(out, field.en, "en", "英文名", kMaxFieldNameBytes);
    if (taxonomy.fields.size() >= kMaxTaxonomyFields) {
        add(out, ProblemCode::TaxonomyFull, "fields", "领域数量已达上限", "the taxonomy is full");
    }
    if (out.empty()) taxonomy.fields.push_back(std::move(field));
    return out;
}

}  // namespace server::docking
