"""End-to-end models for `pagoda compile` + `pagoda run`: the ONNX model,
its inputs and the expected outputs (numpy, float64 then rounded).

Usage: e2e.py NAME DIR  writes DIR/NAME.onnx, DIR/in/<input>.npy and
DIR/want/<output>.npy.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(d, name, nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.save(model, os.path.join(d, name + ".onnx"))


def write(d, kind, arrays):
    os.makedirs(os.path.join(d, kind), exist_ok=True)
    for k, v in arrays.items():
        np.save(os.path.join(d, kind, k + ".npy"), v)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def chain(d):
    """Two elementwise chains on the NPU (one with a weight, a runtime
    scalar and folded constants), a transpose and softmax on the host."""
    rng = np.random.default_rng(1)
    shape = [2, 3, 40, 50]
    x = rng.uniform(-3, 3, shape).astype(np.float32)
    y = rng.uniform(-3, 3, shape).astype(np.float32)
    s = np.array([0.75], np.float32)
    w = rng.uniform(-1, 1, shape).astype(np.float32)
    nodes = [
        helper.make_node("Add", ["x", "y"], ["a"], name="add"),
        helper.make_node("Mul", ["a", "s"], ["b"], name="scale"),
        helper.make_node("Sigmoid", ["b"], ["c"], name="sig"),
        helper.make_node("HardSwish", ["c"], ["h"], name="hswish"),
        helper.make_node("Sub", ["h", "w"], ["e"], name="sub_w"),
        helper.make_node("LeakyRelu", ["e"], ["act"], name="lrelu", alpha=0.1),
        helper.make_node("Transpose", ["act"], ["t"], name="tr", perm=[0, 2, 1, 3]),
        helper.make_node("Softmax", ["t"], ["prob"], name="softmax", axis=-1),
        helper.make_node("Sub", ["x", "one"], ["xm"], name="xm1"),
        helper.make_node("Exp", ["xm"], ["ex"], name="exp"),
        helper.make_node("Clip", ["ex", "lo", "hi"], ["clipped"], name="clip"),
    ]
    inits = [numpy_helper.from_array(w, "w"),
             numpy_helper.from_array(np.array(1.0, np.float32), "one"),
             numpy_helper.from_array(np.array(0.05, np.float32), "lo"),
             numpy_helper.from_array(np.array(4.0, np.float32), "hi")]
    f32 = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "chain", nodes, [f32("x", shape), f32("y", shape), f32("s", [1])],
         [f32("act", shape), f32("prob", [2, 40, 3, 50]), f32("clipped", shape)], inits)

    X, Y, S, W = (v.astype(np.float64) for v in (x, y, s, w))
    c = sigmoid((X + Y) * S)
    h = c * np.clip(c / 6 + 0.5, 0, 1)
    e = h - W
    act = np.where(e >= 0, e, 0.1 * e)
    t = act.transpose(0, 2, 1, 3)
    p = np.exp(t - t.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    write(d, "in", {"x": x, "y": y, "s": s})
    write(d, "want", {"act": act.astype(np.float32), "prob": p.astype(np.float32),
                      "clipped": np.clip(np.exp(X - 1), 0.05, 4).astype(np.float32)})


def half(d):
    """An f16 chain: relu(a * b + a) on 10007 elements (a tail on the last core)."""
    rng = np.random.default_rng(2)
    a = rng.uniform(-2, 2, [10007]).astype(np.float16)
    b = rng.uniform(-2, 2, [10007]).astype(np.float16)
    nodes = [helper.make_node("Mul", ["a", "b"], ["m"], name="mul"),
             helper.make_node("Add", ["m", "a"], ["s"], name="add"),
             helper.make_node("Relu", ["s"], ["r"], name="relu")]
    f16 = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT16, [10007])
    save(d, "half", nodes, [f16("a"), f16("b")], [f16("r")])
    # The vector unit rounds each op to f16 (products and sums in f32 first).
    m = (a.astype(np.float32) * b.astype(np.float32)).astype(np.float16)
    s = (m.astype(np.float32) + a.astype(np.float32)).astype(np.float16)
    write(d, "in", {"a": a, "b": b})
    write(d, "want", {"r": np.maximum(s, np.float16(0))})


def mlp(d):
    """MatMul + bias + ReLU and Gemm (transB, beta) on the cube in f32
    (three hf32 passes) and f16, batch dims flattened into rows."""
    rng = np.random.default_rng(3)
    for dt, np_t, onnx_t in (("f32", np.float32, TensorProto.FLOAT),
                             ("f16", np.float16, TensorProto.FLOAT16)):
        x = rng.uniform(-1, 1, [3, 50, 96]).astype(np_t)
        w1 = (rng.standard_normal((96, 200)) / 10).astype(np_t)
        b1 = (rng.standard_normal(200) / 10).astype(np_t)
        w2 = (rng.standard_normal((30, 200)) / 14).astype(np_t)  # Gemm B, transposed
        c2 = (rng.standard_normal(30) / 10).astype(np_t)
        nodes = [
            helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
            helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
            helper.make_node("Relu", ["h1"], ["h2"], name="fc1_relu"),
            helper.make_node("Reshape", ["h2", "shape"], ["h3"], name="flat"),
            helper.make_node("Gemm", ["h3", "w2", "c2"], ["y"], name="fc2", transB=1, beta=0.5),
        ]
        inits = [numpy_helper.from_array(a, n) for a, n in
                 [(w1, "w1"), (b1, "b1"), (w2, "w2"), (c2, "c2"),
                  (np.array([150, 200], np.int64), "shape")]]
        t = lambda n, sh: helper.make_tensor_value_info(n, onnx_t, sh)
        save(d, "mlp_" + dt, nodes, [t("x", [3, 50, 96])], [t("y", [150, 30])], inits)
        X, W1, B1, W2, C2 = (v.astype(np.float64) for v in (x, w1, b1, w2, c2))
        h = np.maximum(X @ W1 + B1, 0).reshape(150, 200)
        write(d, "in_" + dt, {"x": x})
        write(d, "want_" + dt, {"y": (h @ W2.T + 0.5 * C2).astype(np_t)})


def conv2d(x, w, b, stride, pad):
    """NCHW convolution in float64 (one group)."""
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, m, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            y += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    return y if b is None else y + b.reshape(1, m, 1, 1)


def cnn(d):
    """Convolutions on the cube, channels-last between them: conv + ReLU,
    a strided conv, a depthwise conv with a swish (x * sigmoid(x)) after
    it, a pointwise conv
    with a per-channel add and a sigmoid, in f32 (three hf32 passes) and
    f16."""
    rng = np.random.default_rng(5)
    for dt, np_t, onnx_t in (("f32", np.float32, TensorProto.FLOAT),
                             ("f16", np.float16, TensorProto.FLOAT16)):
        x = rng.uniform(-1, 1, [2, 3, 20, 20]).astype(np_t)
        w1 = (rng.standard_normal((16, 3, 3, 3)) / 5).astype(np_t)
        b1 = (rng.standard_normal(16) / 10).astype(np_t)
        w2 = (rng.standard_normal((32, 16, 3, 3)) / 12).astype(np_t)
        b2 = (rng.standard_normal(32) / 10).astype(np_t)
        wd = (rng.standard_normal((32, 1, 3, 3)) / 3).astype(np_t)
        bd = (rng.standard_normal(32) / 10).astype(np_t)
        w3 = (rng.standard_normal((8, 32, 1, 1)) / 5).astype(np_t)
        c3 = (rng.standard_normal((8, 1, 1)) / 10).astype(np_t)
        nodes = [
            helper.make_node("Conv", ["x", "w1", "b1"], ["h0"], name="c1", pads=[1, 1, 1, 1]),
            helper.make_node("Relu", ["h0"], ["h1"], name="c1_relu"),
            helper.make_node("Conv", ["h1", "w2", "b2"], ["h2"], name="c2", pads=[1, 1, 1, 1],
                             strides=[2, 2]),
            helper.make_node("Conv", ["h2", "wd", "bd"], ["d2"], name="dw", pads=[1, 1, 1, 1],
                             group=32),
            helper.make_node("Sigmoid", ["d2"], ["s2"], name="c2_sig"),
            helper.make_node("Mul", ["d2", "s2"], ["h3"], name="c2_swish"),
            helper.make_node("Conv", ["h3", "w3"], ["h4"], name="c3"),
            helper.make_node("Add", ["h4", "c3"], ["h5"], name="c3_bias"),
            helper.make_node("Sigmoid", ["h5"], ["y"], name="c3_sig"),
        ]
        inits = [numpy_helper.from_array(a, n) for a, n in
                 [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (wd, "wd"), (bd, "bd"),
                  (w3, "w3"), (c3, "c3")]]
        t = lambda n, sh: helper.make_tensor_value_info(n, onnx_t, sh)
        save(d, "cnn_" + dt, nodes, [t("x", [2, 3, 20, 20])], [t("y", [2, 8, 10, 10])], inits)
        X, W1, B1, W2, B2, WD, BD, W3, C3 = (v.astype(np.float64) for v in
                                             (x, w1, b1, w2, b2, wd, bd, w3, c3))
        h = np.maximum(conv2d(X, W1, B1, 1, 1), 0)
        h = conv2d(h, W2, B2, 2, 1)
        h = np.concatenate([conv2d(h[:, i:i + 1], WD[i:i + 1], BD[i:i + 1], 1, 1)
                            for i in range(32)], axis=1)
        h = h * sigmoid(h)
        y = sigmoid(conv2d(h, W3, None, 1, 0) + C3)
        write(d, "cnn_in_" + dt, {"x": x})
        write(d, "cnn_want_" + dt, {"y": y.astype(np_t)})


def pool(d):
    """A conv, then global average pooling of its channels-last output: a
    reduction over rows on the vector unit."""
    rng = np.random.default_rng(6)
    x = rng.uniform(-1, 1, [2, 16, 12, 10]).astype(np.float32)
    w = (rng.standard_normal((32, 16, 1, 1)) / 4).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w"], ["h"], name="pw"),
             helper.make_node("GlobalAveragePool", ["h"], ["y"], name="gap")]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "pool", nodes, [t("x", [2, 16, 12, 10])], [t("y", [2, 32, 1, 1])],
         [numpy_helper.from_array(w, "w")])
    y = conv2d(x.astype(np.float64), w.astype(np.float64), None, 1, 0).mean(axis=(2, 3),
                                                                             keepdims=True)
    write(d, "pool_in", {"x": x})
    write(d, "pool_want", {"y": y.astype(np.float32)})


def rows(d):
    """Work along the last axis: layer norm, softmax, log-softmax and a
    max over the last two axes (row kernels on the vector unit)."""
    rng = np.random.default_rng(7)
    x = rng.uniform(-3, 3, [4, 50, 96]).astype(np.float32)
    g = rng.uniform(0.5, 1.5, [96]).astype(np.float32)
    b = rng.uniform(-1, 1, [96]).astype(np.float32)
    nodes = [helper.make_node("LayerNormalization", ["x", "g", "b"], ["n"], name="ln", axis=-1,
                              epsilon=1e-5),
             helper.make_node("Softmax", ["n"], ["y"], name="sm", axis=2),
             helper.make_node("LogSoftmax", ["x"], ["l"], name="ls", axis=-1),
             helper.make_node("ReduceMax", ["x"], ["m"], name="rm", axes=[1, 2], keepdims=1)]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "rows", nodes, [t("x", [4, 50, 96])],
         [t("y", [4, 50, 96]), t("l", [4, 50, 96]), t("m", [4, 1, 1])],
         [numpy_helper.from_array(g, "g"), numpy_helper.from_array(b, "b")])
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=-1, keepdims=True)
    var = ((x64 - mean) ** 2).mean(axis=-1, keepdims=True)
    n = (x64 - mean) / np.sqrt(var + 1e-5) * g + b
    e = np.exp(n - n.max(axis=-1, keepdims=True))
    y = e / e.sum(axis=-1, keepdims=True)
    s = x64 - x64.max(axis=-1, keepdims=True)
    l = s - np.log(np.exp(s).sum(axis=-1, keepdims=True))
    m = x64.max(axis=(1, 2), keepdims=True)
    write(d, "rows_in", {"x": x})
    write(d, "rows_want", {"y": y.astype(np.float32), "l": l.astype(np.float32),
                           "m": m.astype(np.float32)})


def heads(d):
    """Attention's head split: a transpose that moves whole blocks (DMA
    only on the NPU)."""
    rng = np.random.default_rng(8)
    x = rng.uniform(-1, 1, [2, 10, 4, 8]).astype(np.float32)
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "heads", [helper.make_node("Transpose", ["x"], ["y"], name="split", perm=[0, 2, 1, 3])],
         [t("x", [2, 10, 4, 8])], [t("y", [2, 4, 10, 8])])
    write(d, "heads_in", {"x": x})
    write(d, "heads_want", {"y": x.transpose(0, 2, 1, 3)})


def attention(d):
    """Multi-head attention as PP-OCR's recognizer has it: K transposed,
    Q.K^T scaled, softmax over the last axis, times V (head size 15)."""
    rng = np.random.default_rng(12)
    sh = [2, 4, 40, 15]
    q, k, v = (rng.uniform(-1, 1, sh).astype(np.float32) for _ in range(3))
    t = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    scale = np.array(0.25, np.float32)
    nodes = [helper.make_node("Transpose", ["k"], ["kt"], name="kt", perm=[0, 1, 3, 2]),
             helper.make_node("MatMul", ["q", "kt"], ["s"], name="qk"),
             helper.make_node("Mul", ["s", "scale"], ["ss"], name="scale"),
             helper.make_node("Softmax", ["ss"], ["p"], name="softmax", axis=-1),
             helper.make_node("MatMul", ["p", "v"], ["o"], name="pv")]
    save(d, "attention", nodes, [t("q", sh), t("k", sh), t("v", sh)], [t("o", sh)],
         [numpy_helper.from_array(scale, "scale")])
    s = np.einsum("bhmk,bhnk->bhmn", q.astype(np.float64), k.astype(np.float64)) * 0.25
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    write(d, "attention_in", {"q": q, "k": k, "v": v})
    write(d, "attention_want", {"o": np.einsum("bhmn,bhnk->bhmk", p, v.astype(np.float64))
                                .astype(np.float32)})


def bmm16(d):
    """A batched f16 product of two inputs (B read as K x N by the cube;
    K = 40 leaves a padded last step)."""
    rng = np.random.default_rng(13)
    a = rng.uniform(-1, 1, [2, 3, 32, 40]).astype(np.float16)
    b = rng.uniform(-1, 1, [2, 3, 40, 48]).astype(np.float16)
    t = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT16, s)
    save(d, "bmm16", [helper.make_node("MatMul", ["a", "b"], ["c"], name="bmm")],
         [t("a", [2, 3, 32, 40]), t("b", [2, 3, 40, 48])], [t("c", [2, 3, 32, 48])])
    write(d, "bmm16_in", {"a": a, "b": b})
    # Exact products, f32 sums, one rounding to f16: within an f16 ulp.
    write(d, "bmm16_want", {"c": (a.astype(np.float64) @ b.astype(np.float64))
                            .astype(np.float16)})


def rowhalf(d):
    """relu(x * s + b) in f16 with per-channel constants of 24 channels: a
    48-byte row, passed to the kernel repeated to a 96-byte period."""
    rng = np.random.default_rng(14)
    x = rng.uniform(-2, 2, [2, 5, 6, 24]).astype(np.float16)
    sc = rng.uniform(-2, 2, [24]).astype(np.float16)
    bi = rng.uniform(-1, 1, [24]).astype(np.float16)
    t = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT16, s)
    nodes = [helper.make_node("Mul", ["x", "s"], ["m"], name="scale"),
             helper.make_node("Add", ["m", "b"], ["a"], name="shift"),
             helper.make_node("Relu", ["a"], ["y"], name="relu")]
    save(d, "rowhalf", nodes, [t("x", [2, 5, 6, 24])], [t("y", [2, 5, 6, 24])],
         [numpy_helper.from_array(sc, "s"), numpy_helper.from_array(bi, "b")])
    m = (x.astype(np.float32) * sc.astype(np.float32)).astype(np.float16)
    a = (m.astype(np.float32) + bi.astype(np.float32)).astype(np.float16)
    write(d, "rowhalf_in", {"x": x})
    write(d, "rowhalf_want", {"y": np.maximum(a, np.float16(0))})


def hswish(d):
    """Paddle's hardswish, x * clip(x + 3, 0, 6) / 6, in f32: compiled with
    --precision mixed it is one kernel that casts to f16 and back."""
    rng = np.random.default_rng(15)
    x = rng.uniform(-5, 5, [3, 1000]).astype(np.float32)
    t = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    c = lambda n, v: numpy_helper.from_array(np.array(v, np.float32), n)
    nodes = [helper.make_node("Add", ["x", "three"], ["a"], name="add"),
             helper.make_node("Clip", ["a", "zero", "six"], ["c"], name="clip"),
             helper.make_node("Mul", ["x", "c"], ["m"], name="mul"),
             helper.make_node("Div", ["m", "six"], ["y"], name="div")]
    save(d, "hswish", nodes, [t("x", [3, 1000])], [t("y", [3, 1000])],
         [c("three", 3), c("zero", 0), c("six", 6)])
    write(d, "hswish_in", {"x": x})
    write(d, "hswish_want", {"y": x * np.clip(x + 3, 0, 6) / 6})


def upsample(d):
    """A ConvTranspose whose windows do not overlap (kernel = strides): a
    matmul on the cube and a block transpose (the pixel shuffle)."""
    rng = np.random.default_rng(9)
    x = rng.uniform(-1, 1, [1, 16, 6, 10]).astype(np.float32)
    w = (rng.standard_normal((16, 8, 2, 2)) / 4).astype(np.float32)
    b = rng.uniform(-1, 1, [8]).astype(np.float32)
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "upsample", [helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], name="up",
                                          kernel_shape=[2, 2], strides=[2, 2])],
         [t("x", [1, 16, 6, 10])], [t("y", [1, 8, 12, 20])],
         [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    x64, w64 = x.astype(np.float64), w.astype(np.float64)
    y = np.zeros([1, 8, 12, 20])
    for i in range(2):
        for j in range(2):
            y[:, :, i::2, j::2] = np.einsum("nchw,cm->nmhw", x64, w64[:, :, i, j])
    y += b.reshape(1, 8, 1, 1)
    write(d, "upsample_in", {"x": x})
    write(d, "upsample_want", {"y": y.astype(np.float32)})


def fpn(d):
    """A feature-pyramid merge: a coarse map upsampled (nearest, 2x) and
    joined with a fine one along the channels, between convs; the layout
    transposes move through the resize and the concat, which run
    channels-last as data-movement kernels."""
    rng = np.random.default_rng(10)
    x = rng.uniform(-1, 1, [1, 8, 6, 10]).astype(np.float32)
    wa = (rng.standard_normal((16, 8, 1, 1)) / 3).astype(np.float32)
    wb = (rng.standard_normal((16, 8, 1, 1)) / 3).astype(np.float32)
    wc = (rng.standard_normal((8, 32, 1, 1)) / 3).astype(np.float32)
    scales = np.array([1, 1, 2, 2], np.float32)
    nodes = [helper.make_node("Conv", ["x", "wa"], ["a"], name="fine"),
             helper.make_node("Conv", ["x", "wb"], ["b"], name="coarse", strides=[2, 2]),
             helper.make_node("Resize", ["b", "", "scales"], ["u"], name="up", mode="nearest",
                              coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
             helper.make_node("Concat", ["a", "u"], ["j"], name="join", axis=1),
             helper.make_node("Conv", ["j", "wc"], ["y"], name="merge")]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "fpn", nodes, [t("x", [1, 8, 6, 10])], [t("y", [1, 8, 6, 10])],
         [numpy_helper.from_array(w, n) for w, n in ((wa, "wa"), (wb, "wb"), (wc, "wc"))] +
         [numpy_helper.from_array(scales, "scales")])
    x64 = x.astype(np.float64)
    a = conv2d(x64, wa.astype(np.float64), None, 1, 0)
    b = conv2d(x64, wb.astype(np.float64), None, 2, 0)
    u = b.repeat(2, axis=2).repeat(2, axis=3)
    y = conv2d(np.concatenate([a, u], axis=1), wc.astype(np.float64), None, 1, 0)
    write(d, "fpn_in", {"x": x})
    write(d, "fpn_want", {"y": y.astype(np.float32)})


def pools(d):
    """Local max and average pools between convs: the layout transposes move
    through them and they run channels-last on the vector unit."""
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, [1, 8, 12, 10]).astype(np.float32)
    w1 = (rng.standard_normal((16, 8, 1, 1)) / 3).astype(np.float32)
    w2 = (rng.standard_normal((8, 16, 1, 1)) / 3).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w1"], ["a"], name="c1"),
             helper.make_node("MaxPool", ["a"], ["m"], name="mp", kernel_shape=[2, 2],
                              strides=[2, 2]),
             helper.make_node("AveragePool", ["m"], ["p"], name="ap", kernel_shape=[3, 3],
                              pads=[1, 1, 1, 1], count_include_pad=1),
             helper.make_node("Conv", ["p", "w2"], ["y"], name="c2")]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "pools", nodes, [t("x", [1, 8, 12, 10])], [t("y", [1, 8, 6, 5])],
         [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    a = conv2d(x.astype(np.float64), w1.astype(np.float64), None, 1, 0)
    m = a.reshape(1, 16, 6, 2, 5, 2).max(axis=(3, 5))
    mp = np.pad(m, ((0, 0), (0, 0), (1, 1), (1, 1)))
    p = sum(mp[:, :, i:i + 6, j:j + 5] for i in range(3) for j in range(3)) / 9
    y = conv2d(p, w2.astype(np.float64), None, 1, 0)
    write(d, "pools_in", {"x": x})
    write(d, "pools_want", {"y": y.astype(np.float32)})


def se(d):
    """A MobileNetV3 block as the PP-OCR classifier has it: a 3x3 depthwise
    conv over 24 channels (in 16 bits a block and a half a pixel, padded
    in UB), a squeeze-excitation scale computed at run time and multiplied
    per channel, and a 2x2 max pool; in bf16 the depthwise conv and the
    pool widen to f32 and the scale comes in as a bf16 row the scalar unit
    widens."""
    rng = np.random.default_rng(21)
    x = rng.uniform(-1, 1, [1, 24, 10, 12]).astype(np.float32)
    wd = (rng.standard_normal((24, 1, 3, 3)) / 3).astype(np.float32)
    bd = (rng.standard_normal(24) / 10).astype(np.float32)
    w1 = (rng.standard_normal((8, 24, 1, 1)) / 4).astype(np.float32)
    b1 = (rng.standard_normal(8) / 10).astype(np.float32)
    w2 = (rng.standard_normal((24, 8, 1, 1)) / 3).astype(np.float32)
    b2 = (rng.standard_normal(24) / 10).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "wd", "bd"], ["d"], name="dw", pads=[1, 1, 1, 1],
                         group=24),
        helper.make_node("Relu", ["d"], ["r"], name="dw_relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["g"], name="squeeze"),
        helper.make_node("Conv", ["g", "w1", "b1"], ["e1"], name="fc1"),
        helper.make_node("Relu", ["e1"], ["e2"], name="fc1_relu"),
        helper.make_node("Conv", ["e2", "w2", "b2"], ["e3"], name="fc2"),
        helper.make_node("HardSigmoid", ["e3"], ["s"], name="gate", alpha=0.2, beta=0.5),
        helper.make_node("Mul", ["r", "s"], ["m"], name="excite"),
        helper.make_node("MaxPool", ["m"], ["y"], name="pool", kernel_shape=[2, 2],
                         strides=[2, 2]),
    ]
    inits = [numpy_helper.from_array(a, n) for a, n in
             [(wd, "wd"), (bd, "bd"), (w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")]]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "se", nodes, [t("x", [1, 24, 10, 12])], [t("y", [1, 24, 5, 6])], inits)
    X, WD, BD, W1, B1, W2, B2 = (v.astype(np.float64) for v in (x, wd, bd, w1, b1, w2, b2))
    r = np.maximum(np.concatenate([conv2d(X[:, i:i + 1], WD[i:i + 1], BD[i:i + 1], 1, 1)
                                   for i in range(24)], axis=1), 0)
    g = r.mean(axis=(2, 3), keepdims=True)
    e = np.maximum(conv2d(g, W1, B1, 1, 0), 0)
    s = np.clip(conv2d(e, W2, B2, 1, 0) * 0.2 + 0.5, 0, 1)
    m = r * s
    y = m.reshape(1, 24, 5, 2, 6, 2).max(axis=(3, 5))
    write(d, "se_in", {"x": x})
    write(d, "se_want", {"y": y.astype(np.float32)})


def grouped(d):
    """A grouped conv (two groups of 16 channels, as ResNeXt-style blocks
    have them) with a ReLU: one cube kernel whose N tiles each read their
    group's channels."""
    rng = np.random.default_rng(22)
    x = rng.uniform(-1, 1, [1, 32, 10, 12]).astype(np.float32)
    w = (rng.standard_normal((32, 16, 3, 3)) / 6).astype(np.float32)
    b = (rng.standard_normal(32) / 10).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["h"], name="gconv", pads=[1, 1, 1, 1],
                              group=2),
             helper.make_node("Relu", ["h"], ["y"], name="gconv_relu")]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "grouped", nodes, [t("x", [1, 32, 10, 12])], [t("y", [1, 32, 10, 12])],
         [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    X, W, B = (v.astype(np.float64) for v in (x, w, b))
    y = np.concatenate([conv2d(X[:, 16 * g:16 * (g + 1)], W[16 * g:16 * (g + 1)],
                               B[16 * g:16 * (g + 1)], 1, 1) for g in range(2)], axis=1)
    write(d, "grouped_in", {"x": x})
    write(d, "grouped_want", {"y": np.maximum(y, 0).astype(np.float32)})


def khead(d):
    """A classifier head of one row over 8192 features, x.W + b then ReLU:
    M x N is one tile, so on a chip with a cheap launch the product splits
    K over the cores and a vector kernel sums the ranges."""
    rng = np.random.default_rng(23)
    x = rng.uniform(-1, 1, [1, 8192]).astype(np.float32)
    w = (rng.standard_normal((8192, 64)) / 64).astype(np.float32)
    b = (rng.standard_normal(64) / 4).astype(np.float32)
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc"),
             helper.make_node("Relu", ["h"], ["y"], name="fc_relu")]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "khead", nodes, [t("x", [1, 8192])], [t("y", [1, 64])],
         [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    y = np.maximum(x.astype(np.float64) @ w.astype(np.float64) + b, 0)
    write(d, "khead_in", {"x": x})
    write(d, "khead_want", {"y": y.astype(np.float32)})


def inorm(d):
    """InstanceNormalization of NCHW activations (as style-transfer nets
    have it) with constant scale and bias: a row kernel over each (n, c)
    row of H x W values, each row scaled by its channel's values."""
    rng = np.random.default_rng(24)
    x = rng.uniform(-2, 2, [2, 6, 12, 20]).astype(np.float32)
    s = rng.uniform(0.5, 1.5, [6]).astype(np.float32)
    b = rng.uniform(-1, 1, [6]).astype(np.float32)
    nodes = [helper.make_node("InstanceNormalization", ["x", "s", "b"], ["y"], name="inorm",
                              epsilon=1e-5)]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "inorm", nodes, [t("x", [2, 6, 12, 20])], [t("y", [2, 6, 12, 20])],
         [numpy_helper.from_array(s, "s"), numpy_helper.from_array(b, "b")])
    X = x.astype(np.float64)
    mean = X.mean(axis=(2, 3), keepdims=True)
    var = ((X - mean) ** 2).mean(axis=(2, 3), keepdims=True)
    y = (X - mean) / np.sqrt(var + 1e-5) * s.reshape(1, 6, 1, 1) + b.reshape(1, 6, 1, 1)
    write(d, "inorm_in", {"x": x})
    write(d, "inorm_want", {"y": y.astype(np.float32)})


