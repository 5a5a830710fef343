// Every rejection of the graph dialect's verifiers.
// RUN: pagoda-opt %s -split-input-file -verify-diagnostics

func.func @broadcast_mismatch(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'graph.add' op operand shapes [4, 3] and [4, 5] do not broadcast}}
  %0 = graph.add %a, %b : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @wrong_result_shape(%a: tensor<4x1xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'graph.mul' op result has shape [4, 4] but the operands imply [4, 3]}}
  %0 = graph.mul %a, %b : (tensor<4x1xf32>, tensor<3xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @mixed_element_types(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{'graph.sub' op requires one element type, got 'f32', 'f16' -> 'f32'}}
  %0 = graph.sub %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @unranked(%a: tensor<*xf32>) {
  // expected-error @+1 {{'graph.relu' op operand #0 must be ranked tensor}}
  %0 = "graph.relu"(%a) : (tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @matmul_k(%a: tensor<8x64xf32>, %b: tensor<32x16xf32>) {
  // expected-error @+1 {{'graph.matmul' op contraction dimensions differ: lhs [8, 64] has K = 64, rhs [32, 16] has K = 32}}
  %0 = graph.matmul %a, %b : (tensor<8x64xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x8x64xf32>, %b: tensor<3x64x16xf32>) {
  // expected-error @+1 {{'graph.matmul' op batch dimensions of [2, 8, 64] and [3, 64, 16] do not broadcast}}
  %0 = graph.matmul %a, %b : (tensor<2x8x64xf32>, tensor<3x64x16xf32>) -> tensor<3x8x16xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<8x64xf32>, %b: tensor<64x16xf32>) {
  // expected-error @+1 {{'graph.matmul' op result has shape [8, 8] but the operands imply [8, 16]}}
  %0 = graph.matmul %a, %b : (tensor<8x64xf32>, tensor<64x16xf32>) -> tensor<8x8xf32>
  return
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<64x16xf32>) {
  // expected-error @+1 {{'graph.matmul' op operands must have rank >= 1}}
  %0 = graph.matmul %a, %b : (tensor<f32>, tensor<64x16xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<16x4x3x3xf32>) {
  // expected-error @+1 {{'graph.conv' op input has 3 channels but weight expects 4 x group 1 = 4}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<16x4x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{'graph.conv' op expects 4 pads (begins then ends), got 2}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1>,
                          dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x8x8xf32>
  return
}

// -----

func.func @conv_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{'graph.conv' op stride 1 must be >= 1, got 0}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 0>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x8x8x8xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error @+1 {{'graph.conv' op output channels 6 are not divisible by group 4}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>, group = 4 : i64}
      : (tensor<1x8x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'graph.conv' op bias has shape [8] but the operands imply [16]}}
  %0 = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                              dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<8xf32>) -> tensor<1x16x6x6xf32>
  return
}

// -----

func.func @conv_kernel_too_big(%x: tensor<1x3x2x2xf32>, %w: tensor<16x3x5x5xf32>) {
  // expected-error @+1 {{'graph.conv' op spatial dimension 0: kernel extent 5 exceeds padded input 2}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x2x2xf32>, tensor<16x3x5x5xf32>) -> tensor<1x16x1x1xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) {
  // expected-error @+1 {{'graph.conv' op result has shape [1, 16, 8, 8] but the operands imply [1, 16, 6, 6]}}
  %0 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x8x8xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<3x8xf32>, %w: tensor<16x3xf32>) {
  // expected-error @+1 {{'graph.conv' op input must have rank >= 3 ([N, C, spatial...]), got rank 2}}
  %0 = graph.conv %x, %w {strides = array<i64>, pads = array<i64>,
                          dilations = array<i64>, group = 1 : i64}
      : (tensor<3x8xf32>, tensor<16x3xf32>) -> tensor<3x16xf32>
  return
}

// -----

func.func @constant_type() {
  // expected-error @+1 {{failed to verify that all of {value, output} have same type}}
  %0 = "graph.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return
}

// -----

func.func @compare_shapes(%a: tensor<4x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'graph.less' op result has shape [4] but the operands imply [4, 3]}}
  %0 = graph.less %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4xi1>
  return
}

// -----

