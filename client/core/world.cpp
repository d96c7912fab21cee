// world.cpp: replica, clock sync, interpolation and prediction.
#include "client/core/world.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace client {

namespace {

constexpr double kTickMs = 1000.0 / net::kTickRate;
constexpr double kMaxExtrapolateTicks = kMaxExtrapolateMs / kTickMs;
constexpr double kOffsetSmoothing = 0.05;  // weight of one arrival in the clock offset (~0.7 s memory)
constexpr double kRateGain = 0.05;         // playback speed change per tick of clock error
constexpr uint32_t kForgetTicks = 10 * net::kTickRate;  // a track unseen this long is dropped

float wrapAngle(float a) {
    const float twoPi = 2.0f * std::numbers::pi_v<float>;
    a = std::fmod(a, twoPi);
    if (a < 0) a += twoPi;
    if (a >= twoPi) a -= twoPi;
    return a;
}

float lerpAngle(float a, float b, float t) {
    const float twoPi = 2.0f * std::numbers::pi_v<float>;
    float d = std::fmod(b - a, twoPi);
    if (d > std::numbers::pi_v<float>) d -= twoPi;
    if (d < -std::numbers::pi_v<float>) d += twoPi;
    return wrapAngle(a + d * t);
}

bool sameState(const AvatarSample& s, const net::AvatarState& a) {
    return s.x == a.x && s.z == a.z && s.yaw == a.yaw && s.anim == a.anim;
}

// Moves a correction (ex, ez) towards zero: exponentially, but no faster than half walking pace
// (so a corrected avatar never looks like it is rushing) unless the correction is so large that
// it would take longer than kMaxCorrectionSeconds.
void decayCorrection(float& ex, float& ez, float dt) {
    float len = std::sqrt(ex * ex + ez * ez);
    if (len <= 0) return;
    float next = len * std::exp(-dt / kSmoothingSeconds);
    float speed = std::max(kMaxCorrectionSpeed, len / kMaxCorrectionSeconds);
    next = std::max(next, len - speed * dt);
    if (next < 0.001f) next = 0;  // below a millimetre: done
    ex *= next / len;
    ez *= next / len;
}

}  // namespace

// --- PlaybackClock -------------------------------------------------------------------------

void PlaybackClock::onSnapshot(uint32_t tick, uint64_t nowMs) {
    double observed = double(tick) - double(nowMs) * net::kTickRate / 1000.0;
    if (!m_haveOffset || std::abs(observed - m_offset) > kClockResyncTicks) {
        m_offset = observed;  // first snapshot, or the server's clock moved: adopt it
        m_haveOffset = true;
        return;
    }
    m_offset += (observed - m_offset) * kOffsetSmoothing;
}

double PlaybackClock::advance(uint64_t nowMs) {
    if (!m_haveOffset) return m_play;
    const double target = serverTick(nowMs) - m_delayTicks;
    if (!m_playing || std::abs(target - m_play) > kClockResyncTicks) {
        m_play = target;
        m_playing = true;
        m_rate = 1;
    } else {
        double dt = nowMs > m_lastMs ? double(nowMs - m_lastMs) * net::kTickRate / 1000.0 : 0.0;
        // Close the gap by running slightly fast or slow: a proportional step, capped.
        double error = target - (m_play + dt);
        m_rate = 1.0 + std::clamp(error * kRateGain, -kMaxRateChange, kMaxRateChange);
        m_play += dt * m_rate;
    }
    m_lastMs = nowMs;
    return m_play;
}

// --- tracks --------------------------------------------------------------------------------

