// RUN: pagoda-opt %s -split-input-file -pagoda-graph-fuse -pagoda-graph-plan-hbm | FileCheck %s
// RUN: not pagoda-opt %s -split-input-file -pagoda-graph-fuse "-pagoda-graph-plan-hbm=target=ascend-910" 2>&1 | FileCheck %s --check-prefix=SMALL

// A chain of 1 MiB tensors: two are live at a time, the second exp writes
// over the cumsum result that dies there, and the model output has its own
// buffer.
// CHECK-LABEL: module attributes {pagoda.hbm = {alignment = 512 : i64, arena_bytes = 2097152 : i64, in_place = 1 : i64, io_bytes = 2097152 : i64, lower_bound_bytes = 2097152 : i64, weight_bytes = 0 : i64}}
// CHECK:       graph.group "elementwise"(%arg0)
// CHECK:       } {hbm_offsets = array<i64: 0>}
// CHECK:       graph.group "cumsum"
// CHECK:       } {hbm_offsets = array<i64: 1048576>}
// CHECK:       graph.group "elementwise"
// CHECK:       } {hbm_offsets = array<i64: 1048576>}
// CHECK:       graph.group "cumsum"
// CHECK:       } {hbm_offsets = array<i64: -1>}
func.func @chain(%x: tensor<262144xf32>) -> tensor<262144xf32> {
  %a = graph.exp %x : tensor<262144xf32>
  %b = graph.cumsum %a {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<262144xf32>) -> tensor<262144xf32>
  %c = graph.exp %b : tensor<262144xf32>
  %d = graph.cumsum %c {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<262144xf32>) -> tensor<262144xf32>
  return %d : tensor<262144xf32>
}

// -----

// A tensor read inside a loop body stays live until the loop ends, as do
// the loop's iteration number, condition and carried value; here every
// buffer is live at the loop's end, so the arena is the lower bound.
// CHECK-LABEL: module attributes {pagoda.hbm = {alignment = 512 : i64, arena_bytes = 17408 : i64, in_place = 1 : i64, io_bytes = 8201 : i64, lower_bound_bytes = 17408 : i64, weight_bytes = 0 : i64}}
// CHECK:       graph.group "elementwise"(%arg0)
// CHECK:       } {hbm_offsets = array<i64: 0>}
// CHECK:       graph.loop
// CHECK:         graph.group "cumsum"
// CHECK:         } {hbm_offsets = array<i64: 8192>}
// CHECK:         graph.group "elementwise"
// CHECK:         } {hbm_offsets = array<i64: 8192>}
// CHECK:       } {hbm_offsets = array<i64: 12288>, num_scan_outputs = 0 : i64}
func.func @loop(%x: tensor<1024xf32>, %m: tensor<i64>, %c: tensor<i1>) -> tensor<1024xf32> {
  %v = graph.exp %x : tensor<1024xf32>
  %r = graph.loop max_trip %m : tensor<i64> cond %c : tensor<i1> inits(%x : tensor<1024xf32>) -> (tensor<1024xf32>) {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %acc: tensor<1024xf32>):
    %t = graph.cumsum %acc {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<1024xf32>) -> tensor<1024xf32>
    %s = graph.add %t, %v : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
    graph.yield %ci, %s : tensor<i1>, tensor<1024xf32>
  } {num_scan_outputs = 0 : i64}
  %out = graph.cumsum %r {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<1024xf32>) -> tensor<1024xf32>
  return %out : tensor<1024xf32>
}

// -----

// Weights, activations, inputs and outputs beyond the chip's HBM: an error
// naming what is needed and what there is (the 950PR's 128 GiB hold it).
// CHECK-LABEL: module attributes {pagoda.hbm = {alignment = 512 : i64, arena_bytes = 34359738368 : i64
// SMALL: error: the model needs 103079215104 bytes (96.00 GiB) of HBM (weights 0 bytes, activations 34359738368 bytes (32.00 GiB), inputs and outputs 68719476736 bytes (64.00 GiB)) but ascend-910 has 34359738368 bytes (32.00 GiB)
func.func @huge(%x: tensor<8589934592xf32>) -> tensor<8589934592xf32> {
  %a = graph.exp %x : tensor<8589934592xf32>
  %b = graph.cumsum %a {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<8589934592xf32>) -> tensor<8589934592xf32>
  return %b : tensor<8589934592xf32>
}
