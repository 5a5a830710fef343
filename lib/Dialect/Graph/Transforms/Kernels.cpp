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
#include "pagoda/Dialect/Graph/Transforms/CostModel.h"
#include "pagoda/Dialect/Graph/Transforms/KernelLowering.h"

#include "pagoda/Artifact/HostOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace pagoda;
using namespace pagoda::graph;
using codegen::ElementwiseInput;
using codegen::VOp;

namespace {

/// A float tensor type the kernels read and write (f32, f16, bf16: also
/// the cube's input types).
std::optional<isa::DType> floatTensorType(Type elt) {
  if (elt.isF32())
    return isa::DType::F32;
  if (elt.isF16())
    return isa::DType::F16;
  if (elt.isBF16())
    return isa::DType::BF16;
  return std::nullopt;
}

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

/// A value while the kernel is built: an input or an operation's result
/// (numbered once all inputs are known).
struct PV {
  PV() = default;
  PV(bool input, uint32_t index) : input(input), index(index) {}
  bool input = false;
  uint32_t index = 0;
};

DenseElementsAttr constantOf(Value v, GroupOp group);
std::optional<double> splatNumber(Value v, GroupOp group);

/// The 8-bit integer types of quantized tensors (int8 signless, uint8).
std::optional<isa::DType> int8Type(Type elt) {
  if (elt.isSignlessInteger(8))
    return isa::DType::S8;
  if (elt.isUnsignedInteger(8))
    return isa::DType::U8;
  return std::nullopt;
}

/// An integer element as int64 (unsigned types zero-extended).
int64_t intElement(const APInt &v, IntegerType type) {
  return type.isUnsigned() ? int64_t(v.getZExtValue()) : v.getSExtValue();
}

/// Builds the kernel.
class KernelBuilder {
public:
  /// The whole group, or (with `head`) the ops from `tailStart` on, with
  /// `head` as the kernel's first input.
  std::optional<LoweredElementwise> run(GroupOp group, std::string &why, Value head = Value(),
                                        Operation *tailStart = nullptr) {
    Block &body = group.getBody().front();
    auto inTail = [&](Operation *op) { return !tailStart || !op->isBeforeInBlock(tailStart); };
    if (group->getNumResults() == 0) {
      why = "the group has no results";
      return std::nullopt;
    }
    elements_ = numElements(group->getResult(0).getType());
    if (auto rt = llvm::dyn_cast<RankedTensorType>(group->getResult(0).getType()))
      resultShape_.assign(rt.getShape().begin(), rt.getShape().end());
    Type elt = getElementTypeOrSelf(group->getResult(0).getType());
    std::optional<isa::DType> kernelType = vectorType(elt);
    if (!kernelType && int8Type(elt)) // quantized results are computed in f32
      kernelType = isa::DType::F32;
    if (!kernelType) {
      why = typeStr(elt) + " elements: the vector kernels compute f32 and f16 (bf16 in f32)";
      return std::nullopt;
    }
    out_.kernel.type = *kernelType;
    elt_ = elt;
    cur_ = *kernelType;
    for (Value r : group->getResults())
      if (numElements(r.getType()) != elements_) {
        why = "results of different sizes";
        return std::nullopt;
      }
    out_.kernel.elements = uint64_t(elements_);

    if (head) {
      if (!checkType(head.getType(), why, "the cube result"))
        return std::nullopt;
      ElementwiseInput in;
      if (isa::DType t = *floatTensorType(getElementTypeOrSelf(head.getType()));
          t != out_.kernel.type)
        in.type = t;
      values_[head] = widened(addInput(in, kCubeResult), head.getType());
    }
    // Group operands: splat constants fold in, single elements broadcast.
    for (auto [arg, operand] : llvm::zip(body.getArguments(), group->getOperands())) {
      if (arg.use_empty() || llvm::none_of(arg.getUsers(), inTail))
        continue;
      if (onlyQuantParameter(arg))
        continue;
      // 8-bit integer tensors (what dequantize reads) come in as they are
      // and are widened to f32 exactly.
      if (std::optional<isa::DType> q = int8Type(getElementTypeOrSelf(arg.getType()));
          q && numElements(arg.getType()) == elements_) {
        ElementwiseInput in;
        in.type = *q;
        values_[arg] =
            emit(VOp::Cast, addInput(in, int(arg.getArgNumber())), PV(), 0, isa::DType::F32);
        continue;
      }
      if (!checkType(arg.getType(), why, "an input"))
        return std::nullopt;
      const isa::DType argType = *vectorType(getElementTypeOrSelf(arg.getType()));
      if (std::optional<double> v = splatValue(operand)) {
        values_[arg] = immediate(*v, argType);
        continue;
      }
      int64_t n = numElements(arg.getType());
      ElementwiseInput in;
      in.kind = n == 1 && elements_ != 1 ? ElementwiseInput::Kind::Scalar
                : n == elements_         ? ElementwiseInput::Kind::Tensor
                                         : ElementwiseInput::Kind::Row;
      // bf16: tensors come in as bf16 and are widened; constant rows and
      // scalars are passed as f32; computed ones are widened as the scalar
      // unit reads them.
      const bool brain = getElementTypeOrSelf(arg.getType()).isBF16();
      bool widen = false;
      if (brain && in.kind == ElementwiseInput::Kind::Tensor) {
        in.type = isa::DType::BF16;
      } else if (brain && constantOf(arg, group)) {
        widen = true;
      } else if (brain) {
        in.bf16InGm = true;
      } else if (argType != out_.kernel.type) {
        // Broadcast operands come in the kernel's type.
        if (in.kind != ElementwiseInput::Kind::Tensor) {
          why = "a broadcast input of type " + typeStr(arg.getType()) + " in a " + typeStr(elt_) +
                " kernel";
          return std::nullopt;
        }
        in.type = argType;
      }
      uint32_t repeat = 1;
      if (in.kind == ElementwiseInput::Kind::Row) {
        in.rowElements = uint64_t(n);
        // A constant row of partial 32-byte blocks (24 f16 channels) goes
        // in repeated to a period of whole blocks.
        const uint64_t size = isa::dtypeBits(out_.kernel.type) / 8, rowBytes = uint64_t(n) * size;
        const uint64_t period = std::lcm<uint64_t>(rowBytes, 32) / size;
        if (rowBytes % 32 && constantOf(arg, group) && uint64_t(elements_) % period == 0) {
          repeat = uint32_t(period / uint64_t(n));
          in.rowElements = period;
        }
      }
      values_[arg] = addInput(in, int(arg.getArgNumber()), repeat, widen);
      if (in.type == isa::DType::BF16)
        values_[arg] = emit(VOp::Cast, values_[arg], PV(), 0, isa::DType::F32);
    }

    for (Operation &op : body.without_terminator()) {
      if ((inTail(&op) || llvm::isa<ConstantOp>(op)) && !lower(&op, why))
        return std::nullopt;
    }
    // bf16 results are narrowed for the store.
    std::vector<PV> outs;
    for (Value v : body.getTerminator()->getOperands())
      outs.push_back(getElementTypeOrSelf(v.getType()).isBF16()
                         ? emit(VOp::Cast, values_.lookup(v), PV(), 0, isa::DType::BF16)
                         : values_.lookup(v));
    // Number the values: inputs first, then operations.
    const uint32_t nin = uint32_t(inputs_.size());
    auto id = [&](PV v) { return v.input ? v.index : nin + v.index; };
    out_.kernel.inputs = inputs_;
    for (const PendingOp &p : ops_)
      out_.kernel.ops.push_back({p.op, id(p.a), id(p.b), p.imm, p.to});
    for (PV v : outs)
      out_.kernel.outputs.push_back(id(v));
    return std::move(out_);
  }

private:
  struct PendingOp {
    VOp op;
    PV a, b;
    double imm;
    isa::DType to;
  };

  /// Scales and zero points: the quantize/dequantize lowering reads their
  /// constant values.
  static bool onlyQuantParameter(Value v) {
    return llvm::all_of(v.getUsers(), [&](Operation *u) {
      return llvm::isa<QuantizeOp, DequantizeOp>(u) && u->getOperand(0) != v;
    });
  }

  /// QuantizeLinear and DequantizeLinear with one constant scale and zero
  /// point, between f32 and 8-bit integers, as the host kernels compute
  /// them: x / scale (f32), rounded half to even (to s32 and back), plus
  /// the zero point, saturated by the cast; (x - zero point) * scale.
  bool lowerQuantize(Operation *op, std::string &why) {
    auto group = llvm::cast<GroupOp>(op->getParentOp());
    std::optional<double> scale = splatNumber(op->getOperand(1), group);
    std::optional<double> zero = splatNumber(op->getOperand(2), group);
    if (!scale || !zero) {
      why = describe(op) + ": a scale or zero point that is not one constant (per-axis "
                           "parameters run on the host)";
      return false;
    }
    const bool quantize = llvm::isa<QuantizeOp>(op);
    Type in = getElementTypeOrSelf(op->getOperand(0).getType());
    Type out = getElementTypeOrSelf(op->getResult(0).getType());
    std::optional<isa::DType> q = int8Type(quantize ? out : in);
    if (!q || !(quantize ? in : out).isF32()) {
      why = describe(op) + ": between " + typeStr(op->getOperand(0).getType()) + " and " +
            typeStr(op->getResult(0).getType()) + " (f32 and 8-bit integers are generated)";
      return false;
    }
    cur_ = isa::DType::F32;
    PV v = values_.lookup(op->getOperand(0));
    if (quantize) {
      v = emit(VOp::Div, v, immediate(*scale));
      v = emit(VOp::Cast, emit(VOp::Cast, v, PV(), 0, isa::DType::S32), PV(), 0, isa::DType::F32);
      if (*zero != 0)
        v = emit(VOp::Add, v, immediate(*zero));
      v = emit(VOp::Cast, v, PV(), 0, *q);
    } else {
      if (*zero != 0)
        v = emit(VOp::Sub, v, immediate(*zero));
      v = emit(VOp::Mul, v, immediate(*scale));
    }
    values_[op->getResult(0)] = v;
    return true;
  }

  /// The type the vector unit computes an element type in (f32 for f32
  /// and bf16, f16).
  static std::optional<isa::DType> vectorType(Type elt) {
    if (elt.isF32() || elt.isBF16())
      return isa::DType::F32;
    if (elt.isF16())
      return isa::DType::F16;
    return std::nullopt;
  }

  /// A bf16 value (v, of type t) as the kernel computes it: widened to f32.
  PV widened(PV v, Type t) {
    return getElementTypeOrSelf(t).isBF16() ? emit(VOp::Cast, v, PV(), 0, isa::DType::F32) : v;
  }

  bool checkType(Type t, std::string &why, const char *what) {
    if (!vectorType(getElementTypeOrSelf(t))) {
      why = std::string(what) + " of type " + typeStr(t) +
            " (the vector kernels compute f32 and "
            "f16)";
      return false;
    }
    int64_t n = numElements(t);
    if (n != 1 && n != elements_ && !isRow(t)) {
      why = std::string(what) + " of type " + typeStr(t) + " broadcast to the kernel's " +
            std::to_string(elements_) +
            " elements (single elements and rows of the innermost "
            "dimensions broadcast)";
      return false;
    }
    return true;
  }

  /// Whether `t` broadcasts to the result as a row: its shape, without
  /// leading 1s, is the result's trailing dimensions.
  bool isRow(Type t) const {
    auto rt = llvm::dyn_cast<RankedTensorType>(t);
    if (!rt || !rt.hasStaticShape())
      return false;
    ArrayRef<int64_t> shape = rt.getShape();
    while (!shape.empty() && shape.front() == 1)
      shape = shape.drop_front();
    if (shape.empty() || shape.size() > resultShape_.size())
      return false;
    return llvm::equal(shape, ArrayRef<int64_t>(resultShape_).take_back(shape.size()));
  }

