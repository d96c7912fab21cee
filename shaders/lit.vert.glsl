// lit.vert.glsl: the static hall batch (world-space vertices); with EXHIBIT defined, the
// exhibits drawn instanced (a 3x4 model matrix and a booth index per instance); with INSPECT
// defined, one exhibit in the inspector (a model matrix, each node group moved apart by its
// explode offset). An exhibit vertex's fourth material byte is its node group, not a pattern.
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec3 aNormal;
layout(location = 2) in vec4 aColor;     // sRGB albedo, alpha
layout(location = 3) in vec4 aMaterial;  // metallic, roughness, emissive, pattern / 255
#if defined(INSPECT)
layout(location = 5) in vec2 aUv;
uniform mat4 uModel;
uniform vec4 uExplode[64];               // per node group: offset in model space
#elif defined(EXHIBIT)
layout(location = 5) in vec2 aUv;
layout(location = 6) in vec4 iRow0;      // model matrix rows (uniform scale, rotation about y)
layout(location = 7) in vec4 iRow1;
layout(location = 8) in vec4 iRow2;
layout(location = 9) in float iBooth;
#else
layout(location = 4) in int aBooth;
#endif

out vec3 vWorldPos;
out vec3 vNormal;
out vec4 vColor;
out vec4 vMaterial;
out vec2 vUv;
flat out int vBooth;

void main() {
    vMaterial = aMaterial;
#if defined(INSPECT)
    int group = clamp(int(aMaterial.w * 255.0 + 0.5), 0, 63);
    vec3 world = (uModel * vec4(aPos + uExplode[group].xyz, 1.0)).xyz;
    vNormal = normalize(mat3(uModel) * aNormal);
    vUv = aUv;
    vBooth = -1;
    vMaterial.w = 0.0;
#elif defined(EXHIBIT)
    mat4 model = transpose(mat4(iRow0, iRow1, iRow2, vec4(0, 0, 0, 1)));
    vec3 world = (model * vec4(aPos, 1.0)).xyz;
    vNormal = normalize(mat3(model) * aNormal);
    vUv = aUv;
    vBooth = int(iBooth + 0.5) - 1;
    vMaterial.w = 0.0;
#else
    vec3 world = aPos;
    vNormal = aNormal;
    vUv = vec2(0.0);
    vBooth = aBooth;
#endif
    vWorldPos = world;
    vColor = vec4(srgbToLinear(aColor.rgb), aColor.a);
    gl_Position = uViewProj * vec4(world, 1.0);
}
