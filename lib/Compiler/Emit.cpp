//===- Emit.cpp - A placed and planned module becomes an artifact ---------===//
//
// After the graph pipeline every top-level op is a model input, a weight
// (graph.constant), a view (graph.reshape), a kernel group with its
// placement and arena offsets, or the return. Emission walks them in
// program order:
//   - weights are packed once into the constants section (512-byte aligned);
//   - a group's results live where HBM planning put them (Ref::Arena), or
//     straight in the model's output buffers (offset -1, Ref::Output);
//   - an NPU group becomes a generated kernel and a Launch step (identical
//     kernels are stored once);
//   - a host group becomes one HostCall per op, its intermediates in
//     scratch space after the planned arena;
//   - a returned value that is not already in its output buffer (a model
//     input, a weight, an output returned twice) is copied there.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Compiler/Compiler.h"

#include "pagoda/Artifact/HostOps.h"
#include "pagoda/Codegen/Search.h"
#include "pagoda/Config/Version.h"
#include "pagoda/Dialect/Graph/IR/GraphOps.h"
#include "pagoda/Dialect/Graph/Transforms/CostModel.h"
#include "pagoda/Dialect/Graph/Transforms/KernelLowering.h"
#include "pagoda/Sim/Numerics.h"
#include "pagoda/Target/TargetJSON.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/ADT/DenseMap.h"

#include <cstring>

using namespace mlir;
using namespace pagoda;
using namespace pagoda::graph;
using artifact::ElemType;
using artifact::Ref;
using artifact::Step;
using artifact::TensorDesc;

namespace pagoda::compiler {
namespace {

constexpr uint64_t kAlign = 512;

uint64_t alignUp(uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

std::optional<ElemType> elemType(Type t) {
  if (t.isF32())
    return ElemType::F32;
  if (t.isF16())
    return ElemType::F16;
  if (t.isBF16())
    return ElemType::BF16;
  if (t.isF64())
    return ElemType::F64;
  if (t.isInteger(1))
    return ElemType::Bool;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 8:
      return u ? ElemType::U8 : ElemType::S8;
    case 16:
      return u ? ElemType::U16 : ElemType::S16;
    case 32:
      return u ? ElemType::U32 : ElemType::S32;
    case 64:
      return u ? ElemType::U64 : ElemType::S64;
    default:
      break;
    }
  }
  return std::nullopt;
}

std::optional<artifact::Attribute> convertAttr(Attribute a) {
  artifact::Attribute out;
  if (auto b = dyn_cast<BoolAttr>(a)) {
    out.kind = artifact::Attribute::Kind::Int;
    out.i = b.getValue();
  } else if (llvm::isa<UnitAttr>(a)) { // present: 1
    out.kind = artifact::Attribute::Kind::Int;
    out.i = 1;
  } else if (auto i = dyn_cast<IntegerAttr>(a)) {
    out.kind = artifact::Attribute::Kind::Int;
    out.i = i.getInt();
  } else if (auto f = dyn_cast<FloatAttr>(a)) {
    out.kind = artifact::Attribute::Kind::Float;
    out.f = f.getValueAsDouble();
  } else if (auto s = dyn_cast<StringAttr>(a)) {
    out.kind = artifact::Attribute::Kind::String;
    out.s = s.str();
  } else if (auto ints = dyn_cast<DenseI64ArrayAttr>(a)) {
    out.kind = artifact::Attribute::Kind::Ints;
    out.ints.assign(ints.asArrayRef().begin(), ints.asArrayRef().end());
  } else if (auto floats = dyn_cast<DenseF64ArrayAttr>(a)) {
    out.kind = artifact::Attribute::Kind::Floats;
    out.floats.assign(floats.asArrayRef().begin(), floats.asArrayRef().end());
  } else if (auto arr = dyn_cast<ArrayAttr>(a)) {
    bool floats = !arr.empty() && llvm::isa<FloatAttr>(arr[0]);
    out.kind = floats ? artifact::Attribute::Kind::Floats : artifact::Attribute::Kind::Ints;
    for (Attribute e : arr) {
      if (auto i = dyn_cast<IntegerAttr>(e); i && !floats)
        out.ints.push_back(i.getInt());
      else if (auto f = dyn_cast<FloatAttr>(e); f && floats)
        out.floats.push_back(f.getValueAsDouble());
      else
        return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  return out;
}

std::string nodeName(Operation *op) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return loc.getName().str();
  return "";
}

class ArtifactEmitter {
public:
  ArtifactEmitter(ModuleOp module, const target::TargetDesc &target, const Options &options)
      : module_(module), target_(target), progress_(options.progress),
        search_(options.tiling == "search"), candidates_(options.tilingCandidates) {}

  FailureOr<Emitted> run(StringRef source) {
    SmallVector<func::FuncOp> funcs(module_.getOps<func::FuncOp>());
    if (funcs.size() != 1) {
      module_.emitError() << "an artifact holds one model function; the module has "
                          << funcs.size();
      return failure();
    }
    func::FuncOp f = funcs.front();
    artifact::Artifact &a = out_.artifact;
    a.target = target_;
    a.metadata["compiler"] = std::string("pagoda ") + PAGODA_VERSION;
    a.metadata["source"] = source.str();
    auto hbm = module_->getAttrOfType<DictionaryAttr>("pagoda.hbm");
    auto arena = hbm ? dyn_cast_or_null<IntegerAttr>(hbm.get("arena_bytes")) : IntegerAttr();
    if (!arena) {
      module_.emitError() << "emission needs HBM planning first (-pagoda-graph-plan-hbm)";
      return failure();
    }
    scratch_ = alignUp(uint64_t(arena.getInt()));

    for (BlockArgument arg : f.getArguments()) {
      auto name = f.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "graph.name");
      FailureOr<TensorDesc> d =
          describe(arg.getType(), name ? name.str() : "input" + std::to_string(arg.getArgNumber()),
                   f.getLoc());
      if (failed(d))
        return failure();
      a.inputs.push_back(*d);
      refs_[arg] = Ref{Ref::Kind::Input, uint32_t(arg.getArgNumber()), 0};
    }
    auto ret = cast<func::ReturnOp>(f.getBody().front().getTerminator());
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      auto name = f.getResultAttrOfType<StringAttr>(unsigned(i), "graph.name");
      FailureOr<TensorDesc> d =
          describe(v.getType(), name ? name.str() : "output" + std::to_string(i), ret.getLoc());
      if (failed(d))
        return failure();
      a.outputs.push_back(*d);
      if (!outputIndex_.count(graph::viewRoot(v)))
        outputIndex_[graph::viewRoot(v)] = uint32_t(i);
    }

    uint64_t groups = 0, done = 0;
    for (Operation &op : f.getBody().front())
      groups += llvm::isa<GroupOp>(op);
    for (Operation &op : f.getBody().front()) {
      if (failed(emitTopLevel(&op, a.plan)))
        return failure();
      if (llvm::isa<GroupOp>(op) && progress_)
        progress_("kernels", ++done, groups);
    }
    a.arenaBytes = scratch_;
    std::vector<std::string> problems = artifact::verify(a);
    if (!problems.empty()) {
      module_.emitError() << "internal error: the emitted artifact is inconsistent: "
                          << problems.front();
      return failure();
    }
    return std::move(out_);
  }

private:
  FailureOr<TensorDesc> describe(Type t, std::string name, Location loc) {
    auto rt = dyn_cast<RankedTensorType>(t);
    std::optional<ElemType> et = rt ? elemType(rt.getElementType()) : std::nullopt;
    if (!rt || !rt.hasStaticShape() || !et) {
      emitError(loc) << "tensor '" << name << "' of type " << t
                     << " has no artifact form (static shapes of f32, f16, bf16, f64, integers "
                        "or i1)";
      return failure();
    }
    TensorDesc d;
    d.name = std::move(name);
    d.type = *et;
    d.shape.assign(rt.getShape().begin(), rt.getShape().end());
    return d;
  }

