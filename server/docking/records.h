// records.h: the posts of the docking board and the field taxonomy they are filed under.
//
// An enterprise posts a TechNeed ("enterprises set the questions"); a university or institute
// posts a Capability ("universities answer"). Both name one or more fields from the event's
// Taxonomy, which the organizer may extend while the event runs. Text comes in Chinese and/or
// English (net::LocalText); either side may be empty, not both.
//
// Validation returns every problem at once, each with a stable code and a message in both
// languages that says what is wrong and what to do:
//
//   std::vector<Problem> p = validateNeed(need, taxonomy, now.unixMs);
//   if (!p.empty()) reply(p[0].zh, p[0].en);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/protocol/domain.h"

namespace server::docking {

// --- ids -------------------------------------------------------------------------------------
// Post ids are given by the caller (the store's row ids); they are unique over needs and
// capabilities together. 0 means "no post".
struct PostId { uint32_t v = 0; friend bool operator==(PostId, PostId) = default; };

enum class PostKind : uint8_t {
    Need,        // TechNeed, posted by an enterprise
    Capability,  // Capability, posted by a university or institute
    Count
};
const char* postKindName(PostKind k);  // "need", "capability"

// --- limits (bytes of UTF-8) ------------------------------------------------------------------
constexpr uint32_t kMaxPostTitleBytes = 200;     // per language
constexpr uint32_t kMaxPostTextBytes = 4000;     // description, outcome, direction (~1300 CJK chars)
constexpr uint32_t kMaxContactBytes = 200;
constexpr uint32_t kMaxFieldsPerPost = 5;
constexpr uint32_t kMaxAchievements = 16;
constexpr uint32_t kMaxFieldKeyBytes = 32;       // [a-z0-9_-]
constexpr uint32_t kMaxFieldNameBytes = 64;
constexpr uint32_t kMaxTaxonomyFields = 256;
constexpr int64_t kMaxBudgetYuan = 100'000'000'000;  // 100 billion yuan: anything above is a typo

// --- taxonomy --------------------------------------------------------------------------------
struct Field {
    std::string key;  // stable, lowercase ASCII: "forging", "heat-treatment"
    std::string zh;   // 锻造工艺
    std::string en;   // Forging process
};

struct Taxonomy {
    std::vector<Field> fields;
};

Taxonomy defaultTaxonomy();  // forging, materials, heat treatment, automation, testing, ...
const Field* findField(const Taxonomy& t, std::string_view key);  // nullptr when unknown

// --- records ---------------------------------------------------------------------------------
struct BudgetRange {
    int64_t minYuan = 0;  // both 0: "negotiable"
    int64_t maxYuan = 0;
};

struct TechNeed {
    net::LocalText title;
    std::vector<std::string> fields;  // Field keys, at least one
    net::LocalText description;
    net::LocalText expectedOutcome;
    BudgetRange budget;
    int64_t deadlineUnixMs = 0;       // 0: open-ended
    std::string contact;              // a person and how to reach them
    net::OrgKind orgKind = net::OrgKind::Enterprise;
    uint32_t organization = 0;        // the owning organization, as the server numbers them
};

enum class AchievementKind : uint8_t {
    Patent,     // granted or filed patent
    Prototype,  // a working prototype or sample
    Process,    // a process or method ready to transfer
    Software,   // software or a model
    Other,
    Count
};
const char* achievementKindName(AchievementKind k);

struct Achievement {
    AchievementKind kind = AchievementKind::Other;
    net::LocalText title;
    std::string reference;  // patent number or other reference, may be empty
};

struct Capability {
    net::LocalText researchDirection;  // the headline: what the team works on
    std::vector<std::string> fields;   // Field keys, at least one
    net::LocalText description;
    std::vector<Achievement> achievements;  // available for transfer
    net::LocalText equipment;          // lab equipment
    int readiness = 0;                 // technology readiness level 1..9
    std::string contact;               // team contact
    net::OrgKind orgKind = net::OrgKind::University;
    uint32_t organization = 0;
};

// --- validation ------------------------------------------------------------------------------
enum class ProblemCode : uint8_t {
    EmptyTitle,      // title (or research direction) missing in both languages
    TooLong,         // a text over its limit
    InvalidUtf8,     // a text is not valid UTF-8
    NoField,         // no field chosen
    TooManyFields,   // more than kMaxFieldsPerPost
    UnknownField,    // a field key not in the taxonomy
    DuplicateField,  // the same field twice
    DeadlinePast,    // deadline before now
    BadBudget,       // negative, min > max, or absurdly large
    BadReadiness,    // TRL outside 1..9
    EmptyContact,    // nobody to contact
    TooManyAchievements,
    WrongOrgKind,    // a need from a university, a capability from an enterprise
    BadFieldKey,     // taxonomy: key empty, too long, or not [a-z0-9_-]
    DuplicateFieldKey,
    BadFieldName,    // taxonomy: a name empty or too long
    TaxonomyFull,
    Count
};

struct Problem {
    ProblemCode code = ProblemCode::Count;
    std::string what;  // which part of the record: "title", "fields[2]", "deadline"
    std::string zh;    // message for people, Chinese
    std::string en;    // message for people, English
};

// `nowUnixMs` is the wall clock; a deadline before it is refused.
std::vector<Problem> validateNeed(const TechNeed& need, const Taxonomy& taxonomy, int64_t nowUnixMs);
std::vector<Problem> validateCapability(const Capability& cap, const Taxonomy& taxonomy);

// Checks `field` and appends it; returns the problems (empty on success, taxonomy unchanged otherwise).
std::vector<Problem> addField(Taxonomy& taxonomy, Field field);

}  // namespace server::docking
