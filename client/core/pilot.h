// pilot.h: walks an avatar to a point ("click a booth to walk to it"; bots wandering).
//
// Steers straight at the target and slides along what it bumps into; gives up when it has made
// no progress for a while, so a blocked walk ends instead of pushing into a wall forever.
#pragma once

#include <optional>

#include "net/protocol/hall.h"

namespace client {

class Pilot {
public:
    void walkTo(net::Vec2 target, bool run = false);
    void stop() { m_target.reset(); }
    bool active() const { return m_target.has_value(); }
    std::optional<net::Vec2> target() const { return m_target; }

    // Fills the movement of `in` for one tick from where the avatar is. Returns false (and
    // stops) once arrived or stuck; `in` then asks for no movement.
    bool steer(const net::AvatarState& self, net::MoveInput& in);

private:
    std::optional<net::Vec2> m_target;
    bool m_run = false;
    float m_bestDistance = 1e9f;
    int m_ticksWithoutProgress = 0;
};

// Where a visitor stands to look at a booth: in the aisle, 1.5 m in front of its footprint.
net::Vec2 boothVisitSpot(const net::Booth& b);

// The booth whose footprint contains the floor point, or -1.
int boothAt(const net::EventLayout& ev, net::Vec2 p);

}  // namespace client
