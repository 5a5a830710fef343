#!/usr/bin/env bash
# Installs the build into a temporary prefix, builds examples/run_model
# against it twice (find_package(Pagoda) and pkg-config), and runs both on a
# sample model. Run by ctest as 'install-example'.
#   scripts/test-install.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$BUILD" --prefix "$tmp/prefix" >/dev/null
"$BUILD/bin/pagoda-test-make-model" --vadd "$tmp/vadd.pgd"

# CMake package.
cmake -S examples/run_model -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
"$tmp/cmake-build/run_model" "$tmp/vadd.pgd" | tee "$tmp/out1.txt"

# pkg-config.
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
cc -std=c99 -Wall -Werror examples/run_model/run_model.c $(pkg-config --cflags --libs pagoda) \
  -o "$tmp/run_model_pc"
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/run_model_pc" "$tmp/vadd.pgd" > "$tmp/out2.txt"
diff "$tmp/out1.txt" "$tmp/out2.txt"

grep -q '^c f16: 2 2 2 2 \.\.\.$' "$tmp/out1.txt"
grep -q '^d f16: 2 2 2 2 \.\.\.$' "$tmp/out1.txt"
echo "install-example: ok"
