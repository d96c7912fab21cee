// lit.frag.glsl: every opaque surface (hall, exhibits, avatars): procedural patterns, the
// lighting of common.glsl, the hover highlight, fog and tone mapping.
in vec3 vWorldPos;
in vec3 vNormal;
in vec4 vColor;
in vec4 vMaterial;
in vec2 vUv;
flat in int vBooth;

uniform sampler2D uTexture;  // base colour (sRGB texture), white when the surface has none
#ifdef INSPECT
uniform vec4 uSection;       // keep dot(xyz, p) <= w; xyz = 0: no section
uniform vec4 uCapColor;      // linear colour of the cut face
uniform int uPass;           // 0 shaded, 1 stencil count / shadow depth (clip only), 2 cut face,
                             // 3 wireframe lines, 4 the floor under the part
uniform sampler2DShadow uShadowMap;  // the key light's depth (texture unit 1)
uniform mat4 uLightViewProj;
uniform float uFloorRadius;

// Share of the key light reaching p: 3x3 percentage-closer filtering of the shadow map.
float keyLightVisibility(vec3 p, vec3 n) {
    vec4 c = uLightViewProj * vec4(p + n * 0.002, 1.0);
    vec3 q = c.xyz / c.w * 0.5 + 0.5;
    if (any(lessThan(q, vec3(0.0))) || any(greaterThan(q, vec3(1.0)))) return 1.0;
    vec2 texel = 1.0 / vec2(textureSize(uShadowMap, 0));
    float sum = 0.0;
    for (int y = -1; y <= 1; ++y)
        for (int x = -1; x <= 1; ++x) sum += texture(uShadowMap, vec3(q.xy + vec2(x, y) * texel, q.z - 0.0015));
    return sum / 9.0;
}
#else
uniform sampler2DShadow uHallShadow;  // the hall's key light depth (texture unit 5), static

// Share of the key light reaching p in the hall: the static shadow map (hall and exhibits, made
// once at start-up over the whole hall, so it cannot shimmer as the camera moves), one bilinear
// percentage-closer tap (2x2 texels; more taps cost llvmpipe ~15% of a frame). Surfaces facing
// away from the light need no look-up.
float hallKeyLight(vec3 p, vec3 n) {
    if (uShadowParams.x < 0.5 || dot(n, uLightDir.xyz) <= 0.0) return 1.0;
    vec3 q = (uShadowViewProj * vec4(p + n * uShadowParams.z, 1.0)).xyz * 0.5 + 0.5;
    if (any(lessThan(q, vec3(0.0))) || any(greaterThan(q, vec3(1.0)))) return 1.0;
    return texture(uHallShadow, vec3(q.xy, q.z - uShadowParams.w));
}
#endif

out vec4 fragColor;

const int kPatternPlain = 0, kPatternFloor = 1, kPatternWall = 2, kPatternScreen = 3, kPatternCarpet = 4;

// 1 on thin lines every `period` metres along p, anti-aliased by the pixel footprint.
float gridLines(vec2 p, float period, float halfWidth) {
    vec2 q = p / period;
    vec2 w = fwidth(q) * 0.75;
    vec2 dist = abs(fract(q + 0.5) - 0.5);
    vec2 hw = vec2(halfWidth / period);
    vec2 l = 1.0 - smoothstep(hw - w, hw + w, dist);
    // Fade out where the lines get finer than a pixel (no moire in the distance).
    float fade = 1.0 - smoothstep(0.2, 0.6, max(w.x, w.y) * 2.0);
    return max(l.x, l.y) * fade;
}

float sdRect(vec2 p, vec4 r) {
    vec2 c = (r.xy + r.zw) * 0.5, h = (r.zw - r.xy) * 0.5;
    vec2 d = abs(p - c) - h;
    return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0);
}

#ifdef INSPECT
// The cut face, drawn on the section plane where the stencil says the plane lies inside the part:
// lit with the plane's normal, hatched along the plane like a drawing's section.
vec3 capColor() {
    vec3 n = uSection.xyz;
    vec3 p = vWorldPos;
    vec3 a = abs(n).x > 0.5 ? vec3(0, 1, 0) : vec3(1, 0, 0);
    vec3 u = normalize(cross(n, a)), v = cross(n, u);
    float s = (dot(p, u) + dot(p, v)) / 0.004;  // 45-degree hatch, 2.8 mm apart
    float w = fwidth(s);
    float hatch = 1.0 - smoothstep(0.08 - w, 0.08 + w, abs(fract(s) - 0.5));
    vec3 albedo = uCapColor.rgb * (1.0 - 0.35 * hatch);
    vec3 V = normalize(uCameraPos.xyz - p);
    vec3 N = dot(n, V) > 0.0 ? n : -n;
    gKeyLight = keyLightVisibility(p, N);
    return shade(albedo, 0.0, 0.7, N, V);
}

// A soft grey studio floor under the part, fading out at its edge, catching the part's shadow.
vec4 floorColor() {
    float r = length(vWorldPos.xz) / uFloorRadius;
    gKeyLight = keyLightVisibility(vWorldPos, vec3(0, 1, 0));
    vec3 V = normalize(uCameraPos.xyz - vWorldPos);
    vec3 c = shade(vec3(0.07), 0.0, 0.9, vec3(0, 1, 0), V);
    return vec4(toneMap(c), 1.0 - smoothstep(0.55, 1.0, r));
}
#endif

