// stage_scene.h: the stage in the 3D hall follows the stage's state (client/core/stage_state.h):
// the big screen shows the current slide, or the certificate of the agreement just signed; at the
// signing moment the representatives at the table turn to each other and shake hands (a pose of
// this client's own, timed from the moment); a few seconds in, the group picture is taken from a
// fixed camera in front of the stage and saved as a PNG (client/render/group_photo.h).
//
// The renderer only ever receives pictures and avatar poses; what is on the wire stays here.
//
//   StageScene scene({.photoDir = "~/Pictures/Dockhall"});
//   each frame, after the avatars are interpolated and before the hall is drawn:
//   scene.update(conn, renderer, avatars, ids, nowMs);   // may draw the group picture offscreen
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/core/connection.h"
#include "client/render/renderer.h"

namespace client {

struct StageSceneDesc {
    std::string photoDir;             // where group pictures go; "" = defaultPhotoDir()
    int photoWidth = 1600, photoHeight = 900;
    uint64_t photoDelayMs = 3500;     // after the moment: the handshake is on by then
    uint64_t handshakeMs = 8000;      // how long the representatives shake hands
};

// The group picture of the latest moment, for the moment window.
struct GroupPhotoState {
    uint32_t ceremony = 0;            // 0: no moment yet
    bool pending = false;             // not taken yet
    bool noStage = false;             // the hall has no stage: none will be taken
    std::string path;                 // where it was saved ("" if it was not)
    std::string error;                // why not
    unsigned texture = 0;             // GL texture of the thumbnail (RGBA8, sRGB bytes), 0 = none
    int width = 0, height = 0;        // the thumbnail's size
};

class StageScene {
public:
    explicit StageScene(StageSceneDesc desc = {}) : m_desc(std::move(desc)) {}
    ~StageScene();
    StageScene(const StageScene&) = delete;
    StageScene& operator=(const StageScene&) = delete;

    // Once per frame with the avatars about to be drawn (`ids` parallel to `avatars`): puts the
    // right picture on the screen (only when it changes, or the renderer was rebuilt), poses the
    // representatives during the handshake, and takes the group picture when it is due (an
    // offscreen render; framebuffer bindings and viewport are left as they were).
    void update(const Connection& conn, Renderer& renderer, std::vector<AvatarInstance>& avatars,
                const std::vector<net::ParticipantId>& ids, uint64_t nowMs);
    const GroupPhotoState& photo() const { return m_photo; }
    // Forgets the moment and the thumbnail (a new connection). Needs the GL context.
    void clear();

private:
    void updateScreen(const Connection& conn, Renderer& renderer);
    void poseRepresentatives(const Connection& conn, std::vector<AvatarInstance>& avatars,
                             const std::vector<net::ParticipantId>& ids, float seconds) const;
    void takePhoto(const Connection& conn, Renderer& renderer, const std::vector<AvatarInstance>& avatars);

    StageSceneDesc m_desc;
    std::string m_screenKey;          // what the renderer's screen shows: "", "slide:ID", "cert:ID"
    std::string m_failedKey;          // a slide that would not decode (not retried every frame)
    uint32_t m_momentCeremony = 0;    // the moment being played
    uint64_t m_momentAtMs = 0;        // when it arrived (this client's monotonic clock)
    GroupPhotoState m_photo;
};

// The handshake pose, `seconds` into the moment, for the representatives `reps` (indices into
// `avatars`): each pair of nearest neighbours (at most 3 m apart) turns face to face, steps to
// 0.74 m apart and shakes hands; anyone else among them turns to their nearest and waves. Those
// walking or running are left as they are.
void poseHandshakes(std::vector<AvatarInstance>& avatars, const std::vector<size_t>& reps, float seconds);

// For the certificate and the picture's name: unix ms as the event's local time (China, UTC+8),
// "2024-06-04 11:32".
std::string eventTimeText(int64_t unixMs);
// The first `bytes` bytes of a content hash in hex, grouped by four bytes: "3fa29c01 7be4d2a0".
std::string shortHash(const net::ContentHash& hash, size_t bytes = 8);

}  // namespace client
