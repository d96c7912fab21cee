// ibl.frag.glsl: the start-up passes of image-based lighting (detail/ibl.cpp), one per define,
// each a full-screen triangle (sky.vert.glsl) into a cube face or the 2D LUT:
//   IBL_SOURCE      the hall's environment for the direction of this cube texel
//   IBL_PREFILTER   GGX-prefiltered radiance for uRoughness (split sum, first factor)
//   IBL_IRRADIANCE  cosine-weighted mean radiance: diffuse = irradiance * albedo
//   IBL_LUT         the BRDF's scale and bias of F0 over (N.V, roughness) (split sum, second)
in vec2 vNdc;
out vec4 fragColor;

uniform int uFace;            // 0..5: +x -x +y -y +z -z
uniform samplerCube uSource;  // the environment, mipmapped
uniform float uSourceSize;    // its face size, pixels
uniform float uRoughness;
uniform int uSamples;

uniform float uTexelNdc;      // IBL_SOURCE: one texel of the face being drawn, in NDC units

// The direction through this texel of cube face uFace (GL's cube map conventions), moved by
// `offset` (NDC units) within the face.
vec3 faceDirection(vec2 offset) {
    float u = vNdc.x + offset.x, v = vNdc.y + offset.y;
    vec3 d;
    if (uFace == 0) d = vec3(1.0, -v, -u);
    else if (uFace == 1) d = vec3(-1.0, -v, u);
    else if (uFace == 2) d = vec3(u, 1.0, v);
    else if (uFace == 3) d = vec3(u, -1.0, -v);
    else if (uFace == 4) d = vec3(u, -v, 1.0);
    else d = vec3(-u, -v, -1.0);
    return normalize(d);
}

vec3 faceDirection() { return faceDirection(vec2(0.0)); }

vec2 hammersley(int i, int n) {
    return vec2((float(i) + 0.5) / float(n), float(bitfieldReverse(uint(i))) * 2.3283064365386963e-10);
}

// A half vector around N distributed like GGX's D(h) cos(h) for roughness r.
vec3 sampleGgx(vec2 xi, vec3 N, float r) {
    float a = r * r;
    float phi = 2.0 * PI * xi.x;
    float cosTheta = sqrt((1.0 - xi.y) / (1.0 + (a * a - 1.0) * xi.y));
    float sinTheta = sqrt(1.0 - cosTheta * cosTheta);
    vec3 h = vec3(cos(phi) * sinTheta, sin(phi) * sinTheta, cosTheta);
    vec3 up = abs(N.z) < 0.999 ? vec3(0, 0, 1) : vec3(1, 0, 0);
    vec3 t = normalize(cross(up, N));
    vec3 b = cross(N, t);
    return normalize(t * h.x + b * h.y + N * h.z);
}

#ifdef IBL_SOURCE
// environment() of common.glsl, sharp, plus the rows of lamps on the roof (as sky.frag.glsl
// draws them) so a polished part mirrors distinct lights and a rough one only their glow.
vec3 hallEnvironment(vec3 r) {
    vec3 c = environment(r, 0.0);
    if (r.y > 0.12) {
        vec2 roof = r.xz * (12.0 / r.y) / 6.0;
        vec2 cell = abs(fract(roof) - 0.5);
        float lamp = (1.0 - smoothstep(0.04, 0.09, cell.x)) * (1.0 - smoothstep(0.2, 0.3, cell.y));
        c += uLightColor.rgb * lamp * 3.0 * smoothstep(0.12, 0.5, r.y);
    }
    return c;
}
#endif

