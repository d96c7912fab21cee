// sky.frag.glsl: the dim roof of the hall seen above the walls: a dark gradient with faint rows
// of ceiling lights, darkest straight up.
in vec2 vNdc;
out vec4 fragColor;

void main() {
    vec4 far = uInvViewProj * vec4(vNdc, 1.0, 1.0);
    vec3 dir = normalize(far.xyz / far.w - uCameraPos.xyz);
    float up = clamp(dir.y, -1.0, 1.0);
    vec3 horizon = uFog.rgb;
    vec3 zenith = uSkyColor.rgb * 0.12;
    vec3 c = mix(horizon, zenith, smoothstep(0.0, 0.7, up));
    // Rows of soft lights on a virtual roof 14 m up, fading toward the horizon.
    if (up > 0.05) {
        vec2 roof = (uCameraPos.xz + dir.xz * ((14.0 - uCameraPos.y) / up)) / 6.0;
        vec2 fw = max(fwidth(roof), vec2(1e-4));
        vec2 cell = abs(fract(roof) - 0.5);
        float lamp = (1.0 - smoothstep(0.03, 0.03 + 2.0 * fw.x + 0.05, cell.x)) *
                     (1.0 - smoothstep(0.18, 0.18 + 2.0 * fw.y + 0.1, cell.y));
        float fade = smoothstep(0.15, 0.6, up) / (1.0 + 4.0 * max(fw.x, fw.y));
        c += uLightColor.rgb * lamp * 0.22 * fade;
    }
    fragColor = vec4(toneMap(c), 1.0);
}
