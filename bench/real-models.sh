#!/usr/bin/env bash
# Compiles the PaddleOCR classifier, detector and recognizer (fetched by
# bench/fetch-ocr-models.sh) for ascend-950pr, runs them on the simulator
# and compares the outputs with onnxruntime-node on the same seeded input
# in fp32 and in the fp16, mixed and bf16 precision modes
# (docs/conformance.md, "Real models", records the result). onnxruntime is
# installed once into BUILD/ort (about 290 MB, npm, its GPU download skipped).
#   bench/real-models.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
PAGODA="$BUILD/bin/pagoda"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
. "$(dirname "$0")/fetch-ocr-models.sh" "$BUILD"
ORT=${PAGODA_ORT_DIR:-$BUILD/ort}
if [ ! -d "$ORT/node_modules/onnxruntime-node" ]; then
  mkdir -p "$ORT"
  (cd "$ORT" && ONNXRUNTIME_NODE_INSTALL=skip npm install --silent onnxruntime-node@1.30.0 >/dev/null)
fi
export NODE_PATH="$(cd "$ORT" && pwd)/node_modules"

compare() { # name model input-shape rtol atol
  local name=$1 model=$2 shape=$3 rtol=$4 atol=$5 dir="$BUILD/real-models/$1"
  mkdir -p "$dir/want"
  "$PY" - "$dir" "$shape" <<'PY'
import sys, numpy as np
d, shape = sys.argv[1], [int(s) for s in sys.argv[2].split(',')]
x = np.random.default_rng(0).uniform(0, 1, shape).astype(np.float32)
np.save(d + '/x.npy', x)
x.tofile(d + '/x.bin')
PY
  node "$(dirname "$0")/ort-reference.js" "$model" "$dir/ort" "x=$dir/x.bin:$shape"
  local t0 t1
  t0=$(date +%s.%N)
  # Placement warnings are expected (host work); errors stop the script.
  rm -f "$dir/model.pgd"
  "$PAGODA" compile "$model" --input-shape "x:$shape" -o "$dir/model.pgd" \
    --report "$dir/report.json" 2> >(grep -v ": warning: " >&2)
  t1=$(date +%s.%N)
  # Expected outputs named as pagoda names them.
  "$PY" - "$dir" <<'PY'
import sys, json, re, numpy as np
d = sys.argv[1]
i = 0
while True:
    try:
        meta = json.load(open(f'{d}/ort/output_{i}.json'))
    except FileNotFoundError:
        break
    a = np.fromfile(f'{d}/ort/output_{i}.bin', np.float32).reshape(meta['dims'])
    np.save(f"{d}/want/{re.sub(r'[^A-Za-z0-9_.-]', '_', meta['name'])}.npy", a)
    i += 1
PY
  "$PY" - "$dir/report.json" <<'PY'
import sys, json, collections
r = json.load(open(sys.argv[1]))
c = collections.Counter(k['placement'] for k in r['kernels'])
print(f"  groups: {c['npu']} on the NPU, {c['host']} on the host")
PY
  printf '%s: compiled in %.2f s; ' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
  "$PAGODA" run "$dir/model.pgd" --input "x=$dir/x.npy" --expected-dir "$dir/want" \
    --rtol "$rtol" --atol "$atol" --summary | grep -E "match|^total"
  # The reduced-precision modes against the same fp32 reference: checked at
  # rtol/atol 1e-2 (fp16, mixed) and 3e-2 (bf16), errors measured.
  local mode tol
  for mode in fp16 mixed bf16; do
    tol=1e-2
    [ "$mode" = bf16 ] && tol=3e-2
    "$PAGODA" compile "$model" --input-shape "x:$shape" --precision "$mode" \
      -o "$dir/model-$mode.pgd" 2> >(grep -v ": warning: " >&2)
    rm -rf "$dir/out-$mode" && mkdir -p "$dir/out-$mode"
    printf '  %s: ' "$mode"
    "$PAGODA" run "$dir/model-$mode.pgd" --input "x=$dir/x.npy" --expected-dir "$dir/want" \
      --rtol "$tol" --atol "$tol" --output-dir "$dir/out-$mode" | grep -E "match"
    "$PY" "$(dirname "$0")/precision-error.py" "$dir/out-$mode" "$dir/want"
  done
}
compare "ppocr-cls" "$CACHE/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" 1,3,48,192 1e-4 1e-5
compare "ppocr-det" "$CACHE/package/assets/ch_PP-OCRv4_det_infer.onnx" 1,3,320,320 1e-4 1e-5
compare "ppocr-rec" "$CACHE/package/assets/ch_PP-OCRv4_rec_infer.onnx" 1,3,48,320 1e-4 1e-5
