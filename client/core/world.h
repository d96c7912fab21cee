// world.h: what one client knows of the hall, fed by decoded server messages. No GL, no I/O.
//
// - Others are shown kInterpDelayMs in the past, interpolated between the two snapshots around
//   that moment (a playback clock follows the server's tick, so jitter does not show).
// - The own avatar is predicted: inputs are applied locally at once with the server's own step
//   function and replayed on top of each authoritative state (reconciliation). A remaining
//   difference is blended out over a few frames instead of snapping.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "net/protocol/messages.h"

namespace client {

constexpr double kInterpDelayMs = 100.0;
constexpr size_t kKeptFrames = 64;  // decoded snapshots kept as delta baselines (~2 s)

struct ShownAvatar {  // an avatar as it should be drawn now
    net::ParticipantId id;
    float x = 0, z = 0, yaw = 0;
    net::Anim anim = net::Anim::Idle;
    float animPhase = 0;  // walk cycle, radians
    bool self = false;
};

class World {
public:
    // --- fed by the connection -------------------------------------------------------------
    void onWelcome(const net::Welcome& w, uint64_t nowMs);
    void onPresenceJoin(const net::Participant& p);
    void onPresenceLeave(net::ParticipantId id);
    void onChatLine(const net::ChatLine& line);      // duplicates (same id) are ignored
    void onNotice(const net::Notice& n);
    // Decodes a snapshot packet against kept baselines. False: malformed or baseline missing.
    bool onSnapshotPacket(std::span<const uint8_t> packet, uint64_t nowMs);

    // --- own avatar ------------------------------------------------------------------------
    // Applies one tick of own input locally (prediction) and remembers it for replay.
    void predict(const net::MoveInput& in);
    // Inputs not yet acknowledged by the server, oldest first (for resending).
    const std::deque<net::MoveInput>& pendingInputs() const { return m_pending; }

    // --- for the view ----------------------------------------------------------------------
    // Advances the playback clock and returns every avatar as it should be drawn at nowMs.
    const std::vector<ShownAvatar>& interpolate(uint64_t nowMs, float frameSeconds);

    bool joined() const { return m_joined; }
    net::ParticipantId self() const { return m_self; }
    net::Role selfRole() const { return m_selfRole; }
    const net::EventLayout& event() const { return m_event; }
    const std::vector<net::HallPart>& parts() const { return m_parts; }
    const std::map<uint16_t, net::Participant>& participants() const { return m_participants; }
    const net::Participant* participant(net::ParticipantId id) const;
    const std::vector<net::ChatLine>& chat() const { return m_chat; }
    const std::vector<net::Notice>& notices() const { return m_notices; }
    // Own avatar, predicted; nullopt before the first snapshot.
    std::optional<net::AvatarState> selfState() const;
    uint32_t latestTick() const { return m_latestTick; }
    uint32_t snapshotsReceived() const { return m_snapshotsReceived; }
    double playbackTick() const { return m_playTick; }
    // Largest correction reconciliation had to make (metres), for tests and stats.
    float lastCorrection() const { return m_lastCorrection; }

private:
    const net::SnapshotFrame* frame(uint32_t tick) const;

    bool m_joined = false;
    net::ParticipantId m_self;
    net::Role m_selfRole = net::Role::Attendee;
    net::EventLayout m_event;
    std::vector<net::HallPart> m_parts;
    std::map<uint16_t, net::Participant> m_participants;
    std::vector<net::ChatLine> m_chat;
    std::vector<net::Notice> m_notices;

    std::deque<net::SnapshotFrame> m_frames;  // decoded, ascending tick
    uint32_t m_latestTick = 0;
    uint32_t m_snapshotsReceived = 0;
    double m_playTick = 0;                    // fractional server tick being shown
    bool m_playStarted = false;
    uint64_t m_lastInterpMs = 0;

    std::optional<net::AvatarState> m_predicted;
    std::deque<net::MoveInput> m_pending;
    float m_errX = 0, m_errZ = 0;             // visual correction still being blended out
    float m_lastCorrection = 0;

    struct WalkCycle { float phase = 0, lastX = -1, lastZ = -1; };
    std::map<uint16_t, WalkCycle> m_anim;      // per avatar, from distance travelled
    std::vector<ShownAvatar> m_shown;
};

}  // namespace client
