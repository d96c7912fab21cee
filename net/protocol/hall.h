// hall.h: the hall's solid geometry and avatar movement, shared by server and client.
//
// The server is authoritative; the client runs the very same step to predict its own avatar, so
// prediction and the server agree bit for bit on the same inputs. Pure: no clock, no I/O.
//
// Booth anatomy in the booth's own frame (x along its front, z toward the aisle, origin at the
// footprint centre, footprint w x d):
//
//     z = -d/2  +------------------------------+  backdrop: full width, 0.2 m deep, 3 m tall
//               |         counter (2.4 x 0.7)  |  the exhibitor stands between backdrop and counter
//               |  [p0]   [p1]   [p2]   [p3]   |  pedestals for exhibits, 0.8 x 0.8, 0.9 m tall
//     z = +d/2  +------------- aisle ----------+
#pragma once

#include <cstdint>
#include <vector>

#include "net/protocol/domain.h"

namespace net {

enum class PartKind : uint8_t {
    Wall,      // hall wall
    Backdrop,  // booth back wall, shows the organization's name
    Counter,   // booth reception counter
    Pedestal,  // exhibit stand; `index` is the exhibit
    Table,     // negotiation table; `index` is the table
    StageEdge, // the stage platform's front edge (the platform itself is walkable via steps)
    Count
};

struct Box3 {  // axis-aligned box in world space (metres)
    float min[3] = {0, 0, 0};
    float max[3] = {0, 0, 0};
};

struct HallPart {
    PartKind kind = PartKind::Wall;
    uint16_t owner = 0;   // booth index for booth parts, table index for tables
    uint16_t index = 0;   // pedestal: exhibit index
    Box3 box;
    bool solid = true;    // avatars collide with it
};

constexpr float kWallThickness = 0.4f;
constexpr float kWallHeight = 6.0f;
constexpr float kBackdropDepth = 0.2f;
constexpr float kBackdropHeight = 3.0f;
constexpr float kCounterWidth = 2.4f;
constexpr float kCounterDepth = 0.7f;
constexpr float kCounterHeight = 1.05f;
constexpr float kPedestalSize = 0.8f;
constexpr float kPedestalHeight = 0.9f;
constexpr float kTableRadius = 0.75f;      // negotiation tables are round, collided as squares
constexpr float kTableHeight = 0.75f;

// Appends the solid and visual parts of the hall: walls, booth parts, tables.
void buildHallParts(const EventLayout& layout, std::vector<HallPart>& out);

// Maps a point from a booth's own frame to the world floor.
Vec2 boothToWorld(const Booth& b, Vec2 local);

// The index of the booth whose footprint, grown by `margin` metres on every side, holds `at`
// (the first in layout order); -1 when none. "At a booth" for visits and presentations.
int boothIndexAt(const EventLayout& layout, Vec2 at, float margin);
bool atBooth(const Booth& b, Vec2 at, float margin);
constexpr float kAtBoothMargin = 2.0f;  // metres round a booth's footprint that count as being at it

// Where exhibit `i` of a booth stands (world floor point, pedestal top height in y).
Vec2 exhibitSpot(const Booth& b, int i);

// --- avatars ---------------------------------------------------------------------------------

enum class Anim : uint8_t { Idle, Walk, Run, Sit, Wave, Count };

constexpr float kAvatarRadius = 0.3f;
constexpr float kWalkSpeed = 1.8f;   // m/s
constexpr float kRunSpeed = 4.0f;    // m/s, the server's speed limit
constexpr int kTickRate = 30;
constexpr float kTickSeconds = 1.0f / float(kTickRate);

struct AvatarState {
    ParticipantId id;
    float x = 0, z = 0;      // metres, quantized to 1 cm on the wire
    float yaw = 0;           // radians in [0, 2pi), quantized to 1.40625 degrees (256 steps)
    Anim anim = Anim::Idle;
};

// One tick of movement intent from a client, in world axes.
struct MoveInput {
    uint32_t seq = 0;        // increases by one per tick of input
    float moveX = 0;         // [-1, 1]; the vector (moveX, moveZ) is clamped to length 1
    float moveZ = 0;
    float yaw = 0;           // facing the client wants
    bool run = false;
};

// Advances one avatar by one tick of `dt` seconds against the hall's solid parts. Deterministic.
void stepAvatar(AvatarState& a, const MoveInput& in, float dt, const std::vector<HallPart>& parts, Vec2 hallSize);

// Pushes a circle out of every solid part and keeps it inside the hall. Returns true if it moved.
bool resolveCollisions(float& x, float& z, float radius, const std::vector<HallPart>& parts, Vec2 hallSize);

// The hall's solid parts bucketed in a uniform grid over the floor, so a collision query looks at
// the few parts near the point instead of all of them. Results are exactly those of the plain
// resolveCollisions() above (same parts, same order); where a push carries the point out of its
// cell's reach, that pass falls back to every part. Build once per layout; the client's
// prediction and the server use the same one, so they agree to the bit.
class FloorColliders {
public:
    FloorColliders() = default;
    FloorColliders(const std::vector<HallPart>& parts, Vec2 hallSize);

    bool resolve(float& x, float& z, float radius) const;
    Vec2 hallSize() const { return m_hallSize; }
    size_t solidCount() const { return m_rects.size(); }

    static constexpr float kCell = 2.0f;    // metres
    static constexpr float kMargin = 1.0f;  // a cell lists every part within this of it

private:
    struct Rect { float x0, z0, x1, z1; };
    bool pushOut(float& x, float& z, float radius, const Rect& r) const;
    std::vector<Rect> m_rects;          // solid parts in buildHallParts order
    std::vector<uint32_t> m_cellStart;  // cols * rows + 1
    std::vector<uint32_t> m_cellItems;  // rect indices, ascending within a cell
    int m_cols = 0, m_rows = 0;
    Vec2 m_hallSize{};
};

// stepAvatar against a FloorColliders; the same movement, the same results.
void stepAvatar(AvatarState& a, const MoveInput& in, float dt, const FloorColliders& colliders);

// Quantizes an avatar the way the wire does, so prediction compares like with like.
AvatarState quantized(const AvatarState& a);

}  // namespace net
