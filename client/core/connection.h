// connection.h: a client's link to the event server, as a state machine.
//
//   Connecting --transport up--> Handshaking --Welcome--> Joined
//        |                            |--Refuse--> Refused (refusalText() says why, in words)
//        +--------timeout/lost--------+--> Lost  (also from Joined: link dropped, or 4 s of silence)
//
// The connection owns nothing but its protocol state: the transport is passed in (ENet for the
// app and bots, loopback for tests) and so is time. Incoming messages update a World.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/core/asset_fetcher.h"
#include "client/core/docking_state.h"
#include "client/core/stage_state.h"
#include "client/core/world.h"
#include "net/protocol/present_msgs.h"
#include "net/transport/transport.h"

namespace client {

enum class ConnState : uint8_t {
    Connecting,   // waiting for the transport to connect
    Handshaking,  // Hello sent, waiting for Welcome or Refuse
    Joined,       // in the hall
    Refused,      // the server said no; see refusalText()
    Lost,         // could not connect, or the connection dropped
};
const char* connStateName(ConnState s);

// Who joins. With an e-mail the server signs the account in (name, org and role are then the
// account's; where the hall lets people register, a new e-mail registers an attendee with this
// name and organization). With a token the server resumes that session. With neither, an open
// hall takes name, org and role as typed (password: the organizer password, if the hall has one).
struct JoinRequest {
    std::string name;
    std::string org;
    net::Role role = net::Role::Attendee;
    std::string password;
    uint16_t protocolVersion = net::kProtocolVersion;  // tests set another to check refusal
    std::string email;
    net::SessionToken token;  // from a Welcome (Connection::rejoinRequest())
};

// Turns frame times into input ticks: one MoveInput per server tick (net::kTickRate) whatever
// the frame rate, because the server applies at most one input per tick and drops what piles
// up. Tick n is due at start + n * 1000 / kTickRate ms (integer schedule, no drift). After a
// stall (a frame longer than kMaxCatchUpTicks ticks) the missed ticks are skipped, not sent in
// a burst that would sit in the server's queue as lag.
//
//   InputClock clock;
//   for (int i = clock.advance(nowMs); i > 0; --i) sendOneTickOfInput();
class InputClock {
public:
    static constexpr int kMaxCatchUpTicks = 4;  // covers frame rates down to ~8 fps
    static constexpr double kStretch = 16.0 / 15.0;  // a tick's length while stretched

    // Number of input ticks due at nowMs (0 when none). The first call starts the schedule.
    int advance(uint64_t nowMs);
    // Stretched, ticks come 1/15 further apart (28 a second): the server holds more of this
    // client's inputs than it needs (Connection::inputsAhead), so they go a little slower until
    // it does not, with no tick skipped and nothing dropped (time dilation).
    void setStretched(bool stretched);
    bool stretched() const { return m_stretched; }
    uint64_t ticks() const { return m_ticks; }  // ticks produced so far
    uint64_t skipped() const { return m_skipped; }  // ticks dropped after stalls

private:
    double dueMs(uint64_t n) const { return m_startMs + double(n) * m_periodMs; }
    bool m_started = false;
    bool m_stretched = false;
    double m_startMs = 0;
    double m_periodMs = 1000.0 / net::kTickRate;
    uint64_t m_next = 0;      // index of the next tick in the schedule
    uint64_t m_ticks = 0;
    uint64_t m_skipped = 0;
};

struct ConnectionStats {
    uint64_t snapshots = 0;     // ticks' snapshots taken in (a packet carries one or two)
    uint64_t malformed = 0;
    uint64_t inputsSent = 0;    // ticks of input (predicted and sent, alone or with the next)
    uint64_t inputPackets = 0;  // packets that carried them
};

class Connection {
public:
    // `transport` is a client transport that is connecting; it must outlive the connection.
    Connection(net::Transport& transport, JoinRequest request, uint64_t nowMs);

    // Services the transport and applies what arrived. Call every frame.
    void update(uint64_t nowMs);

