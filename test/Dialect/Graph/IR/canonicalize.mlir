// Folds of the graph dialect under -canonicalize.
// RUN: pagoda-opt %s -canonicalize -split-input-file | FileCheck %s

// relu is idempotent.
// CHECK-LABEL: func.func @relu_relu
// CHECK-NEXT: %[[R:.*]] = graph.relu %arg0
// CHECK-NEXT: return %[[R]]
func.func @relu_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = graph.relu %x : tensor<4xf32>
  %1 = graph.relu %0 : tensor<4xf32>
  %2 = graph.relu %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// x + (-0.0) is x for every float, on either side.
// CHECK-LABEL: func.func @add_negative_zero
// CHECK-NEXT: return %arg0
func.func @add_negative_zero(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %z = graph.constant dense<-0.0> : tensor<3xf32>
  %0 = graph.add %z, %x : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// x + (+0.0) is not x when x is -0.0, so it stays.
// CHECK-LABEL: func.func @add_positive_zero
// CHECK: graph.add
func.func @add_positive_zero(%x: tensor<3xf32>) -> tensor<3xf32> {
  %z = graph.constant dense<0.0> : tensor<3xf32>
  %0 = graph.add %x, %z : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Integer zero and one are identities; broadcasting that grows x is not.
// CHECK-LABEL: func.func @integer_identities
// CHECK-NOT: graph.add
// CHECK: %[[M:.*]] = graph.mul %arg1
// CHECK: return %arg0, %[[M]]
func.func @integer_identities(%x: tensor<4xi32>, %y: tensor<1xi32>) -> (tensor<4xi32>, tensor<4xi32>) {
  %zero = graph.constant dense<0> : tensor<4xi32>
  %one = graph.constant dense<1> : tensor<4xi32>
  %0 = graph.add %x, %zero : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = graph.mul %one, %0 : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %2 = graph.mul %y, %one : (tensor<1xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %1, %2 : tensor<4xi32>, tensor<4xi32>
}

// -----

// Identical constants are merged.
// CHECK-LABEL: func.func @dedup_constants
// CHECK-COUNT-1: graph.constant
// CHECK-NOT: graph.constant
func.func @dedup_constants() -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %1 = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// Constants of one shape fold elementwise; broadcasting ones stay.
// CHECK-LABEL: func.func @fold_constants
// CHECK-NEXT: %[[C:.*]] = graph.constant dense<[6.000000e+00, 1.000000e+01]> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fold_constants() -> tensor<2xf32> {
  %a = graph.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = graph.constant dense<[3.0, 5.0]> : tensor<2xf32>
  %s = graph.add %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %m = graph.mul %s, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %d = graph.div %m, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %e = graph.sub %d, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %f = graph.mul %e, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %g = graph.div %f, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %h = graph.add %g, %g : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %i = graph.sub %h, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %j = graph.sub %i, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %h : tensor<2xf32>
}

// -----

// x - 0 and x / 1 are x.
// CHECK-LABEL: func.func @sub_zero_div_one
// CHECK-NEXT: return %arg0
func.func @sub_zero_div_one(%x: tensor<3xf32>) -> tensor<3xf32> {
  %z = graph.constant dense<0.0> : tensor<3xf32>
  %o = graph.constant dense<1.0> : tensor<f32>
  %0 = graph.sub %x, %z : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = graph.div %0, %o : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return %1 : tensor<3xf32>
}

// -----

// Reshape chains collapse; a reshape back to the input's type vanishes.
// CHECK-LABEL: func.func @reshape_chain
// CHECK-NEXT: %[[R:.*]] = graph.reshape %arg0 : tensor<2x3x4xf32> -> tensor<24xf32>
// CHECK-NEXT: return %arg0, %[[R]]
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<24xf32>) {
  %0 = graph.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = graph.reshape %0 : tensor<6x4xf32> -> tensor<2x12xf32>
  %2 = graph.reshape %1 : tensor<2x12xf32> -> tensor<2x3x4xf32>
  %3 = graph.reshape %1 : tensor<2x12xf32> -> tensor<24xf32>
  return %2, %3 : tensor<2x3x4xf32>, tensor<24xf32>
}

// -----

// Transpose pairs compose: inverse pairs vanish, others become one.
// CHECK-LABEL: func.func @transpose_pairs
// CHECK-NEXT: %[[T:.*]] = graph.transpose %arg0 {perm = array<i64: 2, 0, 1>}
// CHECK-NEXT: return %arg0, %[[T]]
func.func @transpose_pairs(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<4x2x3xf32>) {
  %0 = graph.transpose %x {perm = array<i64: 1, 0, 2>} : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %1 = graph.transpose %0 {perm = array<i64: 1, 0, 2>} : tensor<3x2x4xf32> -> tensor<2x3x4xf32>
  %2 = graph.transpose %0 {perm = array<i64: 2, 1, 0>} : tensor<3x2x4xf32> -> tensor<4x2x3xf32>
  return %1, %2 : tensor<2x3x4xf32>, tensor<4x2x3xf32>
}

// -----

// A constant reshapes at compile time.
// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT: graph.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi64>
func.func @reshape_constant() -> tensor<2x2xi64> {
  %c = graph.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %0 = graph.reshape %c : tensor<4xi64> -> tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// -----

// A dequantized constant folds (QDQ weights): float(q - zero point) * scale
// per index along `axis`, in f32.
// CHECK-LABEL: func.func @dequantize_constant
// CHECK-NEXT: graph.constant dense<{{\[\[}}-1.000000e+00, 5.000000e-01], [0.000000e+00, 2.500000e+01]]> : tensor<2x2xf32>
func.func @dequantize_constant() -> tensor<2x2xf32> {
  %q = graph.constant dense<[[-2, 1], [5, 10]]> : tensor<2x2xi8>
  %s = graph.constant dense<[0.5, 5.0]> : tensor<2xf32>
  %z = graph.constant dense<[0, 5]> : tensor<2xi8>
  %0 = graph.dequantize %q, %s, %z {axis = 0 : i64} : (tensor<2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
