// world.h: what one client knows of the hall, fed by decoded server messages. No GL, no I/O.
//
// Others: each avatar has its own history of samples keyed by server tick (AvatarTrack). The
// server may update far avatars only every few ticks (interest management) or leave them out of
// some snapshots, so an avatar is interpolated between ITS OWN samples around the playback tick,
// not between consecutive snapshots (a sparsely updated one is shown a little further behind, so
// that it is still interpolated when one of its updates is lost). An unchanged copy of an avatar
// in a snapshot is not a sample: it may only be the baseline carrying an avatar the server did
// not update that tick. The playback tick comes from a PlaybackClock: it estimates
// the server's tick clock from snapshot arrival times and runs kInterpDelayMs behind it, speeding
// up or slowing down by a few percent instead of jumping. Past an avatar's newest sample (lost
// snapshots, or snapshots stopped) it is extrapolated for at most kMaxExtrapolateMs, then held.
// Whenever new information moves where an avatar should be, the difference is blended out
// (at most kMaxCorrectionSpeed for small ones) instead of shown as a jump; above kTeleportMetres
// it is a jump.
//
// Own avatar: predicted. Inputs are applied locally at once with the server's own step function
// (on the wire-quantized input, as the server sees it) and replayed on top of each authoritative
// state (reconciliation). It is drawn moving towards the newest predicted tick at walking pace
// (one tick behind), so it moves every frame at any frame rate and evenly when a slow frame
// predicted two ticks at once; a remaining reconciliation error is blended out the same way.
//
// Cost: per-avatar tracks are only built once interpolate() has been called, so headless bots
// that never draw pay for decoding and prediction only.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/core/id_map.h"
#include "net/protocol/messages.h"

namespace client {

constexpr double kInterpDelayMs = 100.0;      // others are shown this far behind the server
constexpr size_t kKeptFrames = 64;            // decoded snapshots kept as delta baselines (~2 s)
constexpr double kMaxExtrapolateMs = 250.0;   // past an avatar's newest sample: extrapolate, then hold
constexpr uint32_t kMaxUpdateGapTicks = 8;    // a moving avatar is updated at least this often
constexpr uint32_t kHideAfterTicks = 15;      // missing from this many newer ticks: out of view
constexpr size_t kTrackSamples = 16;          // samples kept per avatar (up to twice that between trims)
constexpr float kTeleportMetres = 2.0f;       // a correction larger than this is shown as a jump
constexpr float kSmoothingSeconds = 0.1f;     // corrections decay with this time constant ...
constexpr float kMaxCorrectionSpeed = 0.9f;   // ... at most this fast (m/s, half walking pace) ...
constexpr float kMaxCorrectionSeconds = 0.5f; // ... unless that would take longer than this
constexpr double kMaxRateChange = 0.05;       // playback runs at most 5% fast or slow
constexpr double kClockResyncTicks = 30;      // a server clock this far off is adopted at once

struct ShownAvatar {  // an avatar as it should be drawn now
    net::ParticipantId id;
    float x = 0, z = 0, yaw = 0;
    net::Anim anim = net::Anim::Idle;
    float animPhase = 0;  // walk cycle, radians
    bool self = false;
};

// Estimates the server's tick clock from snapshot arrivals and runs a playback clock behind it.
//
//   serverTick(now) = now * kTickRate / 1000 + offset
// The offset is a smoothed average of (tick - arrival time) over the newest snapshots, so jitter
// moves it little; a late, duplicated or out-of-order snapshot is not fed in. The playback tick
// follows serverTick(now) - delay at 1 +- kMaxRateChange times real time; only an error larger
// than kClockResyncTicks (server restart, long stall) makes it jump.
class PlaybackClock {
public:
    explicit PlaybackClock(double delayMs = kInterpDelayMs) : m_delayTicks(delayMs * net::kTickRate / 1000.0) {}