def int8(d):
    """Symmetric int8 products on the cube's s8 mode: MatMulInteger's exact
    int32 result, and QLinearMatMul requantized in FixPipe by
    x_scale * w_scale / y_scale (f32, rounded half to even, saturated)."""
    rng = np.random.default_rng(25)
    x = rng.integers(-128, 128, [48, 256]).astype(np.int8)
    w = rng.integers(-128, 128, [256, 96]).astype(np.int8)
    w2 = rng.integers(-128, 128, [256, 64]).astype(np.int8)
    f = lambda n, v: numpy_helper.from_array(np.array(v, np.float32), n)
    z = numpy_helper.from_array(np.array(0, np.int8), "z")
    nodes = [helper.make_node("MatMulInteger", ["x", "w"], ["acc"], name="mmi"),
             helper.make_node("QLinearMatMul", ["x", "xs", "z", "w2", "ws", "z", "ys", "z"],
                              ["q"], name="qmm")]
    i8 = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.INT8, sh)
    save(d, "int8", nodes, [i8("x", [48, 256])],
         [helper.make_tensor_value_info("acc", TensorProto.INT32, [48, 96]), i8("q", [48, 64])],
         [numpy_helper.from_array(w, "w"), numpy_helper.from_array(w2, "w2"), f("xs", 0.02),
          f("ws", 0.01), f("ys", 0.5), z])
    acc = x.astype(np.int64) @ w.astype(np.int64)
    mult = np.float32(np.float32(0.02) * np.float32(0.01)) / np.float32(0.5)
    acc2 = (x.astype(np.int64) @ w2.astype(np.int64)).astype(np.float32)
    q = np.clip(np.rint(acc2 * np.float32(mult)), -128, 127).astype(np.int8)
    write(d, "int8_in", {"x": x})
    write(d, "int8_want", {"acc": acc.astype(np.int32), "q": q})


