#!/usr/bin/env bash
# The README's first command: install dependencies, build, and run pagoda's
# main job on its built-in default. Today that is: list the modeled chips,
# optimize a small conv/relu graph, and check an NPU matmul tile against
# the ascend-950pr target. (Later issues make it compile and run a model on
# the simulated NPU.)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
BIN=${PAGODA_BUILD_DIR:-build}/bin

echo; echo "== pagoda targets"
"$BIN/pagoda" targets

echo; echo "== pagoda-opt examples/conv-relu.mlir -canonicalize -cse"
"$BIN/pagoda-opt" examples/conv-relu.mlir -canonicalize -cse

echo; echo "== pagoda-opt examples/npu-matmul-tile.mlir -pagoda-npu-check-target=target=ascend-950pr"
"$BIN/pagoda-opt" examples/npu-matmul-tile.mlir -pagoda-npu-check-target=target=ascend-950pr \
  -o /dev/null && echo "the tile fits ascend-950pr"

echo; echo "== pagoda targets check examples/my-chip.json (a user-modeled chip)"
"$BIN/pagoda" targets check examples/my-chip.json | head -12
echo "..."
echo; echo "Next: ctest --test-dir ${PAGODA_BUILD_DIR:-build} -j2 --output-on-failure"