    // A snapshot with a tick newer than any before arrived at nowMs.
    void onSnapshot(uint32_t tick, uint64_t nowMs);
    // Advances the playback clock to nowMs; returns the playback tick (fractional).
    double advance(uint64_t nowMs);

    bool started() const { return m_haveOffset; }
    double serverTick(uint64_t nowMs) const { return double(nowMs) * net::kTickRate / 1000.0 + m_offset; }
    double playbackTick() const { return m_play; }
    double rate() const { return m_rate; }        // last playback speed, 1 = real time
    double delayTicks() const { return m_delayTicks; }
    void reset() { *this = PlaybackClock(m_delayTicks * 1000.0 / net::kTickRate); }

private:
    double m_delayTicks;
    double m_offset = 0;
    bool m_haveOffset = false;
    double m_play = 0;
    double m_rate = 1;
    bool m_playing = false;
    uint64_t m_lastMs = 0;
};

// One known state of another avatar at a server tick.
struct AvatarSample {
    uint32_t tick = 0;
    float x = 0, z = 0, yaw = 0;
    net::Anim anim = net::Anim::Idle;
};

// What the client knows of one other avatar over time.
struct AvatarTrack {
    std::vector<AvatarSample> samples;  // ascending tick; a sample only where the state changed
    uint32_t lastSeenTick = 0;          // newest snapshot that contained the avatar
    // How often the server updates it (ticks between samples while it moves, smoothed), and the
    // extra delay it is shown with so that even a sparsely updated avatar is interpolated, not
    // extrapolated: 1.5 x (interval - 1) ticks, at most kMaxUpdateGapTicks, changed at most
    // kMaxRateChange per tick (a far avatar is shown up to ~270 ms later than a near one).
    float interval = 1;
    double delay = 0;
    // Drawing state: where the track put the avatar last frame, and the correction being blended.
    bool drawn = false;
    double drawnTick = 0;
    float drawnX = 0, drawnZ = 0;
    float errX = 0, errZ = 0;
};

// Where `track` puts its avatar at tick `tick` of its own timeline (playback tick - delay) (interpolated, briefly extrapolated or
// held). nullopt when it has no samples.
std::optional<AvatarSample> sampleTrack(const AvatarTrack& track, double tick);

class World {
public:
    // --- fed by the connection -------------------------------------------------------------
    void onWelcome(const net::Welcome& w, uint64_t nowMs);
    // An exhibit uploaded while the event runs (ExhibitAdded): the booth and its solid parts as
    // the server now has them, so prediction keeps agreeing with it.
    void addExhibit(uint16_t booth, uint8_t index, const net::Exhibit& exhibit);
    void onPresenceJoin(const net::Participant& p);
    void onPresenceLeave(net::ParticipantId id);
    void onChatLine(const net::ChatLine& line);      // duplicates (same id) are ignored
    void onNotice(const net::Notice& n);
    // Decodes a snapshot packet (one snapshot or two, protocol 8, then perhaps the hall chat's
    // unacknowledged lines, protocol 10) against kept baselines. False:
    // malformed or baseline missing. A duplicate is ignored; a late one (older than the newest)
    // only fills avatar histories.
    // `taken` (if given) gets how many of its snapshots decoded.
    bool onSnapshotPacket(std::span<const uint8_t> packet, uint64_t nowMs, uint32_t* taken = nullptr);

    // --- own avatar ------------------------------------------------------------------------
    // Applies one tick of own input locally (prediction) and remembers it for replay. nowMs is
    // when the tick was produced; the drawn avatar moves from there to the new state over a tick.
    void predict(const net::MoveInput& in, uint64_t nowMs);
    // Inputs not yet acknowledged by the server, oldest first (for resending).
    const std::deque<net::MoveInput>& pendingInputs() const { return m_pending; }