def quant(d):
    """QuantizeLinear to uint8 and DequantizeLinear back (fake quantization)
    and of an int8 input, per tensor: vector kernels that read and write
    8-bit tensors (x / scale in f32, rounded half to even, saturated)."""
    rng = np.random.default_rng(26)
    x = rng.uniform(-3, 3, [6, 50, 33]).astype(np.float32)
    c = rng.integers(-128, 128, [6, 50, 33]).astype(np.int8)
    f = lambda n, v: numpy_helper.from_array(np.array(v, np.float32), n)
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="quant"),
             helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dequant"),
             helper.make_node("DequantizeLinear", ["c", "cs", "cz"], ["d"], name="dequant_c")]
    t = lambda n, ty: helper.make_tensor_value_info(n, ty, [6, 50, 33])
    save(d, "quant", nodes, [t("x", TensorProto.FLOAT), t("c", TensorProto.INT8)],
         [t("q", TensorProto.UINT8), t("y", TensorProto.FLOAT), t("d", TensorProto.FLOAT)],
         [f("s", 0.02), numpy_helper.from_array(np.array(128, np.uint8), "z"), f("cs", 0.1),
          numpy_helper.from_array(np.array(-3, np.int8), "cz")])
    q = np.clip(np.rint(x / np.float32(0.02)) + 128, 0, 255).astype(np.uint8)
    y = (q.astype(np.float32) - np.float32(128)) * np.float32(0.02)
    dd = (c.astype(np.float32) + np.float32(3)) * np.float32(0.1)
    write(d, "quant_in", {"x": x, "c": c})
    write(d, "quant_want", {"q": q, "y": y.astype(np.float32), "d": dd.astype(np.float32)})


