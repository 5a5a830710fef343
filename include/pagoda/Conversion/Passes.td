//===- Passes.td - Conversions between levels --------------*- tablegen -*-===//
#ifndef PAGODA_CONVERSION_PASSES_TD
#define PAGODA_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def TosaToGraph : Pass<"pagoda-tosa-to-graph"> {
  let summary = "Raise TOSA (as TensorFlow and torch-mlir emit it) to the graph dialect";
  let description = [{
    Converts each tosa op to the graph op with the same meaning: elementwise
    arithmetic, comparisons, logic and activations (TOSA's equal-rank
    broadcasting is numpy's); constants; reshape, transpose, concat, cast,
    select; matmul (batched, zero points 0); the reductions (TOSA keeps the
    reduced axis); conv2d and the 2-D pools, whose NHWC activations and OHWI
    weights are transposed to the graph dialect's NCHW/OIHW around the op.
    Every tosa op it cannot convert is reported, all at once, with its
    location.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
}

def LinalgToGraph : Pass<"pagoda-linalg-to-graph"> {
  let summary = "Raise linalg named ops on tensors (torch-mlir's output) to the graph dialect";
  let description = [{
    Converts the named elementwise ops, transpose, matmul and batch_matmul
    (default indexing maps), conv_2d_nchw_fchw and conv_2d_nhwc_hwcf,
    pooling_nchw_max and pooling_nchw_sum, with their destination operands:
    an init that is not the op's identity is added to the result. Also
    arith.constant tensors, linalg.fill of a constant, tensor.pad with a
    constant value, and collapse/expand_shape. linalg.generic and the rest
    are reported, every one, with its location.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
}

#endif // PAGODA_CONVERSION_PASSES_TD
