// RUN: pagoda-opt %s -pagoda-graph-fuse -split-input-file | FileCheck %s
// RUN: pagoda-opt %s -pagoda-graph-fuse -split-input-file | pagoda-opt -split-input-file > /dev/null

// A matmul with its epilogue: bias add, residual add, activation. Weights are
// inputs; the splat scale is cloned inside.
// CHECK-LABEL: func.func @matmul_epilogue
// CHECK:      %[[G:.*]] = graph.group "matmul_epilogue"(%arg0, %{{.*}}, %arg1)
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x16xf32>, %[[RES:.*]]: tensor<4x16xf32>):
// CHECK-NEXT:   %[[S:.*]] = graph.constant dense<5.000000e-01>
// CHECK-NEXT:   %[[M:.*]] = graph.matmul %[[X]], %[[W]]
// CHECK-NEXT:   %[[A:.*]] = graph.mul %[[M]], %[[S]]
// CHECK-NEXT:   %[[B:.*]] = graph.add %[[A]], %[[RES]]
// CHECK-NEXT:   %[[R:.*]] = graph.gelu %[[B]]
// CHECK-NEXT:   graph.yield %[[R]]
// CHECK:      return %[[G]]
func.func @matmul_epilogue(%x: tensor<4x8xf32>, %res: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = graph.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]> : tensor<8x16xf32>
  %s = graph.constant dense<0.5> : tensor<f32>
  %m = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %a = graph.mul %m, %s : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %b = graph.add %a, %res : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %r = graph.gelu %b {approximate = "none"} : tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// Attention: QK^T, scale, softmax, times V in one group.
// CHECK-LABEL: func.func @attention
// CHECK:      graph.group "attention"(%arg0, %arg1, %arg2)
// CHECK:        graph.matmul
// CHECK-NEXT:   graph.div
// CHECK-NEXT:   graph.softmax
// CHECK-NEXT:   graph.matmul
// CHECK-NEXT:   graph.yield
// CHECK-NOT:  graph.group
func.func @attention(%q: tensor<2x8x16xf32>, %kt: tensor<2x16x8xf32>, %v: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  %scale = graph.constant dense<4.0> : tensor<f32>
  %s = graph.matmul %q, %kt : (tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<2x8x8xf32>
  %d = graph.div %s, %scale : (tensor<2x8x8xf32>, tensor<f32>) -> tensor<2x8x8xf32>
  %p = graph.softmax %d {axis = 2 : i64} : tensor<2x8x8xf32>
  %o = graph.matmul %p, %v : (tensor<2x8x8xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return %o : tensor<2x8x16xf32>
}

// -----

// K's transpose (of the last two axes, used only here) joins the group: the
// cube reads K as B^T. A transpose with another user stays outside.
// CHECK-LABEL: func.func @attention_kt
// CHECK:      graph.group "attention"(%arg1, %arg0, %arg2)
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   graph.transpose
// CHECK-NEXT:   graph.matmul
// CHECK-NEXT:   graph.softmax
// CHECK-NEXT:   graph.matmul
// CHECK:      %[[VT:.*]] = graph.group "transpose"(%arg2)
// CHECK:      graph.group "attention"(%arg0, %[[VT]], %arg2)
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   graph.matmul
func.func @attention_kt(%q: tensor<2x8x16xf32>, %k: tensor<2x8x16xf32>, %v: tensor<2x8x16xf32>) -> (tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<2x16x8xf32>) {
  %kt = graph.transpose %k {perm = array<i64: 0, 2, 1>} : tensor<2x8x16xf32> -> tensor<2x16x8xf32>
  %s = graph.matmul %q, %kt : (tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<2x8x8xf32>
  %p = graph.softmax %s {axis = 2 : i64} : tensor<2x8x8xf32>
  %o = graph.matmul %p, %v : (tensor<2x8x8xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  %vt = graph.transpose %v {perm = array<i64: 0, 2, 1>} : tensor<2x8x16xf32> -> tensor<2x16x8xf32>
  %s2 = graph.matmul %q, %vt : (tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<2x8x8xf32>
  %p2 = graph.softmax %s2 {axis = 2 : i64} : tensor<2x8x8xf32>
  %o2 = graph.matmul %p2, %v : (tensor<2x8x8xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return %o, %o2, %vt : tensor<2x8x16xf32>, tensor<2x8x16xf32>, tensor<2x16x8xf32>
}

// -----

// An elementwise chain stops where a value has two users; a reshape is a
// view and stays outside; other ops form groups of their own.
// CHECK-LABEL: func.func @chains
// CHECK:      %[[E1:.*]] = graph.group "elementwise"(%arg0)
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   graph.exp
// CHECK-NEXT:   graph.neg
// CHECK-NEXT:   graph.yield
// CHECK:      %[[V:.*]] = graph.reshape %[[E1]]
// CHECK:      graph.group "reduce_sum"(%[[V]])
// CHECK:      graph.group "elementwise"(%[[V]])
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   graph.sigmoid
// CHECK-NEXT:   graph.yield
func.func @chains(%x: tensor<2x6xf32>) -> (tensor<3xf32>, tensor<3x4xf32>) {
  %0 = graph.exp %x : tensor<2x6xf32>
  %1 = graph.neg %0 : tensor<2x6xf32>
  %2 = graph.reshape %1 : tensor<2x6xf32> -> tensor<3x4xf32>
  %3 = graph.reduce_sum %2 {axes = array<i64: 1>, keepdims = false} : tensor<3x4xf32> -> tensor<3xf32>
  %4 = graph.sigmoid %2 : tensor<3x4xf32>
  return %3, %4 : tensor<3xf32>, tensor<3x4xf32>
}

// -----

// Branch bodies are fused like function bodies.
// CHECK-LABEL: func.func @in_branches
// CHECK:      graph.if
// CHECK-NEXT:   graph.group "elementwise"
// CHECK:      } else {
// CHECK-NEXT:   graph.group "transpose"
func.func @in_branches(%c: tensor<i1>, %x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %r = graph.if %c : tensor<i1> -> (tensor<4x4xf32>) {
    %a = graph.relu %x : tensor<4x4xf32>
    %b = graph.tanh %a : tensor<4x4xf32>
    graph.yield %b : tensor<4x4xf32>
  } else {
    %t = graph.transpose %x {perm = array<i64: 1, 0>} : tensor<4x4xf32> -> tensor<4x4xf32>
    graph.yield %t : tensor<4x4xf32>
  }
  return %r : tensor<4x4xf32>
}