def qdq(d):
    """A QDQ-format conv (as quantization tools export them): the int8
    weights and int32 bias dequantize at compile time (per output channel),
    the activation's QuantizeLinear/DequantizeLinear pair runs as vector
    kernels, the conv on the cube."""
    rng = np.random.default_rng(27)
    x = rng.uniform(-2, 2, [1, 8, 12, 12]).astype(np.float32)
    wq = rng.integers(-127, 128, [16, 8, 3, 3]).astype(np.int8)
    ws = rng.uniform(0.002, 0.01, [16]).astype(np.float32)
    xs = np.float32(0.03)
    bq = rng.integers(-2000, 2000, [16]).astype(np.int32)
    bs = (xs * ws).astype(np.float32)
    arr = numpy_helper.from_array
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="xq"),
             helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"], name="xd"),
             helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="wd", axis=0),
             helper.make_node("DequantizeLinear", ["bq", "bs", "bz"], ["bd"], name="bd", axis=0),
             helper.make_node("Conv", ["xd", "wd", "bd"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["y"], name="relu")]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "qdq", nodes, [t("x", [1, 8, 12, 12])], [t("y", [1, 16, 12, 12])],
         [arr(np.array(xs), "xs"), arr(np.array(0, np.int8), "xz"), arr(wq, "wq"), arr(ws, "ws"),
          arr(np.zeros(16, np.int8), "wz"), arr(bq, "bq"), arr(bs, "bs"),
          arr(np.zeros(16, np.int32), "bz")])
    xd = np.clip(np.rint(x / xs), -128, 127).astype(np.float32) * xs
    wd = wq.astype(np.float32) * ws.reshape(16, 1, 1, 1)
    bd = bq.astype(np.float32) * bs
    y = np.maximum(conv2d(xd.astype(np.float64), wd.astype(np.float64), bd.astype(np.float64),
                          1, 1), 0)
    write(d, "qdq_in", {"x": x})
    write(d, "qdq_want", {"y": y.astype(np.float32)})


