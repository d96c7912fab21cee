// bot.cpp: booth-to-booth wandering.
#include "client/core/bot.h"

#include <algorithm>
#include <array>
#include <cmath>

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
    std::uniform_int_distribution<size_t> pick(0, ev.booths.size() - 1);
    const net::Booth& b = ev.booths[pick(m_rng)];
    net::Vec2 spot = boothVisitSpot(b);
    std::uniform_real_distribution<float> jitter(-1.5f, 1.5f);
    spot.x += jitter(m_rng);
    spot.y += jitter(m_rng) * 0.3f;
    m_pilot.walkTo(spot);
    m_walkStartMs = nowMs;
}

float Bot::typicalWalkSeconds() const {
    // The mean straight-line distance between two booths' visiting spots, at walking pace.
    const auto& booths = m_conn.world().event().booths;
    double sum = 0;
    size_t pairs = 0;
    for (size_t i = 0; i < booths.size(); ++i)
        for (size_t j = i + 1; j < booths.size(); ++j) {
            const net::Vec2 a = boothVisitSpot(booths[i]), b = boothVisitSpot(booths[j]);
            sum += std::hypot(double(a.x - b.x), double(a.y - b.y));
            ++pairs;
        }
    return pairs ? float(sum / double(pairs)) / net::kWalkSpeed : 10.0f;
}

float Bot::walkSecondsFrom(net::Vec2 p) const {
    // The mean straight-line distance from p to a booth's visiting spot, at walking pace.
    const auto& booths = m_conn.world().event().booths;
    double sum = 0;
    for (const net::Booth& b : booths) {
        const net::Vec2 s = boothVisitSpot(b);
        sum += std::hypot(double(s.x - p.x), double(s.y - p.y));
    }
    return booths.empty() ? 10.0f : float(sum / double(booths.size())) / net::kWalkSpeed;
}

float Bot::lingerMeanSeconds(float walkedSeconds) const {
    // After a walk of T seconds, an idle of T*(1-s)/s on average: walking is about s of the time
    // whatever the hall's size.
    const float s = std::clamp(m_desc.movingShare, 0.01f, 1.0f);
    return std::max(0.5f, walkedSeconds) * (1.0f - s) / s;
}

void Bot::linger(uint64_t nowMs) {
    // Before the first walk, T is a typical walk between booths.
    const float walked = m_walkStartMs ? float(nowMs - m_walkStartMs) / 1000.0f : typicalWalkSeconds();
    std::exponential_distribution<float> idle(1.0f / (lingerMeanSeconds(walked) + 1e-3f));
    m_idleUntilMs = nowMs + uint64_t(std::min(600.0f, idle(m_rng)) * 1000.0f);
}

void Bot::tick(uint64_t nowMs) {
    if (m_conn.state() != ConnState::Joined) return;
    auto self = m_conn.world().selfState();
    if (!m_started && self) {
        // Start as in the middle of the event, not with everyone setting off at once: a
        // benchmark measures the first half minute, so the start must already look like the
        // steady state, where about movingShare are walking and walks end as often as they begin.
        //  - Those idling: the rest of an exponential linger is exponential with the same mean
        //    (memoryless), so they set off at the steady rate. Their first walk starts where they
        //    joined (the entrance), so the linger is that of a walk from there.
        //  - Those walking are caught somewhere along their walk: they stop after an even share
        //    of it, so walks end at the steady rate too. (A whole walk each kept all of them
        //    walking for its length while the idle ones set off: measured, 45-50 % walking over
        //    the first 30 s instead of 30 %.)
        m_started = true;
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        const float fromHere = walkSecondsFrom({self->x, self->z});
        if (u(m_rng) >= m_desc.movingShare) {
            std::exponential_distribution<float> idle(1.0f / (lingerMeanSeconds(fromHere) + 1e-3f));
            m_idleUntilMs = nowMs + uint64_t(std::min(600.0f, idle(m_rng)) * 1000.0f);
        } else {
            pickNextGoal(nowMs);
            m_walkUntilMs = nowMs + uint64_t(u(m_rng) * fromHere * 1000.0f);
            m_walkStartMs = 0;  // its linger is that of a typical walk
        }
    }
    net::MoveInput in;
    in.seq = m_conn.nextInputSeq();
    if (self) {
        in.yaw = self->yaw;
        if (m_pilot.active() && m_walkUntilMs && nowMs >= m_walkUntilMs) {
            m_pilot.stop();  // the first walk, caught midway, ends here
            m_walkUntilMs = 0;
            linger(nowMs);
        } else if (m_pilot.active()) {
            if (!m_pilot.steer(*self, in)) { m_walkUntilMs = 0; linger(nowMs); }  // arrived (or stuck)
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
