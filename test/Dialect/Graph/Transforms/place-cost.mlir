// The placement cost model (ascend-950pr's figures: 20 us per NPU launch,
// 50 GB/s host link with 25 us per copy, host kernels at 5 GFLOP/s and
// 10 GB/s). Each function is placed on its own (-split-input-file).
// RUN: pagoda-opt %s -split-input-file -pagoda-graph-fuse -pagoda-graph-place -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s
// RUN: pagoda-opt %s -split-input-file -pagoda-graph-fuse "-pagoda-graph-place=cost-model=false" -mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=OFF

// A small elementwise op between two host-only ops (cumsum has no NPU
// kernel) would cost a launch and two copies on the NPU: it stays on the host.
// CHECK-LABEL: module attributes {pagoda.placement = {host_groups = 3 : i64, layout_conversions = 0 : i64, modeled_us = 5.070000e+01 : f64, npu_groups = 0 : i64, transfer_bytes = 2048 : i64, transfers = 2 : i64}}
// CHECK: graph.exp
// CHECK: } {placement = "host", placement_reason = "cost model: the model is {{[0-9.]+}} us faster with it on the host (kernel 20.0 us on the NPU, 0.2 us on the host, transfers and layout conversions counted)"}
// OFF-LABEL: module attributes {pagoda.placement = {host_groups = 2 : i64, layout_conversions = 0 : i64, modeled_us = {{.*}}, npu_groups = 1 : i64, transfer_bytes = 4096 : i64, transfers = 4 : i64}}
// OFF: graph.exp
// OFF: } {placement = "npu", placement_reason = "NPU kernel"}
func.func @small(%x: tensor<256xf32>) -> tensor<256xf32> {
  %a = graph.cumsum %x {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<256xf32>) -> tensor<256xf32>
  %e = graph.exp %a : tensor<256xf32>
  %b = graph.cumsum %e {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<256xf32>) -> tensor<256xf32>
  return %b : tensor<256xf32>
}

// -----

// The same op on 4 MiB: the host would stream it at 10 GB/s (~840 us), the
// NPU takes a launch and two 84 us copies: it goes to the NPU.
// CHECK-LABEL: module attributes {pagoda.placement = {host_groups = 2 : i64, layout_conversions = 0 : i64
// CHECK-SAME: npu_groups = 1 : i64
// CHECK: graph.exp
// CHECK: } {placement = "npu", placement_reason = "NPU kernel"}
func.func @large(%x: tensor<1048576xf32>) -> tensor<1048576xf32> {
  %a = graph.cumsum %x {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<1048576xf32>) -> tensor<1048576xf32>
  %e = graph.exp %a : tensor<1048576xf32>
  %b = graph.cumsum %e {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<1048576xf32>) -> tensor<1048576xf32>
  return %b : tensor<1048576xf32>
}

// -----

// Convolutions keep activations in NC1HWC0; elementwise groups and
// epilogues whose inputs arrive in it work in it too, so the only
// conversions are at the model's input (once for both convolutions reading
// it) and output.
// CHECK-LABEL: module attributes {pagoda.placement = {host_groups = 0 : i64, layout_conversions = 2 : i64
// CHECK-SAME: npu_groups = 6 : i64, transfer_bytes = 0 : i64, transfers = 0 : i64}}
func.func @residual(%x: tensor<1x16x32x32xf32>, %w: tensor<16x16x3x3xf32>) -> tensor<1x16x32x32xf32> {
  %c1 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x16x32x32xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x32x32xf32>
  %c2 = graph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x16x32x32xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x32x32xf32>
  %s = graph.add %c1, %c2 : (tensor<1x16x32x32xf32>, tensor<1x16x32x32xf32>) -> tensor<1x16x32x32xf32>
  %m = graph.mul %c1, %c2 : (tensor<1x16x32x32xf32>, tensor<1x16x32x32xf32>) -> tensor<1x16x32x32xf32>
  %c3 = graph.conv %s, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x16x32x32xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x32x32xf32>
  %c4 = graph.conv %m, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x16x32x32xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x32x32xf32>
  %out = graph.add %c3, %c4 : (tensor<1x16x32x32xf32>, tensor<1x16x32x32xf32>) -> tensor<1x16x32x32xf32>
  return %out : tensor<1x16x32x32xf32>
}

// -----

// A tiny matmul between host ops goes to the host too, and like every heavy
// op on the host it gets a warning with the reason.
// CHECK: warning: {{.*}}node 'fc' (matmul) runs on the host: cost model: the model is {{[0-9.]+}} us faster with it on the host
func.func @tiny_matmul(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %a = graph.cumsum %x {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = graph.matmul %a, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> loc("fc")
  %b = graph.cumsum %m {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %b : tensor<4x8xf32>
}

// -----

// With no host work, a model stays whole on the NPU however small: the cost
// model only decides how far host islands reach.
// CHECK-LABEL: module attributes {pagoda.placement = {host_groups = 0 : i64
// CHECK-SAME: npu_groups = 2 : i64
// CHECK-NOT: warning
func.func @tiny(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %m = graph.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %s = graph.softmax %m {axis = 1 : i64} : tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}
