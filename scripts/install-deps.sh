#!/usr/bin/env bash
# Installs pagoda's build and test dependencies from Debian's apt, and does
# nothing when they are already present. Called by the README quick start and
# by .ci/run; safe to run repeatedly.
set -euo pipefail

PACKAGES=(
  cmake ninja-build ccache gcc g++ pkg-config clang-format
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  libfmt-dev libcli11-dev libgtest-dev nlohmann-json3-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  libonnx-testdata python3-onnx python3-numpy
  clang-22 libclang-rt-22-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
