"""Small ONNX models for the importer's lit tests, built with python3-onnx.

Usage: models.py NAME OUT.onnx  (NAME is one of the functions below).
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(nodes, inputs, outputs, inits=(), opset=17, ir=8, name="g", extra_opsets=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = ir
    onnx.save(model, sys.argv[2])


def f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def cnn():
    """Conv+BN+Relu, MaxPool, GlobalAveragePool, Flatten, Gemm, Softmax (opset 11)."""
    rng = np.random.default_rng(0)
    inits = [
        const("w", rng.standard_normal((8, 3, 3, 3)).astype(np.float32)),
        const("b", np.zeros(8, np.float32)),
        const("scale", np.ones(8, np.float32)),
        const("bias", np.zeros(8, np.float32)),
        const("mean", np.zeros(8, np.float32)),
        const("var", np.ones(8, np.float32)),
        const("fc_w", rng.standard_normal((10, 8)).astype(np.float32)),
        const("fc_b", np.zeros(10, np.float32)),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["bn"],
                         name="bn1"),
        helper.make_node("Relu", ["bn"], ["r"], name="relu1"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool1", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["p"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["logits"], name="fc", transB=1),
        helper.make_node("Softmax", ["logits"], ["prob"], name="softmax"),
    ]
    save(nodes, [f32("x", ["batch", 3, 16, 16])], [f32("prob", None)], inits, opset=11)


def shape_chain():
    """Shape -> Gather -> Unsqueeze -> Concat -> Reshape, as exporters write it (opset 13)."""
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Constant", [], ["zero"], name="zero", value_int=0),
        helper.make_node("Gather", ["s", "zero"], ["n"], name="gather", axis=0),
        helper.make_node("Constant", [], ["axes"], name="axes", value_ints=[0]),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsqueeze"),
        helper.make_node("Constant", [], ["minus1"], name="minus1", value_ints=[-1]),
        helper.make_node("Concat", ["n1", "minus1"], ["newshape"], name="concat", axis=0),
        helper.make_node("Reshape", ["x", "newshape"], ["y"], name="reshape"),
    ]
    save(nodes, [f32("x", [2, 3, 4])], [f32("y", None)], opset=13)


def unsorted():
    """Nodes out of order, numeric and odd tensor names, an unused opset domain."""
    nodes = [
        helper.make_node("Relu", ["7"], ["out {\"q\"}"], name=""),
        helper.make_node("Add", ["x", "x"], ["7"], name="add/0"),
    ]
    save(nodes, [f32("x", [4])], [f32("out {\"q\"}", None)],
         extra_opsets=[("ai.onnx.ml", 3), ("com.microsoft", 1)])


def old_opsets():
    """Opset 9: Slice and Squeeze by attributes, Softmax on the coerced 2-D view, Clip attrs."""
    nodes = [
        helper.make_node("Slice", ["x"], ["s"], name="slice", starts=[0, 1], ends=[1, 3],
                         axes=[0, 2]),
        helper.make_node("Squeeze", ["s"], ["q"], name="squeeze", axes=[0]),
        helper.make_node("Clip", ["q"], ["c"], name="clip", min=-1.0, max=1.0),
        helper.make_node("Softmax", ["c"], ["y"], name="softmax", axis=1),
    ]
    save(nodes, [f32("x", [2, 3, 4])], [f32("y", None)], opset=9, ir=4)


def new_opsets():
    """Opset 13+: Slice, Squeeze, Clip, ReduceSum arguments as inputs; Softmax on one axis."""
    inits = [const("starts", np.array([0, 1], np.int64)), const("ends", np.array([1, 3], np.int64)),
             const("axes", np.array([0, 2], np.int64)), const("sq", np.array([0], np.int64)),
             const("lo", np.array(-1.0, np.float32)), const("hi", np.array(1.0, np.float32)),
             const("raxes", np.array([1], np.int64))]
    nodes = [
        helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["s"], name="slice"),
        helper.make_node("Squeeze", ["s", "sq"], ["q"], name="squeeze"),
        helper.make_node("Clip", ["q", "lo", "hi"], ["c"], name="clip"),
        helper.make_node("Softmax", ["c"], ["y"], name="softmax", axis=1),
        helper.make_node("ReduceSum", ["y", "raxes"], ["r"], name="rsum", keepdims=0),
    ]
    save(nodes, [f32("x", [2, 3, 4])], [f32("y", None), f32("r", None)], inits, opset=13)


def unsupported():
    """Two ops the importer lacks, one in a custom domain."""
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name="ok"),
        helper.make_node("NonMaxSuppression", ["a", "a"], ["b"], name="nms"),
        helper.make_node("FancyOp", ["b"], ["y"], name="fancy", domain="com.example"),
    ]
    save(nodes, [f32("x", [4])], [f32("y", None)], extra_opsets=[("com.example", 1)])


def external():
    """Weights in an external data file beside the model."""
    w = const("w", np.arange(6, dtype=np.float32).reshape(2, 3))
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], "g",
                              [f32("x", [1, 2])], [f32("y", None)], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save_model(model, sys.argv[2], save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.bin", size_threshold=0)


def opset21():
    """A newer opset than the installed onnx knows: imports all the same."""
    nodes = [helper.make_node("Gelu", ["x"], ["y"], name="gelu", approximate="tanh")]
    save(nodes, [f32("x", [8])], [f32("y", None)], opset=21, ir=10)


def more_ops():
    """Resize, Split, Tile, TopK, Einsum, DepthToSpace, PRelu, Mean, CumSum, GatherElements,
    quantization and an LSTM, in one opset-13 model."""
    i64 = lambda n, v: const(n, np.array(v, np.int64))
    inits = [
        const("scales", np.array([1, 1, 2, 2], np.float32)), i64("split", [1, 3]),
        i64("reps", [1, 2, 1, 1]), i64("k", [2]), i64("axis0", 0),
        const("slope", np.full((4,), 0.1, np.float32)), i64("idx", [[0, 1], [1, 0]]),
        const("qs", np.array(0.5, np.float32)), const("qz", np.array(10, np.uint8)),
        const("W", np.zeros((1, 32, 5), np.float32)), const("R", np.zeros((1, 32, 8), np.float32)),
    ]
    n = helper.make_node
    nodes = [
        n("Resize", ["x", "", "scales"], ["up"], name="resize", mode="linear"),
        n("Split", ["x", "split"], ["s1", "s3"], name="split", axis=1),
        n("Tile", ["s1", "reps"], ["tiled"], name="tile"),
        n("TopK", ["x", "k"], ["tv", "ti"], name="topk", axis=-1),
        n("Einsum", ["m", "m"], ["ein"], name="einsum", equation="ij,kj->ik"),
        n("DepthToSpace", ["x"], ["d2s"], name="d2s", blocksize=2),
        n("PRelu", ["x", "slope"], ["pr"], name="prelu"),
        n("Mean", ["x", "x", "x"], ["mean"], name="mean"),
        n("CumSum", ["x", "axis0"], ["cs"], name="cumsum"),
        n("GatherElements", ["m", "idx"], ["ge"], name="gather_elements", axis=1),
        n("QuantizeLinear", ["x", "qs", "qz"], ["q"], name="quant"),
        n("DequantizeLinear", ["q", "qs", "qz"], ["dq"], name="dequant"),
        n("LSTM", ["seq", "W", "R"], ["Y", "Y_h"], name="lstm", hidden_size=8),
    ]
    outs = ["up", "s3", "tiled", "tv", "ti", "ein", "d2s", "pr", "mean", "cs", "ge", "dq", "Y", "Y_h"]
    save(nodes, [f32("x", [1, 4, 2, 4]), f32("m", [2, 3]), f32("seq", [6, 1, 5])],
         [helper.make_tensor_value_info(o, TensorProto.UNDEFINED, None) for o in outs], inits,
         opset=13)


def layernorm_decomposed():
    """LayerNormalization as a transformer exporter writes it before opset 17."""
    inits = [const("two", np.array(2.0, np.float32)), const("eps", np.array(1e-5, np.float32)),
             const("gamma", np.full(16, 1.5, np.float32)), const("beta", np.zeros(16, np.float32))]
    n = helper.make_node
    nodes = [
        n("ReduceMean", ["x"], ["mean"], name="ln/mean", axes=[-1]),
        n("Sub", ["x", "mean"], ["d"], name="ln/sub"),
        n("Pow", ["d", "two"], ["sq"], name="ln/pow"),
        n("ReduceMean", ["sq"], ["var"], name="ln/var", axes=[-1]),
        n("Add", ["var", "eps"], ["ve"], name="ln/add_eps"),
        n("Sqrt", ["ve"], ["std"], name="ln/sqrt"),
        n("Div", ["d", "std"], ["norm"], name="ln/div"),
        n("Mul", ["norm", "gamma"], ["scaled"], name="ln/mul"),
        n("Add", ["scaled", "beta"], ["y"], name="ln/add"),
    ]
    save(nodes, [f32("x", [1, 4, 16])], [f32("y", None)], inits, opset=13)


def control_flow():
    """If on an input condition (kept as control flow), If on a constant one
    (inlined), and a Loop with a carried value and a scan output over a
    constant trip count. The branches read x from the enclosing graph."""
    n = helper.make_node
    then_g = helper.make_graph([n("Relu", ["x"], ["t_out"], name="then/relu")], "then", [],
                               [f32("t_out", [4])])
    else_g = helper.make_graph([n("Neg", ["x"], ["e_out"], name="else/neg")], "else", [],
                               [f32("e_out", [4])])
    body = helper.make_graph(
        [n("Identity", ["cond_in"], ["cond_out"], name="body/cond"),
         n("Add", ["acc_in", "x"], ["acc_out"], name="body/add"),
         n("Mul", ["acc_out", "two"], ["scan"], name="body/scan")],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []), f32("acc_in", [4])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), f32("acc_out", [4]),
         f32("scan", [4])])
    inits = [const("yes", np.array(True)), const("trips", np.array(3, np.int64)),
             const("two", np.array(2.0, np.float32)), const("zero", np.zeros(4, np.float32))]
    nodes = [
        n("If", ["flag"], ["branchy"], name="if_runtime", then_branch=then_g, else_branch=else_g),
        n("If", ["yes"], ["inlined"], name="if_constant", then_branch=then_g, else_branch=else_g),
        n("Loop", ["trips", "yes", "zero"], ["acc", "scans"], name="loop", body=body),
    ]
    save(nodes, [f32("x", [4]), helper.make_tensor_value_info("flag", TensorProto.BOOL, [])],
         [f32("branchy", None), f32("inlined", None), f32("acc", None), f32("scans", None)],
         inits, opset=13)


if __name__ == "__main__":
    globals()[sys.argv[1]]()
