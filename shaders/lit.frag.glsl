// lit.frag.glsl: every opaque surface (hall, exhibits, avatars): procedural patterns, the
// lighting of common.glsl, the hover highlight, fog and tone mapping.
in vec3 vWorldPos;
in vec3 vNormal;
in vec4 vColor;
in vec4 vMaterial;
in vec2 vUv;
flat in int vBooth;

uniform sampler2D uTexture;  // base colour (sRGB texture), white when the surface has none

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

void main() {
    vec3 albedo = vColor.rgb * texture(uTexture, vUv).rgb;
    float metallic = vMaterial.x;
    float roughness = vMaterial.y;
    float emissive = vMaterial.z;
    int pattern = int(vMaterial.w * 255.0 + 0.5);
    vec3 glow = vec3(0.0);
    vec3 N = normalize(vNormal);
    if (!gl_FrontFacing) N = -N;

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
    color = applyFog(color, vWorldPos);
    fragColor = vec4(toneMap(color), 1.0);
}