std::optional<AvatarSample> sampleTrack(const AvatarTrack& track, double tick) {
    const auto& s = track.samples;
    if (s.empty()) return std::nullopt;
    if (tick <= double(s.front().tick)) return s.front();
    // Newest sample at or before `tick`.
    auto it = std::upper_bound(s.begin(), s.end(), tick,
                               [](double t, const AvatarSample& a) { return t < double(a.tick); });
    const AvatarSample& a = *(it - 1);
    if (it != s.end()) {
        const AvatarSample& b = *it;
        // After standing still for long, the move happened near the end: interpolate over at
        // most kMaxUpdateGapTicks, not across the whole gap. One that was walking (a gap from
        // lost snapshots) walked all along.
        double start = double(a.tick);
        if (a.anim == net::Anim::Idle) start = std::max(start, double(b.tick) - double(kMaxUpdateGapTicks));
        if (tick <= start) return a;
        float t = float((tick - start) / (double(b.tick) - start));
        AvatarSample r;
        r.tick = a.tick;
        r.x = a.x + (b.x - a.x) * t;
        r.z = a.z + (b.z - a.z) * t;
        r.yaw = lerpAngle(a.yaw, b.yaw, t);
        r.anim = t < 0.5f ? a.anim : b.anim;
        return r;
    }
    // Past the newest sample: keep walking briefly at the last known velocity, then hold. Not if
    // it was standing, its last move is too old to say, or later snapshots showed it unchanged.
    AvatarSample r = a;
    if (s.size() < 2 || a.anim == net::Anim::Idle) return r;
    const AvatarSample& p = s[s.size() - 2];
    uint32_t gap = a.tick - p.tick;
    if (gap == 0 || gap > kMaxUpdateGapTicks) return r;
    if (track.lastSeenTick >= a.tick + kMaxUpdateGapTicks) return r;
    double ahead = std::min(tick - double(a.tick), kMaxExtrapolateTicks);
    float k = float(ahead / double(gap));
    r.x = a.x + (a.x - p.x) * k;
    r.z = a.z + (a.z - p.z) * k;
    return r;
}

// --- World ---------------------------------------------------------------------------------

void World::addExhibit(uint16_t booth, uint8_t index, const net::Exhibit& exhibit) {
    if (booth >= m_event.booths.size()) return;
    auto& exhibits = m_event.booths[booth].exhibits;
    if (index != exhibits.size() || exhibits.size() >= net::kMaxExhibitsPerBooth) return;  // not the server's next
    exhibits.push_back(exhibit);
    m_parts.clear();
    net::buildHallParts(m_event, m_parts);
    m_colliders = net::FloorColliders(m_parts, m_event.hallSize);
}

void World::onWelcome(const net::Welcome& w, uint64_t) {
    m_joined = true;
    m_self = w.you;
    m_selfRole = w.role;
    m_event = w.event;
    m_parts.clear();
    net::buildHallParts(m_event, m_parts);
    m_colliders = net::FloorColliders(m_parts, m_event.hallSize);
    m_frames.clear();
    m_latestTick = 0;
    m_people = 0;
    m_inputSlack = 0;
    m_pending.clear();
    m_predicted.reset();
    m_errX = m_errZ = 0;
    m_clock.reset();
    m_lastPlay = 0;
    m_tracks.clear();
    m_anim.clear();
    m_participants.clear();
}

void World::onPresenceJoin(const net::Participant& p) { m_participants[p.id.v] = p; }

void World::onPresenceLeave(net::ParticipantId id) {
    m_participants.erase(id.v);
    m_anim.erase(id.v);
    m_tracks.erase(id.v);
}

void World::onChatLine(const net::ChatLine& line) {
    ++m_chatLinesHeard;
    if (!m_chat.empty() && line.id <= m_chat.back().id) {
        // History and live lines can overlap on reconnect; keep each id once, in order.
        auto it = std::lower_bound(m_chat.begin(), m_chat.end(), line.id,
                                   [](const net::ChatLine& l, uint32_t id) { return l.id < id; });
        if (it != m_chat.end() && it->id == line.id) return;
        m_chat.insert(it, line);
        return;
    }
    m_chat.push_back(line);
    if (m_chat.size() > 2000) m_chat.erase(m_chat.begin(), m_chat.begin() + 500);
}

void World::onNotice(const net::Notice& n) {
    m_notices.push_back(n);
    if (m_notices.size() > 100) m_notices.erase(m_notices.begin());
}

const net::SnapshotFrame* World::frame(uint32_t tick) const {
    // Ascending by tick: a binary search, and a new tick (newer than all) costs one comparison.
    if (m_frames.empty() || tick > m_frames.back().tick) return nullptr;
    auto it = std::lower_bound(m_frames.begin(), m_frames.end(), tick,
                               [](const net::SnapshotFrame& f, uint32_t t) { return f.tick < t; });
    return it != m_frames.end() && it->tick == tick ? &*it : nullptr;
}

const net::Participant* World::participant(net::ParticipantId id) const {
    auto it = m_participants.find(id.v);
    return it == m_participants.end() ? nullptr : &it->second;
}

const AvatarTrack* World::track(net::ParticipantId id) const {
    return m_tracks.find(id.v);
}

