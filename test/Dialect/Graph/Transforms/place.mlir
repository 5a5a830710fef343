// RUN: pagoda-opt %s -pagoda-graph-fuse "-pagoda-graph-place=cost-model=false" -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s
// RUN: pagoda-opt %s -pagoda-graph-fuse -pagoda-graph-place -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=COST
// RUN: pagoda-opt %s -pagoda-graph-fuse "-pagoda-graph-place=target=ascend-910" -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=C910
// RUN: pagoda-opt %s -pagoda-graph-fuse "-pagoda-graph-place=placement-file=%S/Inputs/placement.json cost-model=false" -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=FILE
// RUN: not pagoda-opt %s -pagoda-graph-fuse "-pagoda-graph-place=placement-file=%S/Inputs/force-npu.json" -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=FORCE

// Without the cost model, on the 950 (f32 cube), everything with an NPU kernel
// goes there; TopK has none.
// CHECK-NOT: warning
// CHECK: graph.group "conv_epilogue"
// CHECK: } {placement = "npu", placement_reason = "NPU kernel"}
// CHECK: graph.group "matmul_epilogue"
// CHECK: } {placement = "npu", placement_reason = "NPU kernel"}
// CHECK: graph.group "topk"
// CHECK: } {placement = "host", placement_reason = "no NPU kernel for topk"}

// The cost model counts every launch: the f32 product with a B computed at
// run time is five kernels (A and B split, B transposed, the cube, the
// sigmoid), 100 us of launch overhead on the 950, so this tiny model runs
// faster on the host, conv included (its result would cross the link).
// COST: warning: {{.*}}node 'body/conv' (conv_epilogue) runs on the host: cost model
// COST: warning: {{.*}}node 'head/fc' (matmul_epilogue) runs on the host: cost model: {{.*}} (kernel 100.0 us on the NPU
// COST: npu_groups = 0

// The 910's cube has no f32: the conv and the matmul go to the host, with warnings.
// C910-DAG: warning: {{.*}}node 'body/conv' (conv_epilogue) runs on the host: the ascend-910 cube has no f32 (conv)
// C910-DAG: warning: {{.*}}node 'head/fc' (matmul_epilogue) runs on the host: the ascend-910 cube has no f32 (matmul)

// The file sends head/* to the host (with a warning for the heavy matmul);
// without the cost model, nothing else moves.
// FILE: warning: {{.*}}node 'head/fc' (matmul_epilogue) runs on the host: placement file rule 'head/*'
// FILE: graph.group "conv_epilogue"
// FILE: } {placement = "npu", placement_reason = "NPU kernel"}
// FILE: graph.group "matmul_epilogue"
// FILE: } {placement = "host", placement_reason = "placement file rule 'head/*'"}

// Asking the NPU for TopK is an error naming the node.
// FORCE: error: {{.*}}placement file asks for the NPU for node 'post/topk' (topk), which cannot run there: no NPU kernel for topk

func.func @model(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %fw: tensor<256x10xf32>) -> (tensor<1x10xf32>, tensor<1x2xf32>, tensor<1x2xi64>) {
  %c = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> loc("body/conv")
  %r = graph.relu %c : tensor<1x4x8x8xf32> loc("body/relu")
  %f = graph.reshape %r : tensor<1x4x8x8xf32> -> tensor<1x256xf32> loc("head/flatten")
  %m = graph.matmul %f, %fw : (tensor<1x256xf32>, tensor<256x10xf32>) -> tensor<1x10xf32> loc("head/fc")
  %s = graph.sigmoid %m : tensor<1x10xf32> loc("head/act")
  %v, %i = graph.topk %s {k = 2 : i64, axis = 1 : i64, largest = true, sorted = true} : (tensor<1x10xf32>) -> (tensor<1x2xf32>, tensor<1x2xi64>) loc("post/topk")
  return %s, %v, %i : tensor<1x10xf32>, tensor<1x2xf32>, tensor<1x2xi64>
}
