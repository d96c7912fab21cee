// world.cpp: replica, interpolation and prediction.
#include "client/core/world.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace client {

namespace {

float lerpAngle(float a, float b, float t) {
    const float twoPi = 2.0f * std::numbers::pi_v<float>;
    float d = std::fmod(b - a, twoPi);
    if (d > std::numbers::pi_v<float>) d -= twoPi;
    if (d < -std::numbers::pi_v<float>) d += twoPi;
    float r = a + d * t;
    if (r < 0) r += twoPi;
    if (r >= twoPi) r -= twoPi;
    return r;
}

}  // namespace

void World::onWelcome(const net::Welcome& w, uint64_t) {
    m_joined = true;
    m_self = w.you;
    m_selfRole = w.role;
    m_event = w.event;
    m_parts.clear();
    net::buildHallParts(m_event, m_parts);
    m_frames.clear();
    m_pending.clear();
    m_predicted.reset();
    m_playStarted = false;
    m_participants.clear();
}

void World::onPresenceJoin(const net::Participant& p) { m_participants[p.id.v] = p; }

void World::onPresenceLeave(net::ParticipantId id) {
    m_participants.erase(id.v);
    m_anim.erase(id.v);
}

void World::onChatLine(const net::ChatLine& line) {
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
    for (const auto& f : m_frames)
        if (f.tick == tick) return &f;
    return nullptr;
}

const net::Participant* World::participant(net::ParticipantId id) const {
    auto it = m_participants.find(id.v);
    return it == m_participants.end() ? nullptr : &it->second;
}

bool World::onSnapshotPacket(std::span<const uint8_t> packet, uint64_t) {
    net::SnapshotMsg msg;
    if (!net::decodeSnapshot(packet, msg, [this](uint32_t t) { return frame(t); })) return false;
    if (msg.tick <= m_latestTick) return true;  // stale (reordered): decodable, but nothing new
    ++m_snapshotsReceived;
    m_latestTick = msg.tick;
    m_frames.push_back(std::move(msg.frame));
    while (m_frames.size() > kKeptFrames) m_frames.pop_front();

    // Reconciliation: start from the server's state of our avatar, replay what it has not seen.
    const auto& avs = m_frames.back().avatars;
    auto it = std::lower_bound(avs.begin(), avs.end(), m_self.v,
                               [](const net::AvatarState& a, uint16_t v) { return a.id.v < v; });
    if (it != avs.end() && it->id == m_self) {
        while (!m_pending.empty() && m_pending.front().seq <= msg.lastInput) m_pending.pop_front();
        net::AvatarState s = *it;
        for (const auto& in : m_pending) net::stepAvatar(s, in, net::kTickSeconds, m_parts, m_event.hallSize);
        if (m_predicted) {
            float dx = m_predicted->x - s.x, dz = m_predicted->z - s.z;
            m_lastCorrection = std::sqrt(dx * dx + dz * dz);
            if (m_lastCorrection > 2.0f) { m_errX = m_errZ = 0; }  // a real teleport: show it
            else { m_errX += dx; m_errZ += dz; }
        }
        m_predicted = s;
    }
    return true;
}

void World::predict(const net::MoveInput& in) {
    m_pending.push_back(in);
    while (m_pending.size() > 120) m_pending.pop_front();  // 4 s without acks: the link is gone
    if (m_predicted) net::stepAvatar(*m_predicted, in, net::kTickSeconds, m_parts, m_event.hallSize);
}

std::optional<net::AvatarState> World::selfState() const { return m_predicted; }

const std::vector<ShownAvatar>& World::interpolate(uint64_t nowMs, float frameSeconds) {
    m_shown.clear();
    if (m_frames.empty()) return m_shown;
    const double delayTicks = kInterpDelayMs * net::kTickRate / 1000.0;
    const double target = double(m_latestTick) - delayTicks;
    if (!m_playStarted) {
        m_playTick = target;
        m_playStarted = true;
    } else {
        double dt = double(nowMs - m_lastInterpMs) * net::kTickRate / 1000.0;
        // Follow the server's clock: run 5% fast or slow to close small drifts, jump on big ones.
        double drift = target - (m_playTick + dt);
        double rate = drift > 0.5 ? 1.05 : (drift < -0.5 ? 0.95 : 1.0);
        m_playTick += dt * rate;
        if (std::abs(target - m_playTick) > 10.0) m_playTick = target;
    }
    m_lastInterpMs = nowMs;

    // The two frames around the playback tick.
    const net::SnapshotFrame* a = &m_frames.front();
    const net::SnapshotFrame* b = &m_frames.back();
    for (size_t i = 0; i + 1 < m_frames.size(); ++i) {
        if (double(m_frames[i].tick) <= m_playTick && double(m_frames[i + 1].tick) >= m_playTick) {
            a = &m_frames[i];
            b = &m_frames[i + 1];
            break;
        }
    }
    if (double(b->tick) < m_playTick) a = b;  // starved: hold the newest
    double span = double(b->tick) - double(a->tick);
    float t = span > 0 ? float(std::clamp((m_playTick - double(a->tick)) / span, 0.0, 1.0)) : 1.0f;

    size_t ia = 0;
    for (const auto& nb : b->avatars) {
        if (nb.id == m_self) continue;
        while (ia < a->avatars.size() && a->avatars[ia].id.v < nb.id.v) ++ia;
        ShownAvatar s;
        s.id = nb.id;
        if (ia < a->avatars.size() && a->avatars[ia].id == nb.id) {
            const auto& na = a->avatars[ia];
            s.x = na.x + (nb.x - na.x) * t;
            s.z = na.z + (nb.z - na.z) * t;
            s.yaw = lerpAngle(na.yaw, nb.yaw, t);
            s.anim = t < 0.5f ? na.anim : nb.anim;
        } else {
            s.x = nb.x; s.z = nb.z; s.yaw = nb.yaw; s.anim = nb.anim;
        }
        m_shown.push_back(s);
    }
    if (m_predicted) {
        // Blend out reconciliation error over ~100 ms.
        float k = std::exp(-frameSeconds / 0.1f);
        m_errX *= k;
        m_errZ *= k;
        ShownAvatar s;
        s.id = m_self;
        s.x = m_predicted->x + m_errX;
        s.z = m_predicted->z + m_errZ;
        s.yaw = m_predicted->yaw;
        s.anim = m_predicted->anim;
        s.self = true;
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