void World::ingest(const net::SnapshotFrame& f, uint32_t prevTick) {
    for (const auto& a : f.avatars) {
        if (a.id == m_self) continue;
        AvatarTrack& t = m_tracks[a.id.v];
        t.lastSeenTick = std::max(t.lastSeenTick, f.tick);
        auto& s = t.samples;
        // Snapshots mostly arrive in order: the new sample goes last, no search needed.
        auto it = s.empty() || s.back().tick < f.tick
                      ? s.end()
                      : std::lower_bound(s.begin(), s.end(), f.tick,
                                         [](const AvatarSample& x, uint32_t tick) { return x.tick < tick; });
        if (it != s.end() && it->tick == f.tick) continue;  // already known
        // Only changes are samples: an unchanged copy may just be the baseline carrying an
        // avatar the server did not update this tick, and must not stall its motion.
        if (it != s.begin() && sameState(*(it - 1), a)) continue;
        if (it == s.begin() && s.size() >= kTrackSamples) continue;  // older than all we keep
        uint32_t tick = f.tick;
        if (it == s.end() && !s.empty() && prevTick + 1 < f.tick && t.interval > 1.5f) {
            // First seen after lost snapshots, so the change happened somewhere in (prevTick,
            // f.tick]. A sparsely updated avatar most likely changed on its usual cadence;
            // stamping it late would make it rush through the next interval.
            uint32_t k = uint32_t(std::lround(t.interval));
            uint32_t guess = s.back().tick + k * ((f.tick - s.back().tick) / k);
            if (guess > prevTick && guess < f.tick) tick = guess;
        }
        if (it == s.end() && !s.empty() && s.back().anim != net::Anim::Idle && a.anim != net::Anim::Idle) {
            // A moving avatar changes every time the server updates it: learn how often that is.
            uint32_t gap = tick - s.back().tick;
            if (gap <= kMaxUpdateGapTicks) t.interval += (float(gap) - t.interval) * 0.2f;
        }
        it = s.insert(it, AvatarSample{tick, a.x, a.z, a.yaw, a.anim});
        // Trimmed to the newest kTrackSamples once twice that many gathered: one move of the
        // samples per kTrackSamples new ones instead of one per sample.
        if (s.size() >= 2 * kTrackSamples) s.erase(s.begin(), s.end() - long(kTrackSamples));
    }
}

bool World::onSnapshotPacket(std::span<const uint8_t> packet, uint64_t nowMs, uint32_t* taken) {
    // One snapshot, or two ticks' (protocol 8): the second coded against the first, so it decodes
    // only after it. Only the newest sets the clock and reconciles: the older one waited a tick
    // at the server, so its arrival says nothing about the link.
    if (taken) *taken = 0;
    // The hall chat's unacknowledged lines may close the packet (protocol 10).
    auto chatNext = [](std::span<const uint8_t> rest) {
        auto type = net::peekType(rest);
        return type && *type == net::MsgType::ChatLines;
    };
    while (!packet.empty()) {
        if (chatNext(packet)) {
            net::ChatLines chat;
            if (!net::decode(packet, chat)) return false;
            for (const net::ChatLine& line : chat.lines) onChatLine(line);
            return true;
        }
        size_t used = 0;
        net::SnapshotMsg msg;
        msg.frame.avatars.swap(m_spareAvatars);  // decoded into a dropped frame's storage
        const bool decoded = net::decodeSnapshot(packet, msg, [this](uint32_t t) { return frame(t); }, &used);
        if (!decoded) {  // malformed, or its baseline gone
            m_spareAvatars.swap(msg.frame.avatars);
            return false;
        }
        packet = packet.subspan(used);
        onSnapshot(msg, nowMs, packet.empty() || chatNext(packet));
        if (taken) ++*taken;
    }
    return true;
}

