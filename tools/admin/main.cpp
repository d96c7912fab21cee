// dockhall-admin: the organizer's offline tools, one command group per concern.
//
//   dockhall-admin agreement verify FILE.json
//   dockhall-admin agreement certificate FILE.json --out DIR
//   dockhall-admin agreement export --db FILE --id ID --out DIR
//   dockhall-admin report --db FILE --out DIR
//   dockhall-admin accounts import FILE.csv --db DB --out PASSWORDS.csv
//   dockhall-admin accounts list --db DB
//   dockhall-admin accounts set-password EMAIL --db DB [--password P]
//
// Each group lives in its own file (agreement_cmd.cpp) and adds itself to the command line
// here; exit codes are shared (agreement_cmd.h: 0 fine, 1 does not verify, 2 unreadable).
#include <CLI/CLI.hpp>

#include "tools/admin/accounts_cmd.h"
#include "tools/admin/agreement_cmd.h"
#include "tools/admin/report.h"

int main(int argc, char** argv) {
    CLI::App app{"dockhall-admin: the organizer's accounts, signed agreements with their certificates, the event report"};
    app.require_subcommand(1);
    int exitCode = tools::admin::kExitOk;
    tools::admin::addAgreementCommand(app, exitCode);
    tools::admin::addReportCommand(app, exitCode);
    tools::admin::addAccountsCommand(app, exitCode);
    CLI11_PARSE(app, argc, argv);
    return exitCode;
}
