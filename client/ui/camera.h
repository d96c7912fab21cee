// camera.h: the third-person camera and the screen <-> world math the hall view needs.
//
// Pure math on glm: no GL, no window. Angles follow the avatars' convention (net/protocol/hall.h):
// yaw 0 looks along +z and forward is (sin yaw, cos yaw) in (x, z). Pitch is positive when the
// camera looks down. Screen coordinates are pixels with the origin at the top left.
#pragma once

#include <optional>
#include <string>

#include <glm/glm.hpp>

#include "net/protocol/hall.h"

namespace client {

constexpr float kCameraMinDistance = 2.5f;
constexpr float kCameraMaxDistance = 20.0f;
constexpr float kCameraDefaultDistance = 7.0f;
constexpr float kCameraDefaultPitchDeg = 25.0f;
constexpr float kCameraMinPitchDeg = 5.0f;
constexpr float kCameraMaxPitchDeg = 80.0f;
constexpr float kCameraFollowRate = 10.0f;  // 1/s: how fast the orbit centre catches up
constexpr float kAvatarEyeHeight = 1.5f;    // the orbit centre sits this high above the feet

// A fixed camera (for screenshots): eye in metres, yaw and pitch in degrees (pitch > 0 looks down).
struct FixedCamera {
    glm::vec3 eye{0.0f};
    float yawDeg = 0;
    float pitchDeg = 0;
};

// Parses "x,y,z,yaw,pitch". nullopt if it is not five numbers.
std::optional<FixedCamera> parseFixedCamera(const std::string& text);

// Unit vector the camera looks along for a yaw and pitch (radians).
glm::vec3 lookDirection(float yaw, float pitch);

// Orbits a point behind and above it; the point follows the own avatar with smoothing.
class OrbitCamera {
public:
    // Moves the orbit centre toward `focus`; the first call (or after reset()) jumps there.
    void follow(glm::vec3 focus, float dtSeconds);
    // Turns by the given angles (radians); pitch stays within [kCameraMinPitchDeg, kCameraMaxPitchDeg].
    void rotate(float dYaw, float dPitch);
    // Zooms by wheel steps (positive = closer); distance stays within the min/max.
    void zoom(float wheelSteps);
    void setYaw(float yaw) { m_yaw = yaw; }
    void reset() { m_hasFocus = false; }

    float yaw() const { return m_yaw; }
    float pitch() const { return m_pitch; }
    float distance() const { return m_distance; }
    glm::vec3 target() const { return m_target; }
    // Where the camera is: behind the target, `distance` back along the look direction.
    glm::vec3 eye() const;

private:
    float m_yaw = 3.14159265f;
    float m_pitch = glm::radians(kCameraDefaultPitchDeg);
    float m_distance = kCameraDefaultDistance;
    glm::vec3 m_target{0.0f};
    bool m_hasFocus = false;
};

// Pulls `eye` toward `target` until it is inside the hall's floor area (shrunk by `margin`) and
// above the floor, so the camera never looks at the hall through its walls.
glm::vec3 keepEyeInHall(glm::vec3 target, glm::vec3 eye, glm::vec2 hallSize, float margin = 0.4f);

// Walking intent in world (x, z) from key axes relative to the camera: `forward` and `right` in
// [-1, 1]. The result has length at most 1.
glm::vec2 moveFromKeys(float forward, float right, float cameraYaw);

// The yaw that faces along a floor direction (x, z), in [0, 2pi). dir must not be zero.
float yawFacing(glm::vec2 dir);

struct Ray {
    glm::vec3 origin{0.0f};
    glm::vec3 dir{0.0f, 0.0f, 1.0f};  // unit length
};

// The ray from the eye through a screen pixel, from the inverse of the view-projection matrix.
Ray screenRay(const glm::mat4& viewProj, glm::vec2 pixel, glm::vec2 screenSize);

// Where a ray meets the horizontal plane y = height in front of its origin, if it does.
std::optional<glm::vec3> hitPlaneY(const Ray& ray, float height = 0.0f);

// Distance along the ray to where it enters an axis-aligned box, if it does (0 if it starts inside).
std::optional<float> hitBox(const Ray& ray, glm::vec3 boxMin, glm::vec3 boxMax);

// What the mouse points at in the hall: the first thing the ray meets (a booth's backdrop,
// counter or pedestal, another solid part, or the floor) and the booth it belongs to.
struct HallPick {
    glm::vec3 point{0.0f};  // where the ray meets it
    glm::vec2 floor{0.0f};  // the floor point to walk to (x, z), inside the hall
    int booth = -1;         // index into event.booths, or -1
};
std::optional<HallPick> pickHall(const Ray& ray, const net::EventLayout& event, const std::vector<net::HallPart>& parts);

// Projects a world point to screen pixels; nullopt when it lies behind the camera.
std::optional<glm::vec2> projectToScreen(const glm::mat4& viewProj, glm::vec3 world, glm::vec2 screenSize);

}  // namespace client
