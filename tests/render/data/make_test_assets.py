#!/usr/bin/env python3
"""Writes the render tests' own small models (deterministic; run from anywhere):

  hex_nut.stl   ASCII STL in millimetres, z up (as CAD exports): a hexagon nut 120 mm across flats,
                60 mm high, 64 mm bore. The renderer must scale it by 0.001 and turn it y up.
  crate.gltf    glTF 2.0 in metres with an embedded PNG base-colour texture (a checker): exercises
                the sRGB texture path. 0.5 m cube standing on y = 0.
"""
import base64, math, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def hex_nut(path):
    # Both outlines are sampled at the same 24 angles (every 15 degrees; the hexagon's corners at
    # 30 + 60k degrees are among them), so the caps are simple quad strips between them.
    flats, r_in, h, n = 60.0, 32.0, 60.0, 24
    def hex_radius(angle):  # distance to the hexagon's edge along a ray (corners at 30 + 60k degrees)
        local = ((angle - math.pi / 6) % (math.pi / 3)) - math.pi / 6
        return flats / math.cos(local)
    angles = [2 * math.pi * i / n for i in range(n)]
    outer = [(hex_radius(a) * math.cos(a), hex_radius(a) * math.sin(a)) for a in angles]
    inner = [(r_in * math.cos(a), r_in * math.sin(a)) for a in angles]
    tris = []
    for i in range(n):
        j = (i + 1) % n
        a, b, c, d = outer[i], outer[j], inner[i], inner[j]
        tris += [((a[0], a[1], 0), (b[0], b[1], 0), (b[0], b[1], h)), ((a[0], a[1], 0), (b[0], b[1], h), (a[0], a[1], h))]
        tris += [((c[0], c[1], 0), (d[0], d[1], h), (d[0], d[1], 0)), ((c[0], c[1], 0), (c[0], c[1], h), (d[0], d[1], h))]
        tris += [((c[0], c[1], h), (a[0], a[1], h), (b[0], b[1], h)), ((c[0], c[1], h), (b[0], b[1], h), (d[0], d[1], h))]
        tris += [((c[0], c[1], 0), (b[0], b[1], 0), (a[0], a[1], 0)), ((c[0], c[1], 0), (d[0], d[1], 0), (b[0], b[1], 0))]

    def normal(t):
        (ax, ay, az), (bx, by, bz), (cx, cy, cz) = t
        ux, uy, uz, vx, vy, vz = bx - ax, by - ay, bz - az, cx - ax, cy - ay, cz - az
        nx, ny, nz = uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx
        l = math.sqrt(nx * nx + ny * ny + nz * nz) or 1.0
        return nx / l, ny / l, nz / l

    with open(path, "w") as f:
        f.write("solid hex_nut\n")
        for t in tris:
            f.write("  facet normal %.6f %.6f %.6f\n    outer loop\n" % normal(t))
            for v in t:
                f.write("      vertex %.4f %.4f %.4f\n" % v)
            f.write("    endloop\n  endfacet\n")
        f.write("endsolid hex_nut\n")


def png(w, h, rgb_rows):
    raw = b"".join(b"\x00" + bytes(row) for row in rgb_rows)
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def crate(path):
    s = 0.25
    faces = [  # normal, right, up
        ((1, 0, 0), (0, 0, -1), (0, 1, 0)), ((-1, 0, 0), (0, 0, 1), (0, 1, 0)),
        ((0, 1, 0), (1, 0, 0), (0, 0, -1)), ((0, -1, 0), (1, 0, 0), (0, 0, 1)),
        ((0, 0, 1), (1, 0, 0), (0, 1, 0)), ((0, 0, -1), (-1, 0, 0), (0, 1, 0)),
    ]
    pos, nor, uv, idx = [], [], [], []
    for n, r, u in faces:
        base = len(pos)
        for (a, b), (tu, tv) in zip(((-1, -1), (1, -1), (1, 1), (-1, 1)), ((0, 1), (1, 1), (1, 0), (0, 0))):
            p = [n[i] * s + r[i] * s * a + u[i] * s * b for i in range(3)]
            p[1] += s  # stand on y = 0
            pos.append(p); nor.append(n); uv.append((tu, tv))
        idx += [base, base + 1, base + 2, base, base + 2, base + 3]
    blob = b"".join(struct.pack("<3f", *p) for p in pos) + b"".join(struct.pack("<3f", *n) for n in nor) + \
        b"".join(struct.pack("<2f", *t) for t in uv) + b"".join(struct.pack("<H", i) for i in idx)
    n = len(pos)
    rows = [[c for x in range(16) for c in ((200, 120, 40) if (x // 4 + y // 4) % 2 == 0 else (40, 90, 170))] for y in range(16)]
    image = png(16, 16, rows)
    import json
    doc = {
        "asset": {"version": "2.0", "generator": "dockhall tests/render/data/make_test_assets.py"},
        "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0, "name": "crate"}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2}, "indices": 3, "material": 0}]}],
        "materials": [{"name": "checker", "pbrMetallicRoughness": {"baseColorTexture": {"index": 0}, "metallicFactor": 0.0, "roughnessFactor": 0.6}}],
        "textures": [{"source": 0, "sampler": 0}],
        "samplers": [{"magFilter": 9729, "minFilter": 9987}],
        "images": [{"uri": "data:image/png;base64," + base64.b64encode(image).decode(), "mimeType": "image/png"}],
        "buffers": [{"byteLength": len(blob), "uri": "data:application/octet-stream;base64," + base64.b64encode(blob).decode()}],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": n * 12, "target": 34962},
            {"buffer": 0, "byteOffset": n * 12, "byteLength": n * 12, "target": 34962},
            {"buffer": 0, "byteOffset": n * 24, "byteLength": n * 8, "target": 34962},
            {"buffer": 0, "byteOffset": n * 32, "byteLength": len(idx) * 2, "target": 34963},
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": n, "type": "VEC3", "min": [-s, 0, -s], "max": [s, 2 * s, s]},
            {"bufferView": 1, "componentType": 5126, "count": n, "type": "VEC3"},
            {"bufferView": 2, "componentType": 5126, "count": n, "type": "VEC2"},
            {"bufferView": 3, "componentType": 5123, "count": len(idx), "type": "SCALAR"},
        ],
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    hex_nut(os.path.join(HERE, "hex_nut.stl"))
    crate(os.path.join(HERE, "crate.gltf"))
