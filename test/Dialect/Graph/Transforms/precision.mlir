// RUN: pagoda-opt %s -pagoda-graph-precision=mode=fp16 | FileCheck %s --check-prefix=FP16
// RUN: pagoda-opt %s -pagoda-graph-precision=mode=mixed | FileCheck %s --check-prefix=MIXED
// RUN: pagoda-opt %s '-pagoda-graph-precision=mode=bf16 keep-dtype=fc*' | FileCheck %s --check-prefix=KEEP
// RUN: pagoda-opt %s -pagoda-graph-precision | FileCheck %s --check-prefix=FP32
// RUN: not pagoda-opt %s -pagoda-graph-precision=mode=fp8 2>&1 | FileCheck %s --check-prefix=BAD

// The interface stays f32; inside, f32 becomes f16 (constants rounded),
// integer tensors are left alone.
// FP16-LABEL: func.func @mlp(%arg0: tensor<2x4xf32>, %arg1: tensor<2xi64>) -> (tensor<2x3xf32>, tensor<2xi64>)
// FP16:      %[[X:.*]] = graph.cast %arg0 : tensor<2x4xf32> -> tensor<2x4xf16>
// FP16:      %[[W:.*]] = graph.constant dense<9.997550e-02> : tensor<4x3xf16>
// FP16:      %[[M:.*]] = graph.matmul %[[X]], %[[W]] : (tensor<2x4xf16>, tensor<4x3xf16>) -> tensor<2x3xf16>
// FP16:      %[[S:.*]] = graph.softmax %[[M]] {axis = 1 : i64} : tensor<2x3xf16>
// FP16:      %[[Y:.*]] = graph.cast %[[S]] : tensor<2x3xf16> -> tensor<2x3xf32>
// FP16:      return %[[Y]], %arg1
// Mixed: the softmax, a model output, computes in f32 between casts, and
// the output is its f32 result (not rounded to f16 and back).
// MIXED-LABEL: func.func @mlp
// MIXED:      graph.matmul {{.*}} -> tensor<2x3xf16>
// MIXED-NEXT: %[[UP:.*]] = graph.cast %{{.*}} : tensor<2x3xf16> -> tensor<2x3xf32>
// MIXED-NEXT: %[[S:.*]] = graph.softmax %[[UP]] {axis = 1 : i64} : tensor<2x3xf32>
// MIXED:      return %[[S]], %arg1
// keep-dtype: the matmul of node fc stays f32, the rest is bf16.
// KEEP:      graph.matmul {{.*}} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
// KEEP:      graph.softmax {{.*}} : tensor<2x3xbf16>
// FP32-NOT:  f16
// BAD: precision mode 'fp8' (expected fp32, fp16, bf16 or mixed)
func.func @mlp(%x: tensor<2x4xf32>, %n: tensor<2xi64>) -> (tensor<2x3xf32>, tensor<2xi64>) {
  %w = graph.constant dense<0.1> : tensor<4x3xf32>
  %m = graph.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("fc")
  %s = graph.softmax %m {axis = 1 : i64} : tensor<2x3xf32>
  return %s, %n : tensor<2x3xf32>, tensor<2xi64>
}

// Mixed: a division by one constant >= 1 (hardswish's / 6) stays 16-bit; by
// a small constant or a computed value it computes in f32, the constant with
// its f32 value (0.1, not its f16 rounding cast back).
// MIXED-LABEL: func.func @divisions
// MIXED:      graph.div %{{.*}}, %{{.*}} : (tensor<4xf16>, tensor<f16>) -> tensor<4xf16>
// MIXED:      %[[TENTH:.*]] = graph.constant dense<1.000000e-01> : tensor<f32>
// MIXED-NEXT: graph.div %{{.*}}, %[[TENTH]] : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
// MIXED:      graph.div %{{.*}}, %{{.*}} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
func.func @divisions(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %six = graph.constant dense<6.0> : tensor<f32>
  %half = graph.constant dense<0.1> : tensor<f32>
  %a = graph.div %x, %six : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %b = graph.div %x, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %c = graph.div %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a, %b, %c : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// Mixed: a softmax that only 16-bit ops read (attention's probabilities
// times V) keeps f16 storage: its kernels compute in f32 (the row kernel)
// or double (the host) and round once, as the casts would.
// MIXED-LABEL: func.func @probabilities
// MIXED:      %[[P:.*]] = graph.softmax %{{.*}} {axis = 1 : i64} : tensor<3x3xf16>
// MIXED-NEXT: graph.matmul %[[P]], %{{.*}} : (tensor<3x3xf16>, tensor<3x3xf16>) -> tensor<3x3xf16>
func.func @probabilities(%s: tensor<3x3xf32>, %v: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %p = graph.softmax %s {axis = 1 : i64} : tensor<3x3xf32>
  %o = graph.matmul %p, %v : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  return %o : tensor<3x3xf32>
}
