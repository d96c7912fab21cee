// admin_test.cpp: `dockhall-admin agreement verify|certificate` as a person runs it: the built
// binary on exported files, with one byte of the text or of a signature changed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <sys/wait.h>
#include <unistd.h>

#include "server/ceremony/agreement.h"
#include "tests/ceremony/fixture.h"
#include "tools/admin/agreement_cmd.h"
#include "tools/admin/certificate.h"

namespace {

namespace fs = std::filesystem;
namespace cer = server::ceremony;

std::string readText(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeText(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary | std::ios::trunc) << s; }

struct Result {
    int code = -1;
    std::string out, err;
};

class AdminTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("dockhall-admin-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        m_good = cer::signedAgreementJson(fixture::signedAgreement());
        writeText(m_dir / "agreement.json", m_good);
    }
    void TearDown() override { fs::remove_all(m_dir); }

    // Runs build/bin/dockhall-admin with `args`; stdout and stderr are captured in files.
    Result admin(const std::string& args) {
        const fs::path out = m_dir / "stdout.txt", err = m_dir / "stderr.txt";
        const std::string cmd = std::string(DOCKHALL_BIN_DIR) + "/dockhall-admin " + args + " >" + out.string() + " 2>" + err.string();
        const int status = std::system(cmd.c_str());
        Result r;
        r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.out = readText(out);
        r.err = readText(err);
        return r;
    }

    // The export file with one byte replaced: the first byte of `needle` at offset `delta`.
    std::string tampered(const std::string& needle, size_t delta, char newByte) {
        std::string t = m_good;
        const size_t at = t.find(needle);
        EXPECT_NE(at, std::string::npos) << needle;
        t[at + delta] = newByte;
        return t;
    }

    fs::path m_dir;
    std::string m_good;
};

TEST_F(AdminTest, AnIntactAgreementVerifies) {
    const Result r = admin("agreement verify " + (m_dir / "agreement.json").string());
    EXPECT_EQ(r.code, tools::admin::kExitOk) << r.err;
    EXPECT_NE(r.out.find("OK"), std::string::npos);
    EXPECT_NE(r.out.find(cer::toHex(cer::contentHash(fixture::agreement()))), std::string::npos);
    EXPECT_NE(r.out.find("signed by 李晓梅"), std::string::npos) << r.out;
}

