// hall_sim.cpp: avatars in the hall.
#include "server/core/hall_sim.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace server {

HallSim::HallSim(const net::EventLayout& layout) : m_layout(layout) {
    net::buildHallParts(m_layout, m_parts);
    m_colliders = net::FloorColliders(m_parts, m_layout.hallSize);
}

void HallSim::addExhibit(uint16_t booth, const net::Exhibit& exhibit) {
    if (booth >= m_layout.booths.size() || m_layout.booths[booth].exhibits.size() >= net::kMaxExhibitsPerBooth) return;
    m_layout.booths[booth].exhibits.push_back(exhibit);
    m_parts.clear();
    net::buildHallParts(m_layout, m_parts);
    m_colliders = net::FloorColliders(m_parts, m_layout.hallSize);
}

void HallSim::spawn(net::ParticipantId id) {
    if (contains(id)) return;
    net::AvatarState a;
    a.id = id;
    // A golden-angle spiral around the spawn point: newcomers appear side by side.
    const float golden = std::numbers::pi_v<float> * (3.0f - std::sqrt(5.0f));
    float k = float(id.v % 64);
    float r = 0.8f * std::sqrt(k);
    a.x = m_layout.spawn.x + r * std::cos(k * golden);
    a.z = m_layout.spawn.y + r * std::sin(k * golden);
    a.yaw = std::numbers::pi_v<float>;  // face into the hall (-z)
    m_colliders.resolve(a.x, a.z, net::kAvatarRadius);
    a = net::quantized(a);
    auto it = std::lower_bound(m_avatars.begin(), m_avatars.end(), id.v,
                               [](const net::AvatarState& s, uint16_t v) { return s.id.v < v; });
    m_avatars.insert(it, a);
}

void HallSim::remove(net::ParticipantId id) {
    std::erase_if(m_avatars, [id](const net::AvatarState& s) { return s.id == id; });
}

bool HallSim::contains(net::ParticipantId id) const { return find(id) != nullptr; }

const net::AvatarState* HallSim::find(net::ParticipantId id) const {
    auto it = std::lower_bound(m_avatars.begin(), m_avatars.end(), id.v,
                               [](const net::AvatarState& s, uint16_t v) { return s.id.v < v; });
    return (it != m_avatars.end() && it->id == id) ? &*it : nullptr;
}

net::AvatarState* HallSim::findMutable(net::ParticipantId id) { return const_cast<net::AvatarState*>(find(id)); }

void HallSim::apply(net::ParticipantId id, const net::MoveInput& in, float dt) {
    if (net::AvatarState* a = findMutable(id)) net::stepAvatar(*a, in, dt, m_colliders);
}

void HallSim::teleport(net::ParticipantId id, net::Vec2 to) {
    if (net::AvatarState* a = findMutable(id)) {
        a->x = to.x;
        a->z = to.y;
        m_colliders.resolve(a->x, a->z, net::kAvatarRadius);
        *a = net::quantized(*a);
    }
}

}  // namespace server
