// text.cpp: UTF-8 checking, width and script folding, and the two-script tokenizer.
#include "server/docking/text.h"

#include <opencc.h>

#include <algorithm>
#include <iterator>
#include <string>

namespace server::docking {

// --- UTF-8 -----------------------------------------------------------------------------------

size_t decodeUtf8(std::string_view s, size_t i, uint32_t& cp) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t c = b(i);
    cp = kBadCodePoint;
    if (c < 0x80) { cp = c; return 1; }
    size_t n = 0;
    uint32_t v = 0, min = 0;
    if ((c & 0xE0) == 0xC0) { n = 2; v = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { n = 3; v = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { n = 4; v = c & 0x07; min = 0x10000; }
    else return 1;  // a continuation byte or 0xF8..0xFF where a lead byte belongs
    if (i + n > s.size()) return 1;
    for (size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 1;
        v = (v << 6) | (b(i + k) & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 1;
    cp = v;
    return n;
}

bool isValidUtf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        uint32_t cp;
        i += decodeUtf8(s, i, cp);
        if (cp == kBadCodePoint) return false;
    }
    return true;
}

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool isHan(uint32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F);
}

namespace {

bool isLatinLetter(uint32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'); }
bool isDigit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

// Chinese particles that join words rather than belong to them: a bigram across one is noise.
bool isHanParticle(uint32_t cp) {
    switch (cp) {
    case 0x7684:  // 的
    case 0x4E86:  // 了
    case 0x548C:  // 和
    case 0x4E0E:  // 与
    case 0x53CA:  // 及
    case 0x6216:  // 或
    case 0x5E76:  // 并
    case 0x4E4B:  // 之
        return true;
    default:
        return false;
    }
}

// Short, common English words that say nothing about a topic. Sorted for binary search.
constexpr std::string_view kStopWords[] = {
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "been", "being", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "during", "each", "etc", "for", "from", "further", "had", "has", "have", "he", "her",
    "here", "his", "how", "i", "if", "in", "into", "is", "it", "its", "may", "me", "more", "most",
    "must", "my", "need", "no", "nor", "not", "of", "on", "only", "or", "other", "our", "ours",
    "out", "over", "per", "same", "shall", "she", "should", "so", "some", "such", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to",
    "under", "up", "very", "was", "we", "were", "which", "will", "with",
};

static_assert(std::is_sorted(std::begin(kStopWords), std::end(kStopWords)), "binary search needs order");

bool isStopWord(std::string_view w) {
    return std::binary_search(std::begin(kStopWords), std::end(kStopWords), w);
}

bool endsWith(const std::string& w, std::string_view suffix) {
    return w.size() >= suffix.size() && w.compare(w.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A light stemmer: plurals, -ing, -ed, a final -e. It only has to map the forms of one word to
// one term; the term is never shown (the surface is).
void stem(std::string& w) {
    if (w.size() > 4 && endsWith(w, "ies")) {
        w.replace(w.size() - 3, 3, "y");
    } else if (w.size() > 4 && endsWith(w, "sses")) {
        w.resize(w.size() - 2);
    } else if (w.size() > 4 && (endsWith(w, "ches") || endsWith(w, "shes") || endsWith(w, "xes") ||
                                endsWith(w, "zes"))) {
        w.resize(w.size() - 2);
    } else if (w.size() > 3 && w.back() == 's' && !endsWith(w, "ss") && !endsWith(w, "us") &&
               !endsWith(w, "is")) {
        w.pop_back();
    }
    if (w.size() > 5 && endsWith(w, "ing")) {
        w.resize(w.size() - 3);
    } else if (w.size() > 4 && endsWith(w, "ed")) {
        w.resize(w.size() - 2);
    }
    if (w.size() > 4 && w.back() == 'e') w.pop_back();
}

}  // namespace

// --- Tokenizer -------------------------------------------------------------------------------

Tokenizer::Tokenizer(const TokenizerDesc& desc) {
    if (!desc.foldTraditional) return;
    // OpenCC looks a bare config name up in its data directory; try the build-time path too.
    const std::string name = desc.openccConfig ? desc.openccConfig : "t2s.json";
    const std::string candidates[] = {name, std::string(DOCKHALL_OPENCC_DATA_DIR) + "/" + name};
    for (const std::string& path : candidates) {
        opencc_t cc = opencc_open(path.c_str());
        if (cc != reinterpret_cast<opencc_t>(-1) && cc != nullptr) {
            m_opencc = cc;
            break;
        }
    }
    if (!m_opencc) return;
    // Ask OpenCC once, in one call, which Han characters it changes: one character a line.
    std::string all;
    std::vector<uint32_t> cps;
    for (uint32_t cp = 0x3400; cp <= 0x9FFF; ++cp) {
        if (!isHan(cp)) continue;
        cps.push_back(cp);
        appendUtf8(all, cp);
        all += '\n';
    }
    for (uint32_t cp = 0xF900; cp <= 0xFAFF; ++cp) {
        cps.push_back(cp);
        appendUtf8(all, cp);
        all += '\n';
    }
    m_traditional.assign(0x10000, false);
    char* out = opencc_convert_utf8(static_cast<opencc_t>(m_opencc), all.data(), all.size());
    if (!out) {
        m_traditional.assign(0x10000, true);  // cannot tell: convert everything
        return;
    }
    const std::string_view converted(out);
    size_t line = 0, at = 0, inAt = 0;
    while (at <= converted.size() && line < cps.size()) {
        size_t end = converted.find('\n', at);
        if (end == std::string_view::npos) end = converted.size();
        const size_t inEnd = all.find('\n', inAt);
        if (converted.substr(at, end - at) != std::string_view(all).substr(inAt, inEnd - inAt)) m_traditional[cps[line]] = true;
        at = end + 1;
        inAt = inEnd + 1;
        ++line;
    }
    opencc_convert_utf8_free(out);
}

Tokenizer::~Tokenizer() {
    if (m_opencc) opencc_close(static_cast<opencc_t>(m_opencc));
}

std::string Tokenizer::fold(std::string_view text) const {
    std::string out;
    out.reserve(text.size());
    bool traditional = false;
    for (size_t i = 0; i < text.size();) {
        uint32_t cp;
        i += decodeUtf8(text, i, cp);
        if (cp == kBadCodePoint || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) cp = ' ';
        else if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
        else if (cp == 0x3000) cp = ' ';                      // ideographic space
        // Past the BMP (rare extension characters) we cannot tell: let OpenCC decide.
        traditional = traditional || (cp < m_traditional.size() ? static_cast<bool>(m_traditional[cp]) : isHan(cp));
        appendUtf8(out, cp);
    }
    if (!traditional || !m_opencc) return out;  // simplified, English or digits: nothing to fold
    char* converted = opencc_convert_utf8(static_cast<opencc_t>(m_opencc), out.data(), out.size());
    if (!converted) return out;
    std::string simplified(converted);
    opencc_convert_utf8_free(converted);
    return simplified;
}

void Tokenizer::tokenize(std::string_view text, std::vector<Token>& out) const {
    const std::string folded = fold(text);
    const std::string_view s = folded;

    // Han run state: the previous character of the current run, if any.
    size_t hanPrevAt = 0, hanPrevLen = 0;
    bool hanRunSingle = false;  // the run so far is one character
    auto endHanRun = [&]() {
        if (hanPrevLen && hanRunSingle) {
            Token t{std::string(s.substr(hanPrevAt, hanPrevLen)), {}, TermKind::Han};
            t.surface = t.term;
            out.push_back(std::move(t));
        }
        hanPrevLen = 0;
        hanRunSingle = false;
    };

    size_t i = 0;
    while (i < s.size()) {
        uint32_t cp;
        const size_t n = decodeUtf8(s, i, cp);
        if (isHan(cp) && !isHanParticle(cp)) {
            if (hanPrevLen) {
                Token t{std::string(s.substr(hanPrevAt, hanPrevLen + n)), {}, TermKind::Han};
                t.surface = t.term;
                out.push_back(std::move(t));
                hanRunSingle = false;
            } else {
                hanRunSingle = true;
            }
            hanPrevAt = i;
            hanPrevLen = n;
            i += n;
            continue;
        }
        endHanRun();
        if (isLatinLetter(cp) || isDigit(cp)) {
            const size_t start = i;
            bool digit = false, letter = false;
            while (i < s.size()) {
                const unsigned char c = static_cast<unsigned char>(s[i]);
                if (isDigit(c)) digit = true;
                else if (isLatinLetter(c)) letter = true;
                else break;
                ++i;
            }
            Token t;
            t.surface = std::string(s.substr(start, i - start));
            t.term = t.surface;
            for (char& c : t.term) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            if (digit) {
                // Grade codes and numbers are kept whole; a lone digit says nothing.
                if (t.term.size() < 2 && !letter) continue;
                t.kind = TermKind::Code;
            } else {
                if (t.term.size() < 2 || isStopWord(t.term)) continue;
                stem(t.term);
                t.kind = TermKind::Word;
            }
            out.push_back(std::move(t));
            continue;
        }
        i += n;  // a separator: space, punctuation, particle, other scripts
    }
    endHanRun();
}

}  // namespace server::docking