TEST_F(AdminTest, OneByteOfTheEnglishTextChangedFails) {
    writeText(m_dir / "t.json", tampered("three years", 0, 'T'));
    const Result r = admin("agreement verify " + (m_dir / "t.json").string());
    EXPECT_EQ(r.code, tools::admin::kExitInvalid);
    EXPECT_NE(r.err.find("[content-changed]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("changed after signing"), std::string::npos) << r.err;
}

TEST_F(AdminTest, OneByteOfTheChineseTextChangedFails) {
    // 双 is E5 8F 8C; its last byte made 8D reads 反: still valid UTF-8, different text.
    const std::string needle = "双方";
    ASSERT_EQ(uint8_t(needle[2]), 0x8C);
    writeText(m_dir / "t.json", tampered(needle, 2, char(0x8D)));
    const Result r = admin("agreement verify " + (m_dir / "t.json").string());
    EXPECT_EQ(r.code, tools::admin::kExitInvalid);
    EXPECT_NE(r.err.find("[content-changed]"), std::string::npos) << r.err;
}

TEST_F(AdminTest, OneHexDigitOfASignatureChangedFailsNamingTheParty) {
    const cer::SignedAgreement doc = fixture::signedAgreement();
    const std::string sigHex = cer::toHex(doc.signatures[1].signature);
    writeText(m_dir / "t.json", tampered(sigHex, 7, sigHex[7] == '0' ? '1' : '0'));
    const Result r = admin("agreement verify " + (m_dir / "t.json").string());
    EXPECT_EQ(r.code, tools::admin::kExitInvalid);
    EXPECT_NE(r.err.find("[signature-invalid] party 2 (寧夏大學機械工程學院 / School of Mechanical Engineering, Ningxia University)"),
              std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("party 1"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("content-changed"), std::string::npos) << r.err;
}

TEST_F(AdminTest, AReplacedKeyIsNamed) {
    const cer::SignedAgreement doc = fixture::signedAgreement();
    const std::string keyHex = cer::toHex(doc.signatures[2].publicKey);
    // The signature's key no longer matches the witness's registered key.
    std::string t = m_good;
    const size_t at = t.find(keyHex);
    ASSERT_NE(at, std::string::npos);
    t[at] = t[at] == 'a' ? 'b' : 'a';
    writeText(m_dir / "t.json", t);
    const Result r = admin("agreement verify " + (m_dir / "t.json").string());
    EXPECT_EQ(r.code, tools::admin::kExitInvalid);
    EXPECT_NE(r.err.find("[key-unknown] witness 3"), std::string::npos) << r.err;
}

TEST_F(AdminTest, UnreadableFilesExitWithTwo) {
    Result r = admin("agreement verify " + (m_dir / "missing.json").string());
    EXPECT_EQ(r.code, tools::admin::kExitUnreadable);
    EXPECT_NE(r.err.find("cannot open"), std::string::npos);
    writeText(m_dir / "cut.json", m_good.substr(0, m_good.size() / 2));
    r = admin("agreement verify " + (m_dir / "cut.json").string());
    EXPECT_EQ(r.code, tools::admin::kExitUnreadable);
    EXPECT_NE(r.err.find("not an exported signed agreement"), std::string::npos) << r.err;
    r = admin("agreement verify");  // usage error
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.code, tools::admin::kExitInvalid);
}

TEST_F(AdminTest, TheCertificateShowsPartiesInBothScriptsHashAndFingerprints) {
    const fs::path outDir = m_dir / "out";
    const Result r = admin("agreement certificate " + (m_dir / "agreement.json").string() + " --out " + outDir.string());
    ASSERT_EQ(r.code, tools::admin::kExitOk) << r.err;
    const std::string html = readText(outDir / "agreement-7.html");
    ASSERT_FALSE(html.empty());
    const cer::SignedAgreement doc = fixture::signedAgreement();
    for (const std::string& s : {std::string("寧夏大學機械工程學院"), std::string("School of Mechanical Engineering, Ningxia University"),
                                 std::string("宁夏力成电气集团有限公司"), std::string("石墨烯在化学纤维中的应用"),
                                 std::string("graphene in chemical fibres"), std::string("&quot;graphene in chemical fibres&quot;"),
                                 cer::toHex(doc.contentHash), cer::keyFingerprint(doc.keys.at(fixture::kWitnessRep)),
                                 tools::admin::utcTime(doc.signedMs), std::string("见证方")})
        EXPECT_NE(html.find(s), std::string::npos) << s;
    EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST_F(AdminTest, NoCertificateForAnAgreementThatDoesNotVerify) {
    writeText(m_dir / "t.json", tampered("three years", 0, 'T'));
    const fs::path outDir = m_dir / "out";
    const Result r = admin("agreement certificate " + (m_dir / "t.json").string() + " --out " + outDir.string());
    EXPECT_EQ(r.code, tools::admin::kExitInvalid);
    EXPECT_FALSE(fs::exists(outDir / "agreement-7.html"));
    EXPECT_NE(r.err.find("no certificate written"), std::string::npos);
}

TEST(Certificate, EscapesWhatItShowsAndDatesInUtc) {
    EXPECT_EQ(tools::admin::htmlEscape("<b>\"A&B\"</b>'"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;&#39;");
    EXPECT_EQ(tools::admin::utcTime(fixture::kCreatedMs), "2024-06-04 01:30 UTC");
    cer::SignedAgreement doc = fixture::signedAgreement();
    doc.agreement.text.en = "<script>alert(1)</script>";
    EXPECT_EQ(tools::admin::certificateHtml(doc).find("<script>"), std::string::npos);
}

}  // namespace
