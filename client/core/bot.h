// bot.h: a headless participant for load tests and demos, built on Connection (no GL).
//
// Wanders from booth to booth (walking about `movingShare` of the time, idling at booths the
// rest), says something in the hall chat now and then, and sends one input per tick like a
// real client does.
#pragma once

#include <cstdint>
#include <random>

#include "client/core/connection.h"
#include "client/core/pilot.h"

namespace client {

struct BotDesc {
    uint32_t seed = 1;
    float movingShare = 0.3f;       // share of time spent walking
    float chatPerMinute = 0.5f;     // mean chat lines per minute (0 = silent)
};

class Bot {
public:
    Bot(Connection& connection, const BotDesc& desc);

    // One client tick (call at net::kTickRate): steers, sends input, maybe chats.
    void tick(uint64_t nowMs);

    uint32_t chatsSent() const { return m_chatsSent; }
    bool walking() const { return m_pilot.active(); }

private:
    void pickNextGoal(uint64_t nowMs);
    void linger(uint64_t nowMs);  // idle for a while, so about movingShare of the time is walking
    float lingerMeanSeconds(float walkedSeconds) const;  // after a walk that long
    float typicalWalkSeconds() const;
    float walkSecondsFrom(net::Vec2 p) const;  // to a booth, on average

    Connection& m_conn;
    BotDesc m_desc;
    std::mt19937 m_rng;
    Pilot m_pilot;
    uint64_t m_idleUntilMs = 0;
    uint64_t m_walkStartMs = 0;     // when the current (or last) walk began
    uint64_t m_walkUntilMs = 0;     // the first walk ends here (0: where it arrives)
    bool m_started = false;
    uint32_t m_chatsSent = 0;
};

}  // namespace client