  /// A constant of type `type` (by default the type of the op being
  /// lowered), once per value and type.
  PV immediate(double v, std::optional<isa::DType> type = std::nullopt) {
    const isa::DType t = type.value_or(cur_);
    std::optional<isa::DType> own;
    if (t != out_.kernel.type)
      own = t;
    for (size_t i = 0; i < inputs_.size(); ++i)
      if (inputs_[i].kind == ElementwiseInput::Kind::Immediate && inputs_[i].imm == v &&
          inputs_[i].type == own)
        return PV{true, uint32_t(i)};
    return addInput({ElementwiseInput::Kind::Immediate, v, false, 0, own}, -1);
  }

  /// A kernel input standing for group operand `operand` (-1: none,
  /// kCubeResult: the cube kernel's result), as LoweredElementwise records it.
  PV addInput(const ElementwiseInput &in, int operand, uint32_t repeat = 1, bool widen = false) {
    inputs_.push_back(in);
    out_.operandOf.push_back(operand);
    out_.repeatOf.push_back(repeat);
    out_.widenOf.push_back(widen);
    return PV{true, uint32_t(inputs_.size() - 1)};
  }

  PV emit(VOp op, PV a, PV b = PV(), double imm = 0, isa::DType to = isa::DType::F32) {
    ops_.push_back({op, a, b, imm, to});
    return PV{false, uint32_t(ops_.size() - 1)};
  }

  bool lower(Operation *op, std::string &why) {
    if (auto c = llvm::dyn_cast<ConstantOp>(op)) {
      if (onlyQuantParameter(c.getResult()))
        return true;
      std::optional<double> v = splatValue(c);
      if (!v) {
        why = "a non-splat constant inside the group";
        return false;
      }
      values_[c.getResult()] = immediate(*v, vectorType(getElementTypeOrSelf(c.getType())));
      return true;
    }
    if (llvm::isa<QuantizeOp, DequantizeOp>(op))
      return lowerQuantize(op, why);
    for (Value v : op->getOperands())
      if (!checkType(v.getType(), why, ("an operand of " + describe(op)).c_str()))
        return false;
    for (Value v : op->getResults())
      if (!checkType(v.getType(), why, ("the result of " + describe(op)).c_str()))
        return false;
    // Constants the op's lowering adds have its result's type.
    cur_ = *vectorType(getElementTypeOrSelf(op->getResult(0).getType()));
    auto in = [&](unsigned i) { return values_.lookup(op->getOperand(i)); };
    auto clamp01 = [&](PV x) {
      return emit(VOp::Min, emit(VOp::Max, x, immediate(0)), immediate(1));
    };
    std::optional<PV> result = lowerOp(op, in, clamp01);
    if (!result) {
      why = "no vector form for " + describe(op);
      return false;
    }
    // A bf16 result is rounded to bf16 (computed in f32: there and back).
    if (getElementTypeOrSelf(op->getResult(0).getType()).isBF16())
      result = emit(VOp::Cast, emit(VOp::Cast, *result, PV(), 0, isa::DType::BF16), PV(), 0,
                    isa::DType::F32);
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
    if (auto o = llvm::dyn_cast<CastOp>(op)) { // between f16 and f32 (checked)
      isa::DType from = *vectorType(getElementTypeOrSelf(o.getInput().getType()));
      return from == cur_ ? in(0) : emit(VOp::Cast, in(0), PV(), 0, cur_);
    }
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
  isa::DType cur_ = isa::DType::F32; ///< the type of the op being lowered
  int64_t elements_ = 0;
  SmallVector<int64_t> resultShape_;
  std::vector<ElementwiseInput> inputs_;
  std::vector<PendingOp> ops_;
  llvm::DenseMap<Value, PV> values_;
};

std::string kernelName(GroupOp group) {
  SmallVector<std::string> nodes = sourceNodes(group);
  return codegen::identifier(nodes.empty() ? group.getKind().str() : nodes.front());
}

/// The constant a group-body value holds: a constant op inside, or the
/// group operand a block argument stands for, defined by a constant.
DenseElementsAttr constantOf(Value v, GroupOp group) {
  if (auto arg = llvm::dyn_cast<BlockArgument>(v))
    if (group && arg.getOwner() == &group.getBody().front())
      v = group->getOperand(arg.getArgNumber());
  auto c = v.getDefiningOp<ConstantOp>();
  return c ? llvm::dyn_cast<DenseElementsAttr>(c.getValue()) : DenseElementsAttr();
}

/// The value of a splat (or one-element) constant of any numeric type,
/// given directly or as the group operand a block argument stands for.
std::optional<double> splatNumber(Value v, GroupOp group) {
  DenseElementsAttr dense = constantOf(v, group);
  if (!dense || !dense.isSplat())
    return std::nullopt;
  if (llvm::isa<FloatType>(dense.getElementType()))
    return dense.getSplatValue<APFloat>().convertToDouble();
  auto it = llvm::dyn_cast<IntegerType>(dense.getElementType());
  if (!it)
    return std::nullopt;
  return double(intElement(dense.getSplatValue<APInt>(), it));
}

/// The epilogue from `start` on as a vector kernel reading `head` (the
/// cube kernel's result).
bool lowerTail(GroupOp group, Value head, Operation *start, std::optional<LoweredElementwise> &tail,
               std::string &why) {
  std::string reason;
  tail = lowerEpilogueTail(group, head, start, reason);
  if (!tail)
    why = "epilogue " + describe(start) +
          " has no FixPipe form and its vector kernel cannot be "
          "generated: " +
          reason;
  return bool(tail);
}

/// What a cube (or depthwise) kernel applies to its result before storing
/// it, and the rest of the epilogue.
struct Epilogue {
  DenseElementsAttr bias; ///< set when the group adds a constant channel row
  bool relu = false;
  std::optional<LoweredElementwise> tail;
  Value head; ///< the kernel's result, when there is a tail
};

/// Walks the group's epilogue after `head` (the cube op's result; its
/// channels are the last dimension, `channels` of them): a constant add of
/// one value per channel (taken as the bias unless `hasBias`), then a
/// ReLU; whatever follows becomes a vector kernel. Fails when the group
/// yields something else or the tail has no vector form.
std::optional<Epilogue> parseEpilogue(GroupOp group, Operation *headOp, int64_t channels,
                                      bool hasBias, std::string &why) {
  Block &body = group.getBody().front();
  Epilogue e;
  Value current = headOp->getResult(0);
  for (Operation &op : body.without_terminator()) {
    if (&op == headOp || llvm::isa<ConstantOp>(op) || op.isBeforeInBlock(headOp))
      continue;
    if (!e.relu) {
      if (auto add = llvm::dyn_cast<AddOp>(op)) {
        Value other = add.getLhs() == current ? add.getRhs() : add.getLhs();
        DenseElementsAttr bias = constantOf(other, group);
        auto bt = llvm::cast<RankedTensorType>(other.getType());
        bool row = bt.getNumElements() == channels && bt.getRank() >= 1 &&
                   bt.getShape().back() == channels;
        if ((add.getLhs() == current || add.getRhs() == current) && bias && row && !hasBias &&
            !e.bias && add.getType() == current.getType()) {
          e.bias = bias;
          current = add.getResult();
          continue;
        }
      }
      if (auto relu = llvm::dyn_cast<ReluOp>(op); relu && relu.getInput() == current) {
        e.relu = true;
        current = relu.getResult();
        continue;
      }
    }
    // The rest of the epilogue runs on the vector unit.
    if (!lowerTail(group, current, &op, e.tail, why))
      return std::nullopt;
    e.head = current;
    return e;
  }
  if (body.getTerminator()->getNumOperands() != 1 ||
      body.getTerminator()->getOperand(0) != current) {
    why = "the group yields something else than the " + headOp->getName().stripDialect().str() +
          "'s epilogue";
    return std::nullopt;
  }
  return e;
}

} // namespace

std::optional<LoweredElementwise> pagoda::graph::lowerElementwiseGroup(GroupOp group,
                                                                       std::string &why) {
  std::optional<LoweredElementwise> l = KernelBuilder().run(group, why);
  if (l)
    l->kernel.name = kernelName(group);
  return l;
}

std::optional<LoweredElementwise> pagoda::graph::lowerEpilogueTail(GroupOp group, Value head,
                                                                   Operation *tailStart,
                                                                   std::string &why) {
  std::optional<LoweredElementwise> l = KernelBuilder().run(group, why, head, tailStart);
  if (l)
    l->kernel.name = kernelName(group) + "_epilogue";
  return l;
}

namespace {

/// The kernel shape and B of a product of A [..., M, K] by B: a 2-D
/// constant (out.b), or a group operand (2-D, or with A's batch
/// dimensions) computed at run time; `out.bTransposed` gives B as
/// [..., N, K]. The caller checks A's source.
bool matmulOperands(GroupOp group, Value a, Value b, Value result, LoweredMatmul &out,
                    std::string &why) {
  auto at = llvm::cast<RankedTensorType>(a.getType());
  auto bt = llvm::cast<RankedTensorType>(b.getType());
  auto rt = llvm::cast<RankedTensorType>(result.getType());
  if (!at.hasStaticShape() || at.getRank() < 2 || !bt.hasStaticShape() || bt.getRank() < 2 ||
      !rt.hasStaticShape()) {
    why = "A or B of rank < 2 or dynamic";
    return false;
  }
  // 8-bit integer products (the caller shifts and types them) or float ones.
  auto is8 = [](Type t) { return int8Type(t).has_value(); };
  const bool int8 = is8(at.getElementType());
  std::optional<isa::DType> type =
      int8 ? std::optional<isa::DType>(isa::DType::S8) : floatTensorType(at.getElementType());
  if (!type || (int8 ? !is8(bt.getElementType()) : bt.getElementType() != at.getElementType()) ||
      (!int8 && rt.getElementType() != at.getElementType())) {
    why = "element types without a cube mode here (f32, f16, bf16 with B of A's type, or 8-bit "
          "integers)";
    return false;
  }
  codegen::MatmulKernel &k = out.kernel;
  k.input = *type;
  k.output = *type;
  k.k = uint64_t(at.getShape().back());
  k.n = uint64_t(rt.getShape().back());
  ArrayRef<int64_t> bShape = bt.getShape();
  const int64_t rb = bt.getRank();
  if (uint64_t(bShape[rb - (out.bTransposed ? 1 : 2)]) != k.k ||
      uint64_t(bShape[rb - (out.bTransposed ? 2 : 1)]) != k.n) {
    why = "B's shape does not match";
    return false;
  }
  const uint64_t bBatch = uint64_t(bt.getNumElements()) / (k.k * k.n);
  if ((out.b = constantOf(b, group))) {
    if (rb != 2) {
      why = "a constant batched B";
      return false;
    }
  } else if (int8) {
    why = "an int8 B computed at run time (8-bit fractals have no transpose: B must be a "
          "constant)";
    return false;
  } else {
    auto arg = llvm::dyn_cast<BlockArgument>(b);
    if (!arg || arg.getOwner() != &group.getBody().front()) {
      why = "B is computed inside the group";
      return false;
    }
    out.bOperand = int(arg.getArgNumber());
    if (bBatch > 1) {
      if (at.getRank() != rb || at.getShape().drop_back(2) != bShape.drop_back(2)) {
        why = "batch dimensions that broadcast (A " + typeStr(at) + ", B " + typeStr(bt) + ")";
        return false;
      }
      k.batch = bBatch;
      k.bPerBatch = true;
      k.m = uint64_t(at.getDimSize(at.getRank() - 2));
    }
    // A run-time B arrives K x N: read so by 16-bit kernels, transposed
    // first for f32 (its fractals have no transpose).
    if (!out.bTransposed) {
      if (*type == isa::DType::F32)
        out.bTranspose = codegen::TransposeKernel{"", 4, bBatch, k.k, k.n};
      else
        k.bKxN = true;
    }
  }
  if (k.batch == 1)
    k.m = uint64_t(at.getNumElements()) / k.k;
  return true;
}

/// Names a matmul kernel (and its B transpose).
void nameMatmul(LoweredMatmul &l, const std::string &name) {
  l.kernel.name = name;
  if (l.bTranspose)
    l.bTranspose->name = name + "_bt";
  if (l.aShift)
    l.aShift->name = name + "_a8";
}

/// The group's ops other than constants.
SmallVector<Operation *> computeOps(GroupOp group) {
  SmallVector<Operation *> ops;
  for (Operation &op : group.getBody().front().without_terminator())
    if (!llvm::isa<ConstantOp>(op))
      ops.push_back(&op);
  return ops;
}

/// An integer constant's values as int64.
std::optional<std::vector<int64_t>> intValues(DenseElementsAttr d) {
  auto it = d ? llvm::dyn_cast<IntegerType>(d.getElementType()) : IntegerType();
  if (!it)
    return std::nullopt;
  std::vector<int64_t> out;
  for (const APInt &x : d.getValues<APInt>())
    out.push_back(intElement(x, it));
  return out;
}

/// The requantization of s32 accumulators whose innermost axis has one
/// multiplier per channel (QLinearConv's per-channel weight scales: `mult`
/// = x_scale * w_scale[c] / y_scale in f32, as the host kernel computes
/// it) on the vector unit: float(acc) * mult[c], rounded half to even,
/// plus the zero point, saturated to `to`; nothing when the multiplier row
/// cannot repeat in whole 32-byte blocks over `elements`.
std::optional<LoweredElementwise> requantizeChannels(const std::string &name, uint64_t elements,
                                                     const std::vector<float> &mult, double zero,
                                                     isa::DType to) {
  using Kind = codegen::ElementwiseInput::Kind;
  using codegen::VOp;
  const uint64_t m = mult.size(), period = std::lcm<uint64_t>(m * 4, 32) / 4;
  if (!m || elements % period)
    return std::nullopt;
  LoweredElementwise t;
  t.kernel.name = name + "_requant";
  t.kernel.type = isa::DType::F32;
  t.kernel.elements = elements;
  t.kernel.inputs = {{Kind::Tensor, 0, false, 0, isa::DType::S32},
                     {Kind::Row, 0, false, period},
                     {Kind::Immediate, zero}};
  t.kernel.ops = {{VOp::Cast, 0, 0, 0, isa::DType::F32},
                  {VOp::Mul, 3, 1},
                  {VOp::Cast, 4, 0, 0, isa::DType::S32},
                  {VOp::Cast, 5, 0, 0, isa::DType::F32},
                  {VOp::Add, 6, 2},
                  {VOp::Cast, 7, 0, 0, to}};
  t.kernel.outputs = {8};
  t.operandOf = {kCubeResult, kComputedConstant, -1};
  t.repeatOf = {1, uint32_t(period / m), 1};
  t.widenOf = {false, false, false};
  std::vector<uint8_t> row(m * 4);
  std::memcpy(row.data(), mult.data(), row.size());
  t.constants = {{}, std::move(row), {}};
  return t;
}

/// A uint8 tensor of `elements` shifted to int8 (x - 128, exact) on the
/// vector unit, for the s8 cube.
codegen::ElementwiseKernel shiftToInt8(uint64_t elements) {
  using Kind = codegen::ElementwiseInput::Kind;
  codegen::ElementwiseKernel shift;
  shift.type = isa::DType::F32;
  shift.elements = elements;
  shift.inputs = {{Kind::Tensor, 0, false, 0, isa::DType::U8}, {Kind::Immediate, 128}};
  shift.ops = {{codegen::VOp::Cast, 0, 0, 0, isa::DType::F32},
               {codegen::VOp::Sub, 2, 1},
               {codegen::VOp::Cast, 3, 0, 0, isa::DType::S8}};
  shift.outputs = {4};
  return shift;
}

/// An 8-bit weight as the s8 cube takes it: `values` minus their zero
/// points (`zero`: one, or one per channel; `channelOf` maps a value's
/// index to its channel), as an int8 constant of `type`'s shape, and the
/// per-channel sums of the result in `sums`; nothing (with `why`) when a
/// value leaves int8.
DenseElementsAttr int8Weight(const std::vector<int64_t> &values, const std::vector<int64_t> &zero,
                             const std::function<size_t(size_t)> &channelOf, size_t channels,
                             RankedTensorType type, std::vector<int64_t> &sums, const char *what,
                             std::string &why) {
  std::vector<int8_t> shifted(values.size());
  sums.assign(channels, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t c = channelOf(i);
    const int64_t v = values[i] - zero[zero.size() == 1 ? 0 : c];
    if (v < -128 || v > 127) {
      why = std::string(what) + " minus its zero point leaves the int8 range (" +
            std::to_string(v) + ")";
      return {};
    }
    shifted[i] = int8_t(v);
    sums[c] += v;
  }
  return DenseElementsAttr::get(
      RankedTensorType::get(type.getShape(), IntegerType::get(type.getContext(), 8)),
      llvm::ArrayRef<int8_t>(shifted));
}

/// Per channel: bias[c] - z * sums[c] as int32 (the zero-point correction
/// of an s8 product); false, with `why`, beyond int32.
bool int32Bias(const std::vector<int64_t> &bias, int64_t z, const std::vector<int64_t> &sums,
               std::vector<int32_t> &out, std::string &why) {
  out.clear();
  for (size_t c = 0; c < sums.size(); ++c) {
    const int64_t v = (bias.empty() ? 0 : bias[c]) - z * sums[c];
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      why = "a bias with its zero-point correction beyond int32";
      return false;
    }
    out.push_back(int32_t(v));
  }
  return true;
}

/// An int8 product's operands as the s8 cube takes them: a uint8 A
/// shifted by -128 (a kernel run first), B minus its zero points (one, or
/// one per column) as an int8 constant, and A's zero point (shifted with
/// A) as the int32 bias -za * (column sums of that B): exact, since
/// sum (a - za)(b - zb) = sum a (b - zb) - za sum (b - zb).
bool int8Operands(GroupOp group, Value a, Value aZero, Value bZero, LoweredMatmul &out,
                  std::string &why) {
  codegen::MatmulKernel &k = out.kernel;
  std::optional<std::vector<int64_t>> za = intValues(constantOf(aZero, group)),
                                      zb = intValues(constantOf(bZero, group));
  if (!za || za->size() != 1 || !zb || (zb->size() != 1 && zb->size() != k.n)) {
    why = "zero points that are not constants (one for A; one, or one per column, for B)";
    return false;
  }
  // matmulOperands took B as a constant (it refuses a run-time int8 B).
  const std::vector<int64_t> bv = *intValues(out.b);
  int64_t aShiftBy = 0;
  if (int8Type(getElementTypeOrSelf(a.getType())) == isa::DType::U8) {
    out.aShift = shiftToInt8(k.batch * k.m * k.k);
    aShiftBy = 128;
  }
  const int64_t aZ = (*za)[0] - aShiftBy;
  std::vector<int64_t> sums;
  out.b = int8Weight(
      bv, *zb, [&](size_t i) { return i % k.n; }, k.n,
      llvm::cast<RankedTensorType>(out.b.getType()), sums, "B", why);
  if (!out.b)
    return false;
  if (aZ != 0) {
    if (!int32Bias({}, aZ, sums, out.intBias, why))
      return false;
    k.bias = true;
  }
  return true;
}

/// QLinearMatMul's requantization of FixPipe's scaled f32 result on the
/// vector unit: rounded half to even (to s32 and back), plus the zero
/// point, saturated to the result type, as the host kernel computes it.
LoweredElementwise requantizeTail(const std::string &name, uint64_t elements, double zero,
                                  isa::DType to) {
  using Kind = codegen::ElementwiseInput::Kind;
  using codegen::VOp;
  LoweredElementwise t;
  t.kernel.name = name + "_requant";
  t.kernel.type = isa::DType::F32;
  t.kernel.elements = elements;
  t.kernel.inputs = {{Kind::Tensor}, {Kind::Immediate, zero}};
  t.kernel.ops = {{VOp::Cast, 0, 0, 0, isa::DType::S32},
                  {VOp::Cast, 2, 0, 0, isa::DType::F32},
                  {VOp::Add, 3, 1},
                  {VOp::Cast, 4, 0, 0, to}};
  t.kernel.outputs = {5};
  t.operandOf = {kCubeResult, -1};
  t.repeatOf = {1, 1};
  t.widenOf = {false, false};
  return t;
}

} // namespace

