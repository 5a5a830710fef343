// RUN: pagoda-opt %s -pagoda-graph-fold-batch-norm -canonicalize -split-input-file | FileCheck %s

// conv -> batch_norm: filters scaled per output channel, shift in the bias.
// gamma = [2, 6], var = [4, 9], eps 0: scale = gamma / sqrt(var) = [1, 2];
// shift = beta - mean * scale = [1 - 1, 0 - 2 * 2] = [0, -4];
// W' = W * scale = [1, 4]; b' = b * scale + shift = [0.5, 0].
// CHECK-LABEL: func.func @conv_bn
// CHECK-DAG:  %[[W:.*]] = graph.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG:  %[[B:.*]] = graph.constant dense<[5.000000e-01, 0.000000e+00]> : tensor<2xf32>
// CHECK:      %[[C:.*]] = graph.conv %arg0, %[[W]], %[[B]]
// CHECK-NEXT: return %[[C]]
func.func @conv_bn(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = graph.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %b = graph.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %gamma = graph.constant dense<[2.0, 6.0]> : tensor<2xf32>
  %beta = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[4.0, 9.0]> : tensor<2xf32>
  %c = graph.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = graph.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// gemm (transB) -> batch_norm: B's rows scaled, C' = C * beta * scale + shift.
// CHECK-LABEL: func.func @gemm_bn
// CHECK-DAG: %[[B:.*]] = graph.constant dense<{{\[\[}}1.000000e+00, 1.000000e+00], [4.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = graph.constant dense<[1.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK:     graph.gemm %arg0, %[[B]], %[[C]] {alpha = 1.000000e+00 : f64, beta = 1.000000e+00 : f64, trans_a = false, trans_b = true}
// CHECK-NOT: batch_norm
func.func @gemm_bn(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %b = graph.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %c = graph.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %gamma = graph.constant dense<[2.0, 6.0]> : tensor<2xf32>
  %beta = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[4.0, 9.0]> : tensor<2xf32>
  %g = graph.gemm %x, %b, %c {alpha = 1.0 : f64, beta = 2.0 : f64, trans_a = false, trans_b = true} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %y = graph.batch_norm %g, %gamma, %beta, %mean, %var {epsilon = 0.0 : f64} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// A batch_norm with nothing to fold into becomes x * scale + shift per channel.
// CHECK-LABEL: func.func @bn_alone
// CHECK-DAG: %[[S:.*]] = graph.constant dense<{{\[\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK-DAG: %[[T:.*]] = graph.constant dense<{{\[\[\[}}0.000000e+00]], {{\[\[}}-4.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK:     %[[M:.*]] = graph.mul %arg0, %[[S]]
// CHECK:     graph.add %[[M]], %[[T]]
func.func @bn_alone(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %gamma = graph.constant dense<[2.0, 6.0]> : tensor<2xf32>
  %beta = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[4.0, 9.0]> : tensor<2xf32>
  %y = graph.batch_norm %x, %gamma, %beta, %mean, %var {epsilon = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A conv with a second user keeps its own output: the batch_norm decomposes.
// CHECK-LABEL: func.func @conv_shared
// CHECK: graph.conv
// CHECK: graph.mul
// CHECK: graph.add
func.func @conv_shared(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = graph.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %gamma = graph.constant dense<[2.0, 6.0]> : tensor<2xf32>
  %beta = graph.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = graph.constant dense<[4.0, 9.0]> : tensor<2xf32>
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = graph.batch_norm %c, %gamma, %beta, %mean, %var {epsilon = 0.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
