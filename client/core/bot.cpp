// bot.cpp: booth-to-booth wandering.
#include "client/core/bot.h"

#include <algorithm>
#include <array>

namespace client {

namespace {
constexpr std::array<const char*, 8> kLines = {
    "这台锻压设备的吨位是多少？",
    "What grade of steel is this crankshaft forged from?",
    "请问贵校在热处理方面有合作项目吗？",
    "Could we arrange a meeting at a negotiation table this afternoon?",
    "齒輪的模數和齒數是多少？",
    "Interested in ring rolling capacity, please share a brochure.",
    "我们想了解石墨烯在化纤中的应用。",
    "Thanks, I will visit your booth after the signing ceremony.",
};
}

Bot::Bot(Connection& connection, const BotDesc& desc) : m_conn(connection), m_desc(desc), m_rng(desc.seed) {}

void Bot::pickNextGoal(uint64_t nowMs) {
    const auto& ev = m_conn.world().event();
    if (ev.booths.empty()) return;
    // Moving share s: a walk of ~T_walk followed by an idle of T_walk*(1-s)/s on average.
    std::uniform_int_distribution<size_t> pick(0, ev.booths.size() - 1);
    const net::Booth& b = ev.booths[pick(m_rng)];
    net::Vec2 spot = boothVisitSpot(b);
    std::uniform_real_distribution<float> jitter(-1.5f, 1.5f);
    spot.x += jitter(m_rng);
    spot.y += jitter(m_rng) * 0.3f;
    m_pilot.walkTo(spot);
    (void)nowMs;
}

void Bot::tick(uint64_t nowMs) {
    if (m_conn.state() != ConnState::Joined) return;
    net::MoveInput in;
    in.seq = m_conn.nextInputSeq();
    auto self = m_conn.world().selfState();
    if (self) {
        in.yaw = self->yaw;
        if (m_pilot.active()) {
            if (!m_pilot.steer(*self, in)) {
                // Arrived (or stuck): linger so about movingShare of the time is spent walking.
                float s = std::clamp(m_desc.movingShare, 0.01f, 1.0f);
                std::exponential_distribution<float> idle(s / ((1.0f - s) * 8.0f + 1e-3f));
                m_idleUntilMs = nowMs + uint64_t(std::min(120.0f, idle(m_rng)) * 1000.0f);
            }
        } else if (nowMs >= m_idleUntilMs) {
            pickNextGoal(nowMs);
        }
    }
    m_conn.sendInput(in);
    if (m_desc.chatPerMinute > 0) {
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        if (u(m_rng) < m_desc.chatPerMinute / (60.0f * net::kTickRate)) {
            std::uniform_int_distribution<size_t> line(0, kLines.size() - 1);
            if (m_conn.sendChat(kLines[line(m_rng)])) ++m_chatsSent;
        }
    }
}

}  // namespace client
