// report_test.cpp: the event report's numbers match a scripted event written to the store:
// who was in the hall when, booth visits, posts per field, meetings, agreements; the CSV files
// carry the same numbers and the page has its charts inline with no scripts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "fixture.h"
#include "server/ceremony/ceremony.h"
#include "server/core/event_loader.h"
#include "server/store/sqlite_store.h"
#include "tools/admin/report.h"

namespace fs = std::filesystem;
using namespace server;

namespace {

constexpr int64_t k0900 = 1717462800000;  // 2024-06-04 09:00 in China
constexpr int64_t kMin = 60'000;

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

net::PostView post(net::DockKind kind, std::vector<std::string> fields) {
    net::PostView p;
    p.kind = kind;
    p.title = {"曲轴锻件检测", "Crankshaft testing"};
    p.fields = std::move(fields);
    return p;
}

}  // namespace

TEST(Report, NumbersMatchAScriptedEvent) {
    const fs::path dir = fs::temp_directory_path() / ("dockhall_report_" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string error;
    auto store = SqliteStore::open((dir / "event.sqlite").string(), &error);
    ASSERT_TRUE(store) << error;
    net::EventLayout layout;
    const std::string eventPath = std::string(DOCKHALL_SOURCE_DIR) + "/assets/events/sample.json";
    std::ifstream in(eventPath);
    const std::string eventJson{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_TRUE(loadEventJson(eventJson, layout, error)) << error;
    ASSERT_GE(layout.booths.size(), 2u);
    ASSERT_TRUE(store->saveEvent(eventJson, layout));

    // Three people: A 09:00-10:00, B 09:10-09:40, C 09:50-10:20.
    auto a = store->recordJoin("王磊", "嵊州市精工锻造有限公司", net::Role::Exhibitor, k0900);
    auto b = store->recordJoin("李敏", "浙江工业职业技术学院", net::Role::University, k0900 + 10 * kMin);
    ASSERT_TRUE(a && b);
    ASSERT_TRUE(store->recordLeave(b->accountId, k0900 + 40 * kMin));
    auto c = store->recordJoin("张三", "", net::Role::Attendee, k0900 + 50 * kMin);
    ASSERT_TRUE(c);
    ASSERT_TRUE(store->recordLeave(a->accountId, k0900 + 60 * kMin));
    ASSERT_TRUE(store->recordLeave(c->accountId, k0900 + 80 * kMin));

    // Booth 0: three visits by two people; booth 1: one.
    const uint16_t b0 = layout.booths[0].id.v, b1 = layout.booths[1].id.v;
    ASSERT_TRUE(store->appendVisit({a->accountId, b0, k0900 + 1 * kMin, k0900 + 3 * kMin}));
    ASSERT_TRUE(store->appendVisit({a->accountId, b0, k0900 + 20 * kMin, k0900 + 21 * kMin}));
    ASSERT_TRUE(store->appendVisit({b->accountId, b0, k0900 + 15 * kMin, k0900 + 17 * kMin}));
    ASSERT_TRUE(store->appendVisit({c->accountId, b1, k0900 + 55 * kMin, k0900 + 56 * kMin}));

    // Posts: a need in forging and testing, a capability in testing.
    ASSERT_TRUE(store->insertPost({post(net::DockKind::Need, {"forging", "testing"}), "org:1", a->accountId, k0900}));
    ASSERT_TRUE(store->insertPost({post(net::DockKind::Capability, {"testing"}), "org:2", b->accountId, k0900}));

    // Meetings: one accepted at 09:30 (held), one still requested.
    MeetingRow m;
    m.view.state = net::MeetingState::Accepted;
    m.view.startMs = k0900 + 30 * kMin;
    m.view.minutes = 20;
    m.view.requester = {a->accountId, "王磊", "锻造"};
    m.view.responder = {b->accountId, "李敏", "学院"};
    ASSERT_TRUE(store->insertMeeting(m));
    m.view.state = net::MeetingState::Requested;
    m.view.startMs = k0900 + 90 * kMin;
    ASSERT_TRUE(store->insertMeeting(m));

    // Agreements: one signed, one still a draft.
    ceremony::CeremonyRecord rec;
    rec.agreement = fixture::agreement();
    ASSERT_TRUE(store->insertCeremony(rec, k0900));
    ceremony::Ceremony cer(rec.id, rec.agreement);
    const ceremony::Actor org{fixture::kOrganizer, net::Role::Organizer};
    ASSERT_TRUE(cer.finalize(org, k0900).applied());
    ASSERT_TRUE(cer.start(org, k0900).applied());
    ASSERT_TRUE(cer.openSigning(org, k0900).applied());
    for (uint32_t rep : {fixture::kEnterpriseRep, fixture::kUniversityRep, fixture::kWitnessRep}) {
        const auto kp = fixture::keyFor(rep);
        ASSERT_TRUE(cer.sign({rep, net::Role::Attendee}, ceremony::signHash(cer.contentHash(), kp.secretKey), kp.publicKey,
                             k0900 + 70 * kMin).applied());
    }
    ASSERT_EQ(cer.state(), ceremony::CeremonyState::Signed);
    ASSERT_TRUE(store->updateCeremony(cer.record(), k0900 + 70 * kMin));
    ceremony::CeremonyRecord draft;
    draft.agreement = fixture::agreement();
    ASSERT_TRUE(store->insertCeremony(draft, k0900));

    tools::admin::EventReport r;
    ASSERT_TRUE(tools::admin::buildReport(*store, k0900 + 120 * kMin, r, error)) << error;
    EXPECT_EQ(r.participants, 3u);
    EXPECT_EQ(r.sessions, 3u);
    EXPECT_EQ(r.peakPeople, 2u);
    ASSERT_EQ(r.attendance.size(), 6u);  // 09:00 ... 10:15
    const uint32_t expected[] = {2, 2, 2, 2, 1, 1};  // the most in each quarter hour
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(r.attendance[i].atMs, k0900 + int64_t(i) * 15 * kMin);
        EXPECT_EQ(r.attendance[i].people, expected[i]) << "at sample " << i;
    }
    ASSERT_GE(r.booths.size(), 2u);
    EXPECT_EQ(r.booths[0].booth, b0);
    EXPECT_EQ(r.booths[0].visits, 3u);
    EXPECT_EQ(r.booths[0].visitors, 2u);
    EXPECT_DOUBLE_EQ(r.booths[0].minutes, 5.0);
    EXPECT_EQ(r.booths[1].booth, b1);
    EXPECT_EQ(r.booths[1].visits, 1u);
    ASSERT_EQ(r.fields.size(), 2u);
    EXPECT_EQ(r.fields[0].key, "testing");
    EXPECT_EQ(r.fields[0].needs, 1u);
    EXPECT_EQ(r.fields[0].capabilities, 1u);
    EXPECT_EQ(r.fields[1].key, "forging");
    EXPECT_EQ(r.meetingsHeld, 1u);
    EXPECT_EQ(r.agreementsSigned, 1u);
    ASSERT_EQ(r.agreements.size(), 2u);
    EXPECT_EQ(r.agreements[0].state, "signed");
    EXPECT_EQ(r.agreements[1].state, "draft");

    ASSERT_TRUE(tools::admin::writeReport(r, (dir / "out").string(), error)) << error;
    const std::string attendance = readFile(dir / "out" / "attendance.csv");
    EXPECT_EQ(attendance,
              "quarter_hour_from,most_people\n2024-06-04 09:00,2\n2024-06-04 09:15,2\n2024-06-04 09:30,2\n2024-06-04 09:45,2\n"
              "2024-06-04 10:00,1\n2024-06-04 10:15,1\n");
    const std::string booths = readFile(dir / "out" / "booths.csv");
    EXPECT_NE(booths.find("\n" + std::to_string(b0) + ","), std::string::npos);
    EXPECT_NE(booths.find(",3,2,5.0\n"), std::string::npos) << booths;
    EXPECT_NE(readFile(dir / "out" / "fields.csv").find("testing,"), std::string::npos);
    EXPECT_NE(readFile(dir / "out" / "meetings.csv").find("accepted,none,1\n"), std::string::npos);
    const std::string agreements = readFile(dir / "out" / "agreements.csv");
    EXPECT_NE(agreements.find(",signed,"), std::string::npos);
    EXPECT_NE(agreements.find("2024-06-04 10:10"), std::string::npos) << agreements;
    const std::string page = readFile(dir / "out" / "index.html");
    EXPECT_NE(page.find("<svg"), std::string::npos);
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_NE(page.find("<b>1</b>已签协议"), std::string::npos);
    fs::remove_all(dir);
}