func.func @compare_types(%a: tensor<3xf32>, %b: tensor<3xf16>) {
  // expected-error @+1 {{'graph.equal' op compares different element types 'f32' and 'f16'}}
  %0 = graph.equal %a, %b : (tensor<3xf32>, tensor<3xf16>) -> tensor<3xi1>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.reshape' op reshapes 6 elements [2, 3] into 8 [2, 4]}}
  %0 = graph.reshape %a : tensor<2x3xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @transpose_perm(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.transpose' op perm is not a permutation of [0, 2)}}
  %0 = graph.transpose %a {perm = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.transpose' op result has shape [2, 3] but the operands imply [3, 2]}}
  %0 = graph.transpose %a {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @group_yield_types(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'graph.group' op body must yield the results' types}}
  %0 = graph.group "relu"(%a) : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%x: tensor<2xf32>):
    %c = graph.reduce_sum %x {axes = array<i64: 0>, keepdims = false} : tensor<2xf32> -> tensor<f32>
    graph.yield %c : tensor<f32>
  }
  return %0 : tensor<2xf32>
}

// -----

func.func @if_branch_types(%c: tensor<i1>, %a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'graph.if' op else region yields types that differ from the results}}
  %0 = graph.if %c : tensor<i1> -> (tensor<2xf32>) {
    graph.yield %a : tensor<2xf32>
  } else {
    %s = graph.reduce_sum %a {axes = array<i64: 0>, keepdims = true} : tensor<2xf32> -> tensor<1xf32>
    graph.yield %s : tensor<1xf32>
  }
  return %0 : tensor<2xf32>
}

// -----
// Shape functions of the data movement, normalization, reduction and
// pooling ops.

func.func @concat_sum(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{'graph.concat' op result has shape [2, 8] but the operands imply [2, 7]}}
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @concat_other_dim(%a: tensor<2x3xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+1 {{'graph.concat' op input 1 [5, 4] differs from input 0 [2, 3] in dimension 0 (concatenating along 1)}}
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<5x4xf32>) -> tensor<2x7xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.concat' op axis 2 is out of range for rank 2}}
  %0 = graph.concat %a {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_out_of_bounds(%a: tensor<10xf32>) {
  // expected-error @+1 {{'graph.slice' op dimension 0 reads elements 4 to 10 (step 2) of 10}}
  %0 = graph.slice %a {starts = array<i64: 4>, steps = array<i64: 2>} : tensor<10xf32> -> tensor<4xf32>
  return
}

// -----

func.func @gather_shape(%d: tensor<5x6xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'graph.gather' op result has shape [5, 6] but the operands imply [5, 3]}}
  %0 = graph.gather %d, %i {axis = 1 : i64} : (tensor<5x6xf32>, tensor<3xi64>) -> tensor<5x6xf32>
  return
}

// -----

func.func @expand(%a: tensor<3x2xf32>) {
  // expected-error @+1 {{'graph.expand' op input [3, 2] does not broadcast to [4, 3]}}
  %0 = graph.expand %a : tensor<3x2xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @pad(%a: tensor<3x2xf32>) {
  // expected-error @+1 {{'graph.pad' op result has shape [3, 2] but the operands imply [4, 5]}}
  %0 = graph.pad %a {pads = array<i64: 1, 1, 0, 2>, mode = "constant", value = 0.0 : f64} : tensor<3x2xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<3x2xf32>) {
  // expected-error @+1 {{'graph.softmax' op axis -1 is out of range for rank 2 (axes are normalized to [0, rank))}}
  %0 = graph.softmax %a {axis = -1 : i64} : tensor<3x2xf32>
  return
}

// -----

func.func @batch_norm_channels(%x: tensor<1x4x2x2xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'graph.batch_norm' op scale has shape [3] but the operands imply [4]}}
  %0 = graph.batch_norm %x, %s, %s, %s, %s {epsilon = 1.0e-5 : f64} : (tensor<1x4x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'graph.layer_norm' op scale [4] does not broadcast to the normalized dimensions [8]}}
  %0 = graph.layer_norm %x, %s {axis = 1 : i64, epsilon = 1.0e-5 : f64} : (tensor<2x8xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @reduce_keepdims(%x: tensor<2x8x3xf32>) {
  // expected-error @+1 {{'graph.reduce_sum' op result has shape [2, 3] but the operands imply [2, 1, 3]}}
  %0 = graph.reduce_sum %x {axes = array<i64: 1>, keepdims = true} : tensor<2x8x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_axes_order(%x: tensor<2x8x3xf32>) {
  // expected-error @+1 {{'graph.reduce_max' op axes must be sorted and unique, got [2, 1]}}
  %0 = graph.reduce_max %x {axes = array<i64: 2, 1>, keepdims = false} : tensor<2x8x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @argmax(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'graph.argmax' op result has shape [2, 1] but the operands imply [2]}}
  %0 = graph.argmax %x {axis = 1 : i64, keepdims = false, select_last_index = false} : tensor<2x8xf32> -> tensor<2x1xi64>
  return
}

// -----

func.func @pool_windows(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{'graph.max_pool' op spatial dimension 0 has 5 windows but the operands imply 3 (or 4 with ceil_mode)}}
  %0 = graph.max_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x3x8x8xf32> -> tensor<1x3x5x3xf32>
  return
}

// -----

