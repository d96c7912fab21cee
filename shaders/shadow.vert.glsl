// shadow.vert.glsl: soft contact shadows under the hall's furniture, static quads on the floor.
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec2 aLocal;   // metres from the shadow's centre
layout(location = 2) in vec4 aShape;   // half x, half z (radius for a disc), soft, strength
layout(location = 3) in float aDisc;   // 1 = disc

out vec2 vLocal;
flat out vec4 vShape;
flat out float vDisc;

void main() {
    vLocal = aLocal;
    vShape = aShape;
    vDisc = aDisc;
    gl_Position = uViewProj * vec4(aPos, 1.0);
}