  /// The little-endian bytes of every element (splats expanded, i1 as bytes).
  static std::vector<uint8_t> rawBytes(DenseElementsAttr dense) {
    std::vector<uint8_t> bytes;
    auto rt = cast<RankedTensorType>(dense.getType());
    const int64_t n = rt.getNumElements();
    if (rt.getElementType().isInteger(1)) {
      for (bool b : dense.getValues<bool>())
        bytes.push_back(b ? 1 : 0);
      return bytes;
    }
    const size_t size = (rt.getElementTypeBitWidth() + 7) / 8;
    ArrayRef<char> raw = dense.getRawData();
    bytes.reserve(size_t(n) * size);
    for (int64_t i = 0; i < n; ++i) {
      const char *p = raw.data() + (dense.isSplat() ? 0 : size_t(i) * size);
      bytes.insert(bytes.end(), p, p + size);
    }
    return bytes;
  }

  /// Appends bytes to the constants section (aligned); their reference.
  Ref appendConstant(const std::vector<uint8_t> &bytes) {
    std::vector<uint8_t> &blob = out_.artifact.constants;
    uint64_t offset = alignUp(blob.size());
    blob.resize(offset);
    blob.insert(blob.end(), bytes.begin(), bytes.end());
    return Ref{Ref::Kind::Constant, 0, offset};
  }

  /// Where a value lives: a model input, a planned result, a weight
  /// (packed now if this is its first use), or what a view views.
  Ref ref(Value v) {
    auto it = refs_.find(v);
    if (it != refs_.end())
      return it->second;
    Ref r;
    if (auto a = alias_.find(v); a != alias_.end())
      r = ref(a->second);
    else if (auto c = pending_.find(v); c != pending_.end())
      r = constant(c->second);
    refs_[v] = r;
    return r;
  }

  Ref constant(ConstantOp c) {
    return appendConstant(rawBytes(cast<DenseElementsAttr>(c.getValue())));
  }

  /// A constant a group's body holds (attributes are uniqued: one copy of
  /// each however many groups or operands use it).
  Ref constant(DenseElementsAttr value) {
    auto [it, fresh] = bodyConstants_.try_emplace(value, Ref());
    if (fresh)
      it->second = appendConstant(rawBytes(value));
    return it->second;
  }

  /// Scratch memory after the planned arena (host-group intermediates).
  Ref scratch(Type t) { return scratchBytes(uint64_t(graph::tensorBytes(t))); }
  Ref scratchBytes(uint64_t bytes) {
    uint64_t off = scratch_;
    scratch_ = alignUp(scratch_ + bytes);
    return Ref{Ref::Kind::Arena, 0, off};
  }

  /// Adds a kernel (once per distinct code); its index.
  uint32_t addKernel(const std::string &assembly, const isa::Program &program, GroupOp g) {
    artifact::Artifact &a = out_.artifact;
    auto known = kernelByCode_.find(assembly);
    if (known != kernelByCode_.end())
      return known->second;
    uint32_t index = uint32_t(a.kernels.size());
    kernelByCode_[assembly] = index;
    artifact::Kernel k;
    k.name = program.kernel;
    k.programs = {program};
    for (const std::string &n : graph::sourceNodes(g))
      k.sourceNodes.push_back(n);
    a.kernels.push_back(std::move(k));
    return index;
  }

  void launch(GroupOp g, uint32_t kernel, uint32_t blockDim, std::vector<Ref> args,
              std::vector<Step> &plan) {
    Step s;
    s.kind = Step::Kind::Launch;
    s.kernel = kernel;
    s.blockDim = blockDim;
    s.args = std::move(args);
    SmallVector<std::string> nodes = graph::sourceNodes(g);
    s.location = nodes.empty() ? g.getKind().str() : nodes.front();
    plan.push_back(std::move(s));
  }

  LogicalResult emitTopLevel(Operation *op, std::vector<Step> &plan) {
    if (auto c = dyn_cast<ConstantOp>(op)) {
      if (!llvm::isa<DenseElementsAttr>(c.getValue()))
        return c.emitError() << "a constant without dense elements has no artifact form";
      // Packed on first use: a weight only a cube kernel reads is stored
      // in its repacked form alone.
      pending_[c.getResult()] = c;
      return success();
    }
    if (auto r = dyn_cast<ReshapeOp>(op)) {
      alias_[r.getResult()] = r.getInput();
      return success();
    }
    if (auto g = dyn_cast<GroupOp>(op))
      return emitGroup(g, plan);
    if (auto r = dyn_cast<func::ReturnOp>(op)) {
      for (auto [i, v] : llvm::enumerate(r.getOperands())) {
        Ref want{Ref::Kind::Output, uint32_t(i), 0};
        Ref have = ref(v);
        if (have == want)
          continue;
        Step s;
        s.kind = Step::Kind::Copy;
        s.src = have;
        s.dst = want;
        s.bytes = out_.artifact.outputs[i].byteSize();
        s.location = out_.artifact.outputs[i].name;
        plan.push_back(std::move(s));
      }
      return success();
    }
    if (llvm::isa<IfOp, LoopOp>(op))
      return op->emitError() << op->getName()
                             << ": control flow is not emitted into artifacts yet (pagoda compile "
                                "--emit mlir shows the planned graph)";
    return op->emitError() << op->getName() << " outside a kernel group has no artifact form";
  }

