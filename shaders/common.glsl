// common.glsl: the per-frame uniform block and the lighting model shared by every lit shader.
// Prepended to the other files by the program builder (GLSL 4.1 has no #include).
//
// Lighting in linear space: one directional key light with Lambert diffuse and GGX specular
// (Smith-Schlick visibility, Schlick Fresnel), shadowed by a shadow map; the rest of the hall
// lights everything through image-based lighting: environment() (floor bounce, walls, rows of
// hall lights) rendered into a cubemap at start-up, prefiltered per roughness for specular
// (split sum with a BRDF LUT) and convolved for diffuse. So polished steel mirrors the lamps,
// machined steel shows a soft sheen and as-forged steel a dull grey. ACES filmic tone map; the
// sRGB framebuffer does the encoding.

layout(std140) uniform Frame {
    mat4 uViewProj;
    mat4 uInvViewProj;
    vec4 uCameraPos;      // xyz eye
    vec4 uLightDir;       // xyz unit vector toward the key light, w intensity
    vec4 uLightColor;     // rgb
    vec4 uSkyColor;       // rgb ambient from above
    vec4 uGroundColor;    // rgb ambient from below
    vec4 uFog;            // rgb fog colour, w density per metre
    vec4 uHighlight;      // x booth index (-1 none), y strength, zw unused
    vec4 uHighlightRect;  // the highlighted booth's footprint: min x, min z, max x, max z
    vec4 uHall;           // x, y hall size; z zone count; w exposure
    vec4 uZoneRect[64];   // min x, min z, max x, max z
    vec4 uZoneColor[64];  // linear carpet colour
    vec4 uRoleColor[8];   // linear jacket colour per net::Role (room for 8)
    vec4 uRoleAccent[8];  // linear badge colour per net::Role
    mat4 uShadowViewProj; // world -> the hall's key-light shadow map (clip space, orthographic)
    vec4 uShadowParams;   // x 1 = hall shadow map on, y texel size (uv), z normal offset (m), w depth bias
    vec4 uIbl;            // x prefiltered mips - 1, y 1 = image-based lighting on, z its strength
};

// Image-based lighting (detail/ibl.h), built once at start-up from environment() below.
uniform samplerCube uPrefiltered;  // GGX-prefiltered radiance, roughness = mip / uIbl.x
uniform samplerCube uIrradiance;   // cosine-convolved: diffuse = irradiance * albedo
uniform sampler2D uBrdfLut;        // split-sum scale (r) and bias (g) of F0 over (N.V, roughness)

const float PI = 3.14159265;
const vec3 kHighlightColor = vec3(1.0, 0.62, 0.12);

vec3 srgbToLinear(vec3 c) {
    return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(0.04045, c));
}

float hash12(vec2 p) {
    vec3 p3 = fract(vec3(p.xyx) * 0.1031);
    p3 += dot(p3, p3.yzx + 33.33);
    return fract((p3.x + p3.y) * p3.z);
}

// The soft environment metals reflect: the floor's bounce below, the walls at the horizon, rows
// of hall lights above (brighter in some directions than others, so curved metal shows its
// shape), a dim roof straight up. Blurred toward the hemisphere average by roughness.
vec3 environment(vec3 r, float roughness) {
    float up = r.y;
    float azimuth = atan(r.z, r.x);
    vec3 floorColor = uGroundColor.rgb * 0.7;
    vec3 wall = uSkyColor.rgb * 0.75;
    vec3 roof = uSkyColor.rgb * 0.25;
    float lights = smoothstep(0.18, 0.32, up) * (1.0 - smoothstep(0.55, 0.8, up));
    lights *= 0.55 + 0.45 * sin(azimuth * 3.0 + 0.7);
    vec3 sharp = mix(floorColor, wall, smoothstep(-0.08, 0.04, up));
    sharp = mix(sharp, roof, smoothstep(0.3, 0.9, up));
    sharp += uLightColor.rgb * lights * 2.2;
    vec3 avg = 0.5 * (uSkyColor.rgb + uGroundColor.rgb);
    return mix(sharp, avg, roughness * roughness);
}

