// Tokenization of Chinese (both scripts), English, mixed, full-width and broken text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/docking/text.h"

using namespace server::docking;

namespace {

std::vector<std::string> terms(const Tokenizer& tok, const std::string& text) {
    std::vector<Token> out;
    tok.tokenize(text, out);
    std::vector<std::string> t;
    for (const Token& x : out) t.push_back(x.term);
    return t;
}

using V = std::vector<std::string>;

}  // namespace

TEST(DockingTokenizer, ChineseBigramsAndSingleCharacters) {
    Tokenizer tok({});
    EXPECT_EQ(terms(tok, "曲轴锻件"), (V{"曲轴", "轴锻", "锻件"}));
    // A particle splits runs; a one-character run is kept as itself.
    EXPECT_EQ(terms(tok, "锻件的裂纹"), (V{"锻件", "裂纹"}));
    EXPECT_EQ(terms(tok, "钢，铁"), (V{"钢", "铁"}));
}

TEST(DockingTokenizer, TraditionalAndSimplifiedGiveTheSameTokens) {
    Tokenizer tok({});
    ASSERT_TRUE(tok.foldsTraditional()) << "OpenCC t2s.json not found: apt-get install libopencc-data";
    const std::string traditional = "42CrMo曲軸鍛件裂紋檢測與熱處理工藝，鋁合金擠壓模具設計";
    const std::string simplified = "42CrMo曲轴锻件裂纹检测与热处理工艺，铝合金挤压模具设计";
    EXPECT_NE(traditional, simplified);
    const V t = terms(tok, traditional);
    EXPECT_EQ(t, terms(tok, simplified));
    EXPECT_NE(std::find(t.begin(), t.end(), "锻件"), t.end());
    EXPECT_NE(std::find(t.begin(), t.end(), "检测"), t.end());
}

TEST(DockingTokenizer, SimplifiedTextIsLeftAsItIs) {
    Tokenizer tok({});
    const std::string simplified = "锻造工艺与热处理、面向新能源汽车的轻量化零部件";
    EXPECT_EQ(tok.fold(simplified), simplified);
    EXPECT_EQ(tok.fold("鍛造工藝"), "锻造工艺");
    EXPECT_EQ(tok.fold("Forging 42CrMo"), "Forging 42CrMo");
}

TEST(DockingTokenizer, EnglishWordsLowercasedStemmedStopWordsDropped) {
    Tokenizer tok({});
    EXPECT_EQ(terms(tok, "The Forgings are forged by forging"), (V{"forg", "forg", "forg"}));
    EXPECT_EQ(terms(tok, "Ultrasonic testing of cracks in processes"), (V{"ultrasonic", "test", "crack", "process"}));
    EXPECT_EQ(terms(tok, "machine machining machined"), (V{"machin", "machin", "machin"}));
}

TEST(DockingTokenizer, GradeCodesKeptWhole) {
    Tokenizer tok({});
    std::vector<Token> out;
    tok.tokenize("42CrMo and 20CrMnTi, M10 bolts, 7 days", out);
    ASSERT_EQ(out.size(), 5u);  // "7" alone says nothing
    EXPECT_EQ(out[0].term, "42crmo");
    EXPECT_EQ(out[0].surface, "42CrMo");
    EXPECT_EQ(out[0].kind, TermKind::Code);
    EXPECT_EQ(out[1].term, "20crmnti");
    EXPECT_EQ(out[2].term, "m10");
    EXPECT_EQ(out[3].term, "bolt");
    EXPECT_EQ(out[3].kind, TermKind::Word);
    EXPECT_EQ(out[4].term, "day");
}

TEST(DockingTokenizer, MixedScripts) {
    Tokenizer tok({});
    EXPECT_EQ(terms(tok, "42CrMo曲轴forging裂纹NDT检测"),
              (V{"42crmo", "曲轴", "forg", "裂纹", "ndt", "检测"}));
}

TEST(DockingTokenizer, FullWidthFoldedToHalfWidth) {
    Tokenizer tok({});
    // Ｆｏｒｇｉｎｇ　４２ＣｒＭｏ typed with a Chinese input method.
    EXPECT_EQ(terms(tok, "\xEF\xBC\xA6\xEF\xBD\x8F\xEF\xBD\x92\xEF\xBD\x87\xEF\xBD\x89\xEF\xBD\x8E\xEF\xBD\x87\xE3\x80\x80"
                         "\xEF\xBC\x94\xEF\xBC\x92\xEF\xBC\xA3\xEF\xBD\x92\xEF\xBC\xAD\xEF\xBD\x8F"),
              (V{"forg", "42crmo"}));
    EXPECT_EQ(tok.fold("\xEF\xBC\xA1\xEF\xBC\x8C\xEF\xBC\x91"), "A,1");
}

TEST(DockingTokenizer, InvalidUtf8NeverCrashesAndSeparates) {
    Tokenizer tok({});
    EXPECT_FALSE(isValidUtf8("abc\xFF"));
    EXPECT_FALSE(isValidUtf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // a UTF-16 surrogate
    EXPECT_FALSE(isValidUtf8("\xE9\x94"));          // truncated 锻
    EXPECT_TRUE(isValidUtf8("锻件 forging"));
    // A bad byte is a separator: the words on each side survive, nothing else appears.
    EXPECT_EQ(terms(tok, "crack\xFF" "detection"), (V{"crack", "detection"}));
    EXPECT_EQ(terms(tok, "锻件\xE9\x94"), (V{"锻件"}));
    EXPECT_TRUE(isValidUtf8(tok.fold("\xF8\x88\x80\x80\x80 \xC3 mixed 锻\x80件")));
    // Random bytes: always valid output, never a crash.
    uint32_t x = 12345;
    for (int round = 0; round < 2000; ++round) {
        std::string junk;
        for (int i = 0; i < 40; ++i) {
            x = x * 1664525u + 1013904223u;
            junk += static_cast<char>(x >> 24);
        }
        std::vector<Token> out;
        tok.tokenize(junk, out);
        for (const Token& t : out) ASSERT_TRUE(isValidUtf8(t.term));
    }
}