def uint8(d):
    """uint8 activations with zero points (onnxruntime's quantized models):
    A shifted to int8 on the vector unit, B minus its zero point packed as
    int8, A's zero point an int32 bias of the s8 cube; QLinearMatMul's
    uint8 result requantized on the vector unit (rounding, zero point), and
    one with a scale per column of B (the tail scales each column)."""
    rng = np.random.default_rng(28)
    x = rng.integers(0, 256, [40, 200]).astype(np.uint8)
    w = rng.integers(1, 256, [200, 48]).astype(np.uint8)  # minus 128: int8
    w2 = rng.integers(-128, 128, [200, 32]).astype(np.int8)
    wsc = rng.uniform(0.005, 0.02, [32]).astype(np.float32)
    arr = numpy_helper.from_array
    f = lambda n, v: arr(np.array(v, np.float32), n)
    nodes = [helper.make_node("MatMulInteger", ["x", "w", "xz", "wz"], ["acc"], name="mmi"),
             helper.make_node("QLinearMatMul", ["x", "xs", "xz", "w2", "ws", "w2z", "ys", "yz"],
                              ["q"], name="qmm"),
             helper.make_node("QLinearMatMul", ["x", "xs", "xz", "w2", "wsc", "w2z", "ys", "yz"],
                              ["qc"], name="qmm_cols")]
    save(d, "uint8", nodes, [helper.make_tensor_value_info("x", TensorProto.UINT8, [40, 200])],
         [helper.make_tensor_value_info("acc", TensorProto.INT32, [40, 48]),
          helper.make_tensor_value_info("q", TensorProto.UINT8, [40, 32]),
          helper.make_tensor_value_info("qc", TensorProto.UINT8, [40, 32])],
         [arr(w, "w"), arr(w2, "w2"), arr(np.array(120, np.uint8), "xz"),
          arr(np.array(128, np.uint8), "wz"), arr(np.array(0, np.int8), "w2z"), f("xs", 0.02),
          f("ws", 0.01), f("ys", 0.4), arr(np.array(128, np.uint8), "yz"), arr(wsc, "wsc")])
    xi = x.astype(np.int64) - 120
    acc = xi @ (w.astype(np.int64) - 128)
    mult = np.float32(np.float32(0.02) * np.float32(0.01)) / np.float32(0.4)
    acc2 = (xi @ w2.astype(np.int64)).astype(np.float32)
    q = np.clip(np.rint(acc2 * np.float32(mult)) + 128, 0, 255).astype(np.uint8)
    multc = (np.float32(0.02) * wsc).astype(np.float32) / np.float32(0.4)
    qc = np.clip(np.rint(acc2 * multc.astype(np.float32)) + 128, 0, 255).astype(np.uint8)
    write(d, "uint8_in", {"x": x})
    write(d, "uint8_want", {"acc": acc.astype(np.int32), "q": q, "qc": qc})


def int_conv_ref(x, w, stride, pad):
    """An integer 2-D convolution (int64, zero padding of the already
    zero-point-shifted input), NCHW."""
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    y = np.zeros([n, m, oh, ow], np.int64)
    for i in range(kh):
        for j in range(kw):
            xs = xp[:, :, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride]
            y += np.einsum("nchw,mc->nmhw", xs, w[:, :, i, j])
    return y


