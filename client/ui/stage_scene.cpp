// stage_scene.cpp: the big screen, the handshake and the group picture (stage_scene.h).
#include "client/ui/stage_scene.h"

#include <epoxy/gl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <numbers>

#include <spdlog/spdlog.h>

#include "client/render/certificate.h"
#include "client/render/group_photo.h"
#include "client/render/image.h"
#include "client/ui/i18n.h"
#include "net/protocol/event_time.h"

namespace client {

namespace {

constexpr int kEventUtcOffsetMinutes = net::kChinaUtcOffsetMinutes;  // the event's clock
constexpr int kCertificateWidth = 1600;      // pixels across the screen's certificate
constexpr int kThumbnailWidth = 360;
constexpr float kHandshakeApart = 0.74f;     // metres between two people shaking hands (avatar.vert.glsl's reach)
constexpr float kHandshakeReach = 3.0f;      // farther apart than this they only turn and wave
constexpr float kPumpRadiansPerSecond = 9.0f;

bool onStage(const net::Stage& st, float x, float z) {
    return st.area.max.x > st.area.min.x && st.area.contains({x, z});
}

std::string both(UiText t) { return std::string(tr(t, Language::Chinese)) + " " + tr(t, Language::English); }

std::string orgLine(const net::LocalText& org, const std::string& representative) {
    std::string line = org.zh.empty() ? org.en : org.zh;
    if (!org.zh.empty() && !org.en.empty() && org.en != org.zh) line += "  " + org.en;
    if (!representative.empty()) line += " — " + representative;
    return line;
}

// The certificate as the hall's screen shows it, in both languages.
StageCertificate certificateOf(const net::CeremonySigned& moment, const net::CeremonyView* view) {
    StageCertificate c;
    c.headline = both(UiText::StageMomentTitle);
    c.title = moment.title.zh.empty() ? moment.title.en : moment.title.zh;
    c.subtitle = moment.title.zh.empty() ? std::string() : moment.title.en;
    for (size_t i = 0; i < moment.parties.size(); ++i) {
        std::string rep;
        if (view && i < view->agreement.parties.size()) rep = view->agreement.parties[i].representative.name;
        c.parties.push_back(orgLine(moment.parties[i], rep));
    }
    c.footer = eventTimeText(moment.atMs) + "  ·  " + both(UiText::StageContentHash) + " " + shortHash(moment.hash);
    return c;
}

}  // namespace

std::string eventTimeText(int64_t unixMs) { return net::formatEventTime(unixMs, kEventUtcOffsetMinutes); }

std::string shortHash(const net::ContentHash& hash, size_t bytes) {
    std::string out;
    char buf[3];
    for (size_t i = 0; i < std::min(bytes, hash.size()); ++i) {
        if (i > 0 && i % 4 == 0) out += ' ';
        std::snprintf(buf, sizeof buf, "%02x", hash[i]);
        out += buf;
    }
    return out;
}

StageScene::~StageScene() {
    if (m_photo.texture) glDeleteTextures(1, &m_photo.texture);
}

void StageScene::clear() {
    if (m_photo.texture) glDeleteTextures(1, &m_photo.texture);
    m_photo = {};
    m_screenKey.clear();
    m_failedKey.clear();
    m_momentCeremony = 0;
    m_momentAtMs = 0;
}

void StageScene::update(const Connection& conn, Renderer& renderer, std::vector<AvatarInstance>& avatars,
                        const std::vector<net::ParticipantId>& ids, uint64_t nowMs) {
    updateScreen(conn, renderer);
    const auto& moment = conn.stage().lastSigned();
    if (moment && moment->ceremony != m_momentCeremony) {
        m_momentCeremony = moment->ceremony;
        m_momentAtMs = nowMs;
        if (m_photo.texture) glDeleteTextures(1, &m_photo.texture);
        m_photo = {};
        m_photo.ceremony = moment->ceremony;
        m_photo.noStage = !renderer.stageScreen().present;
        m_photo.pending = !m_photo.noStage;
    }
    if (m_momentCeremony == 0) return;
    const uint64_t since = nowMs - m_momentAtMs;
    if (since < m_desc.handshakeMs) poseRepresentatives(conn, avatars, ids, float(since) / 1000.0f);
    if (m_photo.pending && since >= m_desc.photoDelayMs) takePhoto(conn, renderer, avatars);
}

void StageScene::updateScreen(const Connection& conn, Renderer& renderer) {
    const StageState& st = conn.stage();
    const StageScreenInfo screen = renderer.stageScreen();
    if (!screen.present) return;
    std::string want;
    switch (st.bigScreen()) {
        case StageState::BigScreen::Certificate: want = "cert:" + std::to_string(st.lastSigned()->ceremony); break;
        case StageState::BigScreen::Slide:
            if (st.currentSlideImage()) want = "slide:" + std::to_string(st.currentSlideId());
            break;
        case StageState::BigScreen::EventName: break;
    }
    if (want == m_failedKey) want.clear();
    // A rebuilt renderer (models arriving) starts with the event name again: put the picture back.
    if (want == m_screenKey && (want.empty() || screen.showingPicture)) return;
    m_screenKey = want;
    if (want.empty()) {
        renderer.clearStageScreen();
        return;
    }
    if (want.starts_with("cert:")) {
        const net::CeremonySigned& moment = *st.lastSigned();
        const int height = std::max(64, int(std::lround(float(kCertificateWidth) * screen.height / std::max(screen.width, 0.1f))));
        renderer.setStageScreen(composeCertificate(renderer.font(), certificateOf(moment, st.ceremony(moment.ceremony)),
                                                   kCertificateWidth, height));
        return;
    }
    RgbaImage slide;
    std::string error;
    if (!decodeImage(*st.currentSlideImage(), slide, &error)) {
        spdlog::warn("slide {} cannot be shown on the big screen: {}", st.currentSlideId(), error);
        m_failedKey = want;
        m_screenKey.clear();
        renderer.clearStageScreen();
        return;
    }
    renderer.setStageScreen(slide);
}

// The representatives of the signed ceremony who stand on the stage, by their names.
void StageScene::poseRepresentatives(const Connection& conn, std::vector<AvatarInstance>& avatars,
                                     const std::vector<net::ParticipantId>& ids, float seconds) const {
    const net::CeremonyView* view = conn.stage().ceremony(m_momentCeremony);
    if (!view) return;
    const net::Stage& stage = conn.world().event().stage;
    std::vector<size_t> reps;
    for (size_t i = 0; i < avatars.size() && i < ids.size(); ++i) {
        const net::Participant* p = conn.world().participant(ids[i]);
        if (!p || !onStage(stage, avatars[i].x, avatars[i].z)) continue;
        for (const net::Party& party : view->agreement.parties)
            if (!party.representative.name.empty() && party.representative.name == p->name) {
                reps.push_back(i);
                break;
            }
    }
    poseHandshakes(avatars, reps, seconds);
}

void poseHandshakes(std::vector<AvatarInstance>& avatars, const std::vector<size_t>& standingOrNot, float seconds) {
    // Someone walking off keeps walking: only those standing (or sitting) take the pose.
    std::vector<size_t> reps;
    for (size_t i : standingOrNot)
        if (i < avatars.size() && avatars[i].anim != net::Anim::Walk && avatars[i].anim != net::Anim::Run) reps.push_back(i);
    if (reps.size() < 2) return;
    auto dist = [&](size_t a, size_t b) { return std::hypot(avatars[a].x - avatars[b].x, avatars[a].z - avatars[b].z); };
    std::vector<size_t> partner(avatars.size(), SIZE_MAX);
    for (size_t a : reps)
        for (size_t b : reps)
            if (b != a && (partner[a] == SIZE_MAX || dist(a, b) < dist(a, partner[a]))) partner[a] = b;
    std::vector<AvatarInstance> posed = avatars;  // moves use where everyone stood, not half-moved places
    for (size_t a : reps) {
        const size_t b = partner[a];
        AvatarInstance& me = posed[a];
        const float dx = avatars[b].x - avatars[a].x, dz = avatars[b].z - avatars[a].z;
        const float d = std::hypot(dx, dz);
        if (d < 1e-3f) continue;
        me.yaw = std::atan2(dx, dz);  // yaw 0 faces +z (net/protocol/hall.h)
        if (me.yaw < 0) me.yaw += 2.0f * std::numbers::pi_v<float>;
        me.anim = net::Anim::Idle;
        if (partner[b] == a && d <= kHandshakeReach) {
            const float step = std::max(0.0f, (d - kHandshakeApart) * 0.5f);
            me.x += dx / d * step;
            me.z += dz / d * step;
            me.handshake = true;
            me.animPhase = seconds * kPumpRadiansPerSecond;
        } else {
            me.anim = net::Anim::Wave;
            me.animPhase = seconds * 3.0f;
        }
    }
    avatars = std::move(posed);
}

void StageScene::takePhoto(const Connection& conn, Renderer& renderer, const std::vector<AvatarInstance>& avatars) {
    m_photo.pending = false;
    const auto& moment = conn.stage().lastSigned();
    if (!moment) return;
    // A photographer's shot of the stage: the people on it (the audience stands behind the camera).
    const net::Stage& stage = conn.world().event().stage;
    std::vector<AvatarInstance> onIt;
    for (const AvatarInstance& a : avatars)
        if (onStage(stage, a.x, a.z)) {
            onIt.push_back(a);
            onIt.back().self = false;  // no ring on the floor in the picture
        }
    RgbaImage photo;
    std::string error;
    const auto start = std::chrono::steady_clock::now();
    if (!renderGroupPhoto(renderer, onIt, {.width = m_desc.photoWidth, .height = m_desc.photoHeight}, photo, &error)) {
        m_photo.error = error;
        spdlog::warn("group picture: {}", error);
        return;
    }
    const std::string dir = m_desc.photoDir.empty() ? defaultPhotoDir() : m_desc.photoDir;
    const std::string title = moment->title.zh.empty() ? moment->title.en : moment->title.zh;
    if (saveGroupPhoto(photo, dir, groupPhotoFileName(title, eventTimeText(moment->atMs)), m_photo.path, &error)) {
        spdlog::info("group picture saved to {} ({}x{}, {:.0f} ms to draw and write)", m_photo.path, photo.width, photo.height,
                     std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    } else {
        m_photo.error = error;
        spdlog::warn("group picture not saved: {}", error);
    }
    // The thumbnail for the moment window, whether or not the file could be written.
    const RgbaImage thumb = fitWithin(photo, kThumbnailWidth);
    glGenTextures(1, &m_photo.texture);
    glBindTexture(GL_TEXTURE_2D, m_photo.texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, thumb.width, thumb.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, thumb.rgba.data());
    glBindTexture(GL_TEXTURE_2D, 0);
    m_photo.width = thumb.width;
    m_photo.height = thumb.height;
}

}  // namespace client
