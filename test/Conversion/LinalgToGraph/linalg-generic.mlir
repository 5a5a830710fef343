// RUN: pagoda-opt %s -pagoda-linalg-to-graph -split-input-file -verify-diagnostics | FileCheck %s
// linalg.generic as torch-mlir emits it: elementwise bodies with broadcast
// and permuted operands, and reductions.

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>

// A bias broadcast over rows, a transposed operand, and a relu written as
// compare + select with a scalar constant.
// CHECK-LABEL: func.func @elementwise
// CHECK-NOT:   linalg.
// CHECK:       %[[B:.*]] = graph.reshape %arg1 : tensor<3xf32> -> tensor<1x3xf32>
// CHECK:       %[[T:.*]] = graph.transpose %arg2 {perm = array<i64: 1, 0>} : tensor<3x2xf32> -> tensor<2x3xf32>
// CHECK:       %[[A:.*]] = graph.add %arg0, %[[B]] : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
// CHECK:       %[[M:.*]] = graph.mul %[[A]], %[[T]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:       %[[Z:.*]] = graph.constant dense<0.000000e+00> : tensor<f32>
// CHECK:       %[[C:.*]] = graph.greater %[[M]], %[[Z]] : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
// CHECK:       %[[R:.*]] = graph.where %[[C]], %[[M]], %[[Z]] : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
// CHECK:       return %[[R]]
func.func @elementwise(%x: tensor<2x3xf32>, %b: tensor<3xf32>, %y: tensor<3x2xf32>) -> tensor<2x3xf32> {
  %e = tensor.empty() : tensor<2x3xf32>
  %zero = arith.constant 0.0 : f32
  %0 = linalg.generic {indexing_maps = [#id2, #row, #tr, #id2], iterator_types = ["parallel", "parallel"]} ins(%x, %b, %y : tensor<2x3xf32>, tensor<3xf32>, tensor<3x2xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %bb: f32, %c: f32, %out: f32):
    %s = arith.addf %a, %bb : f32
    %m = arith.mulf %s, %c : f32
    %p = arith.cmpf ogt, %m, %zero : f32
    %r = arith.select %p, %m, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A broadcast alone (the yielded value does not depend on every loop), and
// math ops.
// CHECK-LABEL: func.func @broadcast
// CHECK:       %[[R:.*]] = graph.reshape %arg0 : tensor<3xf32> -> tensor<1x3xf32>
// CHECK:       %[[S:.*]] = graph.sqrt %[[R]] : tensor<1x3xf32>
// CHECK:       %[[I:.*]] = graph.reciprocal %[[S]] : tensor<1x3xf32>
// CHECK:       graph.expand %[[I]] : tensor<1x3xf32> -> tensor<4x3xf32>
func.func @broadcast(%b: tensor<3xf32>) -> tensor<4x3xf32> {
  %e = tensor.empty() : tensor<4x3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<3xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.rsqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// torch-mlir's sum(dim=1, keepdim=True): a zero fill, the kept unit
// dimension as a constant 0 in the output map.
// CHECK-LABEL: func.func @sum_keepdim
// CHECK:       %[[S:.*]] = graph.reduce_sum %arg0 {axes = array<i64: 1>, keepdims = false} : tensor<2x5xf32> -> tensor<2xf32>
// CHECK:       %[[R:.*]] = graph.reshape %[[S]] : tensor<2xf32> -> tensor<2x1xf32>
// CHECK-NEXT:  return %[[R]]
func.func @sum_keepdim(%x: tensor<2x5xf32>) -> tensor<2x1xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x1xf32>) -> tensor<2x1xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<2x5xf32>) outs(%f : tensor<2x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// A max over the leading dimension into a -inf fill (its identity, so not
// folded in), and a sum of squares into a non-zero init (added).
// CHECK-LABEL: func.func @reductions
// CHECK:       %[[M:.*]] = graph.reduce_max %arg0 {axes = array<i64: 0>, keepdims = false} : tensor<4x3xf32> -> tensor<3xf32>
// CHECK-NOT:   graph.max
// CHECK:       %[[SQ:.*]] = graph.mul %arg0, %arg0
// CHECK:       %[[S:.*]] = graph.reduce_sum %[[SQ]] {axes = array<i64: 0>, keepdims = false} : tensor<4x3xf32> -> tensor<3xf32>
// CHECK:       graph.add %[[S]], %arg1 : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
func.func @reductions(%x: tensor<4x3xf32>, %acc: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<3xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<4x3xf32>) outs(%f : tensor<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %out, %in : f32
    linalg.yield %m : f32
  } -> tensor<3xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<4x3xf32>) outs(%acc : tensor<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %s = arith.addf %sq, %out : f32
    linalg.yield %s : f32
  } -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// fptosi truncates toward zero; the graph's cast rounds to nearest even, so
// the raising picks ceil or floor by sign first.
// CHECK-LABEL: func.func @to_int
// CHECK:       %[[N:.*]] = graph.less %arg0, %{{.*}} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
// CHECK:       %[[U:.*]] = graph.ceil %arg0
// CHECK:       %[[D:.*]] = graph.floor %arg0
// CHECK:       %[[T:.*]] = graph.where %[[N]], %[[U]], %[[D]]
// CHECK:       graph.cast %[[T]] : tensor<4xf32> -> tensor<4xi32>
func.func @to_int(%x: tensor<4xf32>) -> tensor<4xi32> {
  %e = tensor.empty() : tensor<4xi32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xi32>) {
  ^bb0(%in: f32, %out: i32):
    %i = arith.fptosi %in : f32 to i32
    linalg.yield %i : i32
  } -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// What the raising cannot express is named.
func.func @diagonal(%x: tensor<3x3xf32>) -> tensor<3xf32> {
  %e = tensor.empty() : tensor<3xf32>
  // expected-error @+1 {{cannot convert linalg.generic to the graph dialect: an operand indexes one loop twice (a diagonal)}}
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0, d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<3x3xf32>) outs(%e : tensor<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @body_op(%x: tensor<3xf32>) -> tensor<3xf32> {
  %e = tensor.empty() : tensor<3xf32>
  // expected-error @+1 {{cannot convert linalg.generic to the graph dialect: no graph op for math.atan2 in the body}}
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<3xf32>) outs(%e : tensor<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = math.atan2 %in, %in : f32
    linalg.yield %a : f32
  } -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @argmax_like(%x: tensor<3x4xf32>) -> tensor<3xf32> {
  %e = tensor.empty() : tensor<3xf32>
  // expected-error @+1 {{cannot convert linalg.generic to the graph dialect: a reduction body must fold one value into the output with add, mul, max or min}}
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<3x4xf32>) outs(%e : tensor<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.subf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Bitwise integer logic: the graph's and/or/xor are logical (i1).
func.func @bitwise(%x: tensor<3xi32>) -> tensor<3xi32> {
  %e = tensor.empty() : tensor<3xi32>
  // expected-error @+1 {{cannot convert linalg.generic to the graph dialect: no graph op for arith.andi in the body}}
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<3xi32>) outs(%e : tensor<3xi32>) {
  ^bb0(%in: i32, %out: i32):
    %a = arith.andi %in, %in : i32
    linalg.yield %a : i32
  } -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// Unordered comparisons are true on NaN; the graph's are false.
func.func @unordered(%x: tensor<3xf32>) -> tensor<3xi1> {
  %e = tensor.empty() : tensor<3xi1>
  // expected-error @+1 {{cannot convert linalg.generic to the graph dialect: no graph op for arith.cmpf in the body}}
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<3xf32>) outs(%e : tensor<3xi1>) {
  ^bb0(%in: f32, %out: i1):
    %c = arith.cmpf ugt, %in, %in : f32
    linalg.yield %c : i1
  } -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

