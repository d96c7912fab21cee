// accounts_cmd.cpp: `dockhall-admin accounts import|list|set-password` (accounts_cmd.h).
#include "tools/admin/accounts_cmd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>

#include "server/core/auth.h"
#include "server/docking/text.h"
#include "server/store/sqlite_store.h"
#include "tools/admin/agreement_cmd.h"

namespace tools::admin {

namespace {

int64_t wallMs() {
    using namespace std::chrono;
    return int64_t(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The column a header cell names, in English or Chinese; -1 for none.
int columnOf(const std::string& cellIn) {
    std::string cell = server::normalizeEmail(cellIn);  // trims and lower-cases ASCII
    static const std::map<std::string, int> kNames = {
        {"name", 0},  {"姓名", 0},         {"organization", 1}, {"organisation", 1}, {"org", 1},
        {"单位", 1},  {"机构", 1},         {"role", 2},         {"角色", 2},          {"email", 3},
        {"e-mail", 3}, {"邮箱", 3},        {"电子邮箱", 3}};
    auto it = kNames.find(cell);
    return it == kNames.end() ? -1 : it->second;
}

bool parseRoleCell(const std::string& cellIn, net::Role& out) {
    std::string cell = server::normalizeEmail(cellIn);
    static const std::map<std::string, net::Role> kRoles = {
        {"观众", net::Role::Attendee},   {"参会者", net::Role::Attendee}, {"展商", net::Role::Exhibitor},
        {"企业", net::Role::Exhibitor},  {"高校", net::Role::University}, {"院所", net::Role::University},
        {"主办方", net::Role::Organizer}, {"演讲嘉宾", net::Role::Speaker}, {"嘉宾", net::Role::Speaker}, {"演讲人", net::Role::Speaker}};
    if (net::parseRole(cell, out)) return true;
    auto it = kRoles.find(cell);
    if (it == kRoles.end()) return false;
    out = it->second;
    return true;
}

std::unique_ptr<server::SqliteStore> openStore(const std::string& dbPath, std::ostream& err) {
    std::string error;
    auto store = server::SqliteStore::open(dbPath, &error);
    if (!store) err << error << "\n" << dbPath << "：无法打开数据库\n";
    return store;
}

}  // namespace

bool parseCsv(const std::string& textIn, std::vector<CsvRow>& rows, std::string& error) {
    std::string_view text = textIn;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // Excel's UTF-8 BOM
    rows.clear();
    size_t line = 1, i = 0;
    while (i < text.size()) {
        CsvRow row;
        row.line = line;
        std::string field;
        bool endOfRow = false;
        while (!endOfRow) {
            field.clear();
            if (i < text.size() && text[i] == '"') {
                size_t quoteLine = line;
                ++i;
                for (;;) {
                    if (i >= text.size()) {
                        error = "line " + std::to_string(quoteLine) + ": a quoted field is never closed / 第 " +
                                std::to_string(quoteLine) + " 行：引号未闭合";
                        return false;
                    }
                    char c = text[i++];
                    if (c == '"') {
                        if (i < text.size() && text[i] == '"') { field += '"'; ++i; continue; }
                        break;
                    }
                    if (c == '\n') ++line;
                    field += c;
                }
                if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    error = "line " + std::to_string(line) + ": text after a closing quote / 第 " + std::to_string(line) +
                            " 行：引号后有多余文字";
                    return false;
                }
            } else {
                while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                    if (text[i] == '"') {
                        error = "line " + std::to_string(line) + ": a quote inside an unquoted field / 第 " +
                                std::to_string(line) + " 行：未加引号的字段中有引号";
                        return false;
                    }
                    field += text[i++];
                }
            }
            row.fields.push_back(field);
            if (i >= text.size()) {
                endOfRow = true;
            } else if (text[i] == ',') {
                ++i;
            } else {
                if (text[i] == '\r') ++i;
                if (i < text.size() && text[i] == '\n') ++i;
                ++line;
                endOfRow = true;
            }
        }
        bool blank = row.fields.size() == 1 && trim(row.fields[0]).empty();
        if (!blank) rows.push_back(std::move(row));
    }
    return true;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

int importAccountsCsv(const std::string& csvPath, const std::string& dbPath, const std::string& outPath,
                      std::ostream& out, std::ostream& err) {
    std::ifstream f(csvPath, std::ios::binary);
    if (!f) {
        err << csvPath << ": cannot open the file; check the path\n" << csvPath << "：无法打开文件，请检查路径\n";
        return kExitUnreadable;
    }
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::vector<CsvRow> rows;
    std::string error;
    if (!parseCsv(text, rows, error)) {
        err << csvPath << ": " << error << "\n";
        return kExitInvalid;
    }
    if (rows.empty()) {
        err << csvPath << ": empty; the first row names the columns: name,organization,role,email\n"
            << csvPath << "：文件为空；第一行应为列名：姓名,单位,角色,邮箱\n";
        return kExitInvalid;
    }
    int col[4] = {-1, -1, -1, -1};
    for (size_t c = 0; c < rows[0].fields.size(); ++c)
        if (int k = columnOf(rows[0].fields[c]); k >= 0) col[k] = int(c);
    for (int k = 0; k < 4; ++k)
        if (col[k] < 0) {
            static const char* kWhat[] = {"name / 姓名", "organization / 单位", "role / 角色", "email / 邮箱"};
            err << csvPath << ": line 1: the header has no column " << kWhat[k]
                << "; the first row names the columns / 第 1 行：表头缺少该列\n";
            return kExitInvalid;
        }

    std::vector<server::AccountImport> imports;
    std::vector<size_t> lines;
    std::map<std::string, size_t> seen;  // e-mail -> line, for duplicates inside the file
    bool bad = false;
    for (size_t r = 1; r < rows.size(); ++r) {
        const CsvRow& row = rows[r];
        auto cell = [&](int k) { return size_t(col[k]) < row.fields.size() ? trim(row.fields[size_t(col[k])]) : std::string(); };
        auto problem = [&](const std::string& en, const std::string& zh) {
            err << csvPath << ": line " << row.line << ": " << en << " / 第 " << row.line << " 行：" << zh << "\n";
            bad = true;
        };
        server::AccountImport a;
        a.name = cell(0);
        a.org = cell(1);
        a.email = server::normalizeEmail(cell(3));
        if (a.name.empty() || a.name.size() > net::kMaxNameBytes || !server::docking::isValidUtf8(a.name)) {
            problem("the name is empty, too long (" + std::to_string(net::kMaxNameBytes) + " bytes at most) or not UTF-8",
                    "姓名为空、过长或不是 UTF-8 编码");
            continue;
        }
        if (a.org.size() > net::kMaxOrgBytes || !server::docking::isValidUtf8(a.org)) {
            problem("the organization is too long or not UTF-8", "单位名称过长或不是 UTF-8 编码");
            continue;
        }
        if (!parseRoleCell(cell(2), a.role)) {
            problem("unknown role '" + cell(2) + "' (attendee, exhibitor, university, organizer or speaker)",
                    "未知角色“" + cell(2) + "”（观众、展商、高校、主办方或演讲嘉宾）");
            continue;
        }
        if (!server::validEmail(a.email)) {
            problem("'" + cell(3) + "' is not an e-mail address", "“" + cell(3) + "”不是有效的邮箱地址");
            continue;
        }
        if (auto [it, fresh] = seen.emplace(a.email, row.line); !fresh) {
            problem("the e-mail " + a.email + " is already on line " + std::to_string(it->second),
                    "邮箱 " + a.email + " 与第 " + std::to_string(it->second) + " 行重复");
            continue;
        }
        imports.push_back(std::move(a));
        lines.push_back(row.line);
    }
    if (bad) {
        err << "nothing was imported / 未导入任何账号\n";
        return kExitInvalid;
    }

    auto store = openStore(dbPath, err);
    if (!store) return kExitUnreadable;
    // Passwords only for the e-mails that are new; hash them before the transaction.
    std::vector<std::string> passwords(imports.size());
    for (size_t i = 0; i < imports.size(); ++i) {
        if (store->accountByEmail(imports[i].email)) continue;
        passwords[i] = server::randomPassword();
        imports[i].passwordHash = server::hashPassword(passwords[i]);
        if (imports[i].passwordHash.empty()) {
            err << "out of memory while hashing a password / 内存不足\n";
            return kExitUnreadable;
        }
    }
    // The passwords file is opened before anything is committed: if it cannot be written, the
    // accounts are not made (their passwords would be lost).
    int fd = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
        if (fd >= 0) ::close(fd);
        err << outPath << ": cannot write the passwords file; check the path / 无法写入密码文件\n";
        return kExitUnreadable;
    }
    std::vector<server::ImportOutcome> outcomes;
    size_t badRow = 0;
    if (!store->importAccounts(imports, wallMs(), &outcomes, &badRow, &error)) {
        ::close(fd);
        ::unlink(outPath.c_str());
        err << csvPath << ": line " << (badRow < lines.size() ? lines[badRow] : 0) << ": " << error
            << "\nnothing was imported / 未导入任何账号\n";
        return kExitInvalid;
    }
    std::string text2 = "name,email,password\n";
    size_t created = 0, updated = 0;
    for (size_t i = 0; i < imports.size(); ++i) {
        if (outcomes[i] == server::ImportOutcome::Updated) {
            ++updated;
            continue;
        }
        ++created;
        text2 += csvField(imports[i].name) + "," + csvField(imports[i].email) + "," + csvField(passwords[i]) + "\n";
    }
    bool written = ::write(fd, text2.data(), text2.size()) == ssize_t(text2.size());
    written = ::fsync(fd) == 0 && written;
    ::close(fd);
    if (!written) {
        err << outPath << ": could not write every password; run set-password for the new accounts / "
            << "密码文件写入不完整，请为新账号重设密码\n";
        return kExitUnreadable;
    }
    out << created << " account(s) created, " << updated << " updated; passwords of the new ones in " << outPath
        << " (send them, then delete the file)\n"
        << "新建 " << created << " 个账号，更新 " << updated << " 个；新账号的密码在 " << outPath << "（发出后请删除）\n";
    return kExitOk;
}

int listAccounts(const std::string& dbPath, std::ostream& out, std::ostream& err) {
    auto store = openStore(dbPath, err);
    if (!store) return kExitUnreadable;
    out << "id,name,organization,role,email,sessions,failed_logins,self_registered\n";
    for (const server::AccountRow& a : store->accounts())
        out << a.who.accountId << "," << csvField(a.who.name) << "," << csvField(a.who.org) << ","
            << net::roleName(a.who.role) << "," << csvField(a.email) << "," << a.who.sessions << "," << a.failedLogins
            << "," << (a.selfRegistered ? 1 : 0) << "\n";
    return store->lastError().empty() ? kExitOk : kExitUnreadable;
}

int setAccountPassword(const std::string& dbPath, const std::string& emailIn, const std::string& passwordIn,
                       std::ostream& out, std::ostream& err) {
    std::string email = server::normalizeEmail(emailIn);
    if (!passwordIn.empty() && passwordIn.size() < server::kMinPasswordBytes) {
        err << "the password must have at least " << server::kMinPasswordBytes << " characters / 密码至少需要 "
            << server::kMinPasswordBytes << " 个字符\n";
        return kExitInvalid;
    }
    auto store = openStore(dbPath, err);
    if (!store) return kExitUnreadable;
    auto account = store->accountByEmail(email);
    if (!account) {
        err << "no account with the e-mail " << email << " / 没有该邮箱的账号\n";
        return kExitInvalid;
    }
    std::string password = passwordIn.empty() ? server::randomPassword() : passwordIn;
    std::string hash = server::hashPassword(password);
    if (hash.empty() || !store->setPasswordHash(account->who.accountId, hash, wallMs())) {
        err << dbPath << ": could not store the password: " << store->lastError() << "\n";
        return kExitUnreadable;
    }
    out << "password of " << email << " set; its sessions are signed out / 密码已重设，原登录均已注销\n";
    if (passwordIn.empty()) out << "new password / 新密码: " << password << "\n";
    return kExitOk;
}

void addAccountsCommand(CLI::App& root, int& exitCode) {
    CLI::App* accounts = root.add_subcommand("accounts", "sign-in accounts in the event database");
    accounts->require_subcommand(1);

    struct Options {
        std::string file, db = "event.sqlite", out, email, password;
    };
    auto o = std::make_shared<Options>();

    CLI::App* imp = accounts->add_subcommand("import", "create or update accounts from a CSV file (name,organization,role,email)");
    imp->add_option("file", o->file, "the CSV file")->required();
    imp->add_option("--db", o->db, "the event database")->capture_default_str();
    imp->add_option("--out", o->out, "where the new accounts' passwords go (created with mode 0600)")->required();
    imp->callback([o, &exitCode] { exitCode = importAccountsCsv(o->file, o->db, o->out, std::cout, std::cerr); });

    CLI::App* list = accounts->add_subcommand("list", "print the accounts as CSV");
    list->add_option("--db", o->db, "the event database")->capture_default_str();
    list->callback([o, &exitCode] { exitCode = listAccounts(o->db, std::cout, std::cerr); });

    CLI::App* set = accounts->add_subcommand("set-password", "give an account a new password and sign out its sessions");
    set->add_option("email", o->email, "the account's e-mail")->required();
    set->add_option("--db", o->db, "the event database")->capture_default_str();
    set->add_option("--password", o->password, "the new password (default: a random one, printed)");
    set->callback([o, &exitCode] { exitCode = setAccountPassword(o->db, o->email, o->password, std::cout, std::cerr); });
}

}  // namespace tools::admin
