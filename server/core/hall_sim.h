// hall_sim.h: the authoritative state of everyone's avatar in one hall. Pure: no clock, no I/O.
//
// The server applies at most one movement input per avatar per tick (so a client cannot walk
// faster by sending more inputs); movement itself is net::stepAvatar, shared with the client's
// prediction.
#pragma once

#include <vector>

#include "net/protocol/hall.h"

namespace server {

class HallSim {
public:
    explicit HallSim(const net::EventLayout& layout);

    // Places a new avatar near the spawn point (spread by id so newcomers don't stack).
    void spawn(net::ParticipantId id);
    void remove(net::ParticipantId id);
    bool contains(net::ParticipantId id) const;

    // One tick of movement for one avatar.
    void apply(net::ParticipantId id, const net::MoveInput& in, float dt);
    // Moves an avatar to a place (organizer "summon", meetings "go to table"); collisions apply.
    void teleport(net::ParticipantId id, net::Vec2 to);

    const net::AvatarState* find(net::ParticipantId id) const;
    // All avatars, sorted by id.
    const std::vector<net::AvatarState>& avatars() const { return m_avatars; }
    const std::vector<net::HallPart>& parts() const { return m_parts; }
    const net::EventLayout& layout() const { return m_layout; }
    // An exhibit uploaded while the event runs: appended to the booth, the hall's parts rebuilt
    // (its pedestal collides). The layout object stays where it is (services keep references).
    void addExhibit(uint16_t booth, const net::Exhibit& exhibit);

private:
    net::AvatarState* findMutable(net::ParticipantId id);

    net::EventLayout m_layout;
    std::vector<net::HallPart> m_parts;
    net::FloorColliders m_colliders;  // m_parts' solid ones, bucketed
    std::vector<net::AvatarState> m_avatars;  // sorted by id
};

}  // namespace server