std::optional<LoweredMatmul> pagoda::graph::lowerMatmulGroup(GroupOp group, std::string &why) {
  LoweredMatmul out;
  Value current, a, b;
  std::optional<isa::DType> intOut; ///< an int8 product's FixPipe output type
  Value aZero, bZero;               ///< an int8 product's zero points
  std::optional<double> yZero;      ///< QLinearMatMul's result zero point
  std::vector<double> columnScales; ///< QLinearMatMul's multipliers, one per column of B
  isa::DType yType = isa::DType::S8;
  auto fail = [&](const std::string &reason) -> std::optional<LoweredMatmul> {
    why = reason;
    return std::nullopt;
  };
  SmallVector<Operation *> ops = computeOps(group);
  Operation *first = ops.empty() ? nullptr : ops.front();
  if (auto mm = llvm::dyn_cast_or_null<MatMulOp>(first)) {
    a = mm.getLhs();
    b = mm.getRhs();
    current = mm.getResult();
  } else if (auto gemm = llvm::dyn_cast_or_null<GemmOp>(first)) {
    if (gemm.getTransA())
      return fail("gemm with trans_a");
    if (gemm.getAlpha().convertToDouble() != 1)
      return fail("gemm with alpha != 1");
    out.bTransposed = gemm.getTransB();
    if (Value c = gemm.getC()) {
      out.bias = constantOf(c, group);
      auto ct = llvm::cast<RankedTensorType>(c.getType());
      if (!out.bias || (ct.getRank() == 2 && ct.getDimSize(0) != 1))
        return fail("gemm: C is not a constant row");
      out.biasScale = gemm.getBeta().convertToDouble();
      out.kernel.bias = true;
    }
    a = gemm.getA();
    b = gemm.getB();
    current = gemm.getResult();
  } else if (auto mi = llvm::dyn_cast_or_null<MatMulIntegerOp>(first)) {
    a = mi.getA();
    b = mi.getB();
    current = mi.getResult();
    aZero = mi.getAZeroPoint();
    bZero = mi.getBZeroPoint();
    intOut = isa::DType::S32;
  } else if (auto ql = llvm::dyn_cast_or_null<QLinearMatMulOp>(first)) {
    std::optional<double> as = splatNumber(ql.getAScale(), group),
                          bs = splatNumber(ql.getBScale(), group),
                          ys = splatNumber(ql.getYScale(), group);
    yZero = splatNumber(ql.getYZeroPoint(), group);
    DenseElementsAttr bsAll = constantOf(ql.getBScale(), group);
    auto bt = llvm::dyn_cast<RankedTensorType>(ql.getB().getType());
    if (!bs && bsAll && bt && bt.getRank() == 2 && bsAll.getNumElements() == bt.getDimSize(1) &&
        llvm::isa<FloatType>(bsAll.getElementType()))
      for (const APFloat &v : bsAll.getValues<APFloat>())
        columnScales.push_back(v.convertToDouble());
    if (!as || (!bs && columnScales.empty()) || !ys || !yZero)
      return fail(describe(first) + ": scales or the result's zero point that are not "
                                    "constants (one each; B's also one per column)");
    a = ql.getA();
    b = ql.getB();
    current = ql.getResult();
    aZero = ql.getAZeroPoint();
    bZero = ql.getBZeroPoint();
    // Straight to int8 in FixPipe without a zero point; else f32 there and
    // a vector tail (rounding, zero point, saturation).
    yType = int8Type(getElementTypeOrSelf(ql.getType())).value_or(isa::DType::S8);
    if (!columnScales.empty()) {
      // One B scale per column: the exact s32 accumulators, each column
      // scaled by the vector tail (below).
      intOut = isa::DType::S32;
      for (double &v : columnScales)
        v = double(float(*as) * float(v) / float(*ys));
    } else {
      intOut = yType == isa::DType::S8 && *yZero == 0 ? isa::DType::S8 : isa::DType::F32;
      // As the host kernel and onnxruntime compute it, in f32.
      out.kernel.scale = float(as.value()) * float(bs.value()) / float(ys.value());
    }
  } else {
    return fail("no matmul or gemm at the head of the group");
  }
  auto arg = llvm::dyn_cast<BlockArgument>(a);
  if (!arg || constantOf(a, group))
    return fail("A is not a group input");
  out.aOperand = int(arg.getArgNumber());
  std::string reason;
  if (!matmulOperands(group, a, b, current, out, reason))
    return fail(describe(first) + ": " + reason);
  codegen::MatmulKernel &k = out.kernel;
  if ((k.input == isa::DType::S8) != intOut.has_value())
    return fail(describe(first) + ": int8 operands of a float product");
  if (intOut) {
    k.output = *intOut;
    if (!int8Operands(group, a, aZero, bZero, out, reason))
      return fail(describe(first) + ": " + reason);
  }

  // The epilogue: a bias row (if the head had none), then ReLU; the rest on
  // the vector unit.
  std::optional<Epilogue> e = parseEpilogue(group, first, int64_t(k.n), k.bias, why);
  if (!e)
    return std::nullopt;
  if (e->bias) {
    out.bias = e->bias;
    k.bias = true;
  }
  k.relu = e->relu;
  out.tail = std::move(e->tail);
  out.head = e->head;
  k.kSplitAllowed = true; // emitMatmulGroup launches the partials' sum
  nameMatmul(out, kernelName(group));
  if (k.output == isa::DType::F32 && yZero) {
    out.tail = requantizeTail(k.name, k.batch * k.m * k.n, *yZero, yType);
    out.head = current;
  } else if (!columnScales.empty()) {
    std::vector<float> mult(columnScales.begin(), columnScales.end());
    std::optional<LoweredElementwise> tail =
        requantizeChannels(k.name, k.batch * k.m * k.n, mult, *yZero, yType);
    if (!tail)
      return fail(describe(first) + ": per-column scales whose row does not repeat in whole "
                                    "32-byte blocks");
    out.tail = std::move(tail);
    out.head = current;
  }
  return out;
}