def qconv(d):
    """int8 convolutions on the cube: a QLinearConv of a uint8 image with a
    zero point (shifted to int8 first, padding reading the zero point, its
    uint8 result requantized on the vector unit), one of an int8 input
    requantized to int8 in FixPipe (stride 2, an int32 bias), and a
    ConvInteger of uint8 weights with a zero point (int32 result)."""
    rng = np.random.default_rng(34)
    x = rng.integers(0, 256, [1, 16, 12, 12]).astype(np.uint8)
    w1 = rng.integers(-128, 128, [32, 16, 3, 3]).astype(np.int8)
    x2 = rng.integers(-128, 128, [1, 32, 10, 10]).astype(np.int8)
    w2 = rng.integers(-128, 128, [32, 32, 3, 3]).astype(np.int8)
    b2 = rng.integers(-20000, 20000, [32]).astype(np.int32)
    w3 = rng.integers(0, 198, [32, 16, 3, 3]).astype(np.uint8)  # minus 70: int8
    arr = numpy_helper.from_array
    f = lambda n, v: arr(np.array(v, np.float32), n)
    u8 = lambda n, v: arr(np.array(v, np.uint8), n)
    s8 = lambda n, v: arr(np.array(v, np.int8), n)
    nodes = [helper.make_node("QLinearConv", ["x", "xs", "xz", "w1", "ws", "wz", "ys", "yz"],
                              ["q1"], name="qconv_u8", pads=[1, 1, 1, 1]),
             helper.make_node("QLinearConv",
                              ["x2", "x2s", "x2z", "w2", "ws", "wz", "y2s", "y2z", "b2"], ["q2"],
                              name="qconv_s8", pads=[1, 1, 1, 1], strides=[2, 2]),
             helper.make_node("ConvInteger", ["x", "w3", "xz", "w3z"], ["acc"], name="convint",
                              pads=[1, 1, 1, 1])]
    ti = helper.make_tensor_value_info
    save(d, "qconv", nodes,
         [ti("x", TensorProto.UINT8, [1, 16, 12, 12]), ti("x2", TensorProto.INT8, [1, 32, 10, 10])],
         [ti("q1", TensorProto.UINT8, [1, 32, 12, 12]), ti("q2", TensorProto.INT8, [1, 32, 5, 5]),
          ti("acc", TensorProto.INT32, [1, 32, 12, 12])],
         [arr(w1, "w1"), arr(w2, "w2"), arr(b2, "b2"), arr(w3, "w3"), f("xs", 0.05),
          u8("xz", 120), s8("wz", 0), f("ws", 0.01), f("ys", 0.2), u8("yz", 128),
          f("x2s", 0.03), s8("x2z", -3), f("y2s", 0.5), s8("y2z", 0), u8("w3z", 70)])

    def requant(acc, xs, ws, ys, yz, lo, hi, t):
        mult = np.float32(np.float32(xs) * np.float32(ws)) / np.float32(ys)
        return np.clip(np.rint(acc.astype(np.float32) * mult) + yz, lo, hi).astype(t)

    a1 = int_conv_ref(x.astype(np.int64) - 120, w1.astype(np.int64), 1, 1)
    a2 = int_conv_ref(x2.astype(np.int64) + 3, w2.astype(np.int64), 2, 1) + b2.reshape(1, 32, 1, 1)
    a3 = int_conv_ref(x.astype(np.int64) - 120, w3.astype(np.int64) - 70, 1, 1)
    write(d, "qconv_in", {"x": x, "x2": x2})
    write(d, "qconv_want", {"q1": requant(a1, 0.05, 0.01, 0.2, 128, 0, 255, np.uint8),
                            "q2": requant(a2, 0.03, 0.01, 0.5, 0, -128, 127, np.int8),
                            "acc": a3.astype(np.int32)})


