// present_msgs.h: "Present": a booth's exhibitor drives the inspector of everyone at the booth.
//
//   PresentSet  (C->S) = type | active:1 | booth:9 | exhibit:4 | PresentPose
//   PresentView (S->C) = type | presenter:12 | active:1 | booth:9 | exhibit:4 | PresentPose
//
// The presenter's client sends PresentSet when it starts, whenever its inspector view changes
// (at most a few times a tick) and when it stops (active 0). The server accepts it only from a
// member of the organization that owns the booth, standing at that booth; it forwards the newest
// pose each tick, as PresentView, to everyone standing at the booth (newcomers get the current one
// when they step up) and sends active 0 to those who walk away, and to everyone when the
// presenter stops, leaves the booth or the hall. Refusals come back as a Notice.
//
// The pose is the inspector's view in the exhibit's own frame (metres, radians), so every client
// shows the same part the same way whatever its window's size.
#pragma once

#include <cstdint>

#include "net/protocol/docking_msgs.h"  // encodeDock / decodeDock: the generic tagged packet

namespace net {

struct PresentPose {
    float yaw = 0, pitch = 0;          // orbit angles, radians
    float distance = 1;                // eye to target, metres
    float targetX = 0, targetY = 0, targetZ = 0;  // orbit centre (panned), metres
    int8_t sectionAxis = -1;           // -1 none, 0 x, 1 y, 2 z
    float sectionOffset = 0;           // metres from the centre
    bool sectionFlip = false;
    float explode = 0;                 // 0 .. 1
    bool wireframe = false;
    friend bool operator==(const PresentPose&, const PresentPose&) = default;
};

struct PresentSet {
    static constexpr MsgType kType = MsgType::PresentSet;
    bool active = false;
    uint16_t booth = 0;                // index into EventLayout::booths
    uint8_t exhibit = 0;               // index into that booth's exhibits
    PresentPose pose;
};

struct PresentView {
    static constexpr MsgType kType = MsgType::PresentView;
    ParticipantId presenter;
    bool active = false;
    uint16_t booth = 0;
    uint8_t exhibit = 0;
    PresentPose pose;
};

constexpr float kPresentMaxMetres = 50.0f;  // parts are at most a few metres; pans stay near

template <typename S> bool serialize(S& s, PresentPose& v) {
    DH_SERIALIZE_QFLOAT(s, v.yaw, -7.0f, 7.0f, 0.0005f);
    DH_SERIALIZE_QFLOAT(s, v.pitch, -1.6f, 1.6f, 0.0005f);
    DH_SERIALIZE_QFLOAT(s, v.distance, 0.0f, kPresentMaxMetres, 0.0005f);
    DH_SERIALIZE_QFLOAT(s, v.targetX, -kPresentMaxMetres, kPresentMaxMetres, 0.0005f);
    DH_SERIALIZE_QFLOAT(s, v.targetY, -kPresentMaxMetres, kPresentMaxMetres, 0.0005f);
    DH_SERIALIZE_QFLOAT(s, v.targetZ, -kPresentMaxMetres, kPresentMaxMetres, 0.0005f);
    DH_SERIALIZE_INT(s, v.sectionAxis, -1, 2);
    DH_SERIALIZE_QFLOAT(s, v.sectionOffset, -kPresentMaxMetres, kPresentMaxMetres, 0.0001f);
    DH_SERIALIZE_BOOL(s, v.sectionFlip);
    DH_SERIALIZE_QFLOAT(s, v.explode, 0.0f, 1.0f, 0.001f);
    DH_SERIALIZE_BOOL(s, v.wireframe);
    return true;
}
template <typename S> bool serialize(S& s, PresentSet& v) {
    DH_SERIALIZE_BOOL(s, v.active);
    DH_SERIALIZE_INT(s, v.booth, 0, kMaxBooths - 1);
    DH_SERIALIZE_INT(s, v.exhibit, 0, kMaxExhibitsPerBooth - 1);
    DH_SERIALIZE_OBJECT(s, v.pose);
    return true;
}
template <typename S> bool serialize(S& s, PresentView& v) {
    DH_SERIALIZE_INT(s, v.presenter.v, 1, kMaxParticipants);
    DH_SERIALIZE_BOOL(s, v.active);
    DH_SERIALIZE_INT(s, v.booth, 0, kMaxBooths - 1);
    DH_SERIALIZE_INT(s, v.exhibit, 0, kMaxExhibitsPerBooth - 1);
    DH_SERIALIZE_OBJECT(s, v.pose);
    return true;
}

bool isPresentType(MsgType t);  // PresentSet or PresentView

// Clamps a pose into what the wire carries (a presenter's client calls it before sending).
PresentPose clampPose(PresentPose p);

}  // namespace net
