// A booth the organizer closes is closed in every client: the stage state fed the server's
// StageStatus reports it, the directory marks it and its walk button says so, in both languages;
// the next StageStatus without it opens it again. Also: slides a speaker cleared are not kept.
#include <gtest/gtest.h>

#include "client/core/stage_state.h"
#include "client/ui/directory.h"
#include "net/protocol/stage_msgs.h"

namespace {

net::EventLayout twoBooths() {
    net::EventLayout ev;
    ev.hallSize = {40, 30};
    for (uint16_t id : {3, 7}) {
        net::Booth b;
        b.id.v = id;
        b.owner = {{id == 3 ? "嵊州市精工锻造有限公司" : "宁夏大学", id == 3 ? "Shengzhou Precision Forging" : "Ningxia University"},
                   id == 3 ? net::OrgKind::Enterprise : net::OrgKind::University};
        b.center = {float(8 + id * 3), 10};
        b.size = {6, 4};
        ev.booths.push_back(b);
    }
    return ev;
}

void feed(client::StageState& st, const auto& msg) {
    const net::Bytes b = net::encodeStage(msg);
    ASSERT_FALSE(b.empty());
    ASSERT_TRUE(st.onPacket(msg.kType, b));
}

}  // namespace

TEST(ClosedBooth, TheStatusClosesItTheDirectoryMarksItAndTheNextStatusOpensIt) {
    const net::EventLayout ev = twoBooths();
    client::StageState st;
    EXPECT_EQ(client::closedBooths(ev, st), (std::vector<bool>{false, false}));

    feed(st, net::StageStatus{.account = 12, .role = net::Role::Attendee, .lockedBooths = {7}});
    EXPECT_TRUE(st.boothLocked(7));
    EXPECT_FALSE(st.boothLocked(3));
    const std::vector<bool> closed = client::closedBooths(ev, st);  // by booth index, not id
    EXPECT_EQ(closed, (std::vector<bool>{false, true}));

    const std::vector<int> found = {0, 1};
    auto zh = client::directoryRows(ev, found, closed, client::Language::Chinese);
    ASSERT_EQ(zh.size(), 2u);
    EXPECT_FALSE(zh[0].closed);
    EXPECT_TRUE(zh[0].closedMark.empty());
    EXPECT_TRUE(zh[1].closed);
    EXPECT_EQ(zh[1].name, "宁夏大学");
    EXPECT_EQ(zh[1].closedMark, "暂停开放");
    EXPECT_NE(zh[1].walkLabel.find("暂停开放"), std::string::npos) << zh[1].walkLabel;
    EXPECT_NE(zh[0].walkLabel, zh[1].walkLabel);
    auto en = client::directoryRows(ev, found, closed, client::Language::English);
    EXPECT_EQ(en[1].closedMark, "Closed");
    EXPECT_NE(en[1].walkLabel.find("closed"), std::string::npos) << en[1].walkLabel;
    EXPECT_EQ(en[0].walkLabel.find("closed"), std::string::npos) << en[0].walkLabel;

    // Unlocked: the next status names no booth, and every mark goes at once.
    feed(st, net::StageStatus{.account = 12, .role = net::Role::Attendee});
    EXPECT_FALSE(st.boothLocked(7));
    for (const auto& r : client::directoryRows(ev, found, client::closedBooths(ev, st), client::Language::Chinese)) {
        EXPECT_FALSE(r.closed);
        EXPECT_TRUE(r.closedMark.empty());
    }
}

TEST(ClosedBooth, AStatusWithAnOutOfRangeBoothIsRefusedAndChangesNothing) {
    client::StageState st;
    feed(st, net::StageStatus{.account = 1, .lockedBooths = {2}});
    net::StageStatus bad{.account = 1, .lockedBooths = {net::kMaxBooths}};
    EXPECT_TRUE(net::encodeStage(bad).empty());  // the encoder will not write it either
    net::Bytes b = net::encodeStage(net::StageStatus{.account = 1, .lockedBooths = {2}});
    b.resize(b.size() - 1);  // truncated
    EXPECT_FALSE(st.onPacket(net::MsgType::StageStatus, b));
    EXPECT_TRUE(st.boothLocked(2));
}

TEST(SpeakerSlides, ASpeakerMaySlideAndClearedSlidesAreForgotten) {
    client::StageState st;
    feed(st, net::StageStatus{.account = 5, .role = net::Role::Attendee});
    EXPECT_FALSE(st.maySlide());
    feed(st, net::StageStatus{.account = 5, .role = net::Role::Speaker});
    EXPECT_TRUE(st.maySlide());

    feed(st, net::SlideState{{{41, 3}}, 0});
    (void)st.takeOutbox();  // the fetch of slide 41
    feed(st, net::SlideData{41, 3, 0, {0x89, 'P', 'N'}});
    ASSERT_NE(st.currentSlideImage(), nullptr);
    feed(st, net::SlideState{{}, 0});  // cleared
    EXPECT_EQ(st.currentSlideId(), 0u);
    // A slide listed again after the clear is fetched afresh, not shown from what was cleared.
    feed(st, net::SlideState{{{41, 3}}, 0});
    EXPECT_EQ(st.currentSlideImage(), nullptr);
    const auto fetch = st.takeOutbox();
    ASSERT_EQ(fetch.size(), 1u);
    net::SlideFetch f;
    ASSERT_TRUE(net::decodeStage(fetch[0], f));
    EXPECT_EQ(f.slide, 41u);
    EXPECT_EQ(f.offset, 0u);
    st.clearSlides();
    const auto out = st.takeOutbox();
    ASSERT_EQ(out.size(), 1u);
    net::SlideClear c;
    EXPECT_TRUE(net::decodeStage(out[0], c));
}
