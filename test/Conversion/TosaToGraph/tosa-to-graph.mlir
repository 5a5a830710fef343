// RUN: pagoda-opt %s -pagoda-tosa-to-graph -split-input-file -verify-diagnostics | FileCheck %s

// Elementwise ops, constants, clamp, rsqrt, matmul and a reduction.
// CHECK-LABEL: func.func @mlp
// CHECK-NOT:  tosa.
// CHECK:      %[[W:.*]] = graph.constant dense<5.000000e-01> : tensor<1x8x4xf32>
// CHECK:      %[[M:.*]] = graph.matmul %arg0, %[[W]] : (tensor<1x2x8xf32>, tensor<1x8x4xf32>) -> tensor<1x2x4xf32>
// CHECK:      %[[A:.*]] = graph.add %[[M]], %{{.*}} : (tensor<1x2x4xf32>, tensor<1x1x4xf32>) -> tensor<1x2x4xf32>
// CHECK:      %[[C:.*]] = graph.clip %[[A]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
// CHECK:      %[[S:.*]] = graph.sqrt %[[C]]
// CHECK:      %[[R:.*]] = graph.reciprocal %[[S]]
// CHECK:      %[[P:.*]] = graph.mul %[[R]], %[[C]]
// CHECK:      graph.reduce_sum %[[P]] {axes = array<i64: 2>, keepdims = true} : tensor<1x2x4xf32> -> tensor<1x2x1xf32>
func.func @mlp(%x: tensor<1x2x8xf32>) -> tensor<1x2x1xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x8x4xf32>} : () -> tensor<1x8x4xf32>
  %b = "tosa.const"() {values = dense<0.25> : tensor<1x1x4xf32>} : () -> tensor<1x1x4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x2x8xf32>, tensor<1x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x4xf32>
  %a = tosa.add %m, %b : (tensor<1x2x4xf32>, tensor<1x1x4xf32>) -> tensor<1x2x4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %r = tosa.rsqrt %c : (tensor<1x2x4xf32>) -> tensor<1x2x4xf32>
  %p = tosa.mul %r, %c, %shift : (tensor<1x2x4xf32>, tensor<1x2x4xf32>, tensor<1xi8>) -> tensor<1x2x4xf32>
  %s = tosa.reduce_sum %p {axis = 2 : i32} : (tensor<1x2x4xf32>) -> tensor<1x2x1xf32>
  return %s : tensor<1x2x1xf32>
}

// -----

// conv2d and max_pool2d: NHWC activations and OHWI weights transposed to
// NCHW / OIHW around the graph ops; TOSA's [top, bottom, left, right] pads
// become begins then ends.
// CHECK-LABEL: func.func @conv_pool
// CHECK:      %[[X:.*]] = graph.transpose %arg0 {perm = array<i64: 0, 3, 1, 2>} : tensor<1x8x8x3xf32> -> tensor<1x3x8x8xf32>
// CHECK:      %[[W:.*]] = graph.transpose %{{.*}} {perm = array<i64: 0, 3, 1, 2>} : tensor<4x3x3x3xf32> -> tensor<4x3x3x3xf32>
// CHECK:      %[[C:.*]] = graph.conv %[[X]], %[[W]], %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 1, 2, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK:      %[[Y:.*]] = graph.transpose %[[C]] {perm = array<i64: 0, 2, 3, 1>} : tensor<1x4x8x8xf32> -> tensor<1x8x8x4xf32>
// CHECK:      graph.transpose %[[Y]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK:      graph.max_pool {{.*}} {dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
// CHECK:      graph.transpose {{.*}} {perm = array<i64: 0, 2, 3, 1>} : tensor<1x4x4x4xf32> -> tensor<1x4x4x4xf32>
func.func @conv_pool(%x: tensor<1x8x8x3xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<0.1> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 2, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %p = tosa.max_pool2d %c {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// What has no conversion is an error at the op, each one.
func.func @unsupported(%x: tensor<1x4xi32>) -> tensor<1x4xi32> {
  %s = "tosa.const"() {values = dense<1> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-error @+1 {{cannot convert tosa.mul to the graph dialect: a non-zero shift}}
  %0 = tosa.mul %x, %x, %s : (tensor<1x4xi32>, tensor<1x4xi32>, tensor<1xi8>) -> tensor<1x4xi32>
  // expected-error @+1 {{cannot convert tosa.bitwise_not to the graph dialect}}
  %1 = tosa.bitwise_not %0 : (tensor<1x4xi32>) -> tensor<1x4xi32>
  return %1 : tensor<1x4xi32>
}

// -----

// depthwise_conv2d: [KH, KW, C, M] weights become a conv with one group per
// channel, weights [C*M, 1, KH, KW] (output channel c*M + m).
// CHECK-LABEL: func.func @depthwise
// CHECK:       %[[W1:.*]] = graph.reshape %{{.*}} : tensor<3x3x4x2xf32> -> tensor<3x3x8xf32>
// CHECK:       %[[W2:.*]] = graph.transpose %[[W1]] {perm = array<i64: 2, 0, 1>} : tensor<3x3x8xf32> -> tensor<8x3x3xf32>
// CHECK:       %[[W3:.*]] = graph.reshape %[[W2]] : tensor<8x3x3xf32> -> tensor<8x1x3x3xf32>
// CHECK:       graph.conv %{{.*}}, %[[W3]], %{{.*}} {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
func.func @depthwise(%x: tensor<1x8x8x4xf32>) -> tensor<1x4x4x8xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<3x3x4x2xf32>} : () -> tensor<3x3x4x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

// transpose_conv2d: OHWI weights to [IC, OC, KH, KW]; a negative out_pad
// crops like ConvTranspose's pads.
// CHECK-LABEL: func.func @transpose_conv
// CHECK:       graph.conv_transpose %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 1, 0, 0, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x4x4xf32>, tensor<3x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x8x8xf32>
func.func @transpose_conv(%x: tensor<1x4x4x3xf32>) -> tensor<1x8x8x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x3x3x3xf32>} : () -> tensor<2x3x3x3xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: -1, 0, 0, -1>, stride = array<i64: 2, 2>} : (tensor<1x4x4x3xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x2xf32>
  return %y : tensor<1x8x8x2xf32>
}

