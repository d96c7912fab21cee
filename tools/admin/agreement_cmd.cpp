// agreement_cmd.cpp: `dockhall-admin agreement verify|certificate` (agreement_cmd.h).
#include "tools/admin/agreement_cmd.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "server/ceremony/agreement.h"
#include "server/store/sqlite_store.h"
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

int exportAgreement(const std::string& dbPath, uint32_t id, const std::string& outDir, std::ostream& out, std::ostream& err) {
    if (!fs::exists(dbPath)) {
        err << dbPath << ": no such database; give the server's --db file / 找不到数据库文件\n";
        return kExitUnreadable;
    }
    std::string error;
    auto store = server::SqliteStore::open(dbPath, &error);
    if (!store) {
        err << error << "\n";
        return kExitUnreadable;
    }
    std::optional<server::ceremony::CeremonyRecord> record;
    for (auto& r : store->ceremonies())
        if (r.id == id) record = std::move(r);
    if (!record) {
        err << dbPath << ": there is no agreement " << id << " / 没有编号为 " << id << " 的协议\n";
        return kExitUnreadable;
    }
    cer::SignedAgreement doc;
    doc.agreement = record->agreement;
    doc.contentHash = record->contentHash;
    doc.signatures = record->signatures;
    doc.signedMs = record->state == server::ceremony::CeremonyState::Signed ? record->signedAtMs : 0;
    // Every representative's registered key: what a verifier checks each signature against.
    const auto keys = store->signingKeys();
    for (const cer::Party& p : doc.agreement.parties)
        if (auto k = keys.find(p.representative.account); k != keys.end()) doc.keys[p.representative.account] = k->second;

    std::error_code ec;
    fs::create_directories(outDir, ec);
    const fs::path json = fs::path(outDir) / ("agreement-" + std::to_string(id) + ".json");
    if (ec || !writeFile(json, cer::signedAgreementJson(doc))) {
        err << json.string() << ": cannot write; check that the folder is writable\n";
        return kExitUnreadable;
    }
    out << json.string() << "\n";
    if (record->state != server::ceremony::CeremonyState::Signed) {
        err << "agreement " << id << " is " << server::ceremony::ceremonyStateText(record->state, false)
            << ", not signed: no certificate written / 协议尚未签署完成，未生成证书\n";
        return kExitInvalid;
    }
    return writeCertificate(json.string(), outDir, out, err);
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

    auto exportDb = std::make_shared<std::string>();
    auto exportId = std::make_shared<uint32_t>(0);
    auto exportOut = std::make_shared<std::string>();
    CLI::App* exp = agreement->add_subcommand("export", "Write a signed agreement from the event database as JSON and its certificate");
    exp->add_option("--db", *exportDb, "the server's event database (--db of dockhall-server)")->required();
    exp->add_option("--id", *exportId, "the agreement's number")->required()->check(CLI::Range(1u, 0xffffffffu));
    exp->add_option("--out", *exportOut, "the folder to write agreement-<id>.json and .html into")->required();
    exp->callback([exportDb, exportId, exportOut, &exitCode] {
        exitCode = exportAgreement(*exportDb, *exportId, *exportOut, std::cout, std::cerr);
    });
}

}  // namespace tools::admin