unsigned pagoda::graph::LoweredMatmul::launches() const {
  const bool f32 = kernel.input == isa::DType::F32;
  return 1u + (f32 ? 1u : 0u) + (f32 && bOperand >= 0 ? 1u : 0u) + (bTranspose ? 1u : 0u) +
         (aShift ? 1u : 0u) + (tail ? 1u : 0u);
}

unsigned pagoda::graph::LoweredAttention::launches() const {
  return scores.launches() + (scale ? 1u : 0u) + 1u + context.launches() + (padQ ? 1u : 0u) +
         (padK ? 1u : 0u) + (padV ? 1u : 0u) + (unpad ? 1u : 0u);
}

std::optional<LoweredAttention> pagoda::graph::lowerAttentionGroup(GroupOp group,
                                                                   std::string &why) {
  auto fail = [&](const std::string &reason) -> std::optional<LoweredAttention> {
    why = "attention (node " + kernelName(group) + "): " + reason;
    return std::nullopt;
  };
  SmallVector<Operation *> ops = computeOps(group);
  auto kt = ops.empty() ? TransposeOp() : llvm::dyn_cast<TransposeOp>(ops.front());
  const size_t first = kt ? 1 : 0;
  if (ops.size() != first + 3 && ops.size() != first + 4)
    return fail("not [K^T,] matmul, [scale,] softmax, matmul");
  auto qk = llvm::dyn_cast<MatMulOp>(ops[first]);
  auto sm = llvm::dyn_cast<SoftmaxOp>(ops[ops.size() - 2]);
  auto pv = llvm::dyn_cast<MatMulOp>(ops.back());
  Operation *scale = ops.size() == first + 4 ? ops[first + 1] : nullptr;
  Operation *yield = group.getBody().front().getTerminator();
  // K^T: the cube reads K as B^T.
  ArrayRef<int64_t> perm = kt ? kt.getPerm() : ArrayRef<int64_t>();
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != int64_t(i + 2 < perm.size() ? i : perm.size() * 2 - 3 - i))
      return fail("a transpose of K that is not of its last two axes");
  if (!qk || !sm || !pv || pv.getLhs() != sm.getResult() || (kt && qk.getRhs() != kt.getResult()) ||
      sm.getInput() != (scale ? scale->getResult(0) : Value(qk.getResult())) ||
      (scale && (!llvm::isa<MulOp, DivOp>(scale) || scale->getOperand(0) != qk.getResult())) ||
      yield->getNumOperands() != 1 || yield->getOperand(0) != pv.getResult())
    return fail("not matmul, [scale,] softmax, matmul");
  auto st = llvm::cast<RankedTensorType>(sm.getType());
  std::optional<isa::DType> type = floatTensorType(st.getElementType());
  if (!st.hasStaticShape() || !type)
    return fail("the softmax is not static f32, f16 or bf16");
  int64_t axis = int64_t(sm.getAxis());
  if (axis < 0)
    axis += st.getRank();
  for (int64_t d = axis + 1; d < st.getRank(); ++d)
    if (st.getDimSize(d) != 1)
      return fail("a softmax axis with larger axes after it");

  LoweredAttention out;
  const std::string name = kernelName(group);
  auto q = llvm::dyn_cast<BlockArgument>(qk.getLhs());
  if (!q || constantOf(q, group))
    return fail("Q is not a group input");
  out.scores.aOperand = int(q.getArgNumber());
  std::string reason;
  out.scores.bTransposed = bool(kt);
  if (!matmulOperands(group, qk.getLhs(), kt ? kt.getInput() : qk.getRhs(), qk.getResult(),
                      out.scores, reason))
    return fail("Q.K^T: " + reason);
  nameMatmul(out.scores, name + "_scores");
  if (!matmulOperands(group, pv.getLhs(), pv.getRhs(), pv.getResult(), out.context, reason))
    return fail("P.V: " + reason);
  nameMatmul(out.context, name);
  if (scale) {
    DenseElementsAttr c = constantOf(scale->getOperand(1), group);
    if (!c || !c.isSplat() || !llvm::isa<FloatType>(c.getElementType()))
      return fail("a scale that is not one constant");
    std::optional<double> value = c.getSplatValue<APFloat>().convertToDouble();
    codegen::ElementwiseKernel &e = out.scale.emplace();
    e.name = name + "_scale";
    e.elements = uint64_t(st.getNumElements());
    const codegen::VOp op = llvm::isa<MulOp>(scale) ? codegen::VOp::Mul : codegen::VOp::Div;
    if (*type == isa::DType::BF16) { // computed in f32, rounded back
      e.type = isa::DType::F32;
      e.inputs = {{codegen::ElementwiseInput::Kind::Tensor, 0, false, 0, isa::DType::BF16},
                  {codegen::ElementwiseInput::Kind::Immediate, *value}};
      e.ops = {{codegen::VOp::Cast, 0, 0, 0, isa::DType::F32},
               {op, 2, 1},
               {codegen::VOp::Cast, 3, 0, 0, isa::DType::BF16}};
      e.outputs = {4};
    } else {
      e.type = *type;
      e.inputs = {{codegen::ElementwiseInput::Kind::Tensor},
                  {codegen::ElementwiseInput::Kind::Immediate, *value}};
      e.ops = {{op, 0, 1}};
      e.outputs = {2};
    }
  }
  // Heads of partial blocks whose batches are not block multiples: padded.
  codegen::MatmulKernel &sk = out.scores.kernel, &ck = out.context.kernel;
  if (*type != isa::DType::F32 && sk.batch > 1) {
    const uint64_t eb = isa::dtypeBits(*type) / 8, d = sk.k, dv = ck.n;
    auto partial = [](uint64_t bytes) { return bytes % 32 != 0; };
    auto pad = [&](const char *what, uint64_t rows, uint64_t length) {
      return codegen::PadKernel{name + "_pad_" + what, unsigned(eb), sk.batch * rows, length};
    };
    if (partial(d * eb) && (partial(sk.m * d * eb) || partial(sk.n * d * eb))) {
      out.padQ = pad("q", sk.m, d);
      out.padK = pad("k", sk.n, d);
      sk.k = out.padQ->padded();
    }
    if (partial(dv * eb) && (partial(ck.k * dv * eb) || partial(ck.m * dv * eb))) {
      out.padV = pad("v", ck.k, dv);
      ck.n = out.padV->padded();
      out.unpad =
          codegen::SliceKernel{name + "_unpad", unsigned(eb), ck.batch * ck.m, ck.n, 1, 0, dv};
    }
  }
  codegen::RowKernel &r = out.softmax;
  r.name = name + "_softmax";
  r.type = *type;
  r.op = codegen::RowOp::Softmax;
  r.rows = r.cols = 1;
  for (int64_t d = 0; d < st.getRank(); ++d)
    (d < axis ? r.rows : r.cols) *= uint64_t(st.getDimSize(d));
  return out;
}

namespace {

/// One filter per channel (group = channels, one input channel a filter):
/// the vector unit's kernel; other groups go to the cube.
bool isDepthwise(ConvOp conv) {
  auto xt = llvm::cast<RankedTensorType>(conv.getInput().getType());
  auto wt = llvm::cast<RankedTensorType>(conv.getWeight().getType());
  return conv.getGroup() != 1 && wt.getRank() >= 2 && wt.getDimSize(1) == 1 &&
         int64_t(conv.getGroup()) == xt.getDimSize(conv.getChannelDim());
}

/// The conv's sizes and window as a kernel description spells them (1-D:
/// H = 1 with a one-row window), read channels-last whatever its layout
/// (a conv, conv_integer or qlinear_conv).
template <typename Op, typename Kernel> void readWindow(Op conv, Kernel &k) {
  auto xt = llvm::cast<RankedTensorType>(conv.getInput().getType());
  auto wt = llvm::cast<RankedTensorType>(conv.getWeight().getType());
  const bool twoD = xt.getRank() == 4, last = conv.getChannelsLast();
  const size_t n = twoD ? 2 : 1, wi = n - 1;
  auto spatial = [&](int64_t i) { return xt.getDimSize(last ? 1 + i : 2 + i); };
  ArrayRef<int64_t> strides = conv.getStrides(), pads = conv.getPads(),
                    dilations = conv.getDilations();
  k.batch = uint64_t(xt.getDimSize(0));
  k.c = uint64_t(xt.getDimSize(last ? xt.getRank() - 1 : 1));
  k.h = twoD ? uint64_t(spatial(0)) : 1;
  k.w = uint64_t(spatial(int64_t(wi)));
  k.kh = twoD ? uint64_t(wt.getDimSize(2)) : 1;
  k.kw = uint64_t(wt.getShape().back());
  if (twoD) {
    k.padT = uint64_t(pads[0]);
    k.padB = uint64_t(pads[2]);
    k.strideH = uint64_t(strides[0]);
    k.dilH = uint64_t(dilations[0]);
  }
  k.padL = uint64_t(pads[wi]);
  k.padR = uint64_t(pads[n + wi]);
  k.strideW = uint64_t(strides[wi]);
  k.dilW = uint64_t(dilations[wi]);
}

} // namespace

