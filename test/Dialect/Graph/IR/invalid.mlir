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
