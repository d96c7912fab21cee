// shadow.frag.glsl: premultiplied darkening that fades out beyond the object's outline.
in vec2 vLocal;
flat in vec4 vShape;
flat in float vDisc;

out vec4 fragColor;

void main() {
    float d;
    if (vDisc > 0.5) {
        d = length(vLocal) - vShape.x;
    } else {
        vec2 q = abs(vLocal) - vShape.xy;
        d = length(max(q, 0.0)) + min(max(q.x, q.y), 0.0);
    }
    float t = clamp(d / vShape.z, 0.0, 1.0);
    float a = vShape.w * (1.0 - t) * (1.0 - t);
    if (a < 0.004) discard;
    fragColor = vec4(0.0, 0.0, 0.0, a);
}
