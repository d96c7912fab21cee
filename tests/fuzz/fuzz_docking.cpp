// fuzz_docking: the docking board's text and record checks (server/docking) on arbitrary input.
//
// Input: a selector byte, then length-prefixed texts. Checks:
//   - the tokenizer never crashes on any bytes (invalid UTF-8, controls, mixed scripts), every
//     term and surface it gives is non-empty valid UTF-8, and folding gives valid UTF-8;
//   - the UTF-8 helpers agree: a string is valid exactly when decoding it meets no bad byte;
//   - need and capability validation never crash on any texts or numbers, and every problem
//     has a code and messages in both languages;
//   - a taxonomy field is added exactly when addField reports no problem.
#include <cstdint>
#include <string>
#include <vector>

#include "server/docking/records.h"
#include "server/docking/text.h"
#include "tests/fuzz/fuzz_common.h"

namespace dk = server::docking;

namespace {

const dk::Tokenizer& tokenizer() {
    static const dk::Tokenizer tok({});  // OpenCC loads once per process: it is the slow part
    return tok;
}

void checkTokens(std::string_view text) {
    std::vector<dk::Token> tokens;
    tokenizer().tokenize(text, tokens);
    for (const dk::Token& t : tokens) {
        FUZZ_CHECK(!t.term.empty() && dk::isValidUtf8(t.term));
        FUZZ_CHECK(dk::isValidUtf8(t.surface));
        FUZZ_CHECK(int(t.kind) < int(dk::TermKind::Count));
    }
    FUZZ_CHECK(dk::isValidUtf8(tokenizer().fold(text)));
}

void checkUtf8(std::string_view s) {
    bool clean = true;
    for (size_t i = 0; i < s.size();) {
        uint32_t cp = 0;
        size_t n = dk::decodeUtf8(s, i, cp);
        FUZZ_CHECK(n >= 1 && n <= 4 && i + n <= s.size());
        if (cp == dk::kBadCodePoint) clean = false;
        else {
            std::string back;
            dk::appendUtf8(back, cp);
            FUZZ_CHECK(back == s.substr(i, n));  // decode then encode gives the same bytes
        }
        i += n;
    }
    FUZZ_CHECK(clean == dk::isValidUtf8(s));
}

void checkProblems(const std::vector<dk::Problem>& problems) {
    for (const dk::Problem& p : problems) {
        FUZZ_CHECK(int(p.code) < int(dk::ProblemCode::Count));
        FUZZ_CHECK(!p.zh.empty() && !p.en.empty());
    }
}

net::LocalText localText(fuzz::InputReader& in) {
    net::LocalText t;
    t.zh = std::string(in.text(6000));
    t.en = std::string(in.text(6000));
    return t;
}

int64_t number(fuzz::InputReader& in) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | in.byte();
    return int64_t(v);
}

std::vector<std::string> fieldKeys(fuzz::InputReader& in) {
    std::vector<std::string> keys(in.byte() % 8);
    for (auto& k : keys) k = std::string(in.text(64));
    return keys;
}

void checkNeed(fuzz::InputReader& in) {
    dk::TechNeed n;
    n.title = localText(in);
    n.fields = fieldKeys(in);
    n.description = localText(in);
    n.expectedOutcome = localText(in);
    n.budget = {number(in), number(in)};
    n.deadlineUnixMs = number(in);
    n.contact = std::string(in.text(400));
    n.orgKind = net::OrgKind(in.byte() % int(net::OrgKind::Count));
    checkProblems(dk::validateNeed(n, dk::defaultTaxonomy(), number(in)));
}

void checkCapability(fuzz::InputReader& in) {
    dk::Capability c;
    c.researchDirection = localText(in);
    c.fields = fieldKeys(in);
    c.description = localText(in);
    c.achievements.resize(in.byte() % 20);
    for (auto& a : c.achievements) {
        a.kind = dk::AchievementKind(in.byte() % int(dk::AchievementKind::Count));
        a.title = localText(in);
        a.reference = std::string(in.text(300));
    }
    c.equipment = localText(in);
    c.readiness = int(int8_t(in.byte()));
    c.contact = std::string(in.text(400));
    c.orgKind = net::OrgKind(in.byte() % int(net::OrgKind::Count));
    checkProblems(dk::validateCapability(c, dk::defaultTaxonomy()));
}

void checkField(fuzz::InputReader& in) {
    dk::Taxonomy t = dk::defaultTaxonomy();
    size_t before = t.fields.size();
    dk::Field f{std::string(in.text(80)), std::string(in.text(120)), std::string(in.text(120))};
    auto problems = dk::addField(t, f);
    checkProblems(problems);
    FUZZ_CHECK(t.fields.size() == before + (problems.empty() ? 1 : 0));
    if (problems.empty()) FUZZ_CHECK(dk::findField(t, f.key) != nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::InputReader in(data, size);
    switch (in.byte() % 4) {
    case 0: {
        auto text = in.rest();
        std::string_view s(reinterpret_cast<const char*>(text.data()), text.size());
        checkUtf8(s);
        checkTokens(s);
        break;
    }
    case 1: checkNeed(in); break;
    case 2: checkCapability(in); break;
    case 3: checkField(in); break;
    }
    return 0;
}