void World::onSnapshot(net::SnapshotMsg& msg, uint64_t nowMs, bool newestInPacket) {
    if (frame(msg.tick)) {  // a duplicate
        m_spareAvatars.swap(msg.frame.avatars);
        return;
    }
    if (msg.tick < m_latestTick) {
        // Late (reordered): too old for the clock or reconciliation, but it can fill histories.
        ++m_lateSnapshots;
        if (m_latestTick - msg.tick >= kKeptFrames) {
            m_spareAvatars.swap(msg.frame.avatars);
            return;
        }
        auto it = std::lower_bound(m_frames.begin(), m_frames.end(), msg.tick,
                                   [](const net::SnapshotFrame& x, uint32_t tick) { return x.tick < tick; });
        if (m_tracking) ingest(msg.frame, it == m_frames.begin() ? 0 : (it - 1)->tick);
        m_frames.insert(it, std::move(msg.frame));
        trimFrames();
        return;
    }
    ++m_snapshotsReceived;
    m_latestTick = msg.tick;
    m_people = msg.people;
    m_inputSlack = msg.inputSlack;
    if (newestInPacket) m_clock.onSnapshot(msg.tick, nowMs);
    m_frames.push_back(std::move(msg.frame));
    trimFrames();
    if (m_tracking) ingest(m_frames.back(), m_frames.size() > 1 ? m_frames[m_frames.size() - 2].tick : 0);
    if (!newestInPacket) return;  // the next one reconciles

    const auto& avs = m_frames.back().avatars;
    auto it = std::lower_bound(avs.begin(), avs.end(), m_self.v,
                               [](const net::AvatarState& a, uint16_t v) { return a.id.v < v; });
    if (it != avs.end() && it->id == m_self) reconcile(*it, msg.lastInput);
}

void World::trimFrames() {
    while (m_frames.size() > kKeptFrames) {
        // The dropped frame's storage decodes the next snapshot (no allocation per snapshot).
        if (m_frames.front().avatars.capacity() > m_spareAvatars.capacity()) m_spareAvatars.swap(m_frames.front().avatars);
        m_frames.pop_front();
    }
}

void World::reconcile(const net::AvatarState& server, uint32_t lastInput) {
    // Start from the server's state of our avatar and replay what it has not applied yet.
    while (!m_pending.empty() && m_pending.front().seq <= lastInput) m_pending.pop_front();
    net::AvatarState s = server;
    for (const auto& in : m_pending) net::stepAvatar(s, in, net::kTickSeconds, m_colliders);
    if (!m_predicted) {
        m_predicted = s;
        m_drawFrom = s;
        return;
    }
    float dx = m_predicted->x - s.x, dz = m_predicted->z - s.z;
    m_lastCorrection = std::sqrt(dx * dx + dz * dz);
    if (m_lastCorrection > kTeleportMetres) {
        m_errX = m_errZ = 0;  // a real teleport: show it
        m_drawFrom = s;
    } else {
        // Keep the drawn avatar where it is; the difference is blended out over the next frames.
        m_errX += dx;
        m_errZ += dz;
        m_drawFrom.x -= dx;
        m_drawFrom.z -= dz;
    }
    m_predicted = s;
}

void World::predict(const net::MoveInput& in, uint64_t nowMs) {
    // Predict with the input as the server will decode it (movement and yaw are quantized).
    net::MoveInput q = in;
    net::Input wire;
    wire.inputs.push_back(in);
    net::Input back;
    if (net::decode(net::encode(wire), back) && back.inputs.size() == 1) q = back.inputs[0];
    m_pending.push_back(q);
    while (m_pending.size() > 120) m_pending.pop_front();  // 4 s without acks: the link is gone
    if (!m_predicted) return;
    // Where the avatar is drawn now becomes the start of the next motion, which covers what was
    // not shown yet of the previous tick plus this one, at the same pace (two ticks predicted in
    // one slow frame are drawn over two ticks, not rushed through in one).
    ShownAvatar now;
    drawSelf(nowMs, 0.0f, now);
    double shown = nowMs > m_predictedMs ? std::min(1.0, double(nowMs - m_predictedMs) / m_drawSpanMs) : 0.0;
    double left = (1.0 - shown) * m_drawSpanMs / kTickMs;  // ticks of motion not yet drawn
    m_drawSpanMs = (std::min(left, 3.0) + 1.0) * kTickMs;
    m_drawFrom.x = now.x - m_errX;
    m_drawFrom.z = now.z - m_errZ;
    m_drawFrom.yaw = now.yaw;
    net::stepAvatar(*m_predicted, q, net::kTickSeconds, m_colliders);
    m_predictedMs = nowMs;
}

std::optional<net::AvatarState> World::selfState() const { return m_predicted; }

void World::drawSelf(uint64_t nowMs, float frameSeconds, ShownAvatar& out) {
    decayCorrection(m_errX, m_errZ, frameSeconds);
    double alpha = nowMs > m_predictedMs ? std::min(1.0, double(nowMs - m_predictedMs) / m_drawSpanMs) : 0.0;
    float t = float(alpha);
    out.id = m_self;
    out.x = m_drawFrom.x + (m_predicted->x - m_drawFrom.x) * t + m_errX;
    out.z = m_drawFrom.z + (m_predicted->z - m_drawFrom.z) * t + m_errZ;
    out.yaw = lerpAngle(m_drawFrom.yaw, m_predicted->yaw, t);
    out.anim = m_predicted->anim;
    out.self = true;
}