void main() {
#ifdef INSPECT
    if (uPass == 2) {
        fragColor = vec4(toneMap(capColor()), 1.0);
        return;
    }
    if (uPass == 4) {
        fragColor = floorColor();
        return;
    }
    bool sectioned = dot(uSection.xyz, uSection.xyz) > 0.5;
    if (sectioned && dot(uSection.xyz, vWorldPos) > uSection.w + 1e-5) discard;
    if (uPass == 1) {
        fragColor = vec4(0.0);
        return;
    }
    if (uPass == 3) {
        fragColor = vec4(0.02, 0.03, 0.04, 1.0);
        return;
    }
    // Inside faces seen through the cut: hidden under the cut face drawn later.
    if (sectioned && !gl_FrontFacing) discard;
    gKeyLight = keyLightVisibility(vWorldPos, normalize(gl_FrontFacing ? vNormal : -vNormal));
#endif
    vec3 albedo = vColor.rgb * texture(uTexture, vUv).rgb;
    float metallic = vMaterial.x;
    float roughness = vMaterial.y;
    float emissive = vMaterial.z;
    int pattern = int(vMaterial.w * 255.0 + 0.5);
    vec3 glow = vec3(0.0);
    vec3 N = normalize(vNormal);
    if (!gl_FrontFacing) N = -N;
#ifdef INSPECT
    // Close up, steel shows how it was finished: as-forged (rough) surfaces carry mottled scale,
    // a few millimetres across; machined and polished ones stay clean and get sharper highlights.
    if (metallic > 0.5 && pattern == kPatternPlain) {
        vec3 q = vWorldPos * 350.0;
        float fade = 1.0 - smoothstep(0.25, 0.8, length(fwidth(q)));
        if (roughness > 0.55) {
            float n = 0.6 * hash12(floor(q.xy) + floor(q.z) * 7.31) + 0.4 * hash12(floor(q.yz * 0.37) + 3.7);
            albedo *= mix(1.0, 0.7 + 0.5 * n, fade);
            roughness = clamp(roughness + (n - 0.5) * 0.2 * fade, 0.04, 1.0);
        } else {
            roughness *= mix(1.0, 0.8, fade);
        }
    }
#endif

    if (pattern == kPatternFloor) {
        vec2 p = vWorldPos.xz;
        int zones = int(uHall.z + 0.5);
        bool carpet = false;
        for (int i = 0; i < zones; ++i) {
            vec4 r = uZoneRect[i];
            float d = sdRect(p, r);
            if (d <= 0.0) {
                albedo = uZoneColor[i].rgb;
                carpet = true;
                // a light border just inside the zone
                float fw = fwidth(d);
                float border = smoothstep(-0.16 - fw, -0.16 + fw, d) * (1.0 - smoothstep(-0.08 - fw, -0.08 + fw, d));
                albedo = mix(albedo, vec3(0.75), border * 0.8);
                break;
            }
        }
        if (carpet) {
            roughness = 0.92;
            float n = hash12(floor(p * 24.0));
            albedo *= 0.96 + 0.06 * n;
        } else {
            vec2 tile = floor(p / 1.2);
            float v = hash12(tile);
            albedo *= 0.93 + 0.1 * v;
            albedo *= 1.0 - 0.45 * gridLines(p, 1.2, 0.008);
            roughness = 0.5 + 0.15 * v;
        }
        if (uHighlight.x >= 0.0) {
            float d = sdRect(p, uHighlightRect);
            float fw = fwidth(d);
            float ring = smoothstep(0.03 - fw, 0.03 + fw, d) * (1.0 - smoothstep(0.13 - fw, 0.13 + fw, d));
            glow += kHighlightColor * ring * 1.5 * uHighlight.y;
        }
    } else if (pattern == kPatternWall) {
        float y = vWorldPos.y;
        vec2 along = vec2(vWorldPos.x + vWorldPos.z, y);
        albedo *= 1.0 - 0.25 * gridLines(vec2(along.x, 1000.0), 3.0, 0.01);
        if (y < 0.15) { albedo = vec3(0.035); roughness = 0.5; }
        float band = step(3.3, y) * step(y, 3.6);
        albedo = mix(albedo, srgbToLinear(vec3(0.12, 0.33, 0.62)), band);
    } else if (pattern == kPatternCarpet) {
        float n = hash12(floor(vWorldPos.xz * 30.0) + floor(vWorldPos.y * 30.0));
        albedo *= 0.95 + 0.08 * n;
    }

#ifndef INSPECT
    gKeyLight = hallKeyLight(vWorldPos, N);
#endif
    vec3 V = normalize(uCameraPos.xyz - vWorldPos);
    vec3 color = shade(albedo, metallic, roughness, N, V);
    if (pattern == kPatternScreen) {
        // An LED wall: a soft vertical gradient, brighter toward the top.
        float t = clamp((vWorldPos.y - 1.0) / 5.0, 0.0, 1.0);
        color += albedo * emissive * (2.0 + 2.0 * t);
    } else {
        color += albedo * emissive * 4.0;
    }
    if (vBooth >= 0 && float(vBooth) == uHighlight.x) {
        float rim = pow(1.0 - max(dot(N, V), 0.0), 2.0);
        glow += kHighlightColor * (0.06 + 0.45 * rim) * uHighlight.y;
    }
    color += glow;
#ifndef INSPECT
    color = applyFog(color, vWorldPos);
#endif
    fragColor = vec4(toneMap(color), 1.0);
}
