// report.cpp: the event report (report.h): figures from the store, SVG charts, CSV files.
#include "tools/admin/report.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "net/protocol/event_time.h"
#include "server/core/event_loader.h"
#include "server/docking/records.h"
#include "server/store/sqlite_store.h"
#include "tools/admin/agreement_cmd.h"
#include "tools/admin/certificate.h"

namespace tools::admin {

namespace fs = std::filesystem;

namespace {

constexpr int kEventUtcOffsetMinutes = net::kChinaUtcOffsetMinutes;

// "2024-06-04 09:15" in the event's zone.
std::string eventTime(int64_t unixMs) { return net::formatEventTime(unixMs, kEventUtcOffsetMinutes); }

std::string both(const std::string& zh, const std::string& en) {
    if (zh.empty()) return en;
    if (en.empty() || en == zh) return zh;
    return zh + " / " + en;
}

// RFC 4180: quoted when it holds a comma, quote or line break.
std::string csv(const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string num(double v, int decimals) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    return s.str();
}

// A horizontal bar chart: one labelled bar per row (two series side by side when `second` is set).
std::string barChart(const std::vector<std::string>& labels, const std::vector<double>& first,
                     const std::vector<double>* second = nullptr, const char* firstName = "", const char* secondName = "") {
    const double rowH = second ? 30 : 22, labelW = 330, barW = 380, top = second ? 24 : 4;
    double maxV = 1;
    for (double v : first) maxV = std::max(maxV, v);
    if (second)
        for (double v : *second) maxV = std::max(maxV, v);
    std::ostringstream s;
    const double height = top + rowH * double(labels.size()) + 6;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << labelW + barW + 60 << "\" height=\"" << height
      << "\" role=\"img\">";
    if (second)
        s << "<rect x=\"" << labelW << "\" y=\"4\" width=\"12\" height=\"12\" class=\"a\"/><text x=\"" << labelW + 16
          << "\" y=\"14\">" << htmlEscape(firstName) << "</text><rect x=\"" << labelW + 140
          << "\" y=\"4\" width=\"12\" height=\"12\" class=\"b\"/><text x=\"" << labelW + 156 << "\" y=\"14\">"
          << htmlEscape(secondName) << "</text>";
    for (size_t i = 0; i < labels.size(); ++i) {
        const double y = top + rowH * double(i);
        s << "<text x=\"" << labelW - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">" << htmlEscape(labels[i]) << "</text>";
        const double w1 = barW * first[i] / maxV;
        s << "<rect x=\"" << labelW << "\" y=\"" << y + 3 << "\" width=\"" << num(w1, 1) << "\" height=\"" << (second ? 12 : 16)
          << "\" class=\"a\"/><text x=\"" << num(labelW + w1 + 4, 1) << "\" y=\"" << y + 14 << "\">" << num(first[i], 0) << "</text>";
        if (second) {
            const double w2 = barW * (*second)[i] / maxV;
            s << "<rect x=\"" << labelW << "\" y=\"" << y + 16 << "\" width=\"" << num(w2, 1)
              << "\" height=\"12\" class=\"b\"/><text x=\"" << num(labelW + w2 + 4, 1) << "\" y=\"" << y + 27 << "\">"
              << num((*second)[i], 0) << "</text>";
        }
    }
    s << "</svg>";
    return s.str();
}

// People in the hall over time: a line with the quarter hours along the bottom.
std::string lineChart(const std::vector<EventReport::Sample>& samples) {
    const double w = 760, h = 220, left = 40, bottom = 30, top = 10;
    uint32_t maxV = 1;
    for (const auto& x : samples) maxV = std::max(maxV, x.people);
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h << "\" role=\"img\">";
    s << "<line x1=\"" << left << "\" y1=\"" << h - bottom << "\" x2=\"" << w << "\" y2=\"" << h - bottom << "\" class=\"axis\"/>";
    s << "<text x=\"4\" y=\"" << top + 10 << "\">" << maxV << "</text><text x=\"4\" y=\"" << h - bottom << "\">0</text>";
    if (samples.size() >= 1) {
        const double step = samples.size() > 1 ? (w - left - 10) / double(samples.size() - 1) : 0;
        s << "<polyline class=\"line\" points=\"";
        for (size_t i = 0; i < samples.size(); ++i)
            s << num(left + step * double(i), 1) << "," << num(h - bottom - (h - bottom - top) * samples[i].people / maxV, 1) << " ";
        s << "\"/>";
        const size_t every = std::max<size_t>(1, samples.size() / 8);
        for (size_t i = 0; i < samples.size(); i += every)
            s << "<text x=\"" << num(left + step * double(i), 1) << "\" y=\"" << h - 10 << "\" text-anchor=\"middle\">"
              << eventTime(samples[i].atMs).substr(11) << "</text>";
    }
    s << "</svg>";
    return s.str();
}

bool writeText(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    return bool(out);
}

}  // namespace

bool buildReport(server::SqliteStore& store, int64_t nowMs, EventReport& r, std::string& error) {
    r = {};
    net::EventLayout layout;
    if (auto json = store.loadEventJson()) {
        std::string loadError;
        if (server::loadEventJson(*json, layout, loadError)) r.eventName = both(layout.name.zh, layout.name.en);
    }
    // Attendance: who was in the hall at each quarter hour.
    const auto spans = store.sessionSpans();
    if (!store.lastError().empty() && spans.empty() && !store.participants().empty()) {
        error = store.lastError();
        return false;
    }
    r.participants = uint32_t(store.participants().size());
    r.sessions = uint32_t(spans.size());
    if (!spans.empty()) {
        int64_t first = spans.front().joinedMs, last = first;
        for (const auto& s : spans) last = std::max(last, s.leftMs ? s.leftMs : nowMs);
        first -= first % kAttendanceStepMs;
        // The most people in the hall during each quarter hour: at its start, and at each join in it.
        auto presentAt = [&](int64_t at) {
            std::set<uint32_t> present;
            for (const auto& s : spans)
                if (s.joinedMs <= at && at < (s.leftMs ? s.leftMs : nowMs)) present.insert(s.account);
            return uint32_t(present.size());
        };
        for (int64_t t = first; t <= last; t += kAttendanceStepMs) {
            uint32_t most = presentAt(t);
            for (const auto& s : spans)
                if (s.joinedMs > t && s.joinedMs < t + kAttendanceStepMs) most = std::max(most, presentAt(s.joinedMs));
            r.attendance.push_back({t, most});
        }
        // The peak is over every moment, not just the quarter hours: count at each join.
        for (const auto& at : spans) {
            std::set<uint32_t> present;
            for (const auto& s : spans)
                if (s.joinedMs <= at.joinedMs && at.joinedMs < (s.leftMs ? s.leftMs : nowMs)) present.insert(s.account);
            r.peakPeople = std::max(r.peakPeople, uint32_t(present.size()));
        }
    }
    // Booths by visits.
    std::map<uint16_t, EventReport::BoothRow> booths;
    std::map<uint16_t, std::set<uint32_t>> visitors;
    for (const net::Booth& b : layout.booths) booths[b.id.v] = {b.id.v, both(b.owner.name.zh, b.owner.name.en), 0, 0, 0};
    for (const server::VisitRow& v : store.visits()) {
        auto& row = booths[v.booth];
        row.booth = v.booth;
        ++row.visits;
        row.minutes += double(v.leaveMs - v.enterMs) / 60000.0;
        visitors[v.booth].insert(v.account);
    }
    for (auto& [id, row] : booths) {
        row.visitors = uint32_t(visitors[id].size());
        r.booths.push_back(row);
    }
    std::stable_sort(r.booths.begin(), r.booths.end(), [](const auto& a, const auto& b) {
        return a.visits != b.visits ? a.visits > b.visits : a.minutes > b.minutes;
    });
    // Needs and capabilities per field.
    const server::docking::Taxonomy taxonomy = server::docking::defaultTaxonomy();
    std::map<std::string, EventReport::FieldRow> fields;
    for (const server::DockPostRow& p : store.posts()) {
        for (const std::string& key : p.post.fields) {
            auto& row = fields[key];
            row.key = key;
            if (const auto* f = server::docking::findField(taxonomy, key)) row.name = both(f->zh, f->en);
            (p.post.kind == net::DockKind::Need ? row.needs : row.capabilities) += 1;
        }
    }
    for (auto& [k, row] : fields) r.fields.push_back(row);
    std::stable_sort(r.fields.begin(), r.fields.end(),
                     [](const auto& a, const auto& b) { return a.needs + a.capabilities > b.needs + b.capabilities; });
    // Meetings by state and outcome; held = accepted and started.
    std::map<std::pair<std::string, std::string>, uint32_t> meetings;
    for (const server::MeetingRow& m : store.meetings()) {
        ++meetings[{net::meetingStateName(m.view.state), net::meetingOutcomeName(m.view.outcome)}];
        if (m.view.state == net::MeetingState::Accepted && m.view.startMs <= nowMs) ++r.meetingsHeld;
    }
    for (const auto& [k, n] : meetings) r.meetings.push_back({k.first, k.second, n});
    // Agreements.
    for (const auto& c : store.ceremonies()) {
        EventReport::AgreementRow row;
        row.id = c.id;
        row.title = both(c.agreement.title.zh, c.agreement.title.en);
        row.state = server::ceremony::ceremonyStateName(c.state);
        for (const auto& p : c.agreement.parties) {
            if (!row.parties.empty()) row.parties += "; ";
            row.parties += p.organization.zh.empty() ? p.organization.en : p.organization.zh;
        }
        if (c.state == server::ceremony::CeremonyState::Signed) {
            row.signedMs = c.signedAtMs;
            ++r.agreementsSigned;
        }
        r.agreements.push_back(std::move(row));
    }
    return true;
}

bool writeReport(const EventReport& r, const std::string& dir, std::string& error) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        error = dir + ": cannot create the folder (" + ec.message() + ")";
        return false;
    }
    const fs::path d(dir);
    std::string attendance = "quarter_hour_from,most_people\n";
    for (const auto& s : r.attendance) attendance += eventTime(s.atMs) + "," + std::to_string(s.people) + "\n";
    std::string booths = "booth,organization,visits,visitors,minutes\n";
    for (const auto& b : r.booths)
        booths += std::to_string(b.booth) + "," + csv(b.organization) + "," + std::to_string(b.visits) + "," +
                  std::to_string(b.visitors) + "," + num(b.minutes, 1) + "\n";
    std::string fields = "field,name,needs,capabilities\n";
    for (const auto& f : r.fields)
        fields += csv(f.key) + "," + csv(f.name) + "," + std::to_string(f.needs) + "," + std::to_string(f.capabilities) + "\n";
    std::string meetings = "state,outcome,meetings\n";
    for (const auto& m : r.meetings) meetings += m.state + "," + m.outcome + "," + std::to_string(m.count) + "\n";
    std::string agreements = "id,title,state,parties,signed_at\n";
    for (const auto& a : r.agreements)
        agreements += std::to_string(a.id) + "," + csv(a.title) + "," + a.state + "," + csv(a.parties) + "," +
                      (a.signedMs ? eventTime(a.signedMs) : "") + "\n";

    // The page: charts first, tables of the same figures under each.
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>活动报告 Event report — "
      << htmlEscape(r.eventName) << "</title>\n<style>body{font-family:'Noto Sans CJK SC','Source Han Sans SC',sans-serif;"
      << "max-width:900px;margin:2em auto;color:#222}h1{color:#8b1a1a}svg text{font-size:12px;fill:#333}"
      << ".a{fill:#c0392b}.b{fill:#2e86c1}.line{fill:none;stroke:#c0392b;stroke-width:2}.axis{stroke:#999}"
      << "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}"
      << ".k{display:inline-block;margin:0 2em 1em 0}.k b{display:block;font-size:2em;color:#8b1a1a}</style></head><body>\n";
    h << "<h1>活动报告 Event report</h1><p>" << htmlEscape(r.eventName) << "</p>\n";
    h << "<div class=\"k\"><b>" << r.participants << "</b>参会者 participants</div><div class=\"k\"><b>" << r.peakPeople
      << "</b>同时在场峰值 peak in the hall</div><div class=\"k\"><b>" << r.meetingsHeld
      << "</b>已举行洽谈 meetings held</div><div class=\"k\"><b>" << r.agreementsSigned << "</b>已签协议 agreements signed</div>\n";
    h << "<h2>到场人数（每刻钟最多） Attendance over time (most people in each quarter hour)</h2>" << lineChart(r.attendance)
      << "<p><a href=\"attendance.csv\">attendance.csv</a></p>\n";
    {
        std::vector<std::string> labels;
        std::vector<double> values;
        for (size_t i = 0; i < r.booths.size() && i < 15; ++i) {
            labels.push_back(r.booths[i].organization);
            values.push_back(r.booths[i].visits);
        }
        h << "<h2>最受关注展位 Busiest booths (visits)</h2>" << barChart(labels, values)
          << "<p><a href=\"booths.csv\">booths.csv</a></p>\n";
    }
    {
        std::vector<std::string> labels;
        std::vector<double> needs, caps;
        for (const auto& f : r.fields) {
            labels.push_back(f.name.empty() ? f.key : f.name);
            needs.push_back(f.needs);
            caps.push_back(f.capabilities);
        }
        h << "<h2>各领域需求与能力 Needs and capabilities per field</h2>"
          << barChart(labels, needs, &caps, "需求 needs", "能力 capabilities") << "<p><a href=\"fields.csv\">fields.csv</a></p>\n";
    }
    {
        std::vector<std::string> labels;
        std::vector<double> values;
        for (const auto& m : r.meetings) {
            labels.push_back(m.state + (m.outcome == "none" ? "" : " · " + m.outcome));
            values.push_back(m.count);
        }
        h << "<h2>洽谈 Meetings</h2>" << barChart(labels, values) << "<p><a href=\"meetings.csv\">meetings.csv</a></p>\n";
    }
    h << "<h2>签约 Agreements</h2><table><tr><th>#</th><th>协议 title</th><th>状态 state</th><th>各方 parties</th>"
      << "<th>签署时间 signed</th></tr>";
    for (const auto& a : r.agreements)
        h << "<tr><td>" << a.id << "</td><td>" << htmlEscape(a.title) << "</td><td>" << a.state << "</td><td>" << htmlEscape(a.parties)
          << "</td><td>" << (a.signedMs ? eventTime(a.signedMs) : "") << "</td></tr>";
    h << "</table><p><a href=\"agreements.csv\">agreements.csv</a></p>\n</body></html>\n";

    const std::pair<const char*, const std::string*> files[] = {
        {"attendance.csv", &attendance}, {"booths.csv", &booths}, {"fields.csv", &fields},
        {"meetings.csv", &meetings},     {"agreements.csv", &agreements}};
    for (const auto& [name, body] : files)
        if (!writeText(d / name, *body)) {
            error = (d / name).string() + ": cannot write";
            return false;
        }
    const std::string page = h.str();
    if (!writeText(d / "index.html", page)) {
        error = (d / "index.html").string() + ": cannot write";
        return false;
    }
    return true;
}

int reportCommand(const std::string& dbPath, const std::string& outDir, std::ostream& out, std::ostream& err) {
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
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    EventReport r;
    if (!buildReport(*store, now, r, error) || !writeReport(r, outDir, error)) {
        err << error << "\n";
        return kExitUnreadable;
    }
    out << (fs::path(outDir) / "index.html").string() << "\n";
    return kExitOk;
}

void addReportCommand(CLI::App& root, int& exitCode) {
    auto db = std::make_shared<std::string>();
    auto outDir = std::make_shared<std::string>();
    CLI::App* report = root.add_subcommand("report", "Write the event report (HTML with charts, and CSV) from the event database");
    report->add_option("--db", *db, "the server's event database (--db of dockhall-server)")->required();
    report->add_option("--out", *outDir, "the folder to write index.html and the CSV files into")->required();
    report->callback([db, outDir, &exitCode] { exitCode = reportCommand(*db, *outDir, std::cout, std::cerr); });
}

}  // namespace tools::admin