// How much of the key light reaches the point being shaded (a shadow map sets it; 1 = all).
float gKeyLight = 1.0;

vec3 shade(vec3 albedo, float metallic, float roughness, vec3 N, vec3 V) {
    roughness = clamp(roughness, 0.04, 1.0);
    vec3 L = uLightDir.xyz;
    vec3 H = normalize(L + V);
    float NdotL = max(dot(N, L), 0.0);
    float NdotV = max(dot(N, V), 1e-4);
    float NdotH = max(dot(N, H), 0.0);
    float VdotH = max(dot(V, H), 0.0);
    vec3 F0 = mix(vec3(0.04), albedo, metallic);
    float a = roughness * roughness;
    float a2 = a * a;
    float d = NdotH * NdotH * (a2 - 1.0) + 1.0;
    float D = a2 / (PI * d * d);
    float k = (roughness + 1.0) * (roughness + 1.0) / 8.0;
    float G = (NdotL / (NdotL * (1.0 - k) + k)) * (NdotV / (NdotV * (1.0 - k) + k));
    vec3 F = F0 + (1.0 - F0) * pow(1.0 - VdotH, 5.0);
    vec3 spec = D * G * F / max(4.0 * NdotL * NdotV, 1e-4);
    vec3 kd = (1.0 - F) * (1.0 - metallic);
    vec3 direct = (kd * albedo / PI + spec) * uLightColor.rgb * uLightDir.w * NdotL * gKeyLight;

    vec3 R = reflect(-V, N);
    if (uIbl.y > 0.5) {
        vec3 Fr = F0 + (max(vec3(1.0 - roughness), F0) - F0) * pow(1.0 - NdotV, 5.0);
        vec3 kdAmbient = (1.0 - Fr) * (1.0 - metallic);
        vec3 irradiance = texture(uIrradiance, N).rgb;
#ifdef HALL_BATCH
        // The hall's own surfaces (floor, walls, carpets, counters: rough dielectrics, nearly all
        // of the screen, their specular a few percent) evaluate the environment the cubemap was
        // made from, blurred analytically: a cube look-up per pixel cost llvmpipe a third of the
        // frame. Exhibits, avatars and the inspector read the prefiltered level of their roughness.
        vec3 prefiltered = environment(R, roughness);
#else
        vec3 prefiltered = textureLod(uPrefiltered, R, roughness * uIbl.x).rgb;
#endif
        vec2 ab = texture(uBrdfLut, vec2(NdotV, roughness)).rg;
        return direct + uIbl.z * (kdAmbient * irradiance * albedo + prefiltered * (F0 * ab.x + ab.y));
    }
    // Without IBL (it failed to build): hemisphere ambient and the analytic environment.
    float hemi = N.y * 0.5 + 0.5;
    vec3 ambient = mix(uGroundColor.rgb, uSkyColor.rgb, hemi);
    vec3 Fa = F0 + (max(vec3(1.0 - roughness), F0) - F0) * pow(1.0 - NdotV, 5.0);
    vec3 diffuseAmbient = ambient * albedo * (1.0 - metallic) * (1.0 - Fa * 0.5);
    vec3 specAmbient = environment(R, roughness) * Fa * mix(1.0, 0.45, roughness);
    return direct + diffuseAmbient + specAmbient;
}

// ACES filmic fit (Narkowicz 2015), after exposure.
vec3 toneMap(vec3 c) {
    c *= uHall.w;
    return clamp((c * (2.51 * c + 0.03)) / (c * (2.43 * c + 0.59) + 0.14), 0.0, 1.0);
}

vec3 applyFog(vec3 c, vec3 worldPos) {
    float dist = length(worldPos - uCameraPos.xyz);
    return mix(uFog.rgb, c, exp(-dist * uFog.w));
}
