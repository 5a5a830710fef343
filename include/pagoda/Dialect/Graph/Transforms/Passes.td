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

def GraphFuseSoftmax : Pass<"pagoda-graph-fuse-softmax"> {
  let summary = "Recognize softmax exported as its arithmetic";
  let description = [{
    torch-mlir (through linalg) and older TensorFlow exporters write
    m = max(x, axis); e = exp(x - m); y = e / sum(e, axis). This pass matches
    that chain (each reduction keeping its axis by keepdims or by a reshape,
    every intermediate used only inside the chain) and replaces it with one
    graph.softmax. The unstable form without the max is left alone.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
}

def GraphQdqToInt8 : Pass<"pagoda-graph-qdq-to-int8"> {
  let summary = "QDQ-format convolutions and matmuls as their int8 ops";
  let description = [{
    Quantization tools export int8 models in QDQ form: each quantized op
    reads DequantizeLinear outputs and feeds a QuantizeLinear, in float.
    When the pattern is complete the op is its integer form exactly:
      Q(conv(DQ(xq), DQ(wq), DQ(bq)), ys, yz)
        = qlinear_conv(xq, xs, xz, wq, ws, wz, ys, yz, bq)
      Q(matmul(DQ(aq), DQ(bq)), ys, yz)
        = qlinear_matmul(aq, as, az, bq, bs, bz, ys, yz)
    (integer accumulation instead of f32: exact, one rounding). The pass
    rewrites the patterns whose int8 forms the target's cube kernels cover
    (a conv: int8ConvKernelProblem finds nothing; B minus its zero point
    within int8 for a matmul): 8-bit
    quantized tensors, one constant scale and zero point each (per-tensor;
    a conv weight's may be one per output channel), a constant weight (B),
    a conv bias dequantized from int32 with scale xs * ws and zero point 0;
    a reshape between A's DQ and the matmul moves before the DQ
    (per-tensor, they commute). A ReLU between the op and Q is dropped when
    the zero point is the least value of the result type (Q saturates
    there). Runs before the canonicalizer folds the weights' DequantizeLinear.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"ascend-950pr\"",
           "Preset name or path of a target JSON file">,
  ];
}

def GraphConvTransposeAsMatmul : Pass<"pagoda-graph-conv-transpose-as-matmul"> {
  let summary = "A 2-D ConvTranspose as a matmul and a pixel shuffle, or as one conv per phase";
  let description = [{
    With kernel = strides, no pads, dilations or output padding and one
    group, every input pixel writes its own kh x kw block of the output:
    Y = pixel_shuffle(X_nhwc . W'), W' [C, kh*kw*M] the weight reordered at
    compile time (and the bias repeated kh*kw times). The rewrite is
    transpose(x) to NHWC, reshape to rows, matmul (+ bias row), reshape to
    [N*H, W, kh, kw*M], transpose [0, 2, 1, 3] (whole blocks move),
    reshape to [N, H*kh, W*kw, M] and transpose back to NCHW; the layout
    transposes then cancel with their neighbours' (sink-transposes). The
    detector of PP-OCR upsamples this way.

    Any other 2-D ConvTranspose (windows that overlap, pads, output
    padding, groups, dilations) becomes one stride-1 conv per output phase:
    output o = s*q + a (o + pad = i*s + k*d) collects the taps k for which
    s divides a + pad - k*d, tap k reading input i = q + (a + pad - k*d)/s.
    Those taps are s/gcd(d, s) apart and their inputs d/gcd(d, s) apart, so
    the phase is a correlation of the input with the taps flipped (largest
    k first), dilation d/gcd(d, s), padded before by -(a + pad - k0*d)/s
    for the first tap k0. The phases (channels-last) are
    interleaved by concats and reshapes, sliced when the last phase is
    short, and transposed back to NCHW.
  }];
}

def GraphConv3dAsConv2d : Pass<"pagoda-graph-conv3d-as-conv2d"> {
  let summary = "A 3-D convolution as one 2-D convolution over depth-stacked channels";
  let description = [{
    The cube's convolution is 2-D (load3d walks one feature map). A 3-D
    conv (constant weight) sums, for each output plane od, the
    2-D convs of input planes od*sd + kd*dd - pd with the weight's plane kd;
    stacking those KD planes along the channels makes it one 2-D conv with
    KD*C input channels over N*OD images:
      transpose x to [N, D, H, W, C]; pad the depth with zero planes (a
      concat of constants); slice each kd's planes (start kd*dd, step sd,
      OD of them); concat the slices along the channels; reshape to
      [N*OD, H, W, KD*C] and transpose to NCHW; conv2d with
      W'[m][kd*C + c][i][j] = w[m][c][kd][i][j] (and the bias); reshape to
      [N, OD, M, OH, OW] and transpose to [N, M, OD, OH, OW].
    With G groups the slices are reshaped to [..., G, C/G] and concatenated
    along the last axis, so the stacked channels are [g][kd][c] (each
    group's KD*C/G channels contiguous), W'[m][kd*C/G + c] and the 2-D conv
    has G groups; only when each group's stacked channels and outputs are
    whole `dma.min_align_bytes` units in the current element type (what the
    grouped cube conv reads and writes), else the 3-D conv stays (host).
    The layout transposes then cancel with the conv's own (conv-layout,
    sink-transposes). The stacked input is KD times the input's size.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"ascend-950pr\"",
           "Preset name or path of a target JSON file (a grouped conv's stacked "
           "channels must be whole DMA units)">,
  ];
}

def GraphSinkTransposes : Pass<"pagoda-graph-sink-transposes"> {
  let summary = "Move layout transposes through elementwise ops so that pairs cancel";
  let description = [{
    Models converted from NHWC frameworks (TOSA, TensorFlow exports) put a
    transpose before and after every convolution and pooling, and
    -pagoda-graph-conv-layout does the same around the convolutions it makes
    channels-last; the elementwise ops between them then separate transposes
    that would otherwise cancel. An elementwise op commutes with a transpose
    of its operands, op(transpose(x), ...) = transpose(op(x, ...)), when
    every other operand is a transpose by the same permutation or reads the
    same in the original layout after a reshape (splat and per-channel
    constants, values like [N, C, 1, 1]). Global pools of a transposed input
    become reductions, and keepdims reductions move through the transpose.
    A transpose with a user that does not commute with it is not sunk (that
    would duplicate it). Sinking lets the transpose folders cancel inverse
    pairs.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
}

def GraphPrecision : Pass<"pagoda-graph-precision", "::mlir::ModuleOp"> {
  let summary = "Compute in 16-bit floats where the precision mode says";
  let description = [{
    `mode=fp32` (the default) changes nothing. `fp16` and `bf16` turn every
    f32 tensor inside the model's functions into that type (constants
    rounded to nearest even), so cube work runs in 16 bits with f32
    accumulation (the cube kernels accumulate in L0C as f32 whatever the
    input) and vector work in 16 bits; the model's inputs and results keep
    their f32 types through casts at the boundary. `mixed` is fp16 except
    for the ops whose accuracy depends on a wide accumulator or range
    (softmax, log_softmax, layer/instance/batch normalization, reductions,
    exp, log, pow, div): they compute in f32 between casts. `keep-dtype`
    globs (over node names) keep matching ops in f32 in any mode.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"fp32\"",
           "fp32, fp16, bf16 or mixed">,
    ListOption<"keepDtype", "keep-dtype", "std::string",
               "Node-name globs whose ops stay in f32">,
  ];
}

def GraphConvLayout : Pass<"pagoda-graph-conv-layout"> {
  let summary = "Make the convolutions the cube kernels cover channels-last";
  let description = [{
    The cube's data movers read channels-last activations into the
    feature-map layout load3d needs and FixPipe writes channels-last, so
    the generated conv kernels take [N, H, W, C]; so do the depthwise
    kernels of the vector unit (channels are its lanes). This pass rewrites
    each graph.conv the target's kernels cover (1-D or 2-D, grouped or not,
    in f32/f16/bf16, or 2-D depthwise; constant weight; a tiling that
    fits), and each conv_integer and qlinear_conv the s8 cube kernel covers
    (int8ConvKernelProblem), to
    transpose -> conv {channels_last} -> transpose; run
    -pagoda-graph-sink-transposes after it so that the transposes between
    consecutive convolutions cancel.
  }];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"ascend-950pr\"",
           "Preset name or path of a target JSON file">,
  ];
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

def GraphPlace : Pass<"pagoda-graph-place"> {
  let summary = "Place each kernel group on the NPU or the host";
  let description = [{
    Sets `placement = "npu" | "host"` and `placement_reason` on every
    graph.group (run -pagoda-graph-fuse first). A group goes to the host
    when the NPU back end has no kernel for its kind, or when its element
    types are not the target's: a cube group needs a cube type the target
    lists (f16, bf16, f32, int8, ...), a vector group no f64 or i64
    arithmetic. A placement file overrides by node name:

    ```json
    {"rules": [ {"node": "/backbone/*", "placement": "host"} ] }
    ```

    The first rule whose glob matches the location name of any op of the
    group wins; asking for the NPU for a group it cannot run is an error
    naming the node.

    The other groups start on the NPU when it can run them; then a cost
    model (docs/graph-passes.md) moves one group at a time to the side that
    lowers the modeled time of the whole model: NPU kernels as rooflines plus
    launch overhead, host kernels at the target's host rates, each tensor
    that crosses the host link, and each NC1HWC0 <-> ND layout conversion
    its placement needs. The totals are set on the pass's root op as
    `pagoda.placement`. Every heavy group (conv, matmul, gemm, attention,
    einsum, recurrent) left on the host gets a warning with the reason.
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"ascend-950pr\"",
           "Preset name or path of a target JSON file">,
    Option<"placementFile", "placement-file", "std::string", /*default=*/"\"\"",
           "JSON file of placement rules by node name glob">,
    Option<"costModel", "cost-model", "bool", /*default=*/"true",
           "Move groups to the side that lowers the modeled time (false: the NPU "
           "runs everything it can)">,
    Option<"kernels", "kernels", "std::string", /*default=*/"\"all\"",
           "Which groups the NPU can run: all (every group kind the NPU has a "
           "kernel class for: plan for the target) or implemented (only what "
           "this build's code generators produce: what `pagoda compile` uses)">
  ];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
}

def GraphPlanHBM : Pass<"pagoda-graph-plan-hbm"> {
  let summary = "Place activations in one HBM arena by liveness";
  let description = [{
    Run after -pagoda-graph-fuse (and -pagoda-graph-place). Every tensor a
    graph.group, graph.if or graph.loop produces gets an offset in the
    activation arena (`hbm_offsets`, one per result; -1 for a model output,
    which has its own buffer), aligned to the target's full-rate DMA
    alignment. Tensors whose lifetimes (group steps in program order; a
    control-flow op spans its regions) do not overlap share memory, placed
    greedily by size; an elementwise group writes in place over an input
    that dies there with its size. The root op gets `pagoda.hbm`:
    arena_bytes, lower_bound_bytes (the largest total of simultaneously live
    tensors), weight_bytes, io_bytes, in_place, alignment. A model whose
    weights, activations, inputs and outputs exceed the target's HBM is an
    error naming the bytes needed and available.
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"ascend-950pr\"",
           "Preset name or path of a target JSON file">
  ];
  let dependentDialects = ["::pagoda::graph::GraphDialect"];
}

#endif // PAGODA_DIALECT_GRAPH_TRANSFORMS_PASSES_TD