    // Sends one tick of movement (also predicts it locally). Only while Joined. Call once per
    // input tick (InputClock). A packet leaves every second tick with the two new inputs and the
    // four before them (each input travels three times): 15 packets a second, not 30. An input
    // held for three ticks (no next tick came) leaves alone from update().
    void sendInput(const net::MoveInput& in);
    // The server holds more of my inputs than a packet's worth beyond what its jitter needs: the
    // input clock should run stretched (InputClock::setStretched) until it does not.
    bool inputsAhead() const { return m_world.inputSlack() >= net::kInputTicksPerPacket; }
    // Sends a chat line. Returns false if not joined.
    bool sendChat(const std::string& text);
    // Leaves politely.
    void disconnect();
    // Presenting at my booth (present_msgs.h): start, update the pose, or stop. Only while Joined.
    void sendPresent(net::PresentSet msg);

    // The presentation shown to me at the booth I stand at (the newest view), if any.
    const std::optional<net::PresentView>& presented() const { return m_presented; }
    uint32_t presentedVersion() const { return m_presentedVersion; }  // grows with every view
    // Grows when the server ends my own presentation (I walked away, or it was refused).
    uint32_t myPresentationEnded() const { return m_myPresentationEnded; }

    ConnState state() const { return m_state; }
    // The hall's clock (unix ms of event time) at local monotonic time `nowMs`: what the agenda's
    // "now" and meeting times are read against (a rehearsal runs the hall on another day).
    int64_t hallUnixMs(uint64_t nowMs) const { return m_hallClockAt.first + int64_t(nowMs - m_hallClockAt.second); }
    net::RefuseReason refuseReason() const { return m_refuseReason; }
    const std::string& refusalText() const { return m_refusalText; }
    // The session token the Welcome gave (empty in an open hall) and when it expires (unix ms).
    const net::SessionToken& sessionToken() const { return m_token; }
    int64_t sessionExpiresUnixMs() const { return m_tokenExpiresMs; }
    // What to join with next time: the session token instead of the password when there is one.
    // Kept only in memory, never written to disk.
    JoinRequest rejoinRequest() const;
    World& world() { return m_world; }
    const World& world() const { return m_world; }
    DockingState& docking() { return m_docking; }  // board, meetings, contacts; its requests go out on update()
    const DockingState& docking() const { return m_docking; }
    StageState& stage() { return m_stage; }  // keys, ceremonies, announcements; its requests go out on update()
    const StageState& stage() const { return m_stage; }
    // Asset delivery into `cache` (which must outlive the connection); without it the server's
    // asset messages are ignored. Call before the first update().
    void enableAssets(AssetCache& cache, const FetcherDesc& desc = {}) { m_assets = std::make_unique<AssetFetcher>(cache, desc); }
    AssetFetcher* assets() { return m_assets.get(); }
    const AssetFetcher* assets() const { return m_assets.get(); }
    // Sends an asset-channel message (an upload's pieces). False if not joined or not queued.
    bool sendAsset(const net::Bytes& packet);
    const ConnectionStats& stats() const { return m_stats; }
    net::Transport& transport() { return m_transport; }
    net::PeerHandle serverPeer() const { return m_server; }  // for tests that send raw packets
    // Next input sequence number to use.
    uint32_t nextInputSeq() { return ++m_inputSeq; }

private:
    void onPacket(const std::vector<uint8_t>& data, uint64_t nowMs);

    net::Transport& m_transport;
    JoinRequest m_request;
    net::PeerHandle m_server;
    ConnState m_state = ConnState::Connecting;
    void sendHeldInputs();
    int m_inputsHeld = 0;                 // inputs predicted but not yet sent (sendInput)
    uint64_t m_heldSinceMs = 0;           // when the first of them was held
    net::RefuseReason m_refuseReason = net::RefuseReason::Count;
    std::string m_refusalText;
    net::SessionToken m_token;
    int64_t m_tokenExpiresMs = 0;
    uint64_t m_startMs = 0;
    uint64_t m_nowMs = 0;  // time of the last update()
    uint64_t m_lastPacketMs = 0;  // when the server was last heard
    uint32_t m_inputSeq = 0;
    World m_world;
    DockingState m_docking;
    std::optional<net::PresentView> m_presented;
    uint32_t m_presentedVersion = 0;
    uint32_t m_myPresentationEnded = 0;
    StageState m_stage;
    std::unique_ptr<AssetFetcher> m_assets;
    std::pair<int64_t, uint64_t> m_hallClockAt{0, 0};  // (hall unix ms, local mono ms) at Welcome
    ConnectionStats m_stats;
    std::vector<net::TransportEvent> m_events;
};

}  // namespace client
