// label.frag.glsl: text coverage from the atlas as alpha over the surface below; the ink is lit
// like a matte print, or glows on screens.
in vec3 vWorldPos;
in vec3 vNormal;
in vec2 vUv;
in vec3 vInk;
in float vEmissive;

uniform sampler2D uTexture;  // R8 coverage atlas (SCREEN_PICTURE: the picture, sRGB)

out vec4 fragColor;

#ifdef SCREEN_PICTURE
uniform vec2 uPictureScale;  // >1 on the axis where the picture is shorter than the screen: bars

// The big screen's picture: its own colours as the LED wall shows them (lit from within, not
// tone-mapped, so a slide keeps its colours), dark bars around it, a little of the hall's haze.
void main() {
    vec2 uv = (vUv - 0.5) * uPictureScale + 0.5;
    bool inside = all(greaterThanEqual(uv, vec2(0.0))) && all(lessThanEqual(uv, vec2(1.0)));
    vec3 picture = texture(uTexture, clamp(uv, 0.0, 1.0)).rgb;  // outside the branch: derivatives stay defined
    vec3 color = inside ? picture : vec3(0.006, 0.008, 0.014);
    fragColor = vec4(applyFog(color, vWorldPos), 1.0);
}
#else
void main() {
    float coverage = texture(uTexture, vUv).r;
    if (coverage < 0.004) discard;
    vec3 N = normalize(vNormal);
    vec3 V = normalize(uCameraPos.xyz - vWorldPos);
    vec3 color = shade(vInk, 0.0, 0.8, N, V) * (1.0 - vEmissive) + vInk * vEmissive * 2.2;
    color = applyFog(color, vWorldPos);
    fragColor = vec4(toneMap(color), coverage);
}
#endif
