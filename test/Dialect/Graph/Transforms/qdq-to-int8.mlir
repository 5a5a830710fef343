// RUN: pagoda-opt %s -pagoda-graph-qdq-to-int8 -split-input-file | FileCheck %s

// Q(relu(conv(DQ(x), DQ(w), DQ(b)))) with a uint8 result whose zero point
// is 0 (the ReLU is the quantization's saturation): one qlinear_conv of the
// quantized input, weight and int32 bias.
// CHECK-LABEL: func.func @conv
// CHECK:     %[[Y:.*]] = graph.qlinear_conv %arg0, %{{.*}}, %{{.*}}, %[[W:.*]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[B:.*]] {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK-NOT: graph.conv
// CHECK-NOT: graph.relu
// CHECK:     return %[[Y]]
func.func @conv(%xq: tensor<1x4x6x6xui8>) -> tensor<1x8x6x6xui8> {
  %xs = graph.constant dense<0.02> : tensor<f32>
  %xz = graph.constant dense<128> : tensor<ui8>
  %w = graph.constant dense<3> : tensor<8x4x3x3xi8>
  %ws = graph.constant dense<0.5> : tensor<f32>
  %wz = graph.constant dense<0> : tensor<i8>
  %b = graph.constant dense<7> : tensor<8xi32>
  %bs = graph.constant dense<0.01> : tensor<f32>
  %bz = graph.constant dense<0> : tensor<i32>
  %ys = graph.constant dense<0.1> : tensor<f32>
  %yz = graph.constant dense<0> : tensor<ui8>
  %x = graph.dequantize %xq, %xs, %xz {axis = 1 : i64} : (tensor<1x4x6x6xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x4x6x6xf32>
  %wd = graph.dequantize %w, %ws, %wz {axis = 1 : i64} : (tensor<8x4x3x3xi8>, tensor<f32>, tensor<i8>) -> tensor<8x4x3x3xf32>
  %bd = graph.dequantize %b, %bs, %bz {axis = 1 : i64} : (tensor<8xi32>, tensor<f32>, tensor<i32>) -> tensor<8xf32>
  %c = graph.conv %x, %wd, %bd {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32>
  %r = graph.relu %c : tensor<1x8x6x6xf32>
  %y = graph.quantize %r, %ys, %yz {axis = 1 : i64} : (tensor<1x8x6x6xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x8x6x6xui8>
  return %y : tensor<1x8x6x6xui8>
}

// -----

// Left alone: a ReLU before a zero point the type's least value is not
// (Q would not saturate it away), a weight computed at run time, a bias
// whose scale is not xs * ws.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: graph.qlinear_conv
// CHECK-COUNT-3: graph.conv
// CHECK-NOT: graph.qlinear_conv
// CHECK: return
func.func @kept(%xq: tensor<1x4x6x6xi8>, %wr: tensor<8x4x3x3xi8>) -> (tensor<1x8x6x6xi8>, tensor<1x8x6x6xi8>, tensor<1x8x6x6xi8>) {
  %s = graph.constant dense<0.02> : tensor<f32>
  %z = graph.constant dense<0> : tensor<i8>
  %zr = graph.constant dense<-5> : tensor<i8>
  %w = graph.constant dense<3> : tensor<8x4x3x3xi8>
  %b = graph.constant dense<7> : tensor<8xi32>
  %bz = graph.constant dense<0> : tensor<i32>
  %x = graph.dequantize %xq, %s, %z {axis = 1 : i64} : (tensor<1x4x6x6xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4x6x6xf32>
  %wd = graph.dequantize %w, %s, %z {axis = 1 : i64} : (tensor<8x4x3x3xi8>, tensor<f32>, tensor<i8>) -> tensor<8x4x3x3xf32>
  %wrd = graph.dequantize %wr, %s, %z {axis = 1 : i64} : (tensor<8x4x3x3xi8>, tensor<f32>, tensor<i8>) -> tensor<8x4x3x3xf32>
  %bd = graph.dequantize %b, %s, %bz {axis = 1 : i64} : (tensor<8xi32>, tensor<f32>, tensor<i32>) -> tensor<8xf32>
  %c1 = graph.conv %x, %wd {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  %r1 = graph.relu %c1 : tensor<1x8x6x6xf32>
  %y1 = graph.quantize %r1, %s, %zr {axis = 1 : i64} : (tensor<1x8x6x6xf32>, tensor<f32>, tensor<i8>) -> tensor<1x8x6x6xi8>
  %c2 = graph.conv %x, %wrd {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  %y2 = graph.quantize %c2, %s, %z {axis = 1 : i64} : (tensor<1x8x6x6xf32>, tensor<f32>, tensor<i8>) -> tensor<1x8x6x6xi8>
  %c3 = graph.conv %x, %wd, %bd {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<1x8x6x6xf32>
  %y3 = graph.quantize %c3, %s, %z {axis = 1 : i64} : (tensor<1x8x6x6xf32>, tensor<f32>, tensor<i8>) -> tensor<1x8x6x6xi8>
  return %y1, %y2, %y3 : tensor<1x8x6x6xi8>, tensor<1x8x6x6xi8>, tensor<1x8x6x6xi8>
}

// -----

// Per-channel weight scales (axis 0) with the bias scaled per channel by
// xs * ws[c]: a qlinear_conv with the scale vector.
// CHECK-LABEL: func.func @per_channel
// CHECK: graph.qlinear_conv %arg0, {{.*}} : (tensor<1x4x6x6xi8>, tensor<f32>, tensor<i8>, tensor<2x4x1x1xi8>, tensor<2xf32>, tensor<i8>, tensor<f32>, tensor<i8>, tensor<2xi32>)
func.func @per_channel(%xq: tensor<1x4x6x6xi8>) -> tensor<1x2x6x6xi8> {
  %xs = graph.constant dense<0.5> : tensor<f32>
  %z = graph.constant dense<0> : tensor<i8>
  %w = graph.constant dense<3> : tensor<2x4x1x1xi8>
  %ws = graph.constant dense<[0.25, 0.125]> : tensor<2xf32>
  %b = graph.constant dense<7> : tensor<2xi32>
  %bs = graph.constant dense<[0.125, 0.0625]> : tensor<2xf32>
  %bz = graph.constant dense<0> : tensor<2xi32>
  %x = graph.dequantize %xq, %xs, %z {axis = 1 : i64} : (tensor<1x4x6x6xi8>, tensor<f32>, tensor<i8>) -> tensor<1x4x6x6xf32>
  %wd = graph.dequantize %w, %ws, %z {axis = 0 : i64} : (tensor<2x4x1x1xi8>, tensor<2xf32>, tensor<i8>) -> tensor<2x4x1x1xf32>
  %bd = graph.dequantize %b, %bs, %bz {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  %c = graph.conv %x, %wd, %bd {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<2x4x1x1xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
  %y = graph.quantize %c, %xs, %z {axis = 1 : i64} : (tensor<1x2x6x6xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2x6x6xi8>
  return %y : tensor<1x2x6x6xi8>
}

// -----

// Q(matmul(reshape(DQ(a)), DQ(b))): the reshape moves onto the quantized
// tensor, the product becomes a qlinear_matmul.
// CHECK-LABEL: func.func @matmul
// CHECK:     %[[R:.*]] = graph.reshape %arg0 : tensor<1x8x2x2xui8> -> tensor<1x32xui8>
// CHECK:     %[[Y:.*]] = graph.qlinear_matmul %[[R]],
// CHECK-NOT: graph.matmul
// CHECK:     return %[[Y]]
func.func @matmul(%aq: tensor<1x8x2x2xui8>) -> tensor<1x16xi8> {
  %as = graph.constant dense<0.02> : tensor<f32>
  %az = graph.constant dense<100> : tensor<ui8>
  %b = graph.constant dense<3> : tensor<32x16xi8>
  %bs = graph.constant dense<0.5> : tensor<f32>
  %bz = graph.constant dense<0> : tensor<i8>
  %ys = graph.constant dense<0.1> : tensor<f32>
  %a = graph.dequantize %aq, %as, %az {axis = 1 : i64} : (tensor<1x8x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x8x2x2xf32>
  %flat = graph.reshape %a : tensor<1x8x2x2xf32> -> tensor<1x32xf32>
  %bd = graph.dequantize %b, %bs, %bz {axis = 1 : i64} : (tensor<32x16xi8>, tensor<f32>, tensor<i8>) -> tensor<32x16xf32>
  %m = graph.matmul %flat, %bd : (tensor<1x32xf32>, tensor<32x16xf32>) -> tensor<1x16xf32>
  %y = graph.quantize %m, %ys, %bz {axis = 1 : i64} : (tensor<1x16xf32>, tensor<f32>, tensor<i8>) -> tensor<1x16xi8>
  return %y : tensor<1x16xi8>
}

// -----

// A depthwise QDQ conv stays float: the s8 cube kernel does not cover one
// input channel per group (int8ConvKernelProblem says why), and the float
// conv keeps the vector unit's depthwise kernel.
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: graph.qlinear_conv
// CHECK: graph.conv
// CHECK-NOT: graph.qlinear_conv
// CHECK: return
func.func @depthwise(%xq: tensor<1x8x6x6xi8>) -> tensor<1x8x6x6xi8> {
  %s = graph.constant dense<0.02> : tensor<f32>
  %z = graph.constant dense<0> : tensor<i8>
  %w = graph.constant dense<3> : tensor<8x1x3x3xi8>
  %x = graph.dequantize %xq, %s, %z {axis = 1 : i64} : (tensor<1x8x6x6xi8>, tensor<f32>, tensor<i8>) -> tensor<1x8x6x6xf32>
  %wd = graph.dequantize %w, %s, %z {axis = 1 : i64} : (tensor<8x1x3x3xi8>, tensor<f32>, tensor<i8>) -> tensor<8x1x3x3xf32>
  %c = graph.conv %x, %wd {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  %y = graph.quantize %c, %s, %z {axis = 1 : i64} : (tensor<1x8x6x6xf32>, tensor<f32>, tensor<i8>) -> tensor<1x8x6x6xi8>
  return %y : tensor<1x8x6x6xi8>
}
