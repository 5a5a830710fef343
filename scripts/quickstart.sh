#!/usr/bin/env bash
# The README's first command: install dependencies, build, and run pagoda's
# main job on its defaults: generate a small model (a two-layer perceptron,
# examples/small_model.py, with python3-onnx), compile it for ascend-950pr
# and run it on the simulated NPU, printing its output and the profile.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
BUILD=${PAGODA_BUILD_DIR:-build}
BIN=$BUILD/bin
OUT=$BUILD/quickstart
mkdir -p "$OUT"
# Debian's python3 has python3-onnx and numpy (a pyenv or venv python may not).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

echo; echo "== $PY examples/small_model.py $OUT/mlp.onnx"
"$PY" examples/small_model.py "$OUT/mlp.onnx"

echo; echo "== pagoda compile $OUT/mlp.onnx --target ascend-950pr -o $OUT/mlp.pgd --report $OUT/report.json"
"$BIN/pagoda" compile "$OUT/mlp.onnx" --target ascend-950pr -o "$OUT/mlp.pgd" --report "$OUT/report.json"
"$BIN/pagoda" objdump "$OUT/mlp.pgd" --no-encoding | sed -n '/^plan:/,/^$/p'

echo "== pagoda run $OUT/mlp.pgd --random-inputs 0 --summary"
"$BIN/pagoda" run "$OUT/mlp.pgd" --random-inputs 0 --summary

echo; echo "The NPU kernels' assembly: $BIN/pagoda compile $OUT/mlp.onnx --emit asm"
echo "Next: ctest --test-dir $BUILD -j2 --output-on-failure"
