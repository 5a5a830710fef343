#!/usr/bin/env bash
# Imports every model of the ONNX backend test suite (Debian's
# libonnx-testdata) with `pagoda compile --emit mlir` and sorts the outcomes:
# imported, rejected with an error (exit 1; the reasons are tallied), or
# crashed (any other exit: a bug). Fails if anything crashed. Run by ctest as
# 'onnx-import-suite'; docs/conformance.md records its summary.
#   scripts/onnx-import-suite.sh BUILD_DIR [--reasons]
set -euo pipefail
BUILD=${1:-build}
DATA=${PAGODA_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}
PAGODA="$BUILD/bin/pagoda"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_one() {
  local model=$1 out rc
  out=$(timeout 60 "$PAGODA" compile "$model" -o /dev/null 2>&1) && rc=0 || rc=$?
  local name=${model#"$DATA"/}
  name=${name%/model.onnx}
  if [ "$rc" -eq 0 ]; then
    echo "ok $name"
  elif [ "$rc" -eq 1 ]; then
    # The first error, its file path and node name stripped, is the reason.
    echo "error $name $(echo "$out" | head -1 | sed -E "s#pagoda: error: [^ ]*model.onnx: ##; s#node '[^']*':? ##")"
  else
    echo "CRASH $name exit $rc: $(echo "$out" | tail -1)"
  fi
}
export -f run_one
export DATA PAGODA
find "$DATA" -name model.onnx | sort | xargs -P2 -I{} bash -c 'run_one "$@"' _ {} > "$tmp/results"

total=$(wc -l < "$tmp/results")
ok=$(grep -c '^ok ' "$tmp/results" || true)
err=$(grep -c '^error ' "$tmp/results" || true)
crash=$(grep -c '^CRASH ' "$tmp/results" || true)
echo "onnx-import-suite: $total models: $ok imported, $err rejected with an error, $crash crashed"
for dir in node pytorch-converted pytorch-operator simple; do
  t=$(grep -c " $dir/" "$tmp/results" || true)
  o=$(grep -c "^ok $dir/" "$tmp/results" || true)
  echo "  $dir: $o of $t imported"
done
if [ "${2:-}" = "--reasons" ]; then
  echo "rejections by reason:"
  grep '^error ' "$tmp/results" | cut -d' ' -f3- |
    sed -E 's/\(([A-Za-z]+), opset [0-9]+\)/(\1)/; s/unsupported op ([A-Za-z]+) \(opset [0-9]+, /unsupported op \1 (/' |
    sed -E "s/input '[^']*'/input X/; s/'[^']*'\)? must be/must be/" |
    sort | uniq -c | sort -rn
fi
grep '^CRASH ' "$tmp/results" || true
[ "$crash" -eq 0 ]
