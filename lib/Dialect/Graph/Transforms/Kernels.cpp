//===- Kernels.cpp - Kernel groups to code generator descriptions ---------===//
//
// An `elementwise` group's body, op by op, becomes vector operations over
// values that are either whole tensors or one element broadcast (the
// generator holds both as full tiles). Composite ops expand into the vector
// unit's operations (hard_sigmoid, hard_swish, softsign, softplus, clip,
// pow by 2, 0.5, -0.5 or -1); what has no vector form is reported with the
// op's name.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Dialect/Graph/Transforms/Kernels.h"
#include "pagoda/Dialect/Graph/Transforms/KernelLowering.h"

#include "pagoda/Artifact/HostOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace pagoda;
using namespace pagoda::graph;
using codegen::ElementwiseInput;
using codegen::VOp;

namespace {

int64_t numElements(Type t) {
  auto rt = llvm::dyn_cast<RankedTensorType>(t);
  return rt && rt.hasStaticShape() ? rt.getNumElements() : -1;
}

/// The value of a splat (or one-element) float constant.
std::optional<double> splatValue(Value v) {
  auto c = v.getDefiningOp<ConstantOp>();
  if (!c)
    return std::nullopt;
  auto dense = llvm::dyn_cast<DenseElementsAttr>(c.getValue());
  if (!dense || !llvm::isa<FloatType>(dense.getElementType()) || !dense.isSplat())
    return std::nullopt;
  return dense.getSplatValue<APFloat>().convertToDouble();
}

std::string describe(Operation *op) {
  std::string s = op->getName().stripDialect().str();
  if (auto loc = llvm::dyn_cast<NameLoc>(op->getLoc()))
    s += " (node " + loc.getName().str() + ")";
  return s;
}

std::string typeStr(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

/// A value while the kernel is built: an input or an operation's result
/// (numbered once all inputs are known).
struct PV {
  PV() = default;
  PV(bool input, uint32_t index) : input(input), index(index) {}
  bool input = false;
  uint32_t index = 0;
};

/// Builds the kernel.
class KernelBuilder {
public:
  std::optional<LoweredElementwise> run(GroupOp group, std::string &why) {
    Block &body = group.getBody().front();
    if (group->getNumResults() == 0) {
      why = "the group has no results";
      return std::nullopt;
    }
    elements_ = numElements(group->getResult(0).getType());
    Type elt = getElementTypeOrSelf(group->getResult(0).getType());
    if (elt.isF32())
      out_.kernel.type = isa::DType::F32;
    else if (elt.isF16())
      out_.kernel.type = isa::DType::F16;
    else {
      why = typeStr(elt) + " elements: the vector kernels compute f32 and f16";
      return std::nullopt;
    }
    elt_ = elt;
    for (Value r : group->getResults())
      if (numElements(r.getType()) != elements_) {
        why = "results of different sizes";
        return std::nullopt;
      }
    out_.kernel.elements = uint64_t(elements_);

    // Group operands: splat constants fold in, single elements broadcast.
    for (auto [arg, operand] : llvm::zip(body.getArguments(), group->getOperands())) {
      if (arg.use_empty())
        continue;
      if (!checkType(arg.getType(), why, "an input"))
        return std::nullopt;
      if (std::optional<double> v = splatValue(operand)) {
        values_[arg] = immediate(*v);
        continue;
      }
      int64_t n = numElements(arg.getType());
      ElementwiseInput in;
      in.kind = n == 1 && elements_ != 1 ? ElementwiseInput::Kind::Scalar
                                         : ElementwiseInput::Kind::Tensor;
      inputs_.push_back(in);
      out_.operandOf.push_back(int(arg.getArgNumber()));
      values_[arg] = PV{true, uint32_t(inputs_.size() - 1)};
    }

    for (Operation &op : body.without_terminator()) {
      if (!lower(&op, why))
        return std::nullopt;
    }
    // Number the values: inputs first, then operations.
    const uint32_t nin = uint32_t(inputs_.size());
    auto id = [&](PV v) { return v.input ? v.index : nin + v.index; };
    out_.kernel.inputs = inputs_;
    for (const PendingOp &p : ops_)
      out_.kernel.ops.push_back({p.op, id(p.a), id(p.b), p.imm});
    for (Value v : body.getTerminator()->getOperands())
      out_.kernel.outputs.push_back(id(values_.lookup(v)));
    return std::move(out_);
  }

private:
  struct PendingOp {
    VOp op;
    PV a, b;
    double imm;
  };

  bool checkType(Type t, std::string &why, const char *what) {
    if (getElementTypeOrSelf(t) != elt_) {
      why = std::string(what) + " of type " + typeStr(t) + " in a " + typeStr(elt_) + " kernel";
      return false;
    }
    int64_t n = numElements(t);
    if (n != 1 && n != elements_) {
      why = std::string(what) + " of type " + typeStr(t) + " broadcast to the kernel's " +
            std::to_string(elements_) + " elements (only single elements broadcast yet)";
      return false;
    }
    return true;
  }

  PV immediate(double v) {
    for (size_t i = 0; i < inputs_.size(); ++i)
      if (inputs_[i].kind == ElementwiseInput::Kind::Immediate && inputs_[i].imm == v)
        return PV{true, uint32_t(i)};
    inputs_.push_back({ElementwiseInput::Kind::Immediate, v});
    out_.operandOf.push_back(-1);
    return PV{true, uint32_t(inputs_.size() - 1)};
  }

  PV emit(VOp op, PV a, PV b = PV(), double imm = 0) {
    ops_.push_back({op, a, b, imm});
    return PV{false, uint32_t(ops_.size() - 1)};
  }

  bool lower(Operation *op, std::string &why) {
    if (auto c = llvm::dyn_cast<ConstantOp>(op)) {
      std::optional<double> v = splatValue(c);
      if (!v) {
        why = "a non-splat constant inside the group";
        return false;
      }
      values_[c.getResult()] = immediate(*v);
      return true;
    }
    for (Value v : op->getOperands())
      if (!checkType(v.getType(), why, ("an operand of " + describe(op)).c_str()))
        return false;
    for (Value v : op->getResults())
      if (!checkType(v.getType(), why, ("the result of " + describe(op)).c_str()))
        return false;
    auto in = [&](unsigned i) { return values_.lookup(op->getOperand(i)); };
    auto clamp01 = [&](PV x) {
      return emit(VOp::Min, emit(VOp::Max, x, immediate(0)), immediate(1));
    };
    std::optional<PV> result = lowerOp(op, in, clamp01);
    if (!result) {
      why = "no vector form for " + describe(op);
      return false;
    }
    values_[op->getResult(0)] = *result;
    return true;
  }

  /// The vector operations of one op (nullopt: it has none).
  template <typename In, typename Clamp>
  std::optional<PV> lowerOp(Operation *op, In in, Clamp clamp01) {
    static const llvm::StringMap<VOp> simple = {
        {"add", VOp::Add},   {"sub", VOp::Sub},         {"mul", VOp::Mul},        {"div", VOp::Div},
        {"max", VOp::Max},   {"min", VOp::Min},         {"relu", VOp::Relu},      {"exp", VOp::Exp},
        {"log", VOp::Log},   {"sqrt", VOp::Sqrt},       {"abs", VOp::Abs},        {"neg", VOp::Neg},
        {"tanh", VOp::Tanh}, {"sigmoid", VOp::Sigmoid}, {"reciprocal", VOp::Rec},
    };
    auto it = simple.find(op->getName().stripDialect());
    if (it != simple.end())
      return codegen::isBinary(it->second) ? emit(it->second, in(0), in(1))
                                           : emit(it->second, in(0));
    if (auto o = llvm::dyn_cast<LeakyReluOp>(op))
      return emit(VOp::LRelu, in(0), PV(), o.getAlpha().convertToDouble());
    if (auto o = llvm::dyn_cast<ClipOp>(op)) {
      PV x = in(0);
      if (std::optional<APFloat> lo = o.getMin())
        x = emit(VOp::Max, x, immediate(lo->convertToDouble()));
      if (std::optional<APFloat> hi = o.getMax())
        x = emit(VOp::Min, x, immediate(hi->convertToDouble()));
      return x;
    }
    if (auto o = llvm::dyn_cast<HardSigmoidOp>(op)) {
      PV x = emit(VOp::Mul, in(0), immediate(o.getAlpha().convertToDouble()));
      return clamp01(emit(VOp::Add, x, immediate(o.getBeta().convertToDouble())));
    }
    if (llvm::isa<HardSwishOp>(op)) {
      PV x = emit(VOp::Add, emit(VOp::Mul, in(0), immediate(1.0 / 6)), immediate(0.5));
      return emit(VOp::Mul, in(0), clamp01(x));
    }
    if (llvm::isa<SoftsignOp>(op))
      return emit(VOp::Div, in(0), emit(VOp::Add, emit(VOp::Abs, in(0)), immediate(1)));
    if (llvm::isa<SoftplusOp>(op))
      return emit(VOp::Log, emit(VOp::Add, emit(VOp::Exp, in(0)), immediate(1)));
    if (auto o = llvm::dyn_cast<PowOp>(op)) {
      std::optional<double> e = splatValue(o.getRhs());
      if (auto arg = llvm::dyn_cast<BlockArgument>(o.getRhs()); !e && arg)
        e = splatValue(op->getParentOp()->getOperand(arg.getArgNumber()));
      if (!e)
        return std::nullopt;
      if (*e == 2)
        return emit(VOp::Mul, in(0), in(0));
      if (*e == 0.5)
        return emit(VOp::Sqrt, in(0));
      if (*e == -0.5)
        return emit(VOp::Rsqrt, in(0));
      if (*e == -1)
        return emit(VOp::Rec, in(0));
      if (*e == 1)
        return in(0);
    }
    return std::nullopt;
  }

  LoweredElementwise out_;
  Type elt_;
  int64_t elements_ = 0;
  std::vector<ElementwiseInput> inputs_;
  std::vector<PendingOp> ops_;
  llvm::DenseMap<Value, PV> values_;
};

} // namespace

std::optional<LoweredElementwise> pagoda::graph::lowerElementwiseGroup(GroupOp group,
                                                                       std::string &why) {
  std::optional<LoweredElementwise> l = KernelBuilder().run(group, why);
  if (l) {
    l->kernel.name = "elementwise";
    if (SmallVector<std::string> nodes = sourceNodes(group); !nodes.empty())
      l->kernel.name = nodes.front();
  }
  return l;
}

bool pagoda::graph::hasNpuKernel(GroupOp group, std::string &why) {
  if (group.getKind() != "elementwise") {
    why = ("no NPU kernel for " + group.getKind() + " in this build yet").str();
    return false;
  }
  return lowerElementwiseGroup(group, why).has_value();
}

bool pagoda::graph::hasHostKernels(GroupOp group, std::string &why) {
  bool ok = true;
  group.getBody().walk([&](Operation *op) {
    if (!ok || llvm::isa<ConstantOp, YieldOp>(op))
      return;
    if (!artifact::hostKernelFor(op->getName().stripDialect())) {
      why = "no host kernel for " + describe(op);
      ok = false;
    }
  });
  return ok;
}
