// A generic the raising gives up on part-way (its exp is raised before the
// maxnumf is found to have no graph op) leaves no graph ops behind.
// RUN: not pagoda-opt %s -pagoda-linalg-to-graph -mlir-print-ir-after-failure 2>&1 | FileCheck %s
// CHECK:     error: cannot convert linalg.generic to the graph dialect: no graph op for arith.maxnumf in the body
// CHECK:     IR Dump After LinalgToGraph Failed
// CHECK-NOT: graph.
// CHECK:     linalg.generic
// CHECK-NOT: graph.
func.func @nothing_left(%x: tensor<3x4xf32>) -> tensor<4x3xf32> {
  %e = tensor.empty() : tensor<4x3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1, d0)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<3x4xf32>) outs(%e : tensor<4x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = math.exp %in : f32
    %m = arith.maxnumf %a, %in : f32
    linalg.yield %m : f32
  } -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
