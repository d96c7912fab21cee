// avatar.vert.glsl: the crowd, one instanced draw per level of detail (every level has every part). The shared body mesh (feet at the
// origin, facing +z) is posed per instance: arms and legs swing about their joints from the walk
// phase, the body bobs, sits or waves, then turns by yaw and moves to its place.
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec3 aNormal;
layout(location = 2) in ivec2 aPartSlot;  // AvatarPart, AvatarSlot (client/render/detail/avatar_mesh.h)
layout(location = 6) in vec4 iPlace;      // x, y (floor height), z, yaw
layout(location = 7) in vec4 iPose;       // walk phase, role + 8 * look (role 0..7, look 0..15), anim, self

out vec3 vWorldPos;
out vec3 vNormal;
out vec4 vColor;
out vec4 vMaterial;
out vec2 vUv;
flat out int vBooth;

const int kBody = 0, kHead = 1, kLeftArm = 2, kRightArm = 3, kLeftLeg = 4, kRightLeg = 5;
const int kJacket = 0, kTrousers = 1, kSkin = 2, kDark = 3, kAccent = 4;
const int kIdle = 0, kWalk = 1, kRun = 2, kSit = 3, kWave = 4;
const int kHandshake = 5;  // not on the wire: the client's pose at the signing moment (AvatarInstance::handshake)
const vec3 kShoulder = vec3(0.25, 1.40, 0.0);
const vec3 kHip = vec3(0.10, 0.88, 0.0);

mat3 rotX(float a) { float c = cos(a), s = sin(a); return mat3(1, 0, 0, 0, c, s, 0, -s, c); }
mat3 rotY(float a) { float c = cos(a), s = sin(a); return mat3(c, 0, -s, 0, 1, 0, s, 0, c); }
mat3 rotZ(float a) { float c = cos(a), s = sin(a); return mat3(c, s, 0, -s, c, 0, 0, 0, 1); }

// A few skin tones, trousers and hair colours, picked per instance so a crowd is not uniform.
const vec3 kSkins[4] = vec3[4](vec3(0.87, 0.70, 0.56), vec3(0.78, 0.60, 0.45), vec3(0.93, 0.78, 0.66), vec3(0.62, 0.45, 0.33));
const vec3 kTrouserColors[4] = vec3[4](vec3(0.17, 0.19, 0.24), vec3(0.24, 0.25, 0.27), vec3(0.13, 0.15, 0.20), vec3(0.32, 0.29, 0.25));
const vec3 kHair = vec3(0.07, 0.06, 0.06);

void main() {
    int part = aPartSlot.x, slot = aPartSlot.y;
    float phase = iPose.x;
    int roleLook = int(iPose.y + 0.5);
    int role = roleLook & 7;
    int anim = int(iPose.z + 0.5);

    float amp = anim == kWalk ? 0.5 : (anim == kRun ? 0.85 : 0.0);
    float swing = sin(phase) * amp;
    vec3 offset = vec3(0.0, amp > 0.0 ? abs(cos(phase)) * 0.035 * amp / 0.5 : 0.0, 0.0);

    vec3 p = aPos, n = aNormal;
    mat3 r = mat3(1.0);
    vec3 pivot = vec3(0.0);
    if (part == kLeftLeg || part == kRightLeg) {
        pivot = vec3(part == kLeftLeg ? kHip.x : -kHip.x, kHip.y, 0.0);
        float a = part == kLeftLeg ? -swing : swing;
        if (anim == kSit) a = -1.45;
        r = rotX(a);
    } else if (part == kLeftArm || part == kRightArm) {
        pivot = vec3(part == kLeftArm ? kShoulder.x : -kShoulder.x, kShoulder.y, 0.0);
        float a = (part == kLeftArm ? swing : -swing) * 0.8;
        r = rotX(a) * rotZ(part == kLeftArm ? 0.06 : -0.06);
        if (anim == kWave && part == kRightArm) r = rotZ(0.35 + 0.35 * sin(phase * 2.0)) * rotX(-2.7);
        // The right hand held out forward and across to the body's middle line, where the other's
        // right hand meets it (two people 0.74 m apart, face to face), pumped up and down.
        if (anim == kHandshake && part == kRightArm) r = rotY(0.6) * rotX(-1.0 + 0.12 * sin(phase));
        if (anim == kSit) r = rotX(-0.6);
    }
    p = r * (p - pivot) + pivot;
    n = r * n;
    if (anim == kSit) offset.y -= 0.42;
    if (anim == kRun && part != kLeftLeg && part != kRightLeg) {  // lean into the run
        p = rotX(0.12) * (p - kHip * vec3(0, 1, 0)) + kHip * vec3(0, 1, 0);
        n = rotX(0.12) * n;
    }

    mat3 yaw = rotY(iPlace.w);
    vec3 world = yaw * p + vec3(iPlace.x, iPlace.y, iPlace.z) + offset;
    vNormal = yaw * n;
    vWorldPos = world;

    int variant = roleLook >> 3;  // per avatar, not gl_InstanceID: culling reorders instances
    vec3 c;
    float rough = 0.75;
    if (slot == kJacket) c = uRoleColor[role].rgb;
    else if (slot == kTrousers) c = kTrouserColors[variant & 3];
    else if (slot == kSkin) { c = kSkins[(variant >> 2) & 3]; rough = 0.6; }
    else if (slot == kDark) { c = kHair; rough = 0.5; }
    else { c = uRoleAccent[role].rgb; rough = 0.35; }
    vColor = vec4(c, 1.0);
    vMaterial = vec4(slot == kAccent && role >= 3 ? 1.0 : 0.0, rough, 0.0, 0.0);
    vUv = vec2(0.0);
    vBooth = -1;
    gl_Position = uViewProj * vec4(world, 1.0);
}