// Channels-last pools: spatial dims 1..n, the channels last.
func.func @pool_channels_last(%x: tensor<1x8x8x3xf32>) {
  %ok = graph.avg_pool %x {channels_last, count_include_pad = false, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x8x8x3xf32> -> tensor<1x4x4x3xf32>
  // expected-error @+1 {{'graph.max_pool' op spatial dimension 1 has 8 windows but the operands imply 4}}
  %0 = graph.max_pool %x {channels_last, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x8x8x3xf32> -> tensor<1x4x8x3xf32>
  return
}

// -----

func.func @gemm_k(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'graph.gemm' op contraction dimensions differ: A [4, 3] has K = 3, B [4, 5] has K = 4}}
  %0 = graph.gemm %a, %b {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = false} : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @gemm_c(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{'graph.gemm' op C [3] does not broadcast to the result [4, 5]}}
  %0 = graph.gemm %a, %b, %c {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = false} : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<3xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @tile(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'graph.tile' op result has shape [4, 3] but the operands imply [4, 9]}}
  %0 = graph.tile %a {repeats = array<i64: 2, 3>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @depth_to_space(%a: tensor<1x8x2x2xf32>) {
  // expected-error @+1 {{'graph.depth_to_space' op channels 8 are not divisible by blocksize^2 = 9}}
  %0 = graph.depth_to_space %a {blocksize = 3 : i64, mode = "DCR"} : (tensor<1x8x2x2xf32>) -> tensor<1x1x6x6xf32>
  return
}

// -----

func.func @topk(%a: tensor<2x5xf32>) {
  // expected-error @+1 {{'graph.topk' op k = 6 is out of range for dimension 1 of 5}}
  %0, %1 = graph.topk %a {k = 6 : i64, axis = 1 : i64, largest = true, sorted = true} : (tensor<2x5xf32>) -> (tensor<2x6xf32>, tensor<2x6xi64>)
  return
}

// -----

func.func @scatter_nd_updates(%d: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) {
  // expected-error @+1 {{'graph.scatter_nd' op updates has shape [2, 4] but the operands imply [2, 3]}}
  %0 = graph.scatter_nd %d, %i, %u {reduction = "none"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @conv_transpose_shape(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'graph.conv_transpose' op result has shape [1, 2, 10, 10] but the operands imply [1, 2, 11, 11]}}
  %0 = graph.conv_transpose %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, group = 1 : i64} : (tensor<1x4x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return
}

// -----

func.func @depth_to_space_huge_block(%a: tensor<1x4x2x2xf32>) {
  // expected-error @+1 {{'graph.depth_to_space' op blocksize 4294967296 exceeds the 4 channels}}
  %0 = graph.depth_to_space %a {blocksize = 4294967296 : i64, mode = "DCR"} : (tensor<1x4x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @gemm_c_one_error(%a: tensor<1x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4x5xf32>) {
  // expected-error @+1 {{'graph.gemm' op C [4, 5] does not broadcast to the result [1, 5]}}
  %0 = graph.gemm %a, %b, %c {alpha = 1.0 : f64, beta = 1.0 : f64, trans_a = false, trans_b = false} : (tensor<1x3xf32>, tensor<3x5xf32>, tensor<4x5xf32>) -> tensor<1x5xf32>
  return
}

// -----

func.func @slice_overflow(%a: tensor<10xf32>) {
  // expected-error @+1 {{'graph.slice' op dimension 0: start 1 + 3 steps of 4611686018427387904 overflows}}
  %0 = graph.slice %a {starts = array<i64: 1>, steps = array<i64: 4611686018427387904>} : tensor<10xf32> -> tensor<4xf32>
  return
}

// -----

func.func @conv_channels_last_shape(%x: tensor<1x8x8x16xf32>, %w: tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error @+1 {{result}}
  %y = graph.conv %x, %w {channels_last, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x16xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
  return %y : tensor<1x32x8x8xf32>
}

// -----

func.func @dequantize_zero_point_count(%x: tensor<2x3xi8>, %s: tensor<3xf32>, %z: tensor<2xi8>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'graph.dequantize' op zero point [2] has neither one element nor the scale's [3]}}
  %y = graph.dequantize %x, %s, %z {axis = 1 : i64} : (tensor<2x3xi8>, tensor<3xf32>, tensor<2xi8>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @scatter_elements_updates(%d: tensor<4x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x2xf32>) {
  // expected-error @+1 {{'graph.scatter_elements' op updates has shape [2, 2] but the operands imply [2, 3]}}
  %0 = graph.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = "none"} : (tensor<4x3xf32>, tensor<2x3xi64>, tensor<2x2xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @gather_nd_depth(%d: tensor<4x3xf32>, %i: tensor<2x3xi64>) {
  // expected-error @+1 {{'graph.gather_nd' op index depth 3 with batch_dims 0 exceeds data rank 2}}
  %0 = graph.gather_nd %d, %i {batch_dims = 0 : i64} : (tensor<4x3xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return
}
