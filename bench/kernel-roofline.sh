#!/usr/bin/env bash
# Prints, per kernel class the back end generates, the simulated time of a
# representative kernel against its roofline bound on a target (default
# ascend-950pr): each model is built with python3-onnx, compiled with
# `pagoda compile` and run with `pagoda run --stats-json`. Times include the
# target's modeled launch overhead; the roofline is the larger of cube flops
# at peak and HBM bytes at bandwidth, plus that overhead.
#   bench/kernel-roofline.sh [BUILD_DIR] [TARGET]
set -euo pipefail
BUILD=${1:-build}
TARGET=${2:-ascend-950pr}
PAGODA="$BUILD/bin/pagoda"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$PY" - "$dir" <<'PY'
import sys, numpy as np, onnx
from onnx import TensorProto, helper, numpy_helper
d = sys.argv[1]
def save(name, nodes, inputs, outputs, inits=()):
    g = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.save(m, f"{d}/{name}.onnx")
t = lambda n, ty, sh: helper.make_tensor_value_info(n, ty, sh)
F, H = TensorProto.FLOAT, TensorProto.FLOAT16
n = 4 << 20
save("elementwise_add_f32", [helper.make_node("Add", ["a", "b"], ["c"])],
     [t("a", F, [n]), t("b", F, [n])], [t("c", F, [n])])
save("elementwise_chain_f16", [helper.make_node("Mul", ["a", "b"], ["m"]),
                               helper.make_node("Sigmoid", ["m"], ["s"]),
                               helper.make_node("Mul", ["s", "a"], ["c"])],
     [t("a", H, [n]), t("b", H, [n])], [t("c", H, [n])])
rng = np.random.default_rng(0)
for ty, npt, tag in ((H, np.float16, "f16"), (F, np.float32, "f32")):
    w = numpy_helper.from_array(rng.standard_normal((1024, 1024)).astype(npt), "w")
    save(f"matmul_{tag}_1024", [helper.make_node("MatMul", ["x", "w"], ["y"])],
         [t("x", ty, [1024, 1024])], [t("y", ty, [1024, 1024])], [w])
    # 3x3 convolution, 64 -> 64 channels on 80x80 (channels-last on the cube).
    w = numpy_helper.from_array(rng.standard_normal((64, 64, 3, 3)).astype(npt), "w")
    save(f"conv3x3_{tag}_64x80x80", [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1] * 4)],
         [t("x", ty, [1, 64, 80, 80])], [t("y", ty, [1, 64, 80, 80])], [w])
# 3x3 depthwise, 64 channels on 64x64 (vector unit).
w = numpy_helper.from_array(rng.standard_normal((64, 1, 3, 3)).astype(np.float32), "w")
# Layout transpose NCHW -> NHWC, 16 MiB of f32 (vector unit, vgather).
save("transpose_f32_64x256x256", [helper.make_node("Transpose", ["x"], ["y"], perm=[0, 2, 3, 1])],
     [t("x", F, [1, 64, 256, 256])], [t("y", F, [1, 256, 256, 64])])
# Mean over the spatial axes of a channels-last tensor (a global pool), 16 MiB.
save("reduce_mean_f32_256x256x64",
     [helper.make_node("ReduceMean", ["x"], ["y"], axes=[1, 2], keepdims=1)],
     [t("x", F, [1, 256, 256, 64])], [t("y", F, [1, 1, 1, 64])])
# Along the last axis (row kernels): softmax over 4096 rows of 1024 and
# layer norm over 8192 rows of 512, 16 MiB each.
save("softmax_f32_4096x1024", [helper.make_node("Softmax", ["x"], ["y"], axis=-1)],
     [t("x", F, [4096, 1024])], [t("y", F, [4096, 1024])])
