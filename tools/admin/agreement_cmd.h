// agreement_cmd.h: `dockhall-admin agreement ...`: offline checks and certificates of exported
// signed agreements (docs/agreements.md).
//
//   dockhall-admin agreement verify FILE.json
//   dockhall-admin agreement certificate FILE.json --out DIR
//   dockhall-admin agreement export --db FILE --id ID --out DIR
//
// Exit codes, the same for every dockhall-admin command:
//   0  all is well
//   1  the file was read, and it does not verify (each problem is named on stderr)
//   2  the file cannot be read, is not an exported agreement, or the output cannot be written
// (usage errors exit with CLI11's codes, also non-zero, after printing what was wrong).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace CLI { class App; }

namespace tools::admin {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUnreadable = 2;

// Verifies the exported agreement at `path`; reports on `out` (success) or `err` (problems).
int verifyAgreementFile(const std::string& path, std::ostream& out, std::ostream& err);
// Verifies `path` and writes DIR/agreement-<id>.html, a printable certificate. Writes nothing
// for an agreement that does not verify.
int writeCertificate(const std::string& path, const std::string& outDir, std::ostream& out, std::ostream& err);

// Reads ceremony `id` from the event database at `dbPath` and writes DIR/agreement-<id>.json (the
// signed agreement with every representative's registered public key, as `verify` reads it) and,
// when it verifies, DIR/agreement-<id>.html (the certificate). kExitInvalid when the agreement is
// not (yet) fully signed: the JSON is written, the certificate is not.
int exportAgreement(const std::string& dbPath, uint32_t id, const std::string& outDir, std::ostream& out, std::ostream& err);

// Adds the `agreement` command and its subcommands to `root`; the one that runs stores its exit
// code in `exitCode`.
void addAgreementCommand(CLI::App& root, int& exitCode);

}  // namespace tools::admin
