#!/usr/bin/env bash
# Installs tend's build and test dependencies from Debian packages. Idempotent and quiet when satisfied.
set -euo pipefail
packages=(build-essential cmake pkg-config libsystemd-dev libcli11-dev nlohmann-json3-dev libfmt-dev libtomlplusplus-dev
          libsqlite3-dev libgtest-dev libncurses-dev tmux python3 nodejs)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