void main() {
#if defined(IBL_SOURCE)
    // A box filter over the texel: four directions a quarter texel from its centre.
    float q = uTexelNdc * 0.25;
    vec3 c = hallEnvironment(faceDirection(vec2(-q, -q))) + hallEnvironment(faceDirection(vec2(q, -q))) +
             hallEnvironment(faceDirection(vec2(-q, q))) + hallEnvironment(faceDirection(vec2(q, q)));
    fragColor = vec4(c * 0.25, 1.0);
#elif defined(IBL_PREFILTER)
    vec3 N = faceDirection();
    if (uRoughness <= 0.0) {
        fragColor = vec4(textureLod(uSource, N, 0.0).rgb, 1.0);
        return;
    }
    // Karis' split sum with N = V = R; the PDF picks the source mip whose texel covers the
    // sample's solid angle, so a few dozen samples do not alias.
    float texelSolidAngle = 4.0 * PI / (6.0 * uSourceSize * uSourceSize);
    float a2 = pow(uRoughness, 4.0);
    vec3 sum = vec3(0.0);
    float weight = 0.0;
    for (int i = 0; i < uSamples; ++i) {
        vec3 H = sampleGgx(hammersley(i, uSamples), N, uRoughness);
        vec3 L = 2.0 * dot(N, H) * H - N;
        float NdotL = dot(N, L);
        if (NdotL <= 0.0) continue;
        float NdotH = max(dot(N, H), 0.0);
        float d = NdotH * NdotH * (a2 - 1.0) + 1.0;
        float D = a2 / (PI * d * d);
        float pdf = D * 0.25 + 1e-4;  // D * NdotH / (4 VdotH) with V = N
        float sampleSolidAngle = 1.0 / (float(uSamples) * pdf);
        float mip = max(0.5 * log2(sampleSolidAngle / texelSolidAngle) + 1.0, 0.0);
        sum += textureLod(uSource, L, mip).rgb * NdotL;
        weight += NdotL;
    }
    fragColor = vec4(sum / max(weight, 1e-4), 1.0);
#elif defined(IBL_IRRADIANCE)
    vec3 N = faceDirection();
    vec3 up = abs(N.y) < 0.999 ? vec3(0, 1, 0) : vec3(1, 0, 0);
    vec3 t = normalize(cross(up, N));
    vec3 b = cross(N, t);
    // Cosine-weighted directions from a coarse mip (the result is smooth anyway).
    float mip = max(log2(uSourceSize) - 3.0, 0.0);
    vec3 sum = vec3(0.0);
    for (int i = 0; i < uSamples; ++i) {
        vec2 xi = hammersley(i, uSamples);
        float r = sqrt(xi.y), phi = 2.0 * PI * xi.x;
        vec3 L = t * (r * cos(phi)) + b * (r * sin(phi)) + N * sqrt(max(1.0 - xi.y, 0.0));
        sum += textureLod(uSource, L, mip).rgb;
    }
    fragColor = vec4(sum / float(uSamples), 1.0);
#elif defined(IBL_LUT)
    float NdotV = max(vNdc.x * 0.5 + 0.5, 1e-3);
    float rough = max(vNdc.y * 0.5 + 0.5, 0.02);
    vec3 V = vec3(sqrt(1.0 - NdotV * NdotV), 0.0, NdotV);
    vec3 N = vec3(0, 0, 1);
    float k = rough * rough / 2.0;  // Smith-Schlick for IBL
    float A = 0.0, B = 0.0;
    for (int i = 0; i < uSamples; ++i) {
        vec3 H = sampleGgx(hammersley(i, uSamples), N, rough);
        vec3 L = 2.0 * dot(V, H) * H - V;
        float NdotL = max(L.z, 0.0), NdotH = max(H.z, 0.0), VdotH = max(dot(V, H), 0.0);
        if (NdotL <= 0.0) continue;
        float G = (NdotL / (NdotL * (1.0 - k) + k)) * (NdotV / (NdotV * (1.0 - k) + k));
        float Gv = G * VdotH / max(NdotH * NdotV, 1e-4);
        float Fc = pow(1.0 - VdotH, 5.0);
        A += (1.0 - Fc) * Gv;
        B += Fc * Gv;
    }
    fragColor = vec4(A / float(uSamples), B / float(uSamples), 0.0, 1.0);
#endif
}
