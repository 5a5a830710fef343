// A small conv block at the graph level, as an importer would produce it
// (with the redundancies exporters leave behind). The quick start runs
//   pagoda-opt examples/conv-relu.mlir -canonicalize -cse
// which removes the duplicate relu, the -0.0 add and the repeated weights.
func.func @conv_block(%x: tensor<1x3x32x32xf32>) -> tensor<1x16x16x16xf32> {
  %w = graph.constant dense<0.5> : tensor<16x3x3x3xf32>
  %b = graph.constant dense<0.1> : tensor<16xf32>
  %y = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>,
                              dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x16x16xf32>
  %r = graph.relu %y : tensor<1x16x16x16xf32>
  %r2 = graph.relu %r : tensor<1x16x16x16xf32>
  %z = graph.constant dense<-0.0> : tensor<16x1x1xf32>
  %s = graph.add %r2, %z : (tensor<1x16x16x16xf32>, tensor<16x1x1xf32>) -> tensor<1x16x16x16xf32>
  %w2 = graph.constant dense<0.5> : tensor<16x3x3x3xf32>
  return %s : tensor<1x16x16x16xf32>
}
