// blob.vert.glsl: soft contact shadows under avatars and the ring around the own avatar, one
// instanced quad each, lying just above the floor.
layout(location = 0) in vec2 aCorner;   // [-1, 1]^2
layout(location = 6) in vec4 iPlace;    // x, y (floor height), z, yaw
layout(location = 7) in vec4 iPose;     // walk phase, role, anim, self

out vec2 vLocal;
out float vSelf;
out vec3 vWorldPos;

const float kRadius = 0.6;

void main() {
    vLocal = aCorner;
    vSelf = iPose.w;
    vec3 world = vec3(iPlace.x + aCorner.x * kRadius, iPlace.y + 0.02, iPlace.z + aCorner.y * kRadius);
    vWorldPos = world;
    gl_Position = uViewProj * vec4(world, 1.0);
}