std::optional<codegen::ConvKernel> pagoda::graph::convKernelShape(ConvOp conv, std::string &why) {
  auto xt = llvm::cast<RankedTensorType>(conv.getInput().getType());
  auto wt = llvm::cast<RankedTensorType>(conv.getWeight().getType());
  auto fail = [&](const std::string &reason) -> std::optional<codegen::ConvKernel> {
    why = describe(conv) + ": " + reason;
    return std::nullopt;
  };
  if (xt.getRank() != 3 && xt.getRank() != 4)
    return fail("only 1-D and 2-D convolutions have a cube kernel so far");
  if (isDepthwise(conv))
    return fail("depthwise convolutions run on the vector unit");
  if (!xt.hasStaticShape() || !wt.hasStaticShape())
    return fail("dynamic shapes");
  std::optional<isa::DType> type = floatTensorType(xt.getElementType());
  if (!type)
    return fail("element type without a cube mode (f32, f16, bf16)");
  codegen::ConvKernel k;
  k.input = k.output = *type;
  k.m = uint64_t(wt.getDimSize(0));
  readWindow(conv, k);
  k.bias = bool(conv.getBias());
  // Groups: c counts one group's input channels (the weight's dimension 1).
  k.groups = uint64_t(conv.getGroup());
  k.c /= k.groups;
  return k;
}

std::optional<codegen::DepthwiseKernel> pagoda::graph::depthwiseKernelShape(ConvOp conv,
                                                                            std::string &why) {
  auto xt = llvm::cast<RankedTensorType>(conv.getInput().getType());
  auto wt = llvm::cast<RankedTensorType>(conv.getWeight().getType());
  auto fail = [&](const std::string &reason) -> std::optional<codegen::DepthwiseKernel> {
    why = describe(conv) + ": " + reason;
    return std::nullopt;
  };
  if (xt.getRank() != 4)
    return fail("only 2-D depthwise convolutions have a vector kernel so far");
  if (!xt.hasStaticShape() || !wt.hasStaticShape())
    return fail("dynamic shapes");
  const int64_t channels = xt.getDimSize(conv.getChannelDim());
  if (int64_t(conv.getGroup()) != channels || wt.getDimSize(0) != channels || wt.getDimSize(1) != 1)
    return fail("a depthwise convolution with a channel multiplier (" +
                std::to_string(wt.getDimSize(0)) + " filters over " + std::to_string(channels) +
                " channels) has no kernel yet");
  std::optional<isa::DType> type = floatTensorType(xt.getElementType());
  if (!type)
    return fail("depthwise kernels are generated for f32, f16 and bf16");
  codegen::DepthwiseKernel k;
  k.type = *type;
  readWindow(conv, k);
  k.bias = bool(conv.getBias());
  return k;
}

std::optional<std::string> pagoda::graph::convKernelProblem(ConvOp conv,
                                                            const target::TargetDesc &target,
                                                            const std::string &name) {
  std::string why;
  if (isDepthwise(conv)) {
    std::optional<codegen::DepthwiseKernel> k = depthwiseKernelShape(conv, why);
    if (!k)
      return why;
    k->name = name;
    if (Result<codegen::DepthwisePlan> p = codegen::planDepthwise(*k, target); !p)
      return p.error().str();
    return std::nullopt;
  }
  std::optional<codegen::ConvKernel> k = convKernelShape(conv, why);
  if (!k)
    return why;
  k->name = name;
  if (Result<codegen::ConvPlan> p = codegen::planConv(*k, target); !p)
    return p.error().str();
  return std::nullopt;
}

namespace {

/// A conv_integer or qlinear_conv group as the cube conv's s8 mode (see
/// LoweredConv). `group` (if any) holds the op; with `asIfLast` (the layout
/// pass asking before it converts) the op as it would be lowered
/// channels-last.
template <typename Op>
std::optional<LoweredConv> lowerInt8Conv(GroupOp group, Op conv, std::string &why,
                                         bool asIfLast = false) {
  auto fail = [&](const std::string &reason) -> std::optional<LoweredConv> {
    why = describe(conv) + ": " + reason;
    return std::nullopt;
  };
  if (!asIfLast && computeOps(group).size() != 1)
    return fail("an epilogue after an int8 convolution (the kernel writes the op's result)");
  auto xt = llvm::cast<RankedTensorType>(conv.getInput().getType());
  auto wt = llvm::cast<RankedTensorType>(conv.getWeight().getType());
  if ((xt.getRank() != 3 && xt.getRank() != 4) || !xt.hasStaticShape() || !wt.hasStaticShape())
    return fail("only static 1-D and 2-D convolutions have a cube kernel so far");
  std::optional<isa::DType> xType = int8Type(xt.getElementType());
  if (!xType)
    return fail("an input that is not 8-bit");
  LoweredConv out;
  if (!asIfLast) {
    if (!conv.getChannelsLast())
      return fail("channels-first (the conv kernels read channels-last; "
                  "-pagoda-graph-conv-layout converts what they cover)");
    auto x = llvm::dyn_cast<BlockArgument>(conv.getInput());
    if (!x || constantOf(conv.getInput(), group))
      return fail("the input is not a group input");
    out.xOperand = int(x.getArgNumber());
  }
  std::optional<std::vector<int64_t>> w = intValues(constantOf(conv.getWeight(), group)),
                                      xz = intValues(constantOf(conv.getXZeroPoint(), group)),
                                      wz = intValues(constantOf(conv.getWZeroPoint(), group));
  if (!w)
    return fail("the weight is computed at run time");
  if (w->empty() || !wt.getDimSize(0))
    return fail("an empty weight");
  const uint64_t m = uint64_t(wt.getDimSize(0)), perFilter = w->size() / m;
  if (!xz || xz->size() != 1 || !wz || (wz->size() != 1 && wz->size() != m))
    return fail("zero points that are not constants (one for the input; one, or one per "
                "output channel, for the weight)");
  codegen::ConvKernel &k = out.kernel;
  k.name = group ? kernelName(group) : "conv";
  k.input = isa::DType::S8;
  k.output = isa::DType::S32;
  k.m = m;
  readWindow(conv, k);
  k.groups = uint64_t(conv.getGroup());
  k.c /= k.groups;
  int64_t shiftBy = 0;
  if (*xType == isa::DType::U8) {
    out.xShift = shiftToInt8(uint64_t(xt.getNumElements()));
    out.xShift->name = k.name + "_x8";
    shiftBy = 128;
  }
  // Windows outside the image read the (shifted) zero point: every tap then
  // contributes (x - z) w', and sum x w' - z sum w' is exact.
  const int64_t z = (*xz)[0] - shiftBy;
  k.padValue = z;
  std::vector<int64_t> sums;
  out.weight = int8Weight(
      *w, *wz, [&](size_t i) { return i / perFilter; }, m, wt, sums, "the weight", why);
  if (!out.weight)
    return fail(why);
  std::vector<int64_t> bias;
  if constexpr (std::is_same_v<Op, QLinearConvOp>) {
    if (Value b = conv.getBias()) {
      std::optional<std::vector<int64_t>> bv = intValues(constantOf(b, group));
      if (!bv || bv->size() != m)
        return fail("a bias that is not a constant per output channel");
      bias = *bv;
    }
  }
  if (!int32Bias(bias, z, sums, out.intBias, why))
    return fail(why);
  k.bias = llvm::any_of(out.intBias, [](int32_t v) { return v != 0; });
  if (!k.bias)
    out.intBias.clear();
  if constexpr (std::is_same_v<Op, QLinearConvOp>) {
    std::optional<double> xs = splatNumber(conv.getXScale(), group),
                          ws = splatNumber(conv.getWScale(), group),
                          ys = splatNumber(conv.getYScale(), group),
                          yz = splatNumber(conv.getYZeroPoint(), group);
    const uint64_t elements =
        uint64_t(llvm::cast<RankedTensorType>(conv.getType()).getNumElements());
    const isa::DType yType =
        int8Type(getElementTypeOrSelf(conv.getType())).value_or(isa::DType::S8);
    DenseElementsAttr wsAll = constantOf(conv.getWScale(), group);
    if (!ws && xs && ys && yz && wsAll && uint64_t(wsAll.getNumElements()) == m &&
        llvm::isa<FloatType>(wsAll.getElementType())) {
      // One weight scale per output channel: FixPipe writes the exact s32
      // accumulators and the vector tail scales each channel.
      std::vector<float> mult;
      for (const APFloat &v : wsAll.getValues<APFloat>())
        mult.push_back(float(*xs) * float(v.convertToDouble()) / float(*ys));
      std::optional<LoweredElementwise> tail =
          requantizeChannels(k.name, elements, mult, *yz, yType);
      if (!tail)
        return fail("per-channel scales whose row does not repeat in whole 32-byte blocks");
      out.tail = std::move(tail);
      out.head = conv.getResult();
      return out;
    }
    if (!xs || !ws || !ys || !yz)
      return fail("scales or the result's zero point that are not constants (one each, the "
                  "weight's also one per output channel)");
    // As the host kernel and onnxruntime compute it, in f32.
    k.scale = float(*xs) * float(*ws) / float(*ys);
    if (yType == isa::DType::S8 && *yz == 0) {
      k.output = isa::DType::S8;
    } else {
      k.output = isa::DType::F32;
      out.tail = requantizeTail(k.name, elements, *yz, yType);
      out.head = conv.getResult();
    }
  }
  return out;
}

} // namespace

std::optional<std::string> pagoda::graph::int8ConvKernelProblem(Operation *op,
                                                                const target::TargetDesc &target,
                                                                GroupOp group) {
  std::string why;
  std::optional<LoweredConv> l;
  if (auto q = llvm::dyn_cast<QLinearConvOp>(op))
    l = lowerInt8Conv(group, q, why, /*asIfLast=*/true);
  else if (auto q = llvm::dyn_cast<ConvIntegerOp>(op))
    l = lowerInt8Conv(group, q, why, /*asIfLast=*/true);
  else
    return "not an int8 convolution";
  if (!l)
    return why;
  if (Result<codegen::ConvPlan> p = codegen::planConv(l->kernel, target); !p)
    return p.error().str();
  for (const codegen::ElementwiseKernel *e :
       {l->xShift ? &*l->xShift : nullptr, l->tail ? &l->tail->kernel : nullptr})
    if (e)
      if (Result<codegen::ElementwisePlan> p = codegen::planElementwise(*e, target); !p)
        return p.error().str();
  return std::nullopt;
}

unsigned pagoda::graph::LoweredConv::launches() const {
  return 1u + (!depthwise && kernel.input == isa::DType::F32 ? 1u : 0u) + (xShift ? 1u : 0u) +
         (tail ? 1u : 0u);
}

