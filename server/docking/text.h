// text.h: turns Chinese and English text into the terms the board indexes.
//
// Steps, in order:
//   1. UTF-8 is checked code point by code point; an invalid byte becomes a separator (never a
//      crash, never a term). Control characters are separators too.
//   2. Full-width ASCII (ＡＢＣ１２３，) is folded to half-width; the ideographic space to a space.
//   3. Traditional Chinese is folded to simplified with OpenCC (t2s.json), so 鍛件 and 锻件
//      are the same text. Without OpenCC data the tokenizer still works, unfolded. Text with
//      no character that OpenCC would change on its own is taken as simplified and not sent
//      through OpenCC (phrase rules then cannot apply, but they only occur in traditional text).
//   4. Han runs give character bigrams (a one-character run gives itself); a few particles
//      (的 了 和 与 及 或 并 之) split runs, so "锻件的裂纹" gives 锻件, 裂纹 and not 件的.
//   5. Latin runs give lowercased words: stop words dropped, a light suffix stemmer
//      (forgings, forged, forging -> forg). A word with a digit is a grade or model code and is
//      kept whole: 42CrMo -> 42crmo, 20CrMnTi -> 20crmnti, M10 -> m10.
//
//   Tokenizer tok({});
//   std::vector<Token> out;
//   tok.tokenize("42CrMo曲軸鍛件 crack detection", out);
//   // 42crmo, 曲轴, 轴锻, 锻件, crack, detection
//
// A Tokenizer owns its OpenCC converter; it is not copyable. tokenize() is const and keeps no
// state between calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace server::docking {

enum class TermKind : uint8_t {
    Han,    // a Chinese bigram or single character, simplified
    Word,   // an English word, lowercased and stemmed
    Code,   // letters and digits together: a grade (42crmo), a model (m10), a number
    Field,  // not produced by the tokenizer: the board's pseudo-term for a taxonomy field
    Count
};

struct Token {
    std::string term;     // what is indexed: "锻件", "forg", "42crmo"
    std::string surface;  // how it was written (after folding): "锻件", "Forgings", "42CrMo"
    TermKind kind = TermKind::Word;
};

struct TokenizerDesc {
    const char* openccConfig = nullptr;  // nullptr: "t2s.json" from OpenCC's data directory
    bool foldTraditional = true;         // false: skip OpenCC entirely
};

class Tokenizer {
public:
    explicit Tokenizer(const TokenizerDesc& desc);
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    // True when OpenCC loaded and traditional text is folded to simplified.
    bool foldsTraditional() const { return m_opencc != nullptr; }

    // Steps 1-3: valid UTF-8, half-width ASCII, simplified Chinese.
    std::string fold(std::string_view text) const;

    // Appends the tokens of `text` to `out`, in text order (repeats included).
    void tokenize(std::string_view text, std::vector<Token>& out) const;

private:
    void* m_opencc = nullptr;  // opencc_t
    // Han code points that t2s changes on their own (from OpenCC itself, at construction). Text
    // with none of them is simplified already and skips OpenCC, which is the slow step.
    std::vector<bool> m_traditional;
};

// --- UTF-8 helpers ---------------------------------------------------------------------------
bool isValidUtf8(std::string_view s);
// Decodes the code point at s[i]; returns the number of bytes it takes (>= 1) and sets `cp`,
// or sets `cp` to kBadCodePoint and returns 1 for an invalid byte.
constexpr uint32_t kBadCodePoint = 0xFFFFFFFFu;
size_t decodeUtf8(std::string_view s, size_t i, uint32_t& cp);
void appendUtf8(std::string& out, uint32_t cp);
bool isHan(uint32_t cp);  // CJK unified ideographs and their extensions

}  // namespace server::docking
