// connection.cpp: handshake and message dispatch for one client.
#include "client/core/connection.h"

#include <algorithm>

namespace client {

namespace {
constexpr uint64_t kHandshakeTimeoutMs = 10000;
// In the hall the server sends 30 snapshots a second; four seconds without a single packet on any
// channel means it is gone (crashed, restarted, the network cut), sooner than ENet's timeouts
// would say so. Shorter would mistake a Wi-Fi hiccup that only drops snapshots for a loss.
constexpr uint64_t kSilenceLostMs = 4000;
}

const char* connStateName(ConnState s) {
    switch (s) {
        case ConnState::Connecting: return "connecting";
        case ConnState::Handshaking: return "handshaking";
        case ConnState::Joined: return "joined";
        case ConnState::Refused: return "refused";
        case ConnState::Lost: return "lost";
    }
    return "?";
}

Connection::Connection(net::Transport& transport, JoinRequest request, uint64_t nowMs)
    : m_transport(transport), m_request(std::move(request)), m_startMs(nowMs), m_nowMs(nowMs) {}

int InputClock::advance(uint64_t nowMs) {
    if (!m_started) {
        m_started = true;
        m_startMs = double(nowMs);
        m_next = 0;
    }
    int due = 0;
    while (double(nowMs) >= dueMs(m_next + uint64_t(due))) ++due;
    if (due > kMaxCatchUpTicks) {
        // A stall: send one tick now and restart the schedule from here.
        m_skipped += uint64_t(due - 1);
        m_startMs = double(nowMs);
        m_next = 1;
        ++m_ticks;
        return 1;
    }
    m_next += uint64_t(due);
    m_ticks += uint64_t(due);
    return due;
}

void InputClock::setStretched(bool stretched) {
    if (stretched == m_stretched) return;
    m_stretched = stretched;
    // The next tick keeps its time; the ones after it follow at the new pace.
    if (m_started) {
        m_startMs = dueMs(m_next);
        m_next = 0;
    }
    m_periodMs = 1000.0 / net::kTickRate * (stretched ? kStretch : 1.0);
}

void Connection::update(uint64_t nowMs) {
    m_nowMs = nowMs;
    m_events.clear();
    m_transport.service(nowMs, m_events, 0);
    for (auto& ev : m_events) {
        switch (ev.kind) {
            case net::TransportEvent::Kind::Connect: {
                if (m_state != ConnState::Connecting) break;
                m_server = ev.peer;
                net::Hello hello;
                hello.version = m_request.protocolVersion;
                hello.name = m_request.name;
                hello.org = m_request.org;
                hello.role = m_request.role;
                hello.password = m_request.password;
                hello.email = m_request.email;
                hello.token = m_request.token;
                net::Bytes bytes = net::encode(hello);
                if (hello.version != net::kProtocolVersion) {
                    // Another version's Hello: only the fixed prefix is meaningful.
                    net::WriteStream w;
                    uint32_t t = uint32_t(net::MsgType::Hello), magic = net::kProtocolMagic;
                    int64_t v = hello.version;
                    w.serializeBits(t, net::kMsgTypeBits);
                    w.serializeBits(magic, 32);
                    w.serializeInt(v, 0, 65535);
                    bytes = w.finish();
                }
                m_transport.send(m_server, net::kChannelEvents, bytes);
                m_transport.flush();
                m_state = ConnState::Handshaking;
                break;
            }
            case net::TransportEvent::Kind::Disconnect:
                if (m_state != ConnState::Refused) {
                    m_state = ConnState::Lost;
                    if (m_refusalText.empty())
                        m_refusalText = "Lost the connection to the event server. 与会场服务器的连接已断开。";
                }
                break;
            case net::TransportEvent::Kind::Receive:
                m_lastPacketMs = nowMs;
                onPacket(ev.data, nowMs);
                break;
        }
    }
    if (m_state == ConnState::Joined) {
        auto outbox = m_docking.takeOutbox();
        for (auto& packet : m_stage.takeOutbox()) outbox.push_back(std::move(packet));
        for (auto& packet : outbox) m_transport.send(m_server, net::kChannelEvents, packet);
        // An input held for the next tick's packet when no next tick came within three (the caller
        // stopped sending inputs, or frames come slower than 10 a second): it leaves alone.
        const bool stale = m_inputsHeld > 0 && nowMs >= m_heldSinceMs + 3 * 1000 / net::kTickRate;
        if (stale) sendHeldInputs();
        if (!outbox.empty() || stale) m_transport.flush();
        if (m_assets) {
            m_assets->poll();  // whole-file checks done on the worker; a failed one asks again
            for (auto& packet : m_assets->takeOutbox()) m_transport.send(m_server, net::kChannelAssets, packet);
        }
    }
    if (m_state == ConnState::Joined && nowMs > m_lastPacketMs + kSilenceLostMs) {
        m_transport.disconnect(m_server, 0);
        m_state = ConnState::Lost;
        m_refusalText = "The event server stopped answering. 会场服务器已无响应。";
    }
    if ((m_state == ConnState::Connecting || m_state == ConnState::Handshaking) && nowMs - m_startMs > kHandshakeTimeoutMs) {
        m_state = ConnState::Lost;
        m_refusalText = "The event server did not answer. Check the address and port. 会场服务器无响应，请检查地址和端口。";
    }
}

void Connection::onPacket(const std::vector<uint8_t>& data, uint64_t nowMs) {
    auto type = net::peekType(data);
    if (!type) { ++m_stats.malformed; return; }
    bool ok = true;
    switch (*type) {
        case net::MsgType::Welcome: {
            net::Welcome w;
            if ((ok = net::decode(data, w)) && m_state == ConnState::Handshaking) {
                m_world.onWelcome(w, nowMs);
                m_state = ConnState::Joined;
                m_token = w.token;
                m_tokenExpiresMs = w.tokenExpiresUnixMs;
                m_hallClockAt = {w.unixMs, nowMs};
            }
            break;
        }
        case net::MsgType::Refuse: {
            net::Refuse r;
            if ((ok = net::decode(data, r))) {
                m_state = ConnState::Refused;
                m_refuseReason = r.reason;
                m_refusalText = r.text;
            }
            break;
        }
        case net::MsgType::Snapshot:
            if (m_state == ConnState::Joined) {
                uint32_t taken = 0;
                ok = m_world.onSnapshotPacket(data, nowMs, &taken);
                m_stats.snapshots += taken;
            }
            break;
        case net::MsgType::PresenceJoin: {
            net::Participant p;
            if ((ok = net::decode(data, p))) m_world.onPresenceJoin(p);
            break;
        }
        case net::MsgType::PresenceLeave: {
            net::PresenceLeave l;
            if ((ok = net::decode(data, l))) m_world.onPresenceLeave(l.id);
            break;
        }
        case net::MsgType::ChatLine: {
            net::ChatLine c;
            if ((ok = net::decode(data, c))) m_world.onChatLine(c);
            break;
        }
        case net::MsgType::Notice: {
            net::Notice n;
            if ((ok = net::decode(data, n))) m_world.onNotice(n);
            break;
        }
        case net::MsgType::PresentView: {
            net::PresentView v;
            if ((ok = net::decodeDock(data, v))) {
                if (v.presenter == m_world.self()) {
                    if (!v.active) ++m_myPresentationEnded;
                } else if (v.active) {
                    m_presented = v;
                    ++m_presentedVersion;
                } else if (m_presented && m_presented->presenter == v.presenter && m_presented->booth == v.booth) {
                    m_presented.reset();
                    ++m_presentedVersion;
                }
            }
            break;
        }
        case net::MsgType::ExhibitAdded: {
            net::ExhibitAdded a;
            if ((ok = net::decodeAsset(data, a))) {
                m_world.addExhibit(a.booth, a.index, a.exhibit);
                if (m_assets) m_assets->onPacket(*type, data);
            }
            break;
        }
        default:
            if (net::isAssetType(*type)) ok = !m_assets || m_assets->onPacket(*type, data);
            else if (net::isStageType(*type)) ok = m_stage.onPacket(*type, data);
            else ok = net::isDockingType(*type) && m_docking.onPacket(*type, data);
            break;
    }
    if (!ok) ++m_stats.malformed;
}

void Connection::sendPresent(net::PresentSet msg) {
    if (m_state != ConnState::Joined) return;
    msg.pose = net::clampPose(msg.pose);
    net::Bytes b = net::encodeDock(msg);
    if (!b.empty()) m_transport.send(m_server, net::kChannelEvents, b);
}

JoinRequest Connection::rejoinRequest() const {
    JoinRequest r = m_request;
    if (!m_token.empty()) {
        r.token = m_token;
        r.password.clear();  // the token stands for it; nothing secret lingers longer than needed
    }
    return r;
}

void Connection::sendInput(const net::MoveInput& in) {
    if (m_state != ConnState::Joined) return;
    m_world.predict(in, m_nowMs);
    ++m_stats.inputsSent;
    if (m_inputsHeld++ == 0) m_heldSinceMs = m_nowMs;
    if (m_inputsHeld >= net::kInputTicksPerPacket) sendHeldInputs();
}

void Connection::sendHeldInputs() {
    m_inputsHeld = 0;
    net::Input msg;
    msg.ackSnapshot = m_world.latestTick();
    msg.ackChat = m_world.newestChatId();
    const auto& pending = m_world.pendingInputs();  // unacknowledged, oldest first
    if (pending.empty()) return;
    size_t n = std::min<size_t>(pending.size(), net::kMaxInputsPerPacket);
    msg.inputs.assign(pending.end() - long(n), pending.end());
    m_transport.send(m_server, net::kChannelState, net::encode(msg));
    ++m_stats.inputPackets;
}

bool Connection::sendChat(const std::string& text) {
    if (m_state != ConnState::Joined) return false;
    net::Bytes b = net::encode(net::ChatSend{text});
    if (b.empty()) return false;
    return m_transport.send(m_server, net::kChannelEvents, b);
}

bool Connection::sendAsset(const net::Bytes& packet) {
    if (m_state != ConnState::Joined || packet.empty()) return false;
    return m_transport.send(m_server, net::kChannelAssets, packet);
}

void Connection::disconnect() {
    if (m_state == ConnState::Joined || m_state == ConnState::Handshaking) m_transport.disconnect(m_server, 0);
    m_transport.flush();
    m_state = ConnState::Lost;
}

}  // namespace client