std::optional<LoweredConv> pagoda::graph::lowerConvGroup(GroupOp group, std::string &why) {
  Block &body = group.getBody().front();
  LoweredConv out;
  auto fail = [&](const std::string &reason) -> std::optional<LoweredConv> {
    why = reason;
    return std::nullopt;
  };
  ConvOp conv;
  for (Operation &op : body.without_terminator())
    if (!llvm::isa<ConstantOp>(op)) {
      if (auto q = llvm::dyn_cast<QLinearConvOp>(op))
        return lowerInt8Conv(group, q, why);
      if (auto q = llvm::dyn_cast<ConvIntegerOp>(op))
        return lowerInt8Conv(group, q, why);
      conv = llvm::dyn_cast<ConvOp>(op);
      break;
    }
  if (!conv)
    return fail("no conv at the head of the group");
  if (!conv.getChannelsLast()) {
    // Say why the layout pass left it: the kernel shape's reason if any.
    std::string reason;
    if (isDepthwise(conv) ? !depthwiseKernelShape(conv, reason) : !convKernelShape(conv, reason))
      return fail(reason);
    return fail(describe(conv) + ": channels-first (the conv kernels read channels-last; "
                                 "-pagoda-graph-conv-layout converts what they cover, and this "
                                 "one has no tiling on the target)");
  }
  const bool depthwise = isDepthwise(conv);
  if (depthwise) {
    std::optional<codegen::DepthwiseKernel> k = depthwiseKernelShape(conv, why);
    if (!k)
      return std::nullopt;
    out.depthwise = *k;
  } else {
    std::optional<codegen::ConvKernel> k = convKernelShape(conv, why);
    if (!k)
      return std::nullopt;
    out.kernel = *k;
  }
  out.weight = constantOf(conv.getWeight(), group);
  if (!out.weight)
    return fail(describe(conv) + ": the weight is computed at run time");
  if (Value b = conv.getBias()) {
    out.bias = constantOf(b, group);
    if (!out.bias)
      return fail(describe(conv) + ": the bias is computed at run time");
  }
  auto arg = llvm::dyn_cast<BlockArgument>(conv.getInput());
  if (!arg || constantOf(conv.getInput(), group))
    return fail(describe(conv) + ": the input is not a group input");
  out.xOperand = int(arg.getArgNumber());
  const int64_t channels = llvm::cast<RankedTensorType>(conv.getType()).getShape().back();
  std::optional<Epilogue> e = parseEpilogue(group, conv, channels, bool(out.bias), why);
  if (!e)
    return std::nullopt;
  if (e->bias)
    out.bias = e->bias;
  out.tail = std::move(e->tail);
  out.head = e->head;
  if (depthwise) {
    out.depthwise->bias = bool(out.bias);
    out.depthwise->relu = e->relu;
    out.depthwise->name = kernelName(group);
  } else {
    out.kernel.bias = bool(out.bias);
    out.kernel.relu = e->relu;
    out.kernel.name = kernelName(group);
  }
  return out;
}

namespace {

/// The group's one op besides constants, in `op` (nullptr when it has
/// none); false, with `why` = `many`, when it has more (the single-op
/// kernels: pools, reductions, row kernels, data movement).
bool onlyOp(GroupOp group, Operation *&op, std::string &why, const char *many) {
  op = nullptr;
  for (Operation &o : group.getBody().front().without_terminator())
    if (!llvm::isa<ConstantOp>(o)) {
      if (op) {
        why = many;
        return false;
      }
      op = &o;
    }
  return true;
}

} // namespace

std::optional<codegen::DepthwiseKernel> pagoda::graph::lowerPoolGroup(GroupOp group, int &xOperand,
                                                                      std::string &why) {
  Operation *op;
  if (!onlyOp(group, op, why, "a pool group of more than one op"))
    return std::nullopt;
  auto fail = [&](const std::string &reason) -> std::optional<codegen::DepthwiseKernel> {
    why = describe(op) + ": " + reason;
    return std::nullopt;
  };
  if (!op || !llvm::isa<MaxPoolOp, AvgPoolOp>(op)) {
    why = "no max or average pool in the group";
    return std::nullopt;
  }
  codegen::DepthwiseKernel k;
  ArrayRef<int64_t> kernel, strides, pads, dilations;
  bool channelsLast = false;
  if (auto p = llvm::dyn_cast<MaxPoolOp>(op)) {
    k.op = codegen::DepthwiseKernel::Op::MaxPool;
    kernel = p.getKernel(), strides = p.getStrides(), pads = p.getPads();
    dilations = p.getDilations(), channelsLast = p.getChannelsLast();
  } else {
    auto a = llvm::cast<AvgPoolOp>(op);
    k.op = codegen::DepthwiseKernel::Op::AvgPool;
    kernel = a.getKernel(), strides = a.getStrides(), pads = a.getPads();
    dilations = a.getDilations(), channelsLast = a.getChannelsLast();
    if (!a.getCountIncludePad() && llvm::any_of(pads, [](int64_t p) { return p != 0; }))
      return fail("padding left out of the divisor (the kernel divides by the whole window)");
  }
  auto in = llvm::cast<RankedTensorType>(op->getOperand(0).getType());
  auto out = llvm::cast<RankedTensorType>(op->getResult(0).getType());
  auto arg = llvm::dyn_cast<BlockArgument>(op->getOperand(0));
  if (!channelsLast)
    return fail("channels-first (the pool kernels read channels-last; sink-transposes moves "
                "layout transposes through pools)");
  if (!arg || !in.hasStaticShape() || !out.hasStaticShape() || in.getRank() != 4)
    return fail("the pool kernels take a static 2-D channels-last group input");
  std::optional<isa::DType> type = floatTensorType(in.getElementType());
  if (!type)
    return fail("elements other than f32, f16 and bf16");
  k.batch = uint64_t(in.getDimSize(0));
  k.h = uint64_t(in.getDimSize(1));
  k.w = uint64_t(in.getDimSize(2));
  k.c = uint64_t(in.getDimSize(3));
  k.type = *type;
  k.kh = uint64_t(kernel[0]), k.kw = uint64_t(kernel[1]);
  k.strideH = uint64_t(strides[0]), k.strideW = uint64_t(strides[1]);
  k.dilH = uint64_t(dilations[0]), k.dilW = uint64_t(dilations[1]);
  k.padT = uint64_t(pads[0]), k.padL = uint64_t(pads[1]);
  k.padB = uint64_t(pads[2]), k.padR = uint64_t(pads[3]);
  if (int64_t(k.outH()) != out.getDimSize(1) || int64_t(k.outW()) != out.getDimSize(2))
    return fail("ceil_mode windows past the padded input");
  xOperand = int(arg.getArgNumber());
  k.name = kernelName(group);
  return k;
}

std::optional<LoweredTranspose> pagoda::graph::lowerTransposeGroup(GroupOp group,
                                                                   std::string &why) {
  Block &body = group.getBody().front();
  TransposeOp t;
  for (Operation &op : body.without_terminator())
    if (!(t = llvm::dyn_cast<TransposeOp>(op))) {
      why = "a transpose group with " + describe(&op);
      return std::nullopt;
    }
  if (!t || !llvm::isa<BlockArgument>(t.getInput()) ||
      body.getTerminator()->getOperand(0) != t.getResult()) {
    why = "a transpose group that is not one transpose of its input";
    return std::nullopt;
  }
  auto in = llvm::cast<RankedTensorType>(t.getInput().getType());
  if (!in.hasStaticShape()) {
    why = describe(t) + ": dynamic shape";
    return std::nullopt;
  }
  const unsigned bits = in.getElementType().getIntOrFloatBitWidth();
  if (bits % 8) {
    why = describe(t) + ": elements of " + std::to_string(bits) + " bits";
    return std::nullopt;
  }
  const std::vector<int64_t> shape(in.getShape().begin(), in.getShape().end());
  const std::vector<int64_t> perm(t.getPerm().begin(), t.getPerm().end());
  LoweredTranspose out;
  if ((out.elements = codegen::batchedTranspose(shape, perm))) {
    out.elements->elementBytes = bits / 8;
    out.elements->name = kernelName(group);
  } else if ((out.blocks = codegen::blockTranspose(shape, perm))) {
    out.blocks->elementBytes = bits / 8;
    out.blocks->name = kernelName(group);
  } else {
    why = describe(t) + ": moves data in neither of the two ways the kernels do (elements of a "
                        "batched 2-D transpose, whole blocks of one)";
    return std::nullopt;
  }
  return out;
}

std::optional<codegen::ReduceKernel> pagoda::graph::lowerReduceGroup(GroupOp group,
                                                                     std::string &why) {
  Operation *op;
  if (!onlyOp(group, op, why, "a reduce group of more than one op"))
    return std::nullopt;
  codegen::ReduceKernel k;
  ArrayRef<int64_t> axes;
  if (auto r = llvm::dyn_cast_or_null<ReduceSumOp>(op)) {
    k.op = codegen::ReduceOp::Sum;
    axes = r.getAxes();
  } else if (auto r = llvm::dyn_cast_or_null<ReduceMeanOp>(op)) {
    k.op = codegen::ReduceOp::Mean;
    axes = r.getAxes();
  } else if (auto r = llvm::dyn_cast_or_null<ReduceMaxOp>(op)) {
    k.op = codegen::ReduceOp::Max;
    axes = r.getAxes();
  } else {
    why = "no sum, mean or max reduction in the group";
    return std::nullopt;
  }
  auto in = llvm::cast<RankedTensorType>(op->getOperand(0).getType());
  if (!llvm::isa<BlockArgument>(op->getOperand(0)) || !in.hasStaticShape() ||
      !floatTensorType(in.getElementType()) || axes.empty() ||
      getElementTypeOrSelf(op->getResult(0).getType()) != in.getElementType()) {
    why = describe(op) + ": the vector reductions take a static f32, f16 or bf16 group input";
    return std::nullopt;
  }
  k.type = *floatTensorType(in.getElementType());
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1) {
      why = describe(op) + ": axes that are not adjacent";
      return std::nullopt;
    }
  const int64_t first = axes.front(), last = axes.back();
  k.batch = k.rows = k.cols = 1;
  for (int64_t d = 0; d < in.getRank(); ++d)
    (d < first ? k.batch : d <= last ? k.rows : k.cols) *= uint64_t(in.getDimSize(d));
  if (last + 1 == in.getRank()) {
    why = describe(op) + ": a reduction over the last axis (the vector kernels reduce rows of "
                         "channels-last tensors so far)";
    return std::nullopt;
  }
  k.name = kernelName(group);
  return k;
}

