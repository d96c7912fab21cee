// label.frag.glsl: text coverage from the atlas as alpha over the surface below; the ink is lit
// like a matte print, or glows on screens.
in vec3 vWorldPos;
in vec3 vNormal;
in vec2 vUv;
in vec3 vInk;
in float vEmissive;

uniform sampler2D uTexture;  // R8 coverage atlas

out vec4 fragColor;

void main() {
    float coverage = texture(uTexture, vUv).r;
    if (coverage < 0.004) discard;
    vec3 N = normalize(vNormal);
    vec3 V = normalize(uCameraPos.xyz - vWorldPos);
    vec3 color = shade(vInk, 0.0, 0.8, N, V) * (1.0 - vEmissive) + vInk * vEmissive * 2.2;
    color = applyFog(color, vWorldPos);
    fragColor = vec4(toneMap(color), coverage);
}