def qdq_int8(d):
    """A QDQ-format model as quantization tools export it (per-tensor
    scales): x quantized to uint8, a conv of int8 weights with an int32
    bias and a ReLU, requantized to uint8 (zero point 0), a second conv
    with per-channel weight scales and bias requantized with a zero point
    (on the vector unit, per channel), and a MatMul of the flattened result
    by int8 weights; every product becomes its int8 op on the cube."""
    rng = np.random.default_rng(35)
    x = rng.uniform(-2, 2, [1, 16, 8, 8]).astype(np.float32)
    w1 = rng.integers(-127, 128, [32, 16, 3, 3]).astype(np.int8)
    b1 = rng.integers(-3000, 3000, [32]).astype(np.int32)
    w2 = rng.integers(-127, 128, [32, 32, 3, 3]).astype(np.int8)
    b2 = rng.integers(-3000, 3000, [32]).astype(np.int32)
    ws2v = rng.uniform(0.001, 0.005, [32]).astype(np.float32)
    w3 = rng.integers(-127, 128, [512, 64]).astype(np.int8)
    xs, ws1, ys1, ws2, ys2, ws3, ys3 = (np.float32(v) for v in
                                        (0.02, 0.004, 0.05, 0.003, 0.06, 0.002, 0.25))
    arr = numpy_helper.from_array
    f = lambda n, v: arr(np.array(v, np.float32), n)
    u8 = lambda n, v: arr(np.array(v, np.uint8), n)
    s8 = lambda n, v: arr(np.array(v, np.int8), n)
    n = helper.make_node
    nodes = [n("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="xq"),
             n("DequantizeLinear", ["xq", "xs", "xz"], ["xd"], name="xd"),
             n("DequantizeLinear", ["w1", "ws1", "wz"], ["w1d"], name="w1d"),
             n("DequantizeLinear", ["b1", "bs1", "bz"], ["b1d"], name="b1d"),
             n("Conv", ["xd", "w1d", "b1d"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             n("Relu", ["c1"], ["r1"], name="relu1"),
             n("QuantizeLinear", ["r1", "ys1", "y1z"], ["q1"], name="q1"),
             n("DequantizeLinear", ["q1", "ys1", "y1z"], ["d1"], name="d1"),
             n("DequantizeLinear", ["w2", "ws2", "wz"], ["w2d"], name="w2d", axis=0),
             n("DequantizeLinear", ["b2", "bs2", "b2z"], ["b2d"], name="b2d", axis=0),
             n("Conv", ["d1", "w2d", "b2d"], ["c2"], name="conv2", pads=[1, 1, 1, 1],
               strides=[2, 2]),
             n("QuantizeLinear", ["c2", "ys2", "y2z"], ["q2"], name="q2"),
             n("DequantizeLinear", ["q2", "ys2", "y2z"], ["d2"], name="d2"),
             n("Reshape", ["d2", "shape"], ["flat"], name="flatten"),
             n("DequantizeLinear", ["w3", "ws3", "wz"], ["w3d"], name="w3d"),
             n("MatMul", ["flat", "w3d"], ["m"], name="fc"),
             n("QuantizeLinear", ["m", "ys3", "y3z"], ["q3"], name="q3"),
             n("DequantizeLinear", ["q3", "ys3", "y3z"], ["y"], name="y")]
    t = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "qdq_int8", nodes, [t("x", [1, 16, 8, 8])], [t("y", [1, 64])],
         [f("xs", xs), u8("xz", 128), arr(w1, "w1"), f("ws1", ws1), s8("wz", 0), arr(b1, "b1"),
          f("bs1", xs * ws1), arr(np.array(0, np.int32), "bz"), f("ys1", ys1), u8("y1z", 0),
          arr(w2, "w2"), arr(ws2v, "ws2"), arr(b2, "b2"), arr(ys1 * ws2v, "bs2"),
          arr(np.zeros(32, np.int32), "b2z"), f("ys2", ys2), u8("y2z", 100),
          arr(np.array([1, 512], np.int64), "shape"), arr(w3, "w3"), f("ws3", ws3),
          f("ys3", ys3), u8("y3z", 110)])

    def quant(v, s, z):
        return np.clip(np.rint(v / np.float64(s)) + z, 0, 255)

    xq = quant(x, xs, 128)
    c1 = conv2d((xq - 128) * np.float64(xs), w1.astype(np.float64) * np.float64(ws1),
                b1.astype(np.float64) * np.float64(xs * ws1), 1, 1)
    q1 = quant(np.maximum(c1, 0), ys1, 0)
    c2 = conv2d(q1 * np.float64(ys1), w2.astype(np.float64) * ws2v.astype(np.float64).reshape(32, 1, 1, 1),
                b2.astype(np.float64) * (ys1 * ws2v).astype(np.float64), 2, 1)
    q2 = quant(c2, ys2, 100)
    m = ((q2 - 100) * np.float64(ys2)).reshape(1, 512) @ (w3.astype(np.float64) * np.float64(ws3))
    y = (quant(m, ys3, 110) - 110) * np.float64(ys3)
    write(d, "qdq_int8_in", {"x": x})
    write(d, "qdq_int8_want", {"y": y.astype(np.float32)})


def embed(d):
    """Embedding lookups (BERT's first ops): a Gather of a constant table by
    run-time int64 token ids (negative ones count from the end), a Gather
    along axis 1 of a run-time tensor by int32 ids, and their sum."""
    rng = np.random.default_rng(29)
    table = rng.standard_normal([500, 48]).astype(np.float32)
    ids = rng.integers(-500, 500, [2, 9]).astype(np.int64)
    h = rng.standard_normal([4, 30, 48]).astype(np.float32)
    pos = rng.integers(0, 30, [9]).astype(np.int32)
    nodes = [helper.make_node("Gather", ["table", "ids"], ["e"], name="lookup"),
             helper.make_node("Gather", ["h", "pos"], ["p"], name="positions", axis=1),
             helper.make_node("Add", ["e", "p2"], ["y"], name="sum"),
             helper.make_node("Slice", ["p", "st", "en"], ["p2"], name="first_two")]
    f32 = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    arr = numpy_helper.from_array
    save(d, "embed", [nodes[0], nodes[1], nodes[3], nodes[2]],
         [helper.make_tensor_value_info("ids", TensorProto.INT64, [2, 9]),
          f32("h", [4, 30, 48]), helper.make_tensor_value_info("pos", TensorProto.INT32, [9])],
         [f32("y", [2, 9, 48]), f32("p", [4, 9, 48])],
         [arr(table, "table"), arr(np.array([0], np.int64), "st"),
          arr(np.array([2], np.int64), "en")])
    e = table[np.where(ids < 0, ids + 500, ids)]
    p = h[:, pos, :]
    write(d, "embed_in", {"ids": ids, "h": h, "pos": pos})
    write(d, "embed_want", {"y": (e + p[:2]).astype(np.float32), "p": p})
    bad = ids.copy()
    bad[1, 4] = 500
    write(d, "embed_bad", {"ids": bad, "h": h, "pos": pos})


def scatter(d):
    """A KV-cache update (ScatterND of new key rows at run-time (batch,
    position) pairs, negative positions counting from the end) and a read
    of those rows back (GatherND) on the NPU, and a ScatterND that adds
    (the host kernel)."""
    rng = np.random.default_rng(33)
    cache = rng.standard_normal([2, 64, 128]).astype(np.float32)
    new = rng.standard_normal([2, 6, 128]).astype(np.float32)
    pos = np.stack([np.stack([np.full(6, b), rng.permutation(64)[:6] - (b * 64)], axis=-1)
                    for b in range(2)]).astype(np.int64)
    acc = rng.standard_normal([10, 4]).astype(np.float32)
    rows = np.array([[3], [7], [3]], np.int64)
    upd = rng.standard_normal([3, 4]).astype(np.float32)
    f32 = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    i64 = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.INT64, sh)
    nodes = [helper.make_node("ScatterND", ["cache", "pos", "new"], ["k"], name="kv_update"),
             helper.make_node("ScatterND", ["acc", "rows", "upd"], ["s"], name="accumulate",
                              reduction="add"),
             helper.make_node("GatherND", ["k", "pos"], ["g"], name="kv_read")]
    save(d, "scatter", nodes,
         [f32("cache", [2, 64, 128]), i64("pos", [2, 6, 2]), f32("new", [2, 6, 128]),
          f32("acc", [10, 4]), i64("rows", [3, 1]), f32("upd", [3, 4])],
         [f32("k", [2, 64, 128]), f32("s", [10, 4]), f32("g", [2, 6, 128])], [], opset=16)
    k = cache.copy()
    for b in range(2):
        for j in range(6):
            k[pos[b, j, 0], pos[b, j, 1]] = new[b, j]
    s = acc.copy()
    for j in range(3):
        s[rows[j, 0]] += upd[j]
    inputs = {"cache": cache, "pos": pos, "new": new, "acc": acc, "rows": rows, "upd": upd}
    write(d, "scatter_in", inputs)
    write(d, "scatter_want", {"k": k, "s": s, "g": new})
    bad = pos.copy()
    bad[1, 2, 1] = 64
    write(d, "scatter_bad", dict(inputs, pos=bad))


def bilinear_ref(x, oh, ow, mode):
    """ONNX Resize linear over the last two axes (float64)."""
    def axis(n_in, n_out):
        out = []
        for i in range(n_out):
            if mode == "align_corners":
                s = 0.0 if n_out == 1 else i * (n_in - 1) / (n_out - 1)
            else:  # half_pixel
                s = (i + 0.5) * n_in / n_out - 0.5
            s = min(max(s, 0.0), n_in - 1)
            lo = int(np.floor(s))
            out.append((lo, min(lo + 1, n_in - 1), s - lo))
        return out
    x = x.astype(np.float64)
    y = np.zeros(x.shape[:-2] + (oh, ow))
    for i, (y0, y1, fy) in enumerate(axis(x.shape[-2], oh)):
        for j, (x0, x1, fx) in enumerate(axis(x.shape[-1], ow)):
            y[..., i, j] = ((1 - fy) * ((1 - fx) * x[..., y0, x0] + fx * x[..., y0, x1]) +
                            fy * ((1 - fx) * x[..., y1, x0] + fx * x[..., y1, x1]))
    return y


def bilinear(d):
    """Linear Resize on the vector unit: a 2x upsampling by scales
    (half_pixel) and a resize to given sizes (align_corners) of NCHW
    tensors, each output row blended from two input rows and vgathered
    columns."""
    rng = np.random.default_rng(30)
    x = rng.standard_normal([1, 3, 20, 24]).astype(np.float32)
    arr = numpy_helper.from_array
    nodes = [helper.make_node("Resize", ["x", "", "scales"], ["up"], name="up2x", mode="linear"),
             helper.make_node("Resize", ["x", "", "", "sizes"], ["down"], name="to_15x17",
                              mode="linear", coordinate_transformation_mode="align_corners")]
    f32 = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "bilinear", nodes, [f32("x", [1, 3, 20, 24])],
         [f32("up", [1, 3, 40, 48]), f32("down", [1, 3, 15, 17])],
         [arr(np.array([1, 1, 2, 2], np.float32), "scales"),
          arr(np.array([1, 3, 15, 17], np.int64), "sizes")])
    write(d, "bilinear_in", {"x": x})
    write(d, "bilinear_want", {"up": bilinear_ref(x, 40, 48, "half_pixel").astype(np.float32),
                               "down": bilinear_ref(x, 15, 17, "align_corners").astype(np.float32)})


def conv_transpose_ref(x, w, b, stride, pads, out_hw, group=1, dil=1):
    """ONNX ConvTranspose by scattering each kernel tap's products."""
    n, c, h, wd = x.shape
    mg, kh, kw = w.shape[1], w.shape[2], w.shape[3]
    m = mg * group
    full = np.zeros([n, m, (h - 1) * stride + dil * (kh - 1) + 1,
                     (wd - 1) * stride + dil * (kw - 1) + 1])
    cg = c // group
    for g in range(group):
        xs = x[:, g * cg:(g + 1) * cg].astype(np.float64)
        ws = w[g * cg:(g + 1) * cg].astype(np.float64)
        for a in range(kh):
            for e in range(kw):
                full[:, g * mg:(g + 1) * mg,
                     a * dil:a * dil + stride * (h - 1) + 1:stride,
                     e * dil:e * dil + stride * (wd - 1) + 1:stride] += \
                    np.einsum("nchw,cm->nmhw", xs, ws[:, :, a, e])
    oh, ow = out_hw
    y = np.zeros([n, m, oh, ow])
    hh, ww = min(oh, full.shape[2] - pads[0]), min(ow, full.shape[3] - pads[1])
    y[:, :, :hh, :ww] = full[:, :, pads[0]:pads[0] + hh, pads[1]:pads[1] + ww]
    return y + b.reshape(1, m, 1, 1)


