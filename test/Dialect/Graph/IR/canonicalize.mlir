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
