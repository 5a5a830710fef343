//===- Passes.td - Passes on the graph dialect -------------*- tablegen -*-===//
#ifndef PAGODA_DIALECT_GRAPH_TRANSFORMS_PASSES_TD
#define PAGODA_DIALECT_GRAPH_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def GraphFoldBatchNorm : Pass<"pagoda-graph-fold-batch-norm"> {
  let summary = "Fold inference BatchNormalization into the conv, gemm or matmul before it";
  let description = [{
    With constant statistics, batch_norm(y) = y * s + t per channel, where
    s = scale / sqrt(var + epsilon) and t = bias - mean * s. When y is a
    graph.conv, graph.gemm or a 2-D-weight graph.matmul with constant weights
    and no other user, s scales the weights' output channels and t becomes
    (part of) the bias, so the normalization costs nothing at run time. Any
    other batch_norm with constant statistics becomes a graph.mul and a
    graph.add by per-channel constants, which later fusion can merge into an
    elementwise chain. The arithmetic runs in double and rounds once to the
    weights' element type.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
}

def GraphFuseLayerNorm : Pass<"pagoda-graph-fuse-layer-norm"> {
  let summary = "Recognize layer normalization exported as its arithmetic";
  let description = [{
    Exporters without a LayerNormalization op (opset < 17) write
    mean = ReduceMean(x, -1); d = x - mean; var = ReduceMean(d ^ 2, -1);
    y = d / sqrt(var + eps) * gamma + beta. This pass matches that chain
    over the last axis (the Pow exponent 2 or d * d, gamma and beta
    optional, both constant) and replaces it with one graph.layer_norm.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
}

def GraphFuse : Pass<"pagoda-graph-fuse"> {
  let summary = "Group ops into the kernels the back end implements as one";
  let description = [{
    Outlines graph.group ops, in this order of preference:
    - attention: matmul -> (scale by a constant) -> softmax -> matmul, each
      intermediate used once;
    - a cube op (conv, conv_transpose, matmul, gemm) with its epilogue: the
      chain of single-use elementwise ops after it (bias and residual adds,
      scaling, activations, clip, casts), kind "<op>_epilogue";
    - elementwise chains: maximal runs of single-use elementwise ops;
    - every other computing op alone, kind = its name.
    Reshapes (views), constants and control flow stay outside groups; the
    bodies of graph.if and graph.loop are fused like the function body.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
}

#endif // PAGODA_DIALECT_GRAPH_TRANSFORMS_PASSES_TD