g = numpy_helper.from_array(rng.uniform(0.5, 1.5, [512]).astype(np.float32), "g")
b = numpy_helper.from_array(rng.uniform(-1, 1, [512]).astype(np.float32), "b")
save("layernorm_f32_8192x512",
     [helper.make_node("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1)],
     [t("x", F, [8192, 512])], [t("y", F, [8192, 512])], [g, b])
# Data movement (DMA kernels): a channels-last concat of four 24-channel
# maps, a 2x nearest upsampling of a channels-last map, attention's head
# split, a one-axis slice; a 2x2 max pool channels-last (the transposes
# around it cancel).
save("concat4_f32_160x160x24",
     [helper.make_node("Concat", ["a", "b", "c", "d"], ["y"], axis=3)],
     [t(n, F, [1, 160, 160, 24]) for n in "abcd"], [t("y", F, [1, 160, 160, 96])])
sc = numpy_helper.from_array(np.array([1, 2, 2, 1], np.float32), "sc")
save("upsample2x_f32_80x80x96",
     [helper.make_node("Resize", ["x", "", "sc"], ["y"], mode="nearest",
                       coordinate_transformation_mode="asymmetric", nearest_mode="floor")],
     [t("x", F, [1, 80, 80, 96])], [t("y", F, [1, 160, 160, 96])], [sc])
save("heads_f32_64x128x8x64", [helper.make_node("Transpose", ["x"], ["y"], perm=[0, 2, 1, 3])],
     [t("x", F, [64, 128, 8, 64])], [t("y", F, [64, 8, 128, 64])])
st = numpy_helper.from_array(np.array([1], np.int64), "st")
en = numpy_helper.from_array(np.array([2], np.int64), "en")
ax = numpy_helper.from_array(np.array([0], np.int64), "ax")
save("slice_f32_3x1024x4096", [helper.make_node("Slice", ["x", "st", "en", "ax"], ["y"])],
     [t("x", F, [3, 1024, 4096])], [t("y", F, [1, 1024, 4096])], [st, en, ax])
save("maxpool2x2_f32_128x128x64",
     [helper.make_node("Transpose", ["x"], ["c"], perm=[0, 3, 1, 2]),
      helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
      helper.make_node("Transpose", ["p"], ["y"], perm=[0, 2, 3, 1])],
     [t("x", F, [1, 128, 128, 64])], [t("y", F, [1, 64, 64, 64])])
save("depthwise3x3_f32_64x64x64",
     [helper.make_node("Conv", ["x", "w"], ["y"], pads=[1] * 4, group=64)],
     [t("x", F, [1, 64, 64, 64])], [t("y", F, [1, 64, 64, 64])], [w])
PY

"$PAGODA" targets show "$TARGET" > "$dir/target.json"
printf '%-28s %-16s %10s %12s %10s %7s  %s\n' MODEL KERNEL "SIM (us)" "-LAUNCH (us)" "ROOF (us)" RATIO BOUND
for model in elementwise_add_f32 elementwise_chain_f16 matmul_f16_1024 matmul_f32_1024 \
  conv3x3_f16_64x80x80 conv3x3_f32_64x80x80 depthwise3x3_f32_64x64x64 \
  transpose_f32_64x256x256 reduce_mean_f32_256x256x64 softmax_f32_4096x1024 \
  layernorm_f32_8192x512 concat4_f32_160x160x24 upsample2x_f32_80x80x96 heads_f32_64x128x8x64 \
  slice_f32_3x1024x4096 maxpool2x2_f32_128x128x64; do
  "$PAGODA" compile "$dir/$model.onnx" --target "$TARGET" -o "$dir/$model.pgd" 2>/dev/null
  "$PAGODA" run "$dir/$model.pgd" --random-inputs 0 --stats-json "$dir/$model.json" >/dev/null
  "$PY" - "$dir/$model.json" "$model" "$dir/target.json" <<'PY'
import sys, json
s, model = json.load(open(sys.argv[1])), sys.argv[2]
launch = json.load(open(sys.argv[3]))["launch"]["overhead_us"]
for k in s["kernels"]:
    sim = k["simulated_seconds"] * 1e6
    roof = k["roofline_seconds"] * 1e6
    work = sim - launch
    print(f"{model:<28} {k['name']:<16} {sim:10.2f} {work:12.2f} {roof:10.2f} "
          f"{roof / work if work > 0 else 0:7.2f}  {k['bound']}")
PY
done
echo "SIM includes the target's modeled launch overhead; -LAUNCH is without it; ROOF is the"
echo "kernel's cube-flops or HBM-bytes bound; RATIO = ROOF / -LAUNCH (1.00: at the bound)."
