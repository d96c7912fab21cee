// report.h: `dockhall-admin report --db FILE --out DIR`: what happened at an event, from the
// server's database, as one HTML page with charts (inline SVG, no scripts, nothing fetched) and
// the same figures as CSV files beside it:
//
//   index.html       the page
//   attendance.csv   the most people in the hall during each quarter hour (from, people)
//   booths.csv       booth visits, busiest first (booth, organization, visits, visitors, minutes)
//   fields.csv       needs and capabilities per field (field, name, needs, capabilities)
//   meetings.csv     meetings by state and outcome (state, outcome, meetings)
//   agreements.csv   agreements (id, title, state, parties, signed at)
//
// buildReport reads; writeReport writes. Times are shown in the event's zone (China, UTC+8).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace server { class SqliteStore; }
namespace CLI { class App; }

namespace tools::admin {

struct EventReport {
    std::string eventName;                 // "中文 / English"
    uint32_t participants = 0;             // accounts that ever joined
    uint32_t sessions = 0;
    uint32_t peakPeople = 0;
    struct Sample { int64_t atMs = 0; uint32_t people = 0; };
    std::vector<Sample> attendance;        // each quarter hour from the first join to the last leave: the most present in it
    struct BoothRow { uint16_t booth = 0; std::string organization; uint32_t visits = 0, visitors = 0; double minutes = 0; };
    std::vector<BoothRow> booths;          // busiest first (visits, then minutes)
    struct FieldRow { std::string key, name; uint32_t needs = 0, capabilities = 0; };
    std::vector<FieldRow> fields;          // most posts first
    struct MeetingRow { std::string state, outcome; uint32_t count = 0; };
    std::vector<MeetingRow> meetings;      // by state, then outcome
    uint32_t meetingsHeld = 0;             // accepted meetings whose slot has started
    struct AgreementRow { uint32_t id = 0; std::string title, state, parties; int64_t signedMs = 0; };
    std::vector<AgreementRow> agreements;  // by id
    uint32_t agreementsSigned = 0;
};

constexpr int64_t kAttendanceStepMs = 15 * 60 * 1000;

// `nowMs` closes sessions still open (a report during the event). False with a message on error.
bool buildReport(server::SqliteStore& store, int64_t nowMs, EventReport& out, std::string& error);
// Writes index.html and the CSV files into `dir` (created if needed).
bool writeReport(const EventReport& r, const std::string& dir, std::string& error);

// `dockhall-admin report --db FILE --out DIR`.
int reportCommand(const std::string& dbPath, const std::string& outDir, std::ostream& out, std::ostream& err);
void addReportCommand(CLI::App& root, int& exitCode);

}  // namespace tools::admin
