// A tosa op pagoda has no graph op for.
func.func @f(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = tosa.bitwise_not %x : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
