// agreement_cmd.cpp: `dockhall-admin agreement verify|certificate` (agreement_cmd.h).
#include "tools/admin/agreement_cmd.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "server/ceremony/agreement.h"
#include "tools/admin/certificate.h"

namespace tools::admin {

namespace cer = server::ceremony;
namespace fs = std::filesystem;

namespace {

// Reads and parses the export file; on failure says why on `err` and returns false.
bool readSigned(const std::string& path, cer::SignedAgreement& doc, std::ostream& err) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        err << path << ": cannot open the file; check the path\n" << path << "：无法打开文件，请检查路径\n";
        return false;
    }
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::string error;
    if (!cer::parseSignedAgreement(text, doc, error)) {
        err << path << ": not an exported signed agreement: " << error << "\n"
            << path << "：不是导出的已签署协议文件：" << error << "\n";
        return false;
    }
    return true;
}

// Verifies; prints every problem on `err`. True when the agreement verifies.
bool check(const std::string& path, const cer::SignedAgreement& doc, std::ostream& err) {
    const cer::VerifyReport r = cer::verifySigned(doc);
    if (r.ok()) return true;
    err << path << ": FAILED verification (" << r.problems.size() << " problem"
        << (r.problems.size() == 1 ? "" : "s") << ") / 核验未通过\n";
    for (const cer::VerifyProblem& p : r.problems)
        err << "  [" << cer::verifyCodeName(p.code) << "] " << p.en << "\n  " << std::string(4 + std::string(cer::verifyCodeName(p.code)).size(), ' ') << p.zh << "\n";
    return false;
}

bool writeFile(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f.write(text.data(), std::streamsize(text.size()))) return false;
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    return !ec;
}

}  // namespace

int verifyAgreementFile(const std::string& path, std::ostream& out, std::ostream& err) {
    cer::SignedAgreement doc;
    if (!readSigned(path, doc, err)) return kExitUnreadable;
    if (!check(path, doc, err)) return kExitInvalid;
    const cer::Agreement& a = doc.agreement;
    out << path << ": OK / 核验通过\n  " << (a.title.zh.empty() ? a.title.en : a.title.zh);
    if (!a.title.zh.empty() && !a.title.en.empty()) out << " / " << a.title.en;
    out << "\n  content hash " << cer::toHex(doc.contentHash) << "\n";
    for (size_t i = 0; i < a.parties.size(); ++i)
        out << "  " << cer::partyLabel(a, i, false) << ": signed by " << a.parties[i].representative.name
            << ", key " << cer::keyFingerprint(doc.keys.at(a.parties[i].representative.account)) << "\n";
    return kExitOk;
}

int writeCertificate(const std::string& path, const std::string& outDir, std::ostream& out, std::ostream& err) {
    cer::SignedAgreement doc;
    if (!readSigned(path, doc, err)) return kExitUnreadable;
    if (!check(path, doc, err)) {
        err << "no certificate written: fix or re-export the agreement first / 未生成证书\n";
        return kExitInvalid;
    }
    std::error_code ec;
    fs::create_directories(outDir, ec);
    const fs::path file = fs::path(outDir) / ("agreement-" + std::to_string(doc.agreement.id) + ".html");
    if (ec || !writeFile(file, certificateHtml(doc))) {
        err << file.string() << ": cannot write the certificate; check that the folder is writable\n";
        return kExitUnreadable;
    }
    out << file.string() << "\n";
    return kExitOk;
}

void addAgreementCommand(CLI::App& root, int& exitCode) {
    CLI::App* agreement = root.add_subcommand("agreement", "Signed agreements: verify offline, print certificates");
    agreement->require_subcommand(1);

    auto verifyPath = std::make_shared<std::string>();
    CLI::App* verify = agreement->add_subcommand("verify", "Check every signature of an exported agreement offline");
    verify->add_option("FILE", *verifyPath, "the exported agreement (JSON)")->required();
    verify->callback([verifyPath, &exitCode] { exitCode = verifyAgreementFile(*verifyPath, std::cout, std::cerr); });

    auto certPath = std::make_shared<std::string>();
    auto certOut = std::make_shared<std::string>();
    CLI::App* cert = agreement->add_subcommand("certificate", "Write a printable HTML certificate of a verified agreement");
    cert->add_option("FILE", *certPath, "the exported agreement (JSON)")->required();
    cert->add_option("--out", *certOut, "the folder to write agreement-<id>.html into")->required();
    cert->callback([certPath, certOut, &exitCode] { exitCode = writeCertificate(*certPath, *certOut, std::cout, std::cerr); });
}

}  // namespace tools::admin
