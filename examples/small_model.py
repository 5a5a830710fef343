"""Writes the quick start's model: a two-layer perceptron with a
sigmoid-gated activation and a softmax head, built with python3-onnx and
seeded weights (nothing downloaded, nothing committed but this script).

Usage: python3 examples/small_model.py OUT.onnx [BATCH]
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

batch = int(sys.argv[2]) if len(sys.argv) > 2 else 64
rng = np.random.default_rng(0)
w1 = (rng.standard_normal((256, 1024)) / 16).astype(np.float32)
b1 = (rng.standard_normal(1024) / 10).astype(np.float32)
w2 = (rng.standard_normal((1024, 10)) / 32).astype(np.float32)
b2 = np.zeros(10, np.float32)
nodes = [
    helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
    helper.make_node("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
    # x * sigmoid(1.702 x): the sigmoid approximation of GELU, one vector kernel.
    helper.make_node("Mul", ["h1", "k"], ["h2"], name="gate_scale"),
    helper.make_node("Sigmoid", ["h2"], ["h3"], name="gate"),
    helper.make_node("Mul", ["h1", "h3"], ["h4"], name="gated"),
    helper.make_node("MatMul", ["h4", "w2"], ["l0"], name="fc2"),
    helper.make_node("Add", ["l0", "b2"], ["logits"], name="fc2_bias"),
    helper.make_node("Softmax", ["logits"], ["prob"], name="softmax", axis=-1),
]
inits = [numpy_helper.from_array(a, n) for a, n in
         [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"), (np.array(1.702, np.float32), "k")]]
graph = helper.make_graph(
    nodes, "small_mlp",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 256])],
    [helper.make_tensor_value_info("prob", TensorProto.FLOAT, [batch, 10])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
