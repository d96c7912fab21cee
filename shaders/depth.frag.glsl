// depth.frag.glsl: the hall's shadow map pass (with lit.vert.glsl): depth only.
out vec4 fragColor;

void main() {
    fragColor = vec4(0.0);
}