std::optional<LoweredRows> pagoda::graph::lowerRowGroup(GroupOp group, std::string &why) {
  Operation *op;
  if (!onlyOp(group, op, why, "a group of more than one op (the row kernels compute one)"))
    return std::nullopt;
  if (!op) {
    why = "no op in the group";
    return std::nullopt;
  }
  auto fail = [&](const std::string &reason) -> std::optional<LoweredRows> {
    why = describe(op) + ": " + reason;
    return std::nullopt;
  };
  auto in = llvm::dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto arg = llvm::dyn_cast<BlockArgument>(op->getOperand(0));
  if (!in || !in.hasStaticShape() || !floatTensorType(in.getElementType()) || !arg ||
      constantOf(arg, group) ||
      getElementTypeOrSelf(op->getResult(0).getType()) != in.getElementType())
    return fail("the row kernels take a static f32, f16 or bf16 group input (and give its type)");
  const int64_t rank = in.getRank();
  LoweredRows out;
  codegen::RowKernel &k = out.kernel;
  out.xOperand = int(arg.getArgNumber());
  // The first axis of C: everything from it on is one row.
  int64_t first = rank;
  auto reduction = [&](ArrayRef<int64_t> axes, codegen::RowOp rop) {
    k.op = rop;
    for (size_t i = 0; i < axes.size(); ++i)
      if (axes[axes.size() - 1 - i] != rank - 1 - int64_t(i))
        return false;
    first = axes.empty() ? rank : axes.front();
    return !axes.empty();
  };
  bool covered = true;
  if (auto r = llvm::dyn_cast<ReduceSumOp>(op))
    covered = reduction(r.getAxes(), codegen::RowOp::Sum);
  else if (auto r = llvm::dyn_cast<ReduceMeanOp>(op))
    covered = reduction(r.getAxes(), codegen::RowOp::Mean);
  else if (auto r = llvm::dyn_cast<ReduceMaxOp>(op))
    covered = reduction(r.getAxes(), codegen::RowOp::Max);
  else if (auto r = llvm::dyn_cast<ReduceMinOp>(op))
    covered = reduction(r.getAxes(), codegen::RowOp::Min);
  else if (llvm::isa<SoftmaxOp, LogSoftmaxOp>(op)) {
    k.op = llvm::isa<SoftmaxOp>(op) ? codegen::RowOp::Softmax : codegen::RowOp::LogSoftmax;
    int64_t axis = int64_t(llvm::isa<SoftmaxOp>(op) ? llvm::cast<SoftmaxOp>(op).getAxis()
                                                    : llvm::cast<LogSoftmaxOp>(op).getAxis());
    if (axis < 0)
      axis += rank;
    first = axis;
    for (int64_t d = axis + 1; d < rank; ++d)
      if (in.getDimSize(d) != 1)
        return fail("an axis with larger axes after it (the row kernels work along the last)");
  } else if (auto ln = llvm::dyn_cast<LayerNormOp>(op)) {
    k.op = codegen::RowOp::LayerNorm;
    first = int64_t(ln.getAxis());
    if (first < 0)
      first += rank;
    k.epsilon = float(ln.getEpsilon().convertToDouble());
    int64_t cols = 1;
    for (int64_t d = first; d < rank; ++d)
      cols *= in.getDimSize(d);
    auto row = [&](Value v, LoweredRows::Row &r) {
      if (!v)
        return true;
      if (numElements(v.getType()) != cols)
        return false;
      if (llvm::cast<RankedTensorType>(v.getType()).getElementType() != in.getElementType())
        return false;
      if ((r.values = constantOf(v, group)))
        return true;
      auto a = llvm::dyn_cast<BlockArgument>(v);
      if (!a)
        return false;
      r.operand = int(a.getArgNumber());
      return true;
    };
    if (!row(ln.getScale(), out.scale) || !row(ln.getBias(), out.bias))
      return fail("a scale or bias that is not one value of the input's type per normalized "
                  "element");
    k.scale = true;
    k.bias = bool(ln.getBias());
  } else if (auto in = llvm::dyn_cast<InstanceNormOp>(op)) {
    // [N, C, spatial...]: each (n, c) row normalized over its spatial
    // elements, then its channel's scale and bias (per row in the kernel).
    k.op = codegen::RowOp::LayerNorm;
    k.rowAffine = true;
    k.epsilon = float(in.getEpsilon().convertToDouble());
    first = 2;
    out.channels = uint64_t(llvm::cast<RankedTensorType>(in.getInput().getType()).getDimSize(1));
    out.scale.values = constantOf(in.getScale(), group);
    out.bias.values = constantOf(in.getBias(), group);
    if (!out.scale.values || !out.bias.values)
      return fail("a scale or bias computed at run time (the kernel takes them per row)");
  } else {
    return fail("no row kernel for it");
  }
  if (!covered)
    return fail("a reduction whose axes do not run to the last (the row kernels reduce the "
                "innermost axes)");
  k.rows = k.cols = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < first ? k.rows : k.cols) *= uint64_t(in.getDimSize(d));
  k.type = *floatTensorType(in.getElementType());
  k.name = kernelName(group);
  return out;
}

namespace {

/// The input coordinate nearest resizing reads for output coordinate x
/// (ONNX Resize, as the host kernel computes it).
int64_t nearestSource(StringRef ctm, StringRef mode, double scale, int64_t in, int64_t out,
                      int64_t x) {
  const double s =
      codegen::resizeSourceCoordinate(ctm, scale, uint64_t(in), uint64_t(out), uint64_t(x))
          .value_or((double(x) + 0.5) / scale - 0.5);
  const double f = std::floor(s), dist = s - f;
  const int64_t p = mode == "floor"               ? int64_t(f)
                    : mode == "ceil"              ? int64_t(std::ceil(s))
                    : mode == "round_prefer_ceil" ? int64_t(dist >= 0.5 ? f + 1 : f)
                                                  : int64_t(dist > 0.5 ? f + 1 : f);
  return std::clamp<int64_t>(p, 0, in - 1);
}

/// A linear resize of an f32 tensor whose changed axes are at most two
/// adjacent ones, viewed as [outer][H][W][E].
template <typename Fail>
std::optional<LoweredMovement> lowerLinearResize(ResizeOp r, const std::string &name, Fail fail,
                                                 LoweredMovement out) {
  auto in = llvm::cast<RankedTensorType>(r.getInput().getType());
  auto result = llvm::cast<RankedTensorType>(r.getResult().getType());
  if (!in.getElementType().isF32())
    return fail("a linear resize of a tensor other than f32 (f32 is generated)");
  const int64_t rank = in.getRank();
  if (rank < 2)
    return fail("fewer than 2 dimensions");
  const std::optional<ArrayRef<double>> scales = r.getScales();
  auto scaleOf = [&](int64_t d) {
    return scales ? (*scales)[size_t(d)] : double(result.getDimSize(d)) / double(in.getDimSize(d));
  };
  SmallVector<int64_t> changed;
  for (int64_t d = 0; d < rank; ++d)
    if (in.getDimSize(d) != result.getDimSize(d) || scaleOf(d) != 1.0)
      changed.push_back(d);
  if (changed.size() > 2 || (changed.size() == 2 && changed[1] != changed[0] + 1))
    return fail("a linear resize of axes other than two adjacent ones");
  const int64_t hAxis = changed.empty()       ? rank - 2
                        : changed.back() == 0 ? 0
                        : changed.size() == 2 ? changed[0]
                                              : std::min(changed[0], rank - 2);
  codegen::ResizeLinearKernel k;
  k.name = name;
  k.h = uint64_t(in.getDimSize(hAxis));
  k.w = uint64_t(in.getDimSize(hAxis + 1));
  for (int64_t d = 0; d < rank; ++d)
    if (d < hAxis || d > hAxis + 1)
      (d < hAxis ? k.outer : k.e) *= uint64_t(in.getDimSize(d));
  StringRef ctm = r.getCoordinateTransformationMode();
  std::optional<codegen::LinearAxis> rows =
      codegen::linearAxis(ctm, scaleOf(hAxis), k.h, uint64_t(result.getDimSize(hAxis)));
  std::optional<codegen::LinearAxis> cols =
      codegen::linearAxis(ctm, scaleOf(hAxis + 1), k.w, uint64_t(result.getDimSize(hAxis + 1)));
  if (!rows || !cols)
    return fail("coordinate transformation mode " + ctm.str() +
                " (half_pixel, pytorch_half_pixel, asymmetric and align_corners are generated)");
  k.rows = std::move(*rows);
  k.cols = std::move(*cols);
  out.linear = std::move(k);
  return out;
}

} // namespace

Result<codegen::MovementPlan> pagoda::graph::planMovement(const LoweredMovement &l,
                                                          const target::TargetDesc &target,
                                                          unsigned rank) {
  return l.concat    ? codegen::planConcat(*l.concat, target, rank)
         : l.slice   ? codegen::planSlice(*l.slice, target, rank)
         : l.gather  ? codegen::planGather(*l.gather, target, rank)
         : l.scatter ? codegen::planScatter(*l.scatter, target, rank)
                     : codegen::planUpsample(*l.upsample, target, rank);
}

Result<codegen::GeneratedMovement> pagoda::graph::generateMovement(const LoweredMovement &l,
                                                                   const target::TargetDesc &target,
                                                                   unsigned rank) {
  return l.concat    ? codegen::generateConcat(*l.concat, target, rank)
         : l.slice   ? codegen::generateSlice(*l.slice, target, rank)
         : l.gather  ? codegen::generateGather(*l.gather, target, rank)
         : l.scatter ? codegen::generateScatter(*l.scatter, target, rank)
                     : codegen::generateUpsample(*l.upsample, target, rank);
}