  LogicalResult emitGroup(GroupOp g, std::vector<Step> &plan) {
    auto offsets = g->getAttrOfType<DenseI64ArrayAttr>("hbm_offsets");
    if (!offsets || offsets.size() != int64_t(g->getNumResults()))
      return g.emitError() << "group without hbm_offsets: emission needs HBM planning first";
    for (auto [r, off] : llvm::zip(g->getResults(), offsets.asArrayRef())) {
      if (off >= 0) {
        refs_[r] = Ref{Ref::Kind::Arena, 0, uint64_t(off)};
        continue;
      }
      auto it = outputIndex_.find(r);
      if (it == outputIndex_.end())
        return g.emitError() << "internal error: a result planned as a model output is not "
                                "returned";
      refs_[r] = Ref{Ref::Kind::Output, it->second, 0};
    }
    auto where = g->getAttrOfType<StringAttr>("placement");
    if (where && where.getValue() == "npu")
      return emitNpuGroup(g, plan);
    return emitHostGroup(g, plan);
  }

  LogicalResult emitNpuGroup(GroupOp g, std::vector<Step> &plan) {
    StringRef kind = g.getKind();
    if (graph::isMatmulKind(kind))
      return emitMatmulGroup(g, plan);
    if (graph::isConvKind(kind))
      return emitConvGroup(g, plan);
    if (kind == "attention")
      return emitAttentionGroup(g, plan);
    if (kind == "transpose")
      return emitTransposeGroup(g, plan);
    if (graph::isMovementKind(kind))
      return emitMovementGroup(g, plan);
    if (kind == "max_pool" || kind == "avg_pool")
      return emitPoolGroup(g, plan);
    std::string why;
    if (graph::isRowKind(kind))
      if (std::optional<graph::LoweredRows> rows = graph::lowerRowGroup(g, why))
        return emitRowGroup(g, *rows, plan);
    if (kind == "reduce_sum" || kind == "reduce_mean" || kind == "reduce_max")
      return emitReduceGroup(g, plan);
    std::optional<graph::LoweredElementwise> lowered =
        graph::isElementwiseKind(kind) ? graph::lowerElementwiseGroup(g, why) : std::nullopt;
    if (!lowered)
      return notOnNpu(g, why);
    Result<codegen::GeneratedKernel> gen = generate<codegen::GeneratedKernel>(
        [&](unsigned r) { return codegen::generateElementwise(lowered->kernel, target_, 0, r); });
    if (!gen)
      return g.emitError() << gen.error().str();
    uint32_t index = addKernel(gen->assembly, gen->program, g);
    record(g, gen->program.kernel, gen->plan.describe(), gen->plan.predictedCycles,
           gen->plan.blockDim, gen->assembly);
    std::vector<Ref> args = elementwiseArgs(g, *lowered, Ref());
    for (Value r : g->getResults())
      args.push_back(refs_.lookup(r));
    launch(g, index, gen->plan.blockDim, std::move(args), plan);
    return success();
  }

  /// An elementwise kernel's input arguments: group operands (a constant
  /// row of partial blocks repeated to its period, as a new constant), the
  /// cube kernel's result `head` for an epilogue.
  std::vector<Ref> elementwiseArgs(GroupOp g, const graph::LoweredElementwise &l, Ref head) {
    std::vector<Ref> args;
    for (auto [i, operand, repeat, widen] : llvm::enumerate(l.operandOf, l.repeatOf, l.widenOf)) {
      if (operand == graph::kCubeResult) {
        args.push_back(head);
        continue;
      }
      if (operand == graph::kComputedConstant) {
        std::vector<uint8_t> bytes;
        for (uint32_t r = 0; r < repeat; ++r)
          bytes.insert(bytes.end(), l.constants[i].begin(), l.constants[i].end());
        args.push_back(appendConstant(bytes));
        continue;
      }
      if (operand < 0)
        continue;
      Value v = g->getOperand(unsigned(operand));
      auto c = v.getDefiningOp<ConstantOp>();
      if ((repeat <= 1 && !widen) || !c) {
        args.push_back(ref(v));
        continue;
      }
      // A bf16 constant as f32 (the kernel computes in f32).
      auto dense = cast<DenseElementsAttr>(c.getValue());
      std::vector<uint8_t> row = widen ? typedBytes(floatsOf(dense), isa::DType::F32)
                                       : rawBytes(dense),
                           bytes;
      for (uint32_t i = 0; i < repeat; ++i)
        bytes.insert(bytes.end(), row.begin(), row.end());
      args.push_back(appendConstant(bytes));
    }
    return args;
  }

  LogicalResult notOnNpu(GroupOp g, std::string why) {
    if (why.empty())
      why = ("no NPU kernel for " + g.getKind() + " in this build yet").str();
    return g.emitError() << "group '" << g.getKind() << "' is placed on the NPU but " << why
                         << " (compile with placement kernels=implemented, as pagoda compile "
                            "does)";
  }

  /// A generator's result under the tiling mode: candidate 0 (the cost
  /// model's choice), or under search the fastest candidate on the
  /// simulator; the search is described in the group's record.
  template <typename Generated>
  Result<Generated> generate(const std::function<Result<Generated>(unsigned)> &candidate) {
    if (!search_)
      return candidate(0);
    codegen::TilingSearch s;
    Result<Generated> g = codegen::searchTiling<Generated>(candidate, target_, candidates_, s);
    if (g) {
      searched_.push_back(s.describe());
      searchedCycles_ += s.simulatedCycles[s.chosen];
    }
    return g;
  }

  void record(GroupOp g, std::string name, std::string tiling, double cycles, uint32_t blockDim,
              std::string assembly) {
    KernelCode code;
    code.name = std::move(name);
    for (const std::string &s : searched_)
      tiling += "; " + s;
    code.simulatedCycles = searchedCycles_;
    searched_.clear();
    searchedCycles_ = 0;
    code.tiling = std::move(tiling);
    code.predictedCycles = cycles;
    code.predictedSeconds = cycles / target_.cyclesPerSecond();
    code.blockDim = blockDim;
    code.assembly = std::move(assembly);
    out_.groups[g.getOperation()] = out_.kernels.size();
    out_.kernels.push_back(std::move(code));
  }