// -----

// Data movement: slice, reverse, pad (TOSA interleaves begin/end), tile,
// identity, argmax (i32 through the graph's i64), gather.
// CHECK-LABEL: func.func @movement
// CHECK:       %[[S:.*]] = graph.slice %arg0 {starts = array<i64: 1, 2>, steps = array<i64: 1, 1>} : tensor<4x6xf32> -> tensor<2x3xf32>
// CHECK:       %[[R:.*]] = graph.slice %[[S]] {starts = array<i64: 0, 2>, steps = array<i64: 1, -1>} : tensor<2x3xf32> -> tensor<2x3xf32>
// CHECK:       %[[P:.*]] = graph.pad %[[R]] {mode = "constant", pads = array<i64: 1, 3, 2, 4>, value = 5.000000e-01 : f64} : tensor<2x3xf32> -> tensor<5x10xf32>
// CHECK:       %[[T:.*]] = graph.tile %[[P]] {repeats = array<i64: 2, 1>} : (tensor<5x10xf32>) -> tensor<10x10xf32>
// CHECK:       %[[A:.*]] = graph.argmax %[[T]] {axis = 1 : i64, keepdims = false, select_last_index = false} : tensor<10x10xf32> -> tensor<10xi64>
// CHECK:       graph.cast %[[A]] : tensor<10xi64> -> tensor<10xi32>
// CHECK:       %[[I:.*]] = graph.reshape %arg2 : tensor<2x3xi32> -> tensor<2x3x1xi32>
// CHECK:       %[[E:.*]] = graph.expand %[[I]] : tensor<2x3x1xi32> -> tensor<2x3x4xi32>
// CHECK:       graph.gather_elements %arg1, %[[E]] {axis = 1 : i64} : (tensor<2x5x4xf32>, tensor<2x3x4xi32>) -> tensor<2x3x4xf32>
func.func @movement(%x: tensor<4x6xf32>, %v: tensor<2x5x4xf32>, %i: tensor<2x3xi32>) -> (tensor<10x10xf32>, tensor<10xi32>, tensor<2x3x4xf32>) {
  %start = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s = tosa.slice %x, %start, %size : (tensor<4x6xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<2x3xf32>
  %r = tosa.reverse %s {axis = 1 : i32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %padding = tosa.const_shape {values = dense<[1, 2, 3, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %pv = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %p = tosa.pad %r, %padding, %pv : (tensor<2x3xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<5x10xf32>
  %m = tosa.const_shape {values = dense<[2, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %t = tosa.tile %p, %m : (tensor<5x10xf32>, !tosa.shape<2>) -> tensor<10x10xf32>
  %id = tosa.identity %t : (tensor<10x10xf32>) -> tensor<10x10xf32>
  %a = tosa.argmax %id {axis = 1 : i32} : (tensor<10x10xf32>) -> tensor<10xi32>
  %g = tosa.gather %v, %i : (tensor<2x5x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
  return %id, %a, %g : tensor<10x10xf32>, tensor<10xi32>, tensor<2x3x4xf32>
}
