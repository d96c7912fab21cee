// The stage as the hall shows it, without a screen: what the big screen shows as slides come and
// a ceremony is signed (StageState::bigScreen), and the representatives' handshake pose.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "client/core/stage_state.h"
#include "client/ui/stage_scene.h"

namespace {

template <typename T> void feed(client::StageState& st, const T& msg) {
    const net::Bytes b = net::encodeStage(msg);
    ASSERT_FALSE(b.empty());
    ASSERT_TRUE(st.onPacket(T::kType, b));
}

net::SlideState slides(size_t count, uint8_t current) {
    net::SlideState s;
    for (size_t i = 0; i < count; ++i) s.slides.push_back({uint32_t(10 + i), 1000});
    s.current = current;
    return s;
}

TEST(StageStateBigScreen, SlidesThenTheCertificateUntilTheOrganizerMovesOn) {
    client::StageState st;
    EXPECT_EQ(st.bigScreen(), client::StageState::BigScreen::EventName);
    feed(st, slides(2, 0));
    EXPECT_EQ(st.bigScreen(), client::StageState::BigScreen::Slide);

    net::CeremonySigned moment;
    moment.ceremony = 7;
    moment.title = {"框架协议", "Framework agreement"};
    moment.parties = {{"甲方", "Party A"}, {"乙方", "Party B"}};
    feed(st, moment);
    EXPECT_EQ(st.bigScreen(), client::StageState::BigScreen::Certificate);
    // Closing the moment window does not take the certificate off the hall's screen.
    st.dismissMoment();
    EXPECT_FALSE(st.signedMoment().has_value());
    ASSERT_TRUE(st.lastSigned().has_value());
    EXPECT_EQ(st.lastSigned()->ceremony, 7u);
    EXPECT_EQ(st.bigScreen(), client::StageState::BigScreen::Certificate);
    // Another slide uploaded, the same one still current: the certificate stays.
    feed(st, slides(3, 0));
    EXPECT_EQ(st.bigScreen(), client::StageState::BigScreen::Certificate);
    // The organizer shows the next slide: it replaces the certificate.
    feed(st, slides(3, 1));
    EXPECT_EQ(st.bigScreen(), client::StageState::BigScreen::Slide);
    st.clear();
    EXPECT_EQ(st.bigScreen(), client::StageState::BigScreen::EventName);
}

client::AvatarInstance at(float x, float z) {
    client::AvatarInstance a;
    a.x = x;
    a.z = z;
    return a;  // yaw 0: facing the audience (+z) as the server leaves them
}

TEST(Handshake, TwoRepresentativesFaceEachOtherStepCloseAndShake) {
    std::vector<client::AvatarInstance> avatars = {at(73.3f, 7.0f), at(60.0f, 20.0f), at(74.7f, 7.0f)};
    client::poseHandshakes(avatars, {0, 2}, 1.0f);
    EXPECT_TRUE(avatars[0].handshake);
    EXPECT_TRUE(avatars[2].handshake);
    EXPECT_FALSE(avatars[1].handshake) << "someone in the audience";
    EXPECT_FLOAT_EQ(avatars[1].x, 60.0f);
    // Face to face: the left one looks toward +x, the right one toward -x.
    EXPECT_NEAR(avatars[0].yaw, std::numbers::pi_v<float> * 0.5f, 1e-4f);
    EXPECT_NEAR(avatars[2].yaw, std::numbers::pi_v<float> * 1.5f, 1e-4f);
    // Close enough for their hands to meet, about the same place as before.
    EXPECT_NEAR(avatars[2].x - avatars[0].x, 0.74f, 1e-3f);
    EXPECT_NEAR((avatars[0].x + avatars[2].x) * 0.5f, 74.0f, 1e-3f);
    // The shake moves with time.
    std::vector<client::AvatarInstance> later = {at(73.3f, 7.0f), at(60.0f, 20.0f), at(74.7f, 7.0f)};
    client::poseHandshakes(later, {0, 2}, 1.2f);
    EXPECT_NE(later[0].animPhase, avatars[0].animPhase);
}

TEST(Handshake, AThirdTurnsAndWavesAndOneAloneIsLeftAsHeIs) {
    std::vector<client::AvatarInstance> three = {at(72.6f, 7.0f), at(74.0f, 7.0f), at(75.4f + 0.3f, 7.0f)};
    client::poseHandshakes(three, {0, 1, 2}, 0.5f);
    EXPECT_TRUE(three[0].handshake && three[1].handshake);
    EXPECT_FALSE(three[2].handshake);
    EXPECT_EQ(three[2].anim, net::Anim::Wave);
    EXPECT_NEAR(three[2].yaw, std::numbers::pi_v<float> * 1.5f, 1e-4f) << "turned toward the others";

    std::vector<client::AvatarInstance> one = {at(74.0f, 7.0f)};
    client::poseHandshakes(one, {0}, 0.5f);
    EXPECT_FALSE(one[0].handshake);
    EXPECT_EQ(one[0].yaw, 0.0f);

    // One of them walks off the stage: no handshake with someone walking.
    std::vector<client::AvatarInstance> leaving = {at(73.3f, 7.0f), at(74.7f, 7.0f)};
    leaving[1].anim = net::Anim::Walk;
    leaving[1].yaw = 1.0f;
    client::poseHandshakes(leaving, {0, 1}, 0.5f);
    EXPECT_FALSE(leaving[0].handshake);
    EXPECT_FALSE(leaving[1].handshake);
    EXPECT_EQ(leaving[1].anim, net::Anim::Walk);
    EXPECT_EQ(leaving[1].yaw, 1.0f);

    // Too far apart to reach: they turn and wave instead of walking across the stage.
    std::vector<client::AvatarInstance> far = {at(66.0f, 7.0f), at(82.0f, 7.0f)};
    client::poseHandshakes(far, {0, 1}, 0.5f);
    EXPECT_FALSE(far[0].handshake);
    EXPECT_FLOAT_EQ(far[0].x, 66.0f);
    EXPECT_EQ(far[1].anim, net::Anim::Wave);
}

TEST(StageSceneText, EventTimeAndShortHash) {
    // 2024-06-04 03:32 UTC is 11:32 at the event (China, UTC+8).
    EXPECT_EQ(client::eventTimeText(int64_t(1717471920) * 1000), "2024-06-04 11:32");
    net::ContentHash h{};
    for (size_t i = 0; i < h.size(); ++i) h[i] = uint8_t(i * 17);
    EXPECT_EQ(client::shortHash(h), "00112233 44556677");
}

}  // namespace
