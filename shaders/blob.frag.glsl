// blob.frag.glsl: premultiplied alpha: a dark soft disc, plus a bright ring for the own avatar.
in vec2 vLocal;
in float vSelf;
in vec3 vWorldPos;

out vec4 fragColor;

void main() {
    float r = length(vLocal);
    if (r > 1.0) discard;
    float shadow = 0.55 * (1.0 - smoothstep(0.25, 0.85, r));
    float fw = fwidth(r);
    float ring = vSelf > 0.5 ? smoothstep(0.82 - fw, 0.82 + fw, r) * (1.0 - smoothstep(0.9 - fw, 0.9 + fw, r)) : 0.0;
    float ringAlpha = ring * 0.6;
    vec3 ringColor = toneMap(applyFog(vec3(0.3, 0.7, 1.2), vWorldPos));
    float alpha = shadow * (1.0 - ringAlpha) + ringAlpha;
    fragColor = vec4(ringColor * ringAlpha, alpha);
}