  /// A cube kernel: B packed as B^T (f32: high and low parts), the bias as
  /// an f32 row; f32 activations are split by a vector kernel first.
  LogicalResult emitMatmulGroup(GroupOp g, std::vector<Step> &plan) {
    std::string why;
    std::optional<graph::LoweredMatmul> l = graph::lowerMatmulGroup(g, why);
    if (!l)
      return notOnNpu(g, why);
    Result<codegen::GeneratedMatmul> gen = generate<codegen::GeneratedMatmul>(
        [&](unsigned r) { return codegen::generateMatmul(l->kernel, target_, r); });
    if (!gen)
      return g.emitError() << gen.error().str();
    double predicted = gen->plan.predictedCycles;
    std::string tiling = gen->plan.describe();
    const bool split = gen->reduction.has_value();
    FailureOr<std::vector<Ref>> args = matmulArgs(g, *l, ref(g->getOperand(unsigned(l->aOperand))),
                                                  plan, predicted, tiling, std::nullopt, !split);
    if (failed(args))
      return failure();
    if (!split)
      return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim, tiling,
                                predicted, std::move(*args), l->tail, l->head, plan);
    // A K split: the cube kernel's f32 partials into scratch, then the
    // vector kernel that sums them (bias, ReLU, output type) as the group's
    // result (its predicted cycles are in the plan's).
    const codegen::MatmulKernel &k = l->kernel;
    const uint64_t part = k.batch * k.m * k.n * 4;
    Ref partials = scratchBytes(gen->plan.kSplit * part);
    args->push_back(partials);
    launch(g, addKernel(gen->assembly, gen->program, g), gen->plan.blockDim, std::move(*args),
           plan);
    Result<codegen::GeneratedKernel> rg = generate<codegen::GeneratedKernel>(
        [&](unsigned r) { return codegen::generateElementwise(*gen->reduction, target_, 0, r); });
    if (!rg)
      return g.emitError() << rg.error().str();
    std::vector<Ref> rargs;
    for (uint64_t r = 0; r < gen->plan.kSplit; ++r)
      rargs.push_back(Ref{partials.kind, partials.index, partials.offset + r * part});
    if (k.bias)
      rargs.push_back(biasRow(l->bias, k.n, l->biasScale));
    tiling += "; sum: " + rg->plan.describe();
    return launchWithEpilogue(g, rg->program, rg->assembly, rg->plan.blockDim, tiling, predicted,
                              std::move(rargs), l->tail, l->head, plan, gen->assembly, k.name);
  }

  /// A cube kernel's arguments before its output: A (f32: split by a
  /// vector kernel), B (a constant packed as B^T; computed at run time: as
  /// it is, or in f32 transposed to B^T and split, each by a vector
  /// kernel), the bias row, the zero argument. The helper kernels' cycles
  /// go to `predicted`, their description to `tiling`.
  FailureOr<std::vector<Ref>> matmulArgs(GroupOp g, const graph::LoweredMatmul &l, Ref a,
                                         std::vector<Step> &plan, double &predicted,
                                         std::string &tiling,
                                         std::optional<Ref> bInstead = std::nullopt,
                                         bool withBias = true) {
    const codegen::MatmulKernel &k = l.kernel;
    const bool f32 = k.input == isa::DType::F32;
    const uint64_t bElements = (k.bPerBatch ? k.batch : 1) * k.n * k.k;
    std::vector<Ref> args;
    if (f32) {
      FailureOr<std::pair<Ref, Ref>> parts =
          splitActivation(g, k.name, k.batch * k.m * k.k, a, plan, predicted);
      if (failed(parts))
        return failure();
      args = {parts->first, parts->second};
      tiling += ", f32 in three hf32 passes after a split kernel";
    } else if (l.aShift) {
      FailureOr<Ref> shifted = shiftToInt8(g, *l.aShift, a, plan, predicted, tiling);
      if (failed(shifted))
        return failure();
      args = {*shifted};
    } else {
      args = {a};
    }
    if (l.bOperand >= 0) {
      Ref b = bInstead ? *bInstead : ref(g->getOperand(unsigned(l.bOperand)));
      if (l.bTranspose) {
        Result<codegen::GeneratedTranspose> tg = generate<codegen::GeneratedTranspose>(
            [&](unsigned r) { return codegen::generateTranspose(*l.bTranspose, target_, r); });
        if (!tg) {
          g.emitError() << tg.error().str();
          return failure();
        }
        std::vector<uint8_t> table(tg->indexTable.size() * 4);
        std::memcpy(table.data(), tg->indexTable.data(), table.size());
        Ref bt = scratchBytes(bElements * 4);
        launch(g, addKernel(tg->assembly, tg->program, g), tg->plan.blockDim,
               {b, appendConstant(table), bt}, plan);
        predicted += tg->plan.predictedCycles;
        tiling += "; B transposed on the vector unit: " + tg->plan.describe();
        b = bt;
      }
      if (f32) {
        FailureOr<std::pair<Ref, Ref>> parts =
            splitActivation(g, k.name + "_b", bElements, b, plan, predicted);
        if (failed(parts))
          return failure();
        args.push_back(parts->first);
        args.push_back(parts->second);
      } else {
        args.push_back(b);
      }
    } else {
      // B^T, row-major N x K.
      const unsigned size = isa::dtypeBits(k.input) / 8;
      std::vector<uint8_t> bytes = rawBytes(l.b), bt(bytes.size());
      for (uint64_t n = 0; n < k.n; ++n)
        for (uint64_t kk = 0; kk < k.k; ++kk) {
          uint64_t from = l.bTransposed ? n * k.k + kk : kk * k.n + n;
          std::memcpy(&bt[(n * k.k + kk) * size], &bytes[from * size], size);
        }
      if (f32) {
        std::vector<float> v(k.n * k.k);
        std::memcpy(v.data(), bt.data(), bt.size());
        appendSplitConstant(v, args);
      } else {
        args.push_back(appendConstant(bt));
      }
    }
    if (k.bias && withBias && k.input == isa::DType::S8) {
      args.push_back(intBiasRow(l.intBias));
    } else if (k.bias && withBias) {
      args.push_back(biasRow(l.bias, k.n, l.biasScale));
    }
    if (uint64_t zeros = codegen::matmulZeroBytes(k))
      args.push_back(appendConstant(std::vector<uint8_t>(zeros, 0)));
    return args;
  }

  /// A uint8 tensor shifted to int8 for the s8 cube (the vector kernel
  /// `k` launched into scratch); adds to the group's prediction and tiling.
  FailureOr<Ref> shiftToInt8(GroupOp g, const codegen::ElementwiseKernel &k, Ref in,
                             std::vector<Step> &plan, double &predicted, std::string &tiling) {
    Result<codegen::GeneratedKernel> sg = generate<codegen::GeneratedKernel>(
        [&](unsigned r) { return codegen::generateElementwise(k, target_, 0, r); });
    if (!sg) {
      g.emitError() << sg.error().str();
      return failure();
    }
    Ref shifted = scratchBytes(k.elements);
    launch(g, addKernel(sg->assembly, sg->program, g), sg->plan.blockDim, {in, shifted}, plan);
    predicted += sg->plan.predictedCycles;
    tiling += "; uint8 shifted to int8 on the vector unit: " + sg->plan.describe();
    return shifted;
  }

  /// An s8 cube kernel's int32 bias row, zero-padded to whole 32-byte blocks.
  Ref intBiasRow(std::vector<int32_t> row) {
    row.resize((row.size() + 7) / 8 * 8, 0);
    std::vector<uint8_t> bytes(row.size() * 4);
    std::memcpy(bytes.data(), row.data(), bytes.size());
    return appendConstant(bytes);
  }

  /// Attention as kernels in turn: the scores Q.K^T into scratch, their
  /// scale, the softmax row kernel, then P.V into the group's result.
  LogicalResult emitAttentionGroup(GroupOp g, std::vector<Step> &plan) {
    std::string why;
    std::optional<graph::LoweredAttention> l = graph::lowerAttentionGroup(g, why);
    if (!l)
      return notOnNpu(g, why);
    double predicted = 0;
    std::string tiling, code;
    // A data-movement kernel from `in` to `out`.
    auto move = [&](const std::string &name, Result<codegen::GeneratedMovement> gen, Ref in,
                    Ref out) -> FailureOr<Ref> {
      if (!gen) {
        g.emitError() << gen.error().str();
        return failure();
      }
      launch(g, addKernel(gen->assembly, gen->program, g), gen->plan.blockDim, {in, out}, plan);
      predicted += gen->plan.predictedCycles;
      tiling += (tiling.empty() ? "" : "; ") + name + ": " + gen->plan.describe();
      code += gen->assembly;
      return out;
    };
    // An operand as the products read it: padded to whole blocks when its
    // head is not.
    auto operand = [&](const std::optional<codegen::PadKernel> &pad, int index) -> FailureOr<Ref> {
      Ref in = ref(g->getOperand(unsigned(index)));
      if (!pad)
        return in;
      return move(pad->name, generate<codegen::GeneratedMovement>([&](unsigned r) {
                    return codegen::generatePad(*pad, target_, r);
                  }),
                  in, scratchBytes(pad->outer * pad->padded() * pad->elementBytes));
    };
    // Q.K^T, then P.V: the cube kernel after its helpers.
    auto product = [&](const graph::LoweredMatmul &m, Ref a, std::optional<Ref> b, Ref out,
                       const char *what) -> FailureOr<uint32_t> {
      Result<codegen::GeneratedMatmul> gen = generate<codegen::GeneratedMatmul>(
          [&](unsigned r) { return codegen::generateMatmul(m.kernel, target_, r); });
      if (!gen) {
        g.emitError() << gen.error().str();
        return failure();
      }
      std::string desc = gen->plan.describe();
      FailureOr<std::vector<Ref>> args = matmulArgs(g, m, a, plan, predicted, desc, b);
      if (failed(args))
        return failure();
      args->push_back(out);
      launch(g, addKernel(gen->assembly, gen->program, g), gen->plan.blockDim, std::move(*args),
             plan);
      predicted += gen->plan.predictedCycles;
      tiling += (tiling.empty() ? "" : "; ") + std::string(what) + ": " + desc;
      code += gen->assembly;
      return gen->plan.blockDim;
    };
    const codegen::MatmulKernel &sk = l->scores.kernel;
    const uint64_t scoreBytes = sk.batch * sk.m * sk.n * (isa::dtypeBits(sk.output) / 8);
    FailureOr<Ref> q = operand(l->padQ, l->scores.aOperand);
    if (failed(q))
      return failure();
    FailureOr<Ref> k = operand(l->padK, l->scores.bOperand);
    if (failed(k))
      return failure();
    FailureOr<Ref> v = operand(l->padV, l->context.bOperand);
    if (failed(v))
      return failure();
    Ref scores = scratchBytes(scoreBytes);
    if (failed(product(l->scores, *q, *k, scores, "scores")))
      return failure();
    if (l->scale) {
      Result<codegen::GeneratedKernel> eg = generate<codegen::GeneratedKernel>(
          [&](unsigned r) { return codegen::generateElementwise(*l->scale, target_, 0, r); });
      if (!eg)
        return g.emitError() << eg.error().str();
      Ref scaled = scratchBytes(scoreBytes);
      launch(g, addKernel(eg->assembly, eg->program, g), eg->plan.blockDim, {scores, scaled}, plan);
      predicted += eg->plan.predictedCycles;
      tiling += "; scale: " + eg->plan.describe();
      code += eg->assembly;
      scores = scaled;
    }
    Result<codegen::GeneratedRows> rg = generate<codegen::GeneratedRows>(
        [&](unsigned r) { return codegen::generateRows(l->softmax, target_, r); });
    if (!rg)
      return g.emitError() << rg.error().str();
    Ref probabilities = scratchBytes(scoreBytes);
    launch(g, addKernel(rg->assembly, rg->program, g), rg->plan.blockDim, {scores, probabilities},
           plan);
    predicted += rg->plan.predictedCycles;
    tiling += "; softmax: " + rg->plan.describe();
    code += rg->assembly;
    const codegen::MatmulKernel &ck = l->context.kernel;
    Ref result = refs_.lookup(g->getResult(0));
    Ref context =
        l->unpad ? scratchBytes(ck.batch * ck.m * ck.n * (isa::dtypeBits(ck.output) / 8)) : result;
    FailureOr<uint32_t> blockDim = product(l->context, probabilities, *v, context, "context");
    if (failed(blockDim))
      return failure();
    // The padded head's context back to the group's result.
    if (l->unpad &&
        failed(move(l->unpad->name, generate<codegen::GeneratedMovement>([&](unsigned r) {
                      return codegen::generateSlice(*l->unpad, target_, r);
                    }),
                    context, result)))
      return failure();
    record(g, l->context.kernel.name, std::move(tiling), predicted, *blockDim, std::move(code));
    return success();
  }

  /// Launches a generated kernel whose last argument is its result: the
  /// group's result, or scratch that the epilogue's vector kernel (if the
  /// group has one) then reads; records the group's code.
  LogicalResult launchWithEpilogue(GroupOp g, const isa::Program &program,
                                   const std::string &assembly, uint32_t blockDim,
                                   std::string tiling, double predicted, std::vector<Ref> args,
                                   const std::optional<graph::LoweredElementwise> &tail, Value head,
                                   std::vector<Step> &plan, const std::string &prior = {},
                                   std::string name = {}) {
    // The tail reads the cube kernel's result in its own input type (an
    // int8 product's requantization: f32 for an 8-bit result).
    Ref out = refs_.lookup(g->getResult(0));
    if (tail) {
      const std::vector<isa::DType> types = codegen::elementwiseValueTypes(tail->kernel);
      const auto at = llvm::find(tail->operandOf, graph::kCubeResult);
      out = at == tail->operandOf.end()
                ? scratch(head.getType())
                : scratchBytes(tail->kernel.elements *
                               (isa::dtypeBits(types[size_t(at - tail->operandOf.begin())]) / 8));
    }
    args.push_back(out);
    uint32_t index = addKernel(assembly, program, g);
    launch(g, index, blockDim, std::move(args), plan);
    std::string code = prior + assembly; // (prior: kernels the group launched before)
    if (tail) {
      Result<codegen::GeneratedKernel> tg = generate<codegen::GeneratedKernel>(
          [&](unsigned r) { return codegen::generateElementwise(tail->kernel, target_, 0, r); });
      if (!tg)
        return g.emitError() << tg.error().str();
      std::vector<Ref> targs = elementwiseArgs(g, *tail, out);
      for (Value r : g->getResults())
        targs.push_back(refs_.lookup(r));
      launch(g, addKernel(tg->assembly, tg->program, g), tg->plan.blockDim, std::move(targs), plan);
      tiling += "; epilogue on the vector unit: " + tg->plan.describe();
      predicted += tg->plan.predictedCycles;
      code += tg->assembly;
    }
    record(g, name.empty() ? program.kernel : std::move(name), std::move(tiling), predicted,
           blockDim, std::move(code));
    return success();
  }

  /// A cube kernel for a channels-last conv: weights packed as the GEMM's
  /// B^T (f32: high and low parts), the bias as an f32 row; f32 activations
  /// are split by a vector kernel first.
  LogicalResult emitConvGroup(GroupOp g, std::vector<Step> &plan) {
    std::string why;
    std::optional<graph::LoweredConv> l = graph::lowerConvGroup(g, why);
    if (!l)
      return notOnNpu(g, why);
    if (l->depthwise)
      return emitDepthwise(g, *l, plan);
    const codegen::ConvKernel &k = l->kernel;
    Result<codegen::GeneratedConv> gen = generate<codegen::GeneratedConv>(
        [&](unsigned r) { return codegen::generateConv(k, target_, r); });
    if (!gen)
      return g.emitError() << gen.error().str();
    const bool f32 = k.input == isa::DType::F32, int8 = k.input == isa::DType::S8;
    std::vector<float> weights;
    if (int8) // already minus its zero points: exact in f32
      for (int8_t v : l->weight.getValues<int8_t>())
        weights.push_back(float(v));
    else
      weights = floatsOf(l->weight);
    std::vector<float> packed = codegen::packConvWeights(k, weights.data());
    std::vector<Ref> args;
    Ref x = ref(g->getOperand(unsigned(l->xOperand)));
    double predicted = gen->plan.predictedCycles;
    std::string tiling = gen->plan.describe();
    if (int8) {
      if (l->xShift) {
        FailureOr<Ref> shifted = shiftToInt8(g, *l->xShift, x, plan, predicted, tiling);
        if (failed(shifted))
          return failure();
        x = *shifted;
      }
      std::vector<uint8_t> bytes(packed.size());
      for (size_t i = 0; i < packed.size(); ++i)
        bytes[i] = uint8_t(int8_t(packed[i]));
      args = {x, appendConstant(std::move(bytes))};
    } else if (f32) {
      FailureOr<std::pair<Ref, Ref>> parts =
          splitActivation(g, k.name, k.batch * k.h * k.w * k.xChannels(), x, plan, predicted);
      if (failed(parts))
        return failure();
      args = {parts->first, parts->second};
      appendSplitConstant(packed, args);
    } else {
      args = {x, appendConstant(typedBytes(packed, k.input))};
    }
    if (k.bias)
      args.push_back(int8 ? intBiasRow(l->intBias) : biasRow(l->bias, k.m, 1.0));
    if (f32)
      tiling += ", f32 in three hf32 passes after a split kernel";
    return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim, std::move(tiling),
                              predicted, std::move(args), l->tail, l->head, plan);
  }

  /// A layout transpose on the vector unit: its gather offsets are a
  /// constant argument (a block transpose is DMA alone).
  LogicalResult emitTransposeGroup(GroupOp g, std::vector<Step> &plan) {
    std::string why;
    std::optional<graph::LoweredTranspose> l = graph::lowerTransposeGroup(g, why);
    if (!l)
      return notOnNpu(g, why);
    if (l->blocks) {
      Result<codegen::GeneratedBlockTranspose> gen = generate<codegen::GeneratedBlockTranspose>(
          [&](unsigned r) { return codegen::generateBlockTranspose(*l->blocks, target_, r); });
      if (!gen)
        return g.emitError() << gen.error().str();
      return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim,
                                gen->plan.describe(), gen->plan.predictedCycles,
                                {ref(g->getOperand(0))}, std::nullopt, Value(), plan);
    }
    Result<codegen::GeneratedTranspose> gen = generate<codegen::GeneratedTranspose>(
        [&](unsigned r) { return codegen::generateTranspose(*l->elements, target_, r); });
    if (!gen)
      return g.emitError() << gen.error().str();
    std::vector<uint8_t> table(gen->indexTable.size() * 4);
    std::memcpy(table.data(), gen->indexTable.data(), table.size());
    return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim,
                              gen->plan.describe(), gen->plan.predictedCycles,
                              {ref(g->getOperand(0)), appendConstant(table)}, std::nullopt, Value(),
                              plan);
  }

  /// A channels-last local pool: the depthwise generator's window walk
  /// without weights.
  LogicalResult emitPoolGroup(GroupOp g, std::vector<Step> &plan) {
    std::string why;
    int x = -1;
    std::optional<codegen::DepthwiseKernel> k = graph::lowerPoolGroup(g, x, why);
    if (!k)
      return notOnNpu(g, why);
    Result<codegen::GeneratedDepthwise> gen = generate<codegen::GeneratedDepthwise>(
        [&](unsigned r) { return codegen::generateDepthwise(*k, target_, r); });
    if (!gen)
      return g.emitError() << gen.error().str();
    return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim,
                              gen->plan.describe(), gen->plan.predictedCycles,
                              {ref(g->getOperand(unsigned(x)))}, std::nullopt, Value(), plan);
  }

  /// A concat, an upsampling, a slice, a gather or a scatter: DMA through
  /// UB on the vector cores.
  LogicalResult emitMovementGroup(GroupOp g, std::vector<Step> &plan) {
    std::string why;
    std::optional<graph::LoweredMovement> l = graph::lowerMovementGroup(g, why);
    if (!l)
      return notOnNpu(g, why);
    std::vector<Ref> args;
    for (auto [operand, constant] : llvm::zip(l->operands, l->constants))
      args.push_back(operand >= 0 ? ref(g->getOperand(unsigned(operand)))
                                  : this->constant(constant));
    if (l->linear) {
      Result<codegen::GeneratedResize> gen = generate<codegen::GeneratedResize>(
          [&](unsigned r) { return codegen::generateResizeLinear(*l->linear, target_, r); });
      if (!gen)
        return g.emitError() << gen.error().str();
      return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim,
                                gen->plan.describe(), gen->plan.predictedCycles,
                                {args[0], appendConstant(gen->table)}, std::nullopt, Value(), plan);
    }
    Result<codegen::GeneratedMovement> gen = generate<codegen::GeneratedMovement>(
        [&](unsigned r) { return graph::generateMovement(*l, target_, r); });
    if (!gen)
      return g.emitError() << gen.error().str();
    return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim,
                              gen->plan.describe(), gen->plan.predictedCycles, std::move(args),
                              std::nullopt, Value(), plan);
  }

  /// A reduction over rows on the vector unit.
  LogicalResult emitReduceGroup(GroupOp g, std::vector<Step> &plan) {
    std::string why;
    std::optional<codegen::ReduceKernel> k = graph::lowerReduceGroup(g, why);
    if (!k)
      return notOnNpu(g, why);
    Result<codegen::GeneratedReduce> gen = generate<codegen::GeneratedReduce>(
        [&](unsigned r) { return codegen::generateReduce(*k, target_, r); });
    if (!gen)
      return g.emitError() << gen.error().str();
    return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim,
                              gen->plan.describe(), gen->plan.predictedCycles,
                              {ref(g->getOperand(0))}, std::nullopt, Value(), plan);
  }

  /// A reduction or normalization along the last axis on the vector unit;
  /// a layer norm's constant scale and bias as rows of its type, an
  /// instance norm's as f32 values per (n, c) row.
  LogicalResult emitRowGroup(GroupOp g, const graph::LoweredRows &l, std::vector<Step> &plan) {
    const codegen::RowKernel &k = l.kernel;
    Result<codegen::GeneratedRows> gen = generate<codegen::GeneratedRows>(
        [&](unsigned r) { return codegen::generateRows(k, target_, r); });
    if (!gen)
      return g.emitError() << gen.error().str();
    std::vector<Ref> args = {ref(g->getOperand(unsigned(l.xOperand)))};
    for (const graph::LoweredRows::Row *r : {&l.scale, &l.bias})
      if (r->values && k.rowAffine) {
        std::vector<float> channel = perChannel(r->values, l.channels), rows(k.rows);
        for (uint64_t i = 0; i < k.rows; ++i)
          rows[i] = channel[i % l.channels];
        args.push_back(appendConstant(typedBytes(rows, isa::DType::F32)));
      } else if (r->values) {
        args.push_back(appendConstant(typedBytes(perChannel(r->values, k.cols), k.type)));
      } else if (r->operand >= 0) {
        args.push_back(ref(g->getOperand(unsigned(r->operand))));
      }
    return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim,
                              gen->plan.describe(), gen->plan.predictedCycles, std::move(args),
                              std::nullopt, Value(), plan);
  }

  /// A depthwise conv on the vector unit: weights packed [kh*kw][C], the
  /// bias as C values, both of the type it computes in (f32 for bf16).
  LogicalResult emitDepthwise(GroupOp g, const graph::LoweredConv &l, std::vector<Step> &plan) {
    const codegen::DepthwiseKernel &k = *l.depthwise;
    Result<codegen::GeneratedDepthwise> gen = generate<codegen::GeneratedDepthwise>(
        [&](unsigned r) { return codegen::generateDepthwise(k, target_, r); });
    if (!gen)
      return g.emitError() << gen.error().str();
    std::vector<float> weights = floatsOf(l.weight);
    std::vector<float> packed = codegen::packDepthwiseWeights(k, weights.data());
    const isa::DType wtype = codegen::depthwiseComputeType(k);
    std::vector<Ref> args = {ref(g->getOperand(unsigned(l.xOperand))),
                             appendConstant(typedBytes(packed, wtype))};
    if (k.bias)
      args.push_back(appendConstant(typedBytes(perChannel(l.bias, k.c), wtype)));
    return launchWithEpilogue(g, gen->program, gen->assembly, gen->plan.blockDim,
                              gen->plan.describe(), gen->plan.predictedCycles, std::move(args),
                              l.tail, l.head, plan);
  }

  /// Values as f32, f16 or bf16 bytes (exact when they came from that type).
  static std::vector<uint8_t> typedBytes(const std::vector<float> &v, isa::DType t) {
    const unsigned size = isa::dtypeBits(t) / 8;
    std::vector<uint8_t> bytes(v.size() * size);
    for (size_t i = 0; i < v.size(); ++i) {
      uint32_t bits = t == isa::DType::F16    ? num::f32ToF16(v[i])
                      : t == isa::DType::BF16 ? num::f32ToBf16(v[i])
                                              : num::floatBits(v[i]);
      std::memcpy(&bytes[i * size], &bits, size);
    }
    return bytes;
  }

  /// A float constant's values as f32.
  static std::vector<float> floatsOf(DenseElementsAttr values) {
    std::vector<float> out;
    for (APFloat v : values.getValues<APFloat>()) {
      bool lost;
      v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      out.push_back(v.convertToFloat());
    }
    return out;
  }

  /// n per-channel values as f32 (a splat, whatever its shape, gives n).
  static std::vector<float> perChannel(DenseElementsAttr values, uint64_t n) {
    std::vector<float> all = floatsOf(values);
    if (values.isSplat())
      all.assign(n, all.front());
    return all;
  }

  /// An f32 activation's high and low parts (Codegen/Matmul.h), by a
  /// vector kernel into scratch; adds its cycles to `predicted`.
  FailureOr<std::pair<Ref, Ref>> splitActivation(GroupOp g, const std::string &name,
                                                 uint64_t elements, Ref a, std::vector<Step> &plan,
                                                 double &predicted) {
    codegen::ElementwiseKernel split;
    split.name = name + "_split";
    split.type = isa::DType::F32;
    split.elements = elements;
    split.inputs = {
        {codegen::ElementwiseInput::Kind::Tensor},
        {codegen::ElementwiseInput::Kind::Immediate, double(codegen::kHf32HighMask), true}};
    split.ops = {{codegen::VOp::And, 0, 1}, {codegen::VOp::Sub, 0, 2}};
    split.outputs = {2, 3};
    Result<codegen::GeneratedKernel> sg = generate<codegen::GeneratedKernel>(
        [&](unsigned r) { return codegen::generateElementwise(split, target_, 0, r); });
    if (!sg) {
      g.emitError() << sg.error().str();
      return failure();
    }
    Ref hi = scratchBytes(elements * 4), lo = scratchBytes(elements * 4);
    launch(g, addKernel(sg->assembly, sg->program, g), sg->plan.blockDim, {a, hi, lo}, plan);
    predicted += sg->plan.predictedCycles;
    return std::make_pair(hi, lo);
  }

  /// A constant f32 operand's high and low parts as two constants.
  void appendSplitConstant(const std::vector<float> &v, std::vector<Ref> &args) {
    std::vector<float> vhi(v.size()), vlo(v.size());
    codegen::splitHf32(v.data(), v.size(), vhi.data(), vlo.data());
    args.push_back(appendConstant(typedBytes(vhi, isa::DType::F32)));
    args.push_back(appendConstant(typedBytes(vlo, isa::DType::F32)));
  }

  /// n bias values (or a splat) times `scale` as f32, zero-padded to a
  /// multiple of 8 (the cube kernels move it in 32-byte blocks).
  Ref biasRow(DenseElementsAttr values, uint64_t n, double scale) {
    std::vector<float> bias = perChannel(values, n);
    for (float &b : bias)
      b = float(double(b) * scale);
    bias.resize((n + 7) / 8 * 8, 0.0f);
    return appendConstant(typedBytes(bias, isa::DType::F32));
  }

  LogicalResult emitHostGroup(GroupOp g, std::vector<Step> &plan) {
    Block &body = g.getBody().front();
    llvm::DenseMap<Value, Ref> local;
    for (auto [arg, operand] : llvm::zip(body.getArguments(), g->getOperands()))
      local[arg] = ref(operand);
    // Yielded values go straight to the group's results.
    Operation *yield = body.getTerminator();
    llvm::DenseMap<Value, Ref> yielded;
    for (auto [v, r] : llvm::zip(yield->getOperands(), g->getResults()))
      if (!yielded.count(v) && !llvm::isa<BlockArgument>(v))
        yielded[v] = refs_.lookup(r);
    for (Operation &op : body.without_terminator()) {
      if (auto c = dyn_cast<ConstantOp>(&op)) {
        if (!llvm::isa<DenseElementsAttr>(c.getValue()))
          return c.emitError() << "a constant without dense elements has no artifact form";
        local[c.getResult()] = constant(c);
        continue;
      }
      std::optional<std::string_view> name = artifact::hostKernelFor(op.getName().stripDialect());
      if (!name)
        return op.emitError() << op.getName()
                              << " has no NPU kernel and no host kernel in this "
                                 "build (group '"
                              << g.getKind() << "' runs on the host: "
                              << (g->hasAttr("placement_reason")
                                      ? g->getAttrOfType<StringAttr>("placement_reason").str()
                                      : std::string("no placement"))
                              << ")";
      Step s;
      s.kind = Step::Kind::HostCall;
      s.op = std::string(*name);
      s.location = nodeName(&op);
      if (s.location.empty())
        s.location = nodeName(g);
      for (auto [i, v] : llvm::enumerate(op.getOperands())) {
        FailureOr<TensorDesc> d =
            describe(v.getType(), s.location + ":in" + std::to_string(i), op.getLoc());
        if (failed(d))
          return failure();
        s.inputs.push_back(local.lookup(v));
        s.inputTypes.push_back(*d);
      }
      for (auto [i, v] : llvm::enumerate(op.getResults())) {
        FailureOr<TensorDesc> d =
            describe(v.getType(), s.location + ":out" + std::to_string(i), op.getLoc());
        if (failed(d))
          return failure();
        auto y = yielded.find(v);
        Ref r = y != yielded.end() ? y->second : scratch(v.getType());
        local[v] = r;
        s.outputs.push_back(r);
        s.outputTypes.push_back(*d);
      }
      for (NamedAttribute attr : op.getAttrs()) {
        if (attr.getName() == "operandSegmentSizes")
          continue;
        std::optional<artifact::Attribute> value = convertAttr(attr.getValue());
        if (!value)
          return op.emitError() << "attribute '" << attr.getName().strref()
                                << "' has no host-kernel form";
        s.attributes[attr.getName().str()] = std::move(*value);
      }
      plan.push_back(std::move(s));
    }
    // Results that are not an op's own output (a yielded input or a value
    // yielded twice) are copied.
    llvm::DenseSet<Value> done;
    for (auto [v, r] : llvm::zip(yield->getOperands(), g->getResults())) {
      Ref want = refs_.lookup(r), have = local.lookup(v);
      if (want == have)
        continue;
      Step s;
      s.kind = Step::Kind::Copy;
      s.src = have;
      s.dst = want;
      s.bytes = uint64_t(graph::tensorBytes(r.getType()));
      s.location = nodeName(g);
      plan.push_back(std::move(s));
    }
    return success();
  }

  ModuleOp module_;
  const target::TargetDesc &target_;
  std::function<void(std::string_view, uint64_t, uint64_t)> progress_;
  bool search_ = false;
  unsigned candidates_ = 4;
  std::vector<std::string> searched_; ///< searches of the group being emitted
  double searchedCycles_ = 0;
  Emitted out_;
  uint64_t scratch_ = 0;
  llvm::DenseMap<Value, Ref> refs_;
  llvm::DenseMap<Value, ConstantOp> pending_; ///< weights not packed yet
  llvm::DenseMap<Attribute, Ref> bodyConstants_;
  llvm::DenseMap<Value, Value> alias_; ///< reshapes outside groups
  llvm::DenseMap<Value, uint32_t> outputIndex_;
  std::map<std::string, uint32_t> kernelByCode_;
};

} // namespace

FailureOr<Emitted> emitArtifact(ModuleOp module, const Options &options, StringRef source) {
  Result<target::TargetDesc> t = target::resolveTarget(options.target);
  if (!t) {
    module.emitError() << t.error().str();
    return failure();
  }
  if (options.tiling != "auto" && options.tiling != "search") {
    module.emitError() << "tiling mode '" << options.tiling << "' is not auto or search";
    return failure();
  }
  return ArtifactEmitter(module, *t, options).run(source);
}

} // namespace pagoda::compiler
