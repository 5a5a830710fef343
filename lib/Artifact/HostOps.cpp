//===- HostOps.cpp - The host kernels a plan may call ---------------------===//

#include "pagoda/Artifact/HostOps.h"

#include <algorithm>

namespace pagoda::artifact {

const std::vector<std::pair<std::string_view, std::string_view>> &hostOps() {
  static const std::vector<std::pair<std::string_view, std::string_view>> ops = {
      {"abs", "Abs"},
      {"acos", "Acos"},
      {"acosh", "Acosh"},
      {"add", "Add"},
      {"and", "And"},
      {"asin", "Asin"},
      {"asinh", "Asinh"},
      {"atan", "Atan"},
      {"atanh", "Atanh"},
      {"cast", "Cast"},
      {"ceil", "Ceil"},
      {"celu", "Celu"},
      {"clip", "Clip"},
      {"concat", "Concat"},
      {"cos", "Cos"},
      {"cosh", "Cosh"},
      {"div", "Div"},
      {"elu", "Elu"},
      {"equal", "Equal"},
      {"erf", "Erf"},
      {"exp", "Exp"},
      {"floor", "Floor"},
      {"gelu", "Gelu"},
      {"gemm", "Gemm"},
      {"greater", "Greater"},
      {"greater_equal", "GreaterOrEqual"},
      {"hard_sigmoid", "HardSigmoid"},
      {"hard_swish", "HardSwish"},
      {"identity", "Identity"},
      {"is_inf", "IsInf"},
      {"is_nan", "IsNaN"},
      {"leaky_relu", "LeakyRelu"},
      {"less", "Less"},
      {"less_equal", "LessOrEqual"},
      {"log", "Log"},
      {"log_softmax", "LogSoftmax"},
      {"matmul", "MatMul"},
      {"max", "Max"},
      {"min", "Min"},
      {"mul", "Mul"},
      {"neg", "Neg"},
      {"not", "Not"},
      {"or", "Or"},
      {"pow", "Pow"},
      {"reciprocal", "Reciprocal"},
      {"reduce_max", "ReduceMax"},
      {"reduce_mean", "ReduceMean"},
      {"reduce_min", "ReduceMin"},
      {"reduce_sum", "ReduceSum"},
      {"relu", "Relu"},
      {"reshape", "Reshape"},
      {"round", "Round"},
      {"selu", "Selu"},
      {"shrink", "Shrink"},
      {"sigmoid", "Sigmoid"},
      {"sign", "Sign"},
      {"sin", "Sin"},
      {"sinh", "Sinh"},
      {"slice", "Slice"},
      {"softmax", "Softmax"},
      {"softplus", "Softplus"},
      {"softsign", "Softsign"},
      {"sqrt", "Sqrt"},
      {"sub", "Sub"},
      {"tan", "Tan"},
      {"tanh", "Tanh"},
      {"thresholded_relu", "ThresholdedRelu"},
      {"transpose", "Transpose"},
      {"where", "Where"},
      {"xor", "Xor"},
  };
  return ops;
}

std::optional<std::string_view> hostKernelFor(std::string_view graphOp) {
  const auto &ops = hostOps();
  auto it = std::lower_bound(ops.begin(), ops.end(), graphOp,
                             [](const auto &e, std::string_view n) { return e.first < n; });
  if (it == ops.end() || it->first != graphOp)
    return std::nullopt;
  return it->second;
}

} // namespace pagoda::artifact
