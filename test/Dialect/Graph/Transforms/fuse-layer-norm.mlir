// RUN: pagoda-opt %s -pagoda-graph-fuse-layer-norm -canonicalize -split-input-file | FileCheck %s

// The chain exporters write for LayerNormalization before opset 17.
// CHECK-LABEL: func.func @decomposed
// CHECK:      %[[LN:.*]] = graph.layer_norm %arg0, %{{.*}}, %{{.*}} {axis = 2 : i64, epsilon = 9.9999997473787516E-6 : f64}
// CHECK-NEXT: return %[[LN]]
func.func @decomposed(%x: tensor<2x5x8xf32>) -> tensor<2x5x8xf32> {
  %two = graph.constant dense<2.0> : tensor<f32>
  %eps = graph.constant dense<1.0e-5> : tensor<f32>
  %gamma = graph.constant dense<1.5> : tensor<8xf32>
  %beta = graph.constant dense<0.25> : tensor<8xf32>
  %mean = graph.reduce_mean %x {axes = array<i64: 2>, keepdims = true} : tensor<2x5x8xf32> -> tensor<2x5x1xf32>
  %d = graph.sub %x, %mean : (tensor<2x5x8xf32>, tensor<2x5x1xf32>) -> tensor<2x5x8xf32>
  %sq = graph.pow %d, %two : (tensor<2x5x8xf32>, tensor<f32>) -> tensor<2x5x8xf32>
  %var = graph.reduce_mean %sq {axes = array<i64: 2>, keepdims = true} : tensor<2x5x8xf32> -> tensor<2x5x1xf32>
  %ve = graph.add %var, %eps : (tensor<2x5x1xf32>, tensor<f32>) -> tensor<2x5x1xf32>
  %s = graph.sqrt %ve : tensor<2x5x1xf32>
  %n = graph.div %d, %s : (tensor<2x5x8xf32>, tensor<2x5x1xf32>) -> tensor<2x5x8xf32>
  %g = graph.mul %n, %gamma : (tensor<2x5x8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  %y = graph.add %g, %beta : (tensor<2x5x8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
  return %y : tensor<2x5x8xf32>
}

// -----

// d * d for the square, no gamma or beta.
// CHECK-LABEL: func.func @plain
// CHECK:      %[[LN:.*]] = graph.layer_norm %arg0, %{{.*}} {axis = 1 : i64
// CHECK-NEXT: return %[[LN]]
func.func @plain(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %eps = graph.constant dense<1.0e-5> : tensor<f32>
  %mean = graph.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : tensor<4x6xf32> -> tensor<4x1xf32>
  %d = graph.sub %x, %mean : (tensor<4x6xf32>, tensor<4x1xf32>) -> tensor<4x6xf32>
  %sq = graph.mul %d, %d : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
  %var = graph.reduce_mean %sq {axes = array<i64: 1>, keepdims = true} : tensor<4x6xf32> -> tensor<4x1xf32>
  %ve = graph.add %var, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %s = graph.sqrt %ve : tensor<4x1xf32>
  %n = graph.div %d, %s : (tensor<4x6xf32>, tensor<4x1xf32>) -> tensor<4x6xf32>
  return %n : tensor<4x6xf32>
}

// -----

// Normalizing over another axis than the last is not a layer norm: unchanged.
// CHECK-LABEL: func.func @other_axis
// CHECK-NOT: layer_norm
func.func @other_axis(%x: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %eps = graph.constant dense<1.0e-5> : tensor<f32>
  %mean = graph.reduce_mean %x {axes = array<i64: 0>, keepdims = true} : tensor<4x6xf32> -> tensor<1x6xf32>
  %d = graph.sub %x, %mean : (tensor<4x6xf32>, tensor<1x6xf32>) -> tensor<4x6xf32>
  %sq = graph.mul %d, %d : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32>
  %var = graph.reduce_mean %sq {axes = array<i64: 0>, keepdims = true} : tensor<4x6xf32> -> tensor<1x6xf32>
  %ve = graph.add %var, %eps : (tensor<1x6xf32>, tensor<f32>) -> tensor<1x6xf32>
  %s = graph.sqrt %ve : tensor<1x6xf32>
  %n = graph.div %d, %s : (tensor<4x6xf32>, tensor<1x6xf32>) -> tensor<4x6xf32>
  return %n : tensor<4x6xf32>
}
