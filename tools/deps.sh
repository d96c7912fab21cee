#!/usr/bin/env bash
# tools/deps.sh: installs what Dockhall needs from Debian 12's packages, only what is missing.
# Sourced by tools/test and tools/demo; runs apt-get as root (or through sudo when available).
set -euo pipefail

DOCKHALL_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
  libglfw3-dev libepoxy-dev libegl-dev libegl1-mesa-dev libgl1-mesa-dri libimgui-dev
  libassimp-dev libenet-dev libgtest-dev libgmock-dev libbenchmark-dev libglm-dev libsqlite3-dev
  libsodium-dev libmeshoptimizer-dev libstb-dev nlohmann-json3-dev libspdlog-dev libcli11-dev
  fonts-wqy-microhei xvfb xauth libopencc-dev libopencc-data zlib1g-dev
)

dockhall_install_deps() {
  local missing=()
  for p in "${DOCKHALL_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "tools/deps.sh: installing ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "tools/deps.sh: need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
