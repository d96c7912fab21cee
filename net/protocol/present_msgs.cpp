// present_msgs.cpp: the pose clamp shared by the presenter's client and the server.
#include "net/protocol/present_msgs.h"

#include <algorithm>
#include <cmath>

namespace net {

bool isPresentType(MsgType t) { return t == MsgType::PresentSet || t == MsgType::PresentView; }

PresentPose clampPose(PresentPose p) {
    auto finite = [](float v, float lo, float hi) { return std::isfinite(v) ? std::clamp(v, lo, hi) : 0.0f; };
    // Yaw wraps rather than clamps: orbiting round and round is normal.
    if (std::isfinite(p.yaw)) p.yaw = std::remainder(p.yaw, 6.2831853f);
    else p.yaw = 0;
    p.pitch = finite(p.pitch, -1.6f, 1.6f);
    p.distance = finite(p.distance, 0.0f, kPresentMaxMetres);
    p.targetX = finite(p.targetX, -kPresentMaxMetres, kPresentMaxMetres);
    p.targetY = finite(p.targetY, -kPresentMaxMetres, kPresentMaxMetres);
    p.targetZ = finite(p.targetZ, -kPresentMaxMetres, kPresentMaxMetres);
    p.sectionAxis = int8_t(std::clamp<int>(p.sectionAxis, -1, 2));
    p.sectionOffset = finite(p.sectionOffset, -kPresentMaxMetres, kPresentMaxMetres);
    p.explode = finite(p.explode, 0.0f, 1.0f);
    return p;
}

}  // namespace net