const std::vector<ShownAvatar>& World::interpolate(uint64_t nowMs, float frameSeconds) {
    m_shown.clear();
    if (!m_tracking) {
        // First look: build the histories from the frames kept so far.
        m_tracking = true;
        uint32_t prev = 0;
        for (const auto& f : m_frames) {
            ingest(f, prev);
            prev = f.tick;
        }
    }
    if (!std::isfinite(frameSeconds) || frameSeconds < 0) frameSeconds = 0;
    if (m_frames.empty()) return m_shown;
    const double play = m_clock.advance(nowMs);

    const double playDt = m_lastPlay ? std::max(0.0, play - m_lastPlay) : 0.0;
    m_lastPlay = play;
    for (size_t i = 0; i < m_tracks.size();) {
        const uint16_t id = m_tracks.at(i).first;
        AvatarTrack& t = m_tracks.at(i).second;
        // Gone from the snapshots (out of interest, or left): hide once newer snapshots have gone
        // without it for kHideAfterTicks (longer than a far avatar's update gap, so a sparsely
        // updated one does not flicker) and playback has passed it; forget it later. While no
        // snapshots come at all, nobody is hidden.
        if (m_latestTick > t.lastSeenTick + kHideAfterTicks && play > double(t.lastSeenTick)) {
            t.drawn = false;
            if (m_latestTick > t.lastSeenTick + kForgetTicks) m_tracks.eraseAt(i);  // the last moves to i
            else ++i;
            continue;
        }
        ++i;
        // A sparsely updated avatar runs its own clock a little further behind (see AvatarTrack).
        // 1.5 x (interval - 1): for one every 4th tick, 4.5 ticks (150 ms), enough that its samples
        // still surround the shown tick when one of its updates is lost.
        double wantDelay = std::clamp(1.5 * (double(t.interval) - 1.0), 0.0, double(kMaxUpdateGapTicks));
        if (!t.drawn) t.delay = wantDelay;
        else t.delay += std::clamp(wantDelay - t.delay, -playDt * kMaxRateChange, playDt * kMaxRateChange);
        const double trackTick = play - t.delay;
        auto at = sampleTrack(t, trackTick);
        if (!at) continue;
        if (t.drawn) {
            // Where the history, as known now, puts the avatar at last frame's tick versus where
            // it was drawn: new samples (or the end of an extrapolation) moved it by that much.
            auto was = sampleTrack(t, t.drawnTick);
            float dx = t.drawnX - was->x, dz = t.drawnZ - was->z;
            if (std::sqrt(dx * dx + dz * dz) > kTeleportMetres) t.errX = t.errZ = 0;
            else { t.errX += dx; t.errZ += dz; }
            if (std::sqrt(t.errX * t.errX + t.errZ * t.errZ) > kTeleportMetres) t.errX = t.errZ = 0;
        } else {
            t.errX = t.errZ = 0;
        }
        decayCorrection(t.errX, t.errZ, frameSeconds);
        t.drawn = true;
        t.drawnTick = trackTick;
        t.drawnX = at->x;
        t.drawnZ = at->z;
        ShownAvatar s;
        s.id = net::ParticipantId{id};
        s.x = at->x + t.errX;
        s.z = at->z + t.errZ;
        s.yaw = at->yaw;
        s.anim = at->anim;
        m_shown.push_back(s);
    }
    if (m_predicted) {
        ShownAvatar s;
        drawSelf(nowMs, frameSeconds, s);
        m_shown.push_back(s);
    }
    // Walk cycle from distance travelled, so feet match speed.
    for (auto& s : m_shown) {
        WalkCycle& w = m_anim[s.id.v];
        float dx = s.x - w.lastX, dz = s.z - w.lastZ;
        float moved = w.lastX < 0 ? 0.0f : std::sqrt(dx * dx + dz * dz);
        w.lastX = s.x;
        w.lastZ = s.z;
        // About one stride (two steps) per 1.6 m; a jump (teleport) does not spin the legs.
        if (moved < 1.0f) w.phase = std::fmod(w.phase + moved * 3.9f, 2.0f * std::numbers::pi_v<float>);
        s.animPhase = w.phase;
    }
    return m_shown;
}

}  // namespace client