std::optional<LoweredMovement> pagoda::graph::lowerMovementGroup(GroupOp group, std::string &why) {
  Operation *op;
  if (!onlyOp(group, op, why,
              "a group of more than one op (the data-movement kernels move for one)"))
    return std::nullopt;
  auto fail = [&](const std::string &reason) -> std::optional<LoweredMovement> {
    why = describe(op) + ": " + reason;
    return std::nullopt;
  };
  if (!op || !llvm::isa<ConcatOp, ResizeOp, SliceOp, GatherOp, GatherNDOp, ScatterNDOp>(op)) {
    why = "no concat, resize, slice, gather, gather_nd or scatter_nd in the group";
    return std::nullopt;
  }
  LoweredMovement out;
  for (Value v : op->getOperands()) {
    auto arg = llvm::dyn_cast<BlockArgument>(v);
    auto t = llvm::dyn_cast<RankedTensorType>(v.getType());
    DenseElementsAttr constant;
    if ((!arg && !matchPattern(v, m_Constant(&constant))) || !t || !t.hasStaticShape() ||
        !t.getElementType().isIntOrFloat() || t.getElementType().getIntOrFloatBitWidth() % 8)
      return fail("the kernels move static tensors of whole bytes that are group inputs or "
                  "constants");
    out.operands.push_back(arg ? int(arg.getArgNumber()) : -1);
    out.constants.push_back(constant);
  }
  auto result = llvm::cast<RankedTensorType>(op->getResult(0).getType());
  const unsigned size = result.getElementType().getIntOrFloatBitWidth() / 8;
  const int64_t rank = result.getRank();
  if (auto c = llvm::dyn_cast<ConcatOp>(op)) {
    codegen::ConcatKernel k;
    k.elementBytes = size;
    const int64_t axis = int64_t(c.getAxis());
    for (int64_t d = 0; d < axis; ++d)
      k.outer *= uint64_t(result.getDimSize(d));
    for (Value v : c.getInputs())
      k.lengths.push_back(uint64_t(llvm::cast<RankedTensorType>(v.getType()).getNumElements()) /
                          k.outer);
    k.name = kernelName(group);
    out.concat = k;
    return out;
  }
  if (auto g = llvm::dyn_cast<GatherOp>(op)) {
    auto data = llvm::cast<RankedTensorType>(g.getData().getType());
    auto indices = llvm::cast<RankedTensorType>(g.getIndices().getType());
    const int64_t axis = int64_t(g.getAxis());
    if (axis < 0 || axis >= data.getRank())
      return fail("an axis outside the data's rank");
    codegen::GatherKernel k;
    k.elementBytes = size;
    k.indexBytes = indices.getElementType().getIntOrFloatBitWidth() / 8;
    k.length = uint64_t(data.getDimSize(axis));
    for (int64_t d = 0; d < data.getRank(); ++d)
      if (d != axis)
        (d < axis ? k.outer : k.inner) *= uint64_t(data.getDimSize(d));
    k.count = uint64_t(indices.getNumElements());
    k.name = kernelName(group);
    out.gather = k;
    return out;
  }
  if (auto g = llvm::dyn_cast<GatherNDOp>(op)) {
    auto data = llvm::cast<RankedTensorType>(g.getData().getType());
    auto indices = llvm::cast<RankedTensorType>(g.getIndices().getType());
    const int64_t b = int64_t(g.getBatchDims()), depth = indices.getShape().back();
    codegen::GatherKernel k;
    k.elementBytes = size;
    k.indexBytes = 8;
    for (int64_t d = 0; d < data.getRank(); ++d)
      if (d < b)
        k.outer *= uint64_t(data.getDimSize(d));
      else if (d < b + depth)
        k.dims.push_back(uint64_t(data.getDimSize(d)));
      else
        k.inner *= uint64_t(data.getDimSize(d));
    k.count = uint64_t(indices.getNumElements() / depth) / k.outer;
    k.name = kernelName(group);
    out.gather = k;
    return out;
  }
  if (auto sc = llvm::dyn_cast<ScatterNDOp>(op)) {
    if (sc.getReduction() != "none")
      return fail("a scatter that combines (reduction '" + sc.getReduction().str() +
                  "'): the kernel replaces rows");
    auto indices = llvm::cast<RankedTensorType>(sc.getIndices().getType());
    const int64_t depth = indices.getDimSize(indices.getRank() - 1);
    if (depth < 1 || depth > rank)
      return fail(depth < 1 ? "index tuples of depth 0 (each replaces the whole tensor)"
                            : "an index depth beyond the data's rank");
    codegen::ScatterKernel k;
    k.elementBytes = size;
    k.indexBytes = indices.getElementType().getIntOrFloatBitWidth() / 8;
    for (int64_t d = 0; d < rank; ++d)
      if (d < depth)
        k.dims.push_back(uint64_t(result.getDimSize(d)));
      else
        k.inner *= uint64_t(result.getDimSize(d));
    k.count = uint64_t(indices.getNumElements() / depth);
    k.name = kernelName(group);
    out.scatter = k;
    return out;
  }
  if (auto s = llvm::dyn_cast<SliceOp>(op)) {
    auto in = llvm::cast<RankedTensorType>(s.getInput().getType());
    // The one axis whose extent changes (the first, when none does).
    int64_t axis = -1;
    for (int64_t d = 0; d < rank; ++d) {
      // One element taken: its step moves nothing.
      const int64_t step = result.getDimSize(d) == 1 ? 1 : s.getSteps()[size_t(d)];
      if (step < 1)
        return fail("a negative step");
      if (s.getStarts()[size_t(d)] != 0 || in.getDimSize(d) != result.getDimSize(d) || step != 1) {
        if (axis >= 0)
          return fail("a slice of more than one axis");
        axis = d;
      }
    }
    axis = std::max<int64_t>(axis, 0);
    codegen::SliceKernel k;
    k.elementBytes = size;
    k.length = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < axis ? k.outer : d > axis ? k.inner : k.length) *= uint64_t(in.getDimSize(d));
    k.start = uint64_t(s.getStarts()[size_t(axis)]);
    k.count = uint64_t(result.getDimSize(axis));
    k.step = k.count > 1 ? uint64_t(s.getSteps()[size_t(axis)]) : 1;
    k.name = kernelName(group);
    out.slice = k;
    return out;
  }
  auto r = llvm::cast<ResizeOp>(op);
  auto in = llvm::cast<RankedTensorType>(r.getInput().getType());
  if (r.getMode() == "linear")
    return lowerLinearResize(r, kernelName(group), fail, std::move(out));
  if (r.getMode() != "nearest")
    return fail("mode " + r.getMode().str() +
                " (nearest upsampling by whole factors and linear resizes are generated)");
  if (rank < 3)
    return fail("fewer than 3 dimensions");
  codegen::UpsampleKernel k;
  k.elementBytes = size;
  uint64_t factors[2] = {1, 1};
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t i = in.getDimSize(d), o = result.getDimSize(d);
    const bool spatial = d == rank - 3 || d == rank - 2;
    if (i == o)
      continue;
    if (!spatial || o % i)
      return fail("a resize other than whole-factor upsampling of the two axes before the last "
                  "(a channels-last image)");
    const std::optional<ArrayRef<double>> scales = r.getScales();
    const double scale = scales ? (*scales)[size_t(d)] : double(o) / double(i);
    for (int64_t x = 0; x < o; ++x)
      if (nearestSource(r.getCoordinateTransformationMode(), r.getNearestMode(), scale, i, o, x) !=
          x / (o / i))
        return fail("a nearest mapping other than repeating each pixel");
    factors[d - (rank - 3)] = uint64_t(o / i);
  }
  for (int64_t d = 0; d < rank - 3; ++d)
    k.outer *= uint64_t(in.getDimSize(d));
  k.h = uint64_t(in.getDimSize(rank - 3));
  k.w = uint64_t(in.getDimSize(rank - 2));
  k.block = uint64_t(in.getDimSize(rank - 1));
  k.sh = factors[0];
  k.sw = factors[1];
  k.name = kernelName(group);
  out.upsample = k;
  return out;
}

bool pagoda::graph::hasNpuKernel(GroupOp group, const target::TargetDesc &target,
                                 std::string &why) {
  // Lowering and planning decide; no code is generated here.
  StringRef kind = group.getKind();
  std::optional<Error> problem;
  // A cube group's epilogue beyond FixPipe is a vector kernel of its own.
  // A matmul and the transpose of its run-time B, if any.
  auto matmulProblem = [&](const LoweredMatmul &l) -> std::optional<Error> {
    if (l.bTranspose)
      if (Result<codegen::TransposePlan> p = codegen::planTranspose(*l.bTranspose, target); !p)
        return p.error();
    if (l.aShift)
      if (Result<codegen::ElementwisePlan> p = codegen::planElementwise(*l.aShift, target); !p)
        return p.error();
    if (Result<codegen::MatmulPlan> p = codegen::planMatmul(l.kernel, target); !p)
      return p.error();
    return std::nullopt;
  };
  auto tailProblem = [&](const std::optional<LoweredElementwise> &tail) -> std::optional<Error> {
    if (tail)
      if (Result<codegen::ElementwisePlan> e = codegen::planElementwise(tail->kernel, target); !e)
        return e.error();
    return std::nullopt;
  };
  if (isElementwiseKind(kind)) {
    std::optional<LoweredElementwise> l = lowerElementwiseGroup(group, why);
    if (!l)
      return false;
    if (Result<codegen::ElementwisePlan> p = codegen::planElementwise(l->kernel, target); !p)
      problem = p.error();
  } else if (isMatmulKind(kind)) {
    std::optional<LoweredMatmul> l = lowerMatmulGroup(group, why);
    if (!l)
      return false;
    problem = matmulProblem(*l);
    if (!problem)
      problem = tailProblem(l->tail);
  } else if (kind == "attention") {
    std::optional<LoweredAttention> l = lowerAttentionGroup(group, why);
    if (!l)
      return false;
    problem = matmulProblem(l->scores);
    for (const std::optional<codegen::PadKernel> *pad : {&l->padQ, &l->padK, &l->padV})
      if (!problem && *pad)
        if (Result<codegen::MovementPlan> p = codegen::planPad(**pad, target); !p)
          problem = p.error();
    if (!problem && l->unpad)
      if (Result<codegen::MovementPlan> p = codegen::planSlice(*l->unpad, target); !p)
        problem = p.error();
    if (!problem && l->scale)
      if (Result<codegen::ElementwisePlan> p = codegen::planElementwise(*l->scale, target); !p)
        problem = p.error();
    if (!problem)
      if (Result<codegen::RowPlan> p = codegen::planRows(l->softmax, target); !p)
        problem = p.error();
    if (!problem)
      problem = matmulProblem(l->context);
  } else if (isConvKind(kind)) {
    std::optional<LoweredConv> l = lowerConvGroup(group, why);
    if (!l) {
      // A conv the layout pass left channels-first: its planner says why.
      group.getBody().walk([&](Operation *op) {
        std::optional<std::string> p;
        if (auto conv = llvm::dyn_cast<ConvOp>(op); conv && !conv.getChannelsLast())
          p = convKernelProblem(conv, target, kernelName(group));
        else if (llvm::isa<ConvIntegerOp, QLinearConvOp>(op) && !op->hasAttr("channels_last"))
          p = int8ConvKernelProblem(op, target, group);
        if (p)
          why = *p;
      });
      return false;
    }
    if (l->depthwise) {
      if (Result<codegen::DepthwisePlan> p = codegen::planDepthwise(*l->depthwise, target); !p)
        problem = p.error();
    } else if (Result<codegen::ConvPlan> p = codegen::planConv(l->kernel, target); !p) {
      problem = p.error();
    }
    if (!problem)
      problem = tailProblem(l->tail);
    if (!problem && l->xShift)
      if (Result<codegen::ElementwisePlan> e = codegen::planElementwise(*l->xShift, target); !e)
        problem = e.error();
  } else if (std::optional<LoweredRows> rows =
                 isRowKind(kind) ? lowerRowGroup(group, why) : std::nullopt) {
    if (Result<codegen::RowPlan> p = codegen::planRows(rows->kernel, target); !p)
      problem = p.error();
  } else if (kind == "reduce_sum" || kind == "reduce_mean" || kind == "reduce_max") {
    std::optional<codegen::ReduceKernel> k = lowerReduceGroup(group, why);
    if (!k)
      return false;
    if (Result<codegen::ReducePlan> p = codegen::planReduce(*k, target); !p)
      problem = p.error();
  } else if (kind == "max_pool" || kind == "avg_pool") {
    int x = -1;
    std::optional<codegen::DepthwiseKernel> k = lowerPoolGroup(group, x, why);
    if (!k)
      return false;
    if (Result<codegen::DepthwisePlan> p = codegen::planDepthwise(*k, target); !p)
      problem = p.error();
  } else if (isMovementKind(kind)) {
    std::optional<LoweredMovement> l = lowerMovementGroup(group, why);
    if (!l)
      return false;
    if (l->linear) {
      if (Result<codegen::ResizePlan> p = codegen::planResizeLinear(*l->linear, target); !p)
        problem = p.error();
    } else if (Result<codegen::MovementPlan> p = planMovement(*l, target); !p) {
      problem = p.error();
    }
  } else if (kind == "transpose") {
    std::optional<LoweredTranspose> l = lowerTransposeGroup(group, why);
    if (!l)
      return false;
    if (l->elements) {
      if (Result<codegen::TransposePlan> p = codegen::planTranspose(*l->elements, target); !p)
        problem = p.error();
    } else if (Result<codegen::BlockTransposePlan> p =
                   codegen::planBlockTranspose(*l->blocks, target);
               !p) {
      problem = p.error();
    }
  } else {
    if (why.empty())
      why = ("no NPU kernel for " + kind + " in this build yet").str();
    return false;
  }
  if (problem)
    why = problem->str();
  return !problem;
}

unsigned pagoda::graph::npuLaunches(GroupOp group, const target::TargetDesc &target) {
  std::string why;
  StringRef kind = group.getKind();
  if (kind == "attention") {
    if (std::optional<LoweredAttention> l = lowerAttentionGroup(group, why))
      return l->launches();
  } else if (isMatmulKind(kind)) {
    if (std::optional<LoweredMatmul> l = lowerMatmulGroup(group, why)) {
      Result<codegen::MatmulPlan> p = codegen::planMatmul(l->kernel, target);
      return l->launches() + (p && p->kSplit > 1 ? 1u : 0u);
    }
  } else if (isConvKind(kind)) {
    if (std::optional<LoweredConv> l = lowerConvGroup(group, why))
      return l->launches();
  }
  return 1;
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