    // --- for the view ----------------------------------------------------------------------
    // Advances the playback clock and returns every avatar as it should be drawn at nowMs,
    // others by id, the own avatar last. frameSeconds is the time since the previous frame.
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
    // The newest snapshot's SnapshotMsg::inputSlack: how many of my inputs the server holds
    // beyond what it needs.
    uint8_t inputSlack() const { return m_inputSlack; }
    // Everyone in the hall (from the newest snapshot). participants() holds only those this client
    // has been told about: the people who have come into its view, and itself.
    uint32_t peopleInHall() const { return std::max<uint32_t>(m_people, uint32_t(m_participants.size())); }
    uint32_t snapshotsReceived() const { return m_snapshotsReceived; }
    uint32_t lateSnapshots() const { return m_lateSnapshots; }  // older than the newest (not dropped)
    uint32_t chatLinesHeard() const { return m_chatLinesHeard; }  // chat lines received, repeats included
    uint32_t newestChatId() const { return m_chat.empty() ? 0 : m_chat.back().id; }  // Input::ackChat
    double playbackTick() const { return m_clock.playbackTick(); }
    const PlaybackClock& clock() const { return m_clock; }
    // History of another avatar (tracks exist once interpolate() has been called); null if unknown.
    const AvatarTrack* track(net::ParticipantId id) const;
    // Largest correction reconciliation had to make (metres), for tests and stats.
    float lastCorrection() const { return m_lastCorrection; }

    // The decoded frame of `tick` while kept (the newest kKeptFrames: the baselines); null if not.
    const net::SnapshotFrame* frame(uint32_t tick) const;

private:
    void ingest(const net::SnapshotFrame& f, uint32_t prevTick);  // prevTick: the received frame before f
    void trimFrames();  // keeps the newest kKeptFrames
    void onSnapshot(net::SnapshotMsg& msg, uint64_t nowMs, bool newestInPacket);  // one decoded snapshot
    void reconcile(const net::AvatarState& server, uint32_t lastInput);
    void drawSelf(uint64_t nowMs, float frameSeconds, ShownAvatar& out);

    bool m_joined = false;
    net::ParticipantId m_self;
    net::Role m_selfRole = net::Role::Attendee;
    net::EventLayout m_event;
    std::vector<net::HallPart> m_parts;
    net::FloorColliders m_colliders;  // m_parts' solid ones, bucketed (as the server has them)
    std::map<uint16_t, net::Participant> m_participants;
    std::vector<net::ChatLine> m_chat;
    std::vector<net::Notice> m_notices;

    std::deque<net::SnapshotFrame> m_frames;  // decoded, ascending tick
    std::vector<net::AvatarState> m_spareAvatars;  // a dropped frame's storage, for the next decode
    uint32_t m_latestTick = 0;
    uint32_t m_snapshotsReceived = 0;
    uint32_t m_people = 0;
    uint8_t m_inputSlack = 0;
    uint32_t m_lateSnapshots = 0;
    uint32_t m_chatLinesHeard = 0;
    PlaybackClock m_clock;
    bool m_tracking = false;                  // interpolate() has been called: keep tracks
    IdMap<AvatarTrack> m_tracks;             // others, by id
    double m_lastPlay = 0;                    // playback tick of the previous frame

    // Own avatar: m_predicted is the newest predicted tick; it is drawn moving from m_drawFrom
    // (where it was drawn when that tick was predicted) to m_predicted over m_drawSpanMs.
    std::optional<net::AvatarState> m_predicted;
    net::AvatarState m_drawFrom;
    uint64_t m_predictedMs = 0;
    double m_drawSpanMs = 1000.0 / net::kTickRate;  // how long the drawn motion to m_predicted takes
    std::deque<net::MoveInput> m_pending;
    float m_errX = 0, m_errZ = 0;             // visual correction still being blended out
    float m_lastCorrection = 0;

    struct WalkCycle { float phase = 0, lastX = -1, lastZ = -1; };
    IdMap<WalkCycle> m_anim;                  // per avatar, from distance travelled
    std::vector<ShownAvatar> m_shown;
};

}  // namespace client
