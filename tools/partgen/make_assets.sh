#!/usr/bin/env bash
# tools/partgen/make_assets.sh: regenerates every model in assets/models with dockhall-partgen.
#   tools/partgen/make_assets.sh [PATH/TO/dockhall-partgen]
# Default binary: build/bin/dockhall-partgen (build it with
#   cmake --build build --target dockhall-partgen). Sizes are millimetres; .glb files are metres.
# Prints one summary line per model (triangles, bounding box, volume, steel mass).
set -euo pipefail
cd "$(dirname "$0")/../.."
pg="${1:-${PARTGEN:-build/bin/dockhall-partgen}}"
if [ ! -x "$pg" ]; then
  echo "make_assets.sh: $pg not found; build it first (cmake --build build --target dockhall-partgen)" >&2
  exit 1
fi
out=assets/models
mkdir -p "$out"

# Forged and machined parts (enterprise booths)
"$pg" spur-gear --module 5 --teeth 24 --face-width 50 --bore 45 -o "$out/spur_gear.glb"
"$pg" flange --outer-diameter 235 --bore 110 --thickness 24 --bolt-circle 190 --bolts 8 --bolt-hole 22 \
      --hub-diameter 140 --hub-height 40 -o "$out/flange.glb"
"$pg" stepped-axle --steps "45:80,55:60,65:170,75:40,65:120,55:60" --chamfer 2 -o "$out/motor_shaft.glb"
"$pg" crankshaft --throws 4 --journal-diameter 60 --pin-diameter 50 --stroke 90 -o "$out/crankshaft.glb"
"$pg" crankshaft --throws 3 --journal-diameter 130 --pin-diameter 110 --stroke 180 -o "$out/mud_pump_crankshaft.glb"
"$pg" crankshaft --throws 2 --journal-diameter 40 --pin-diameter 36 --stroke 56 -o "$out/compressor_crankshaft.glb"
"$pg" connecting-rod --center-distance 160 --big-end 56 --small-end 24 --thickness 26 -o "$out/connecting_rod.glb"
"$pg" connecting-rod --center-distance 100 --big-end 38 --small-end 18 --thickness 20 -o "$out/compressor_connecting_rod.glb"
"$pg" forged-ring --outer-diameter 600 --inner-diameter 460 --height 120 -o "$out/forged_ring.glb"
"$pg" bearing-ring --bore 150 --outer-diameter 200 --width 65 --ball-diameter 50.8 -o "$out/bearing_inner_ring.glb"
"$pg" crane-hook --capacity-t 5 -o "$out/crane_hook_5t.glb"
"$pg" chain-sprocket --teeth 21 --pitch 19.05 --roller-diameter 12.07 --thickness 11 -o "$out/chain_sprocket.glb"
"$pg" chain-sprocket --teeth 40 --pitch 25.4 --roller-diameter 15.88 --thickness 15 --bore 60 -o "$out/chain_sprocket_40t.glb"
"$pg" coil-spring --wire-diameter 8 --mean-diameter 50 --coils 8 --free-length 120 -o "$out/coil_spring.glb"
"$pg" coil-spring --wire-diameter 16 --mean-diameter 110 --coils 7 --free-length 300 -o "$out/coil_spring_heavy.glb"

# Lab equipment (university and institute booths), overall width x depth x height
"$pg" forging-press --width 1400 --depth 1000 --height 2400 -o "$out/forging_press.glb"
"$pg" furnace --width 900 --depth 800 --height 1600 -o "$out/furnace.glb"
"$pg" testing-machine --width 1000 --depth 650 --height 2200 -o "$out/testing_machine.glb"
"$pg" cnc-machine --width 1800 --depth 1600 --height 2100 -o "$out/cnc_machine.glb"
