#!/usr/bin/env bash
# Configures and builds pagoda into ./build (or $PAGODA_BUILD_DIR) with
# Ninja; extra arguments go to CMake (e.g. -DPAGODA_SANITIZE=address,undefined).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${PAGODA_BUILD_DIR:-build}
cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${PAGODA_BUILD_TYPE:-Release} "$@"
cmake --build "$BUILD_DIR"
