// present_service.h: "Present": a booth's exhibitor drives the inspector of everyone at the booth.
//
// The protocol is in net/protocol/present_msgs.h. The service keeps, per booth, who presents
// which exhibit and the newest pose; each tick it forwards a changed pose to the booth's
// audience (everyone within net::kAtBoothMargin of its footprint), gives the current view to
// those who step up and an end to those who walk away. A presentation ends when the presenter
// says so, walks away from the booth or leaves the hall. Only a member of the organization that
// owns the booth (exhibitor or university role), standing at it, may present there, and one
// at a time.
//
//   PresentService present(layout, link);          // link: send to one, where someone stands
//   present.onJoin({id, name, org, role});
//   present.onMessage(id, type, packet);           // PresentSet
//   present.update();                              // once per tick, after movement
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "net/protocol/domain.h"
#include "net/protocol/messages.h"
#include "server/core/docking_service.h"  // DockingLink: send, position

namespace server {

struct PresentPerson {
    net::ParticipantId id;
    std::string name;
    std::string org;
    net::Role role = net::Role::Attendee;
};

class PresentService {
public:
    PresentService(const net::EventLayout& layout, DockingLink& link);
    ~PresentService();
    PresentService(const PresentService&) = delete;
    PresentService& operator=(const PresentService&) = delete;

    void onJoin(const PresentPerson& who);
    void onLeave(net::ParticipantId id);
    // False: not a message of this service, or malformed.
    bool onMessage(net::ParticipantId from, net::MsgType type, std::span<const uint8_t> packet);
    void update();

    // Who presents at booth `booth` (layout index), if anyone.
    std::optional<net::ParticipantId> presenter(uint16_t booth) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace server
