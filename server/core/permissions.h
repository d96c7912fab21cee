// permissions.h: which client may send which message, when, how big and how often.
//
// ONE table, kClientMessageRules, has a row for every message a client may send; docs/roles.md
// is this table in words, and EventServer::onPacket checks every packet against it before the
// message is decoded or reaches a service:
//
//   phase      the session must be in it: Handshake (connected, not yet in the hall) or Joined
//   roles      joined sessions only: the roles that may send it (others get a Notice, NotAllowed)
//   channel    the channel it must arrive on (anything else is dropped as malformed)
//   maxBytes   the largest encoding a genuine client produces, rounded up (bigger: dropped, Notice)
//   rate       the bucket it draws from (RateClass); an empty bucket: dropped, Notice
//
// A message type without a row (every server-to-client type) is dropped as malformed. Each
// refusal is also a strike against the session; too many strikes, or far more packets than any
// client sends, and the session is cut off (Refuse Flooding) while the others play on.
#pragma once

#include <cstdint>
#include <span>

#include "net/protocol/messages.h"

namespace server {

enum class SessionPhase : uint8_t {
    Handshake,  // connected, Hello not yet answered
    Joined,     // in the hall
};

enum class RateClass : uint8_t {
    None,       // Hello (one per connection), Input (one per tick, the hall applies one per tick)
    Chat,       // hall and table chat lines: chatBurst at once, then one per chatRefillMs
    Action,     // docking requests that change something: actionBurst, then one per actionRefillMs
    Query,      // board searches: queryBurst, then one per queryRefillMs
    Count
};

constexpr uint8_t roleBit(net::Role r) { return uint8_t(1u << uint8_t(r)); }
constexpr uint8_t kAllRoles = uint8_t((1u << uint8_t(net::Role::Count)) - 1);
constexpr uint8_t kPostingRoles =
    roleBit(net::Role::Exhibitor) | roleBit(net::Role::University) | roleBit(net::Role::Organizer);
constexpr uint8_t kOrganizerOnly = roleBit(net::Role::Organizer);
constexpr uint8_t kExhibitingRoles = roleBit(net::Role::Exhibitor) | roleBit(net::Role::University);
// The big screen's slides: the organizer, and the speaker giving the talk.
constexpr uint8_t kPresentingRoles = roleBit(net::Role::Organizer) | roleBit(net::Role::Speaker);

struct MessageRule {
    net::MsgType type;
    SessionPhase phase;
    uint8_t roles;             // roleBit()s; for Handshake rows all roles (nobody has one yet)
    uint8_t channel;
    uint32_t maxBytes;
    RateClass rate;
    const char* whatEn;        // what the message does, for the refusal and the docs
    const char* whatZh;
};

// Every client-to-server message, in MsgType order.
std::span<const MessageRule> clientMessageRules();
// The row for `type`, or nullptr for a type no client may send.
const MessageRule* ruleFor(net::MsgType type);
// True when a joined session of `role` may send `type` (the roles column).
bool roleMaySend(net::Role role, net::MsgType type);

}  // namespace server
