// accounts_cmd.h: `dockhall-admin accounts ...`: the organizer's accounts, offline, in the event
// database (the server may be running: SQLite lets both at it, one write at a time).
//
//   dockhall-admin accounts import FILE.csv --db DB --out PASSWORDS.csv
//   dockhall-admin accounts list --db DB
//   dockhall-admin accounts set-password EMAIL --db DB [--password P]   (else a new random one)
//
// The import file is UTF-8 CSV with a header row naming the columns name, organization, role,
// email (or 姓名, 单位, 角色, 邮箱), in any order; fields may be quoted ("Zhang, San"), a quote inside
// a quoted field is doubled. Role is attendee / exhibitor / university / organizer (or 观众,
// 展商, 高校, 主办方). Every new account gets a random password, written with its name and e-mail to
// --out (created with mode 0600) for the organizer to send; an e-mail already in the database is
// updated (name, organization, role), its password kept. One bad row (named with its line number)
// and nothing is imported.
//
// Exit codes as in agreement_cmd.h: 0 fine, 1 the input has a problem, 2 a file cannot be read or
// written.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace tools::admin {

struct CsvRow {
    size_t line = 0;                  // 1-based line where the row starts
    std::vector<std::string> fields;
};

// RFC 4180 CSV (quotes, doubled quotes, commas and newlines inside quotes; CRLF or LF; a UTF-8 BOM
// is skipped). False with a message naming the line for an unterminated quote or a stray one.
bool parseCsv(const std::string& text, std::vector<CsvRow>& rows, std::string& error);
// One CSV field, quoted when it needs to be.
std::string csvField(const std::string& s);

int importAccountsCsv(const std::string& csvPath, const std::string& dbPath, const std::string& outPath,
                      std::ostream& out, std::ostream& err);
int listAccounts(const std::string& dbPath, std::ostream& out, std::ostream& err);
// `password` empty: a random one, printed on `out`.
int setAccountPassword(const std::string& dbPath, const std::string& email, const std::string& password,
                       std::ostream& out, std::ostream& err);

void addAccountsCommand(CLI::App& root, int& exitCode);

}  // namespace tools::admin
