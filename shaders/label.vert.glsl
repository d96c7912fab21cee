// label.vert.glsl: text panels (backdrop names, zone signs, the stage screen), world-space quads
// over their surfaces, textured from the label atlas; also the picture on the stage's big screen
// (label.frag.glsl with SCREEN_PICTURE).
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec3 aNormal;
layout(location = 2) in vec2 aUv;
layout(location = 3) in vec4 aInk;      // sRGB text colour
layout(location = 4) in vec4 aParams;   // x: emissive (1 = the text glows), y: the stage screen's text, zw unused

uniform bool uHideStageScreen;           // a picture is on the big screen: its text is not drawn

out vec3 vWorldPos;
out vec3 vNormal;
out vec2 vUv;
out vec3 vInk;
out float vEmissive;

void main() {
    vWorldPos = aPos;
    vNormal = aNormal;
    vUv = aUv;
    vInk = srgbToLinear(aInk.rgb);
    vEmissive = aParams.x;
    gl_Position = uViewProj * vec4(aPos, 1.0);
    if (uHideStageScreen && aParams.y > 0.5) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);  // outside the view: clipped
}
