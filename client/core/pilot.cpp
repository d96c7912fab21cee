// pilot.cpp: point-to-point walking.
#include "client/core/pilot.h"

#include <cmath>

namespace client {

void Pilot::walkTo(net::Vec2 target, bool run) {
    m_target = target;
    m_run = run;
    m_bestDistance = 1e9f;
    m_ticksWithoutProgress = 0;
}

bool Pilot::steer(const net::AvatarState& self, net::MoveInput& in) {
    in.moveX = in.moveZ = 0;
    if (!m_target) return false;
    float dx = m_target->x - self.x, dz = m_target->y - self.z;
    float d = std::sqrt(dx * dx + dz * dz);
    if (d < 0.25f) { m_target.reset(); return false; }
    if (d < m_bestDistance - 0.05f) { m_bestDistance = d; m_ticksWithoutProgress = 0; }
    else if (++m_ticksWithoutProgress > 45) { m_target.reset(); return false; }  // 1.5 s stuck
    // Slow down on arrival so the last step does not overshoot.
    float speed = std::min(1.0f, d / 0.5f);
    in.moveX = dx / d * speed;
    in.moveZ = dz / d * speed;
    in.run = m_run && d > 3.0f;
    in.yaw = std::atan2(dx, dz);
    if (in.yaw < 0) in.yaw += 2.0f * 3.14159265f;
    return true;
}

net::Vec2 boothVisitSpot(const net::Booth& b) { return net::boothToWorld(b, {0.0f, b.size.y * 0.5f + 1.5f}); }

int boothAt(const net::EventLayout& ev, net::Vec2 p) {
    for (const auto& b : ev.booths) {
        net::Vec2 a = net::boothToWorld(b, {-b.size.x * 0.5f, -b.size.y * 0.5f});
        net::Vec2 c = net::boothToWorld(b, {b.size.x * 0.5f, b.size.y * 0.5f});
        net::Rect r{{std::min(a.x, c.x), std::min(a.y, c.y)}, {std::max(a.x, c.x), std::max(a.y, c.y)}};
        if (r.contains(p)) return b.id.v;
    }
    return -1;
}

}  // namespace client
