#!/usr/bin/env bash
# Compiles every model of the ONNX backend test suite (Debian's
# libonnx-testdata) for ascend-950pr and runs each of its test data sets on
# the simulator (fp32; generated NPU kernels with race and bounds checks,
# host kernels for the rest), comparing outputs with the suite's .pb files at
# the suite's own tolerance (rtol 1e-3, atol 1e-7). Outcomes:
#   pass          every data set matches
#   compile-error `pagoda compile` refused (the first error is the reason)
#   run-error     `pagoda run` failed before comparing
#   mismatch      an output differs
#   CRASH         any other exit (a bug)
# Fails on a crash, and with --exclusions FILE unless every test passes or
# is listed there with its reason ("TEST<TAB>OUTCOME: REASON", one a line),
# and every listed test still fails (so the list stays true);
# --write-exclusions FILE records the failing tests with their reasons.
# Run by ctest as 'onnx-conformance'; docs/conformance.md has its summary.
#   scripts/onnx-conformance.sh BUILD_DIR [--exclusions FILE] [--write-exclusions FILE] [--reasons]
set -euo pipefail
BUILD=${1:-build}
shift || true
EXCLUSIONS="" WRITE="" REASONS=0
while [ $# -gt 0 ]; do
  case $1 in
  --exclusions) EXCLUSIONS=$2; shift 2 ;;
  --write-exclusions) WRITE=$2; shift 2 ;;
  --reasons) REASONS=1; shift ;;
  *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
DATA=${PAGODA_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}
PAGODA="$BUILD/bin/pagoda"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_one() {
  local dir=$1 name=${1#"$DATA"/} out rc pgd
  pgd="$TMPDIR_RUN/$(echo "$name" | tr '/' '_').pgd"
  out=$(timeout 120 "$PAGODA" compile "$dir/model.onnx" -o "$pgd" 2>&1) && rc=0 || rc=$?
  if [ "$rc" -eq 1 ]; then
    echo "compile-error $name $(echo "$out" | grep 'error:' | head -1 | sed -E "s#pagoda: error: [^ ]*model.onnx:? ##; s#node '[^']*':? ##")"
    return
  elif [ "$rc" -ne 0 ]; then
    echo "CRASH $name compile exit $rc: $(echo "$out" | tail -1)"
    return
  fi
  for set in "$dir"/test_data_set_*; do
    [ -d "$set" ] || continue
    out=$(timeout 300 "$PAGODA" run "$pgd" --test-data "$set" --rtol 1e-3 --atol 1e-7 2>&1) && rc=0 || rc=$?
    if [ "$rc" -eq 1 ]; then
      if echo "$out" | grep -q "differs from"; then
        echo "mismatch $name $(echo "$out" | grep 'differs from' | head -1 | sed -E 's#.*output #output #; s# from [^ ]* in # in #')"
      else
        echo "run-error $name $(echo "$out" | grep 'error:' | head -1 | sed -E 's#pagoda: error: ##')"
      fi
      rm -f "$pgd"
      return
    elif [ "$rc" -ne 0 ]; then
      echo "CRASH $name run exit $rc: $(echo "$out" | tail -1)"
      rm -f "$pgd"
      return
    fi
  done
  rm -f "$pgd"
  echo "pass $name"
}
export -f run_one
export DATA PAGODA
export TMPDIR_RUN="$tmp"
find "$DATA" -name model.onnx -printf '%h\n' | sort | xargs -P2 -I{} bash -c 'run_one "$@"' _ {} > "$tmp/results"

total=$(wc -l < "$tmp/results")
count() { grep -c "^$1 " "$tmp/results" || true; }
echo "onnx-conformance: $total models: $(count pass) pass, $(count mismatch) mismatch," \
  "$(count run-error) run errors, $(count compile-error) compile errors, $(count CRASH) crashed"
for dir in node pytorch-converted pytorch-operator simple; do
  t=$(grep -c " $dir/" "$tmp/results" || true)
  o=$(grep -c "^pass $dir/" "$tmp/results" || true)
  echo "  $dir: $o of $t pass"
done
if [ "$REASONS" = 1 ]; then
  echo "failures by reason:"
  grep -v '^pass ' "$tmp/results" | awk '{ $2 = ""; print }' |
    sed -E 's/\(opset [0-9]+[^)]*\)//; s/[0-9]+ of [0-9]+ elements.*/N elements/; s/(output|input) '"'"'[^'"'"']*'"'"'/\1 X/g' |
    sort | uniq -c | sort -rn | head -60
fi
[ -n "${PAGODA_CONFORMANCE_RESULTS:-}" ] && cp "$tmp/results" "$PAGODA_CONFORMANCE_RESULTS"
if [ -n "$WRITE" ]; then
  grep -v '^pass ' "$tmp/results" | grep -v '^CRASH ' |
    awk '{ outcome = $1; name = $2; $1 = ""; $2 = ""; sub(/^  */, ""); printf "%s\t%s: %s\n", name, outcome, $0 }' |
    sort > "$WRITE"
fi
status=0
if grep '^CRASH ' "$tmp/results"; then
  status=1
fi
if [ -n "$EXCLUSIONS" ]; then
  failing=$(grep -v '^pass ' "$tmp/results" | cut -d' ' -f2 | sort)
  listed=$(cut -f1 "$EXCLUSIONS" | sort)
  new=$(comm -23 <(echo "$failing") <(echo "$listed") | grep . || true)
  fixed=$(comm -13 <(echo "$failing") <(echo "$listed") | grep . || true)
  if [ -n "$new" ]; then
    echo "onnx-conformance: these fail and are not in $EXCLUSIONS:"
    for t in $new; do grep " $t\( \|$\)" "$tmp/results"; done
    status=1
  fi
  if [ -n "$fixed" ]; then
    echo "onnx-conformance: these pass now; take them out of $EXCLUSIONS (--write-exclusions):"
    echo "$fixed"
    status=1
  fi
fi
exit $status