def deconv(d):
    """ConvTransposes whose windows overlap, as one stride-1 cube conv per
    output phase and concats interleaving the phases: kernel 4 stride 2
    pad 1 (a 2x learned upsampling), kernel 3 stride 2 pad 1 with
    output_padding 1 (phases of 2 and 1 taps), a grouped kernel 5
    stride 3 whose last phase rows are sliced away, and a kernel 5 stride 2
    dilation 3 (phases of taps 3 inputs apart: dilated convs)."""
    rng = np.random.default_rng(31)
    x = rng.standard_normal([1, 16, 10, 12]).astype(np.float32)
    w1 = rng.standard_normal([16, 6, 4, 4]).astype(np.float32) * 0.2
    b1 = rng.standard_normal([6]).astype(np.float32)
    w2 = rng.standard_normal([16, 5, 3, 3]).astype(np.float32) * 0.2
    b2 = rng.standard_normal([5]).astype(np.float32)
    w3 = rng.standard_normal([16, 8, 5, 5]).astype(np.float32) * 0.2
    b3 = rng.standard_normal([16]).astype(np.float32)
    w4 = rng.standard_normal([16, 4, 5, 5]).astype(np.float32) * 0.2
    b4 = rng.standard_normal([4]).astype(np.float32)
    arr = numpy_helper.from_array
    nodes = [helper.make_node("ConvTranspose", ["x", "w1", "b1"], ["y1"], name="up_k4s2",
                              strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("ConvTranspose", ["x", "w2", "b2"], ["y2"], name="up_k3s2",
                              strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]),
             helper.make_node("ConvTranspose", ["x", "w3", "b3"], ["y3"], name="up_k5s3_g2",
                              strides=[3, 3], pads=[1, 2, 1, 2], group=2),
             helper.make_node("ConvTranspose", ["x", "w4", "b4"], ["y4"], name="up_k5s2d3",
                              strides=[2, 2], pads=[2, 2, 3, 3], dilations=[3, 3])]
    f32 = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "deconv", nodes, [f32("x", [1, 16, 10, 12])],
         [f32("y1", [1, 6, 20, 24]), f32("y2", [1, 5, 20, 24]), f32("y3", [1, 16, 30, 34]),
          f32("y4", [1, 4, 26, 30])],
         [arr(w1, "w1"), arr(b1, "b1"), arr(w2, "w2"), arr(b2, "b2"), arr(w3, "w3"),
          arr(b3, "b3"), arr(w4, "w4"), arr(b4, "b4")])
    write(d, "deconv_in", {"x": x})
    write(d, "deconv_want", {
        "y1": conv_transpose_ref(x, w1, b1, 2, [1, 1], (20, 24)).astype(np.float32),
        "y2": conv_transpose_ref(x, w2, b2, 2, [1, 1], (20, 24)).astype(np.float32),
        "y3": conv_transpose_ref(x, w3, b3, 3, [1, 2], (30, 34), group=2).astype(np.float32),
        "y4": conv_transpose_ref(x, w4, b4, 2, [2, 2], (26, 30), dil=3).astype(np.float32)})


def conv3d_ref(x, w, b, strides, pads, dil, group=1):
    """ONNX Conv over three spatial axes (float64); pads = begins then ends."""
    if group > 1:
        cg, mg = x.shape[1] // group, w.shape[0] // group
        return np.concatenate(
            [conv3d_ref(x[:, g * cg:(g + 1) * cg], w[g * mg:(g + 1) * mg],
                        None if b is None else b[g * mg:(g + 1) * mg], strides, pads, dil)
             for g in range(group)], axis=1)
    x = np.pad(x.astype(np.float64), [(0, 0), (0, 0)] + [(pads[i], pads[i + 3]) for i in range(3)])
    w = w.astype(np.float64)
    n, c, d, h, wd = x.shape
    m, _, kd, kh, kw = w.shape
    od = (d - dil[0] * (kd - 1) - 1) // strides[0] + 1
    oh = (h - dil[1] * (kh - 1) - 1) // strides[1] + 1
    ow = (wd - dil[2] * (kw - 1) - 1) // strides[2] + 1
    y = np.zeros([n, m, od, oh, ow])
    for a in range(kd):
        for i in range(kh):
            for j in range(kw):
                xs = x[:, :, a * dil[0]:a * dil[0] + strides[0] * (od - 1) + 1:strides[0],
                       i * dil[1]:i * dil[1] + strides[1] * (oh - 1) + 1:strides[1],
                       j * dil[2]:j * dil[2] + strides[2] * (ow - 1) + 1:strides[2]]
                y += np.einsum("ncdhw,mc->nmdhw", xs, w[:, :, a, i, j])
    return y + (0 if b is None else b.reshape(1, m, 1, 1, 1))


def conv3d(d):
    """3-D convolutions as one 2-D cube conv over depth-stacked channels:
    3 x 3 x 3 with pads and a bias, a depth-strided, depth-dilated
    2 x 3 x 3 one without a bias, and one of two groups (each group's
    2 x 4 stacked channels 32 bytes, as the cube's grouped conv needs)."""
    rng = np.random.default_rng(32)
    x = rng.standard_normal([1, 8, 6, 10, 12]).astype(np.float32)
    w1 = (rng.standard_normal([16, 8, 3, 3, 3]) * 0.2).astype(np.float32)
    b1 = rng.standard_normal([16]).astype(np.float32)
    w2 = (rng.standard_normal([8, 8, 2, 3, 3]) * 0.2).astype(np.float32)
    w3 = (rng.standard_normal([16, 4, 2, 3, 3]) * 0.2).astype(np.float32)
    b3 = rng.standard_normal([16]).astype(np.float32)
    arr = numpy_helper.from_array
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["y1"], name="c333",
                              pads=[1, 1, 1, 1, 1, 1]),
             helper.make_node("Conv", ["x", "w2"], ["y2"], name="c233_s2_d2",
                              strides=[2, 1, 1], dilations=[2, 1, 1], pads=[1, 0, 0, 0, 1, 1]),
             helper.make_node("Conv", ["x", "w3", "b3"], ["y3"], name="c233_g2",
                              pads=[0, 1, 1, 1, 1, 1], group=2)]
    y1 = conv3d_ref(x, w1, b1, [1, 1, 1], [1, 1, 1, 1, 1, 1], [1, 1, 1])
    y2 = conv3d_ref(x, w2, None, [2, 1, 1], [1, 0, 0, 0, 1, 1], [2, 1, 1])
    y3 = conv3d_ref(x, w3, b3, [1, 1, 1], [0, 1, 1, 1, 1, 1], [1, 1, 1], group=2)
    f32 = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    ys = {"y1": y1, "y2": y2, "y3": y3}
    save(d, "conv3d", nodes, [f32("x", [1, 8, 6, 10, 12])],
         [f32(n, list(y.shape)) for n, y in ys.items()],
         [arr(w1, "w1"), arr(b1, "b1"), arr(w2, "w2"), arr(w3, "w3"), arr(b3, "b3")])
    write(d, "conv3d_in", {"x": x})
    write(d, "conv3d_want", {n: y.astype(np.float32) for n, y in ys.items()})


def einsum(d):
    """Einsum has neither an NPU nor a host kernel yet."""
    f32 = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.FLOAT, sh)
    save(d, "einsum", [helper.make_node("Einsum", ["a", "b"], ["y"], name="the_einsum",
                                        equation="ij,jk->ik")],
         [f32("a", [2, 3]), f32("b", [3, 4])], [f32("y", [2, 4])], opset=12)


if __name__ == "__main__":
    globals()[sys.argv[1]](sys.argv[2])
