//===- ONNXImporter.cpp - ONNX protobuf to the graph dialect --------------===//
//
// One pass over the model: parse and check the header (IR version, opsets),
// turn initializers and Constant nodes into graph.constant, fix the inputs'
// shapes, sort the nodes topologically, list every unsupported node at once,
// then convert node by node. Result types are computed here (every shape is
// static), with the opset's semantics normalized to the graph dialect's
// (attributes that became inputs, old Softmax, auto_pad). Small integer
// computations on constants (the Shape -> Gather -> Concat -> Reshape chains
// exporters write) are evaluated here, so that shape operands are known.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Import/ONNX.h"

#include "pagoda/Dialect/Graph/IR/GraphOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <functional>
#include <numeric>
#include <optional>
#include <set>

using namespace mlir;
using pagoda::graph::IfOp;
using pagoda::graph::LoopOp;
using pagoda::graph::YieldOp;

namespace pagoda::import {
namespace {

// Opsets before 7 differ in broadcasting (an explicit `broadcast`/`axis`
// instead of numpy rules) and Reshape's shape attribute; both are normalized.
constexpr int64_t kMinOpset = 1, kMaxOpset = 21, kMaxIrVersion = 10;

std::string dimsStr(ArrayRef<int64_t> d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i)
    s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

/// A small integer tensor evaluated at import time (shape arithmetic).
struct IntTensor {
  SmallVector<int64_t> shape;
  SmallVector<int64_t> v;
  unsigned bits = 64; ///< the ONNX element type: int32 or int64
};

struct ConvGeometry {
  SmallVector<int64_t> kernel, strides, dilations, pads, shape;
  int64_t group = 1;
};

class Importer {
public:
  Importer(MLIRContext &ctx, std::string source, std::string baseDir, const ONNXOptions &opts)
      : ctx_(ctx), b_(&ctx), source_(std::move(source)), baseDir_(std::move(baseDir)), opts_(opts) {
  }

  OwningOpRef<ModuleOp> run(const onnx::ModelProto &model);

private:
  MLIRContext &ctx_;
  OpBuilder b_;
  std::string source_, baseDir_;
  const ONNXOptions &opts_;
  int64_t opset_ = 0;
  bool failed_ = false;

  std::map<std::string, Value> values_;
  std::map<std::string, IntTensor> ints_; ///< integer constants, for shape arithmetic

  // The node being converted.
  const onnx::NodeProto *node_ = nullptr;
  std::string nodeName_;
  Location loc_ = UnknownLoc::get(&ctx_);

  InFlightDiagnostic error(Location loc) {
    failed_ = true;
    return emitError(loc);
  }
  /// An error about the current node, naming it.
  InFlightDiagnostic nodeError() {
    return error(loc_) << source_ << ": node '" << nodeName_ << "' (" << node_->op_type()
                       << ", opset " << opset_ << "): ";
  }

  // Types and tensors.
  std::optional<Type> elementType(int32_t onnxType);
  std::optional<DenseElementsAttr> tensorAttr(const onnx::TensorProto &t, Location loc,
                                              const std::string &what);
  Value constant(DenseElementsAttr attr, Location loc) {
    return graph::ConstantOp::create(b_, loc, attr).getResult();
  }
  void define(const std::string &name, Value v) {
    if (!name.empty())
      values_[name] = v;
  }
  void defineInts(const std::string &name, IntTensor t, Location loc);

  // Attributes of the current node.
  const onnx::AttributeProto *attr(const char *name) const {
    for (const onnx::AttributeProto &a : node_->attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }
  int64_t attrInt(const char *name, int64_t dflt) const {
    const onnx::AttributeProto *a = attr(name);
    return a ? a->i() : dflt;
  }
  double attrFloat(const char *name, double dflt) const {
    const onnx::AttributeProto *a = attr(name);
    return a ? double(a->f()) : dflt;
  }
  std::string attrString(const char *name, const std::string &dflt) const {
    const onnx::AttributeProto *a = attr(name);
    return a ? a->s() : dflt;
  }
  std::optional<SmallVector<int64_t>> attrInts(const char *name) const {
    const onnx::AttributeProto *a = attr(name);
    if (!a)
      return std::nullopt;
    return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
  }

  // Operands of the current node.
  size_t numInputs() const {
    // Trailing empty names are absent optional inputs.
    size_t n = size_t(node_->input_size());
    while (n && node_->input(int(n - 1)).empty())
      --n;
    return n;
  }
  bool hasInput(size_t i) const { return i < numInputs() && !node_->input(int(i)).empty(); }
  Value input(size_t i) { return values_.at(node_->input(int(i))); }
  RankedTensorType inputType(size_t i) { return cast<RankedTensorType>(input(i).getType()); }
  /// Input i as integers, which must be a constant; errors name the operand.
  std::optional<IntTensor> constInts(size_t i, const char *what);

  LogicalResult convertNode();
  /// Converts a graph's initializers and nodes at the insertion point; the
  /// values of enclosing graphs stay visible by name.
  LogicalResult importBody(const onnx::GraphProto &g);
  /// A subgraph (If branch, Loop body) into `block`: its inputs bound to
  /// `args`, its outputs yielded. Returns the yielded values' types.
  std::optional<SmallVector<Type>> importRegion(const onnx::GraphProto &g, Block *block,
                                                ValueRange args);
  LogicalResult convertIf();
  LogicalResult convertLoop();
  LogicalResult foldIntegers();
  void result(Value v, size_t i = 0) { define(node_->output(int(i)), v); }

  Type tensorOf(ArrayRef<int64_t> shape, Type elt) { return RankedTensorType::get(shape, elt); }
  std::optional<SmallVector<int64_t>> broadcast(ArrayRef<int64_t> a, ArrayRef<int64_t> b);
  std::optional<int64_t> normAxis(int64_t axis, int64_t rank);
  Value reshape(Value v, ArrayRef<int64_t> shape) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getShape() == shape)
      return v;
    return graph::ReshapeOp::create(b_, loc_, tensorOf(shape, t.getElementType()), v);
  }

  // Families of ops.
  LogicalResult binary(StringRef op);
  LogicalResult compare(StringRef op);
  LogicalResult unary(StringRef op);
  std::optional<ConvGeometry> convGeometry(size_t xi, size_t wi, bool transpose);
  LogicalResult convLike(bool transpose);
  LogicalResult resize();
  LogicalResult layerNormStatistics(int64_t axis, double eps, bool mean, bool invStdDev);
  LogicalResult split();
  LogicalResult einsum();
  LogicalResult quantized();
  LogicalResult recurrent();
  std::optional<SmallVector<double>> constFloats(size_t i, const char *what);
  std::optional<SmallVector<int64_t>> matmulShape(RankedTensorType at, RankedTensorType bt);
  /// A zero scalar of `elt`, for an absent zero-point operand.
  Value zeroOf(Type elt) {
    auto t = RankedTensorType::get({}, elt);
    return constant(
        isa<FloatType>(elt)
            ? DenseElementsAttr::get(t, APFloat::getZero(cast<FloatType>(elt).getFloatSemantics()))
            : DenseElementsAttr::get(t, APInt(elt.getIntOrFloatBitWidth(), 0)),
        loc_);
  }
  LogicalResult pool(StringRef op);
  LogicalResult reduce(StringRef op);
  LogicalResult softmax(bool log);
  LogicalResult slice();
  LogicalResult squeeze(bool un);
  LogicalResult pad();
  LogicalResult gemm();
  LogicalResult matmul();
};

//===----------------------------------------------------------------------===//
// Types and tensors
//===----------------------------------------------------------------------===//

std::optional<Type> Importer::elementType(int32_t t) {
  using TP = onnx::TensorProto;
  switch (t) {
  case TP::FLOAT:
    return b_.getF32Type();
  case TP::DOUBLE:
    return b_.getF64Type();
  case TP::FLOAT16:
    return b_.getF16Type();
  case TP::BFLOAT16:
    return b_.getBF16Type();
  case TP::INT8:
    return b_.getIntegerType(8);
  case TP::INT16:
    return b_.getIntegerType(16);
  case TP::INT32:
    return b_.getIntegerType(32);
  case TP::INT64:
    return b_.getIntegerType(64);
  case TP::UINT8:
    return b_.getIntegerType(8, /*isSigned=*/false);
  case TP::UINT16:
    return b_.getIntegerType(16, false);
  case TP::UINT32:
    return b_.getIntegerType(32, false);
  case TP::UINT64:
    return b_.getIntegerType(64, false);
  case TP::BOOL:
    return b_.getI1Type();
  default:
    return std::nullopt;
  }
}

/// Appends the little-endian bytes of a tensor's typed fields (float_data,
/// int32_data for 8/16-bit types and bool, ...), `bits` per element.
void appendTypedData(const onnx::TensorProto &t, unsigned bits, std::string &raw) {
  auto put = [&](auto value, unsigned width) {
    raw.append(reinterpret_cast<const char *>(&value), width);
  };
  using TP = onnx::TensorProto;
  switch (t.data_type()) {
  case TP::FLOAT:
    for (float f : t.float_data())
      put(f, 4);
    break;
  case TP::DOUBLE:
    for (double d : t.double_data())
      put(d, 8);
    break;
  case TP::INT64:
    for (int64_t v : t.int64_data())
      put(v, 8);
    break;
  case TP::UINT32:
  case TP::UINT64:
    for (uint64_t v : t.uint64_data())
      put(v, bits / 8);
    break;
  default: // int32_data holds the rest, one element per entry
    for (int32_t v : t.int32_data())
      put(v, bits == 1 ? 1 : bits / 8);
  }
}

std::string dtypeName(int32_t t) {
  return onnx::TensorProto_DataType_IsValid(t)
             ? onnx::TensorProto_DataType_Name(onnx::TensorProto_DataType(t))
             : "type " + std::to_string(t);
}

std::optional<DenseElementsAttr> Importer::tensorAttr(const onnx::TensorProto &t, Location loc,
                                                      const std::string &what) {
  std::optional<Type> elt = elementType(t.data_type());
  if (!elt) {
    error(loc) << source_ << ": " << what << ": unsupported element type "
               << dtypeName(t.data_type());
    return std::nullopt;
  }
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d && count > (int64_t(1) << 40) / d)) {
      error(loc) << source_ << ": " << what << ": implausible shape " << dimsStr(shape);
      return std::nullopt;
    }
    count *= d;
  }
  auto type = RankedTensorType::get(shape, *elt);
  const unsigned bits = elt->getIntOrFloatBitWidth();
  const size_t bytes = size_t(count) * (bits == 1 ? 1 : bits / 8);

  // The little-endian bytes of every element, from wherever they are stored.
  std::string raw;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const onnx::StringStringEntryProto &e : t.external_data()) {
      if (e.key() == "location")
        location = e.value();
      else if (e.key() == "offset")
        offset = std::atoll(e.value().c_str());
      else if (e.key() == "length")
        length = std::atoll(e.value().c_str());
    }
    SmallString<256> path(baseDir_);
    llvm::sys::path::append(path, location);
    auto buf =
        llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (location.empty() || !buf) {
      error(loc) << source_ << ": " << what << ": cannot read external data file '" << path << "'"
                 << (buf ? "" : ": " + buf.getError().message());
      return std::nullopt;
    }
    size_t size = (*buf)->getBufferSize();
    if (length < 0)
      length = int64_t(size) - offset;
    if (offset < 0 || size_t(offset) > size || size_t(length) > size - size_t(offset) ||
        size_t(length) != bytes) {
      error(loc) << source_ << ": " << what << ": external data [" << offset << ", +" << length
                 << ") of '" << location << "' (" << size << " bytes) does not hold the " << bytes
                 << " bytes of " << dimsStr(shape);
      return std::nullopt;
    }
    raw.assign((*buf)->getBufferStart() + offset, size_t(length));
  } else if (t.has_raw_data()) {
    raw = t.raw_data();
  } else {
    appendTypedData(t, bits, raw);
  }
  if (raw.size() != bytes) {
    error(loc) << source_ << ": " << what << ": holds " << raw.size() << " bytes of data, "
               << dimsStr(shape) << " of " << dtypeName(t.data_type()) << " needs " << bytes;
    return std::nullopt;
  }
  if (bits == 1) {
    SmallVector<bool> v;
    for (char c : raw)
      v.push_back(c != 0);
    return DenseElementsAttr::get(type, v);
  }
  return DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(raw.data(), raw.size()));
}

/// The integer values of an integer constant, if small.
std::optional<IntTensor> intsOf(DenseElementsAttr a) {
  auto it = dyn_cast<IntegerType>(a.getElementType());
  if (!it || it.getWidth() == 1 || a.getNumElements() > 4096)
    return std::nullopt;
  if (it.isUnsigned() || (it.getWidth() != 32 && it.getWidth() != 64))
    return std::nullopt;
  IntTensor t;
  t.bits = it.getWidth();
  t.shape.assign(a.getType().getShape().begin(), a.getType().getShape().end());
  for (const APInt &v : a.getValues<APInt>())
    t.v.push_back(it.isUnsigned() ? int64_t(v.getZExtValue()) : v.getSExtValue());
  return t;
}

void Importer::defineInts(const std::string &name, IntTensor t, Location loc) {
  auto type = RankedTensorType::get(t.shape, b_.getIntegerType(t.bits));
  SmallVector<APInt> values;
  for (int64_t v : t.v)
    values.push_back(APInt(t.bits, uint64_t(v), /*isSigned=*/true, /*implicitTrunc=*/true));
  define(name, constant(DenseElementsAttr::get(type, values), loc));
  ints_[name] = std::move(t);
}

std::optional<IntTensor> Importer::constInts(size_t i, const char *what) {
  auto it = ints_.find(node_->input(int(i)));
  if (it != ints_.end())
    return it->second;
  nodeError() << what << " (input " << i << ", '" << node_->input(int(i))
              << "') must be a constant integer tensor known at compile time";
  return std::nullopt;
}

std::optional<SmallVector<int64_t>> Importer::broadcast(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  FailureOr<SmallVector<int64_t>> s = graph::broadcastShapes(a, b);
  if (failed(s)) {
    nodeError() << "shapes " << dimsStr(a) << " and " << dimsStr(b) << " do not broadcast";
    return std::nullopt;
  }
  return *s;
}

std::optional<int64_t> Importer::normAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1)) {
    nodeError() << "axis " << axis << " is out of range for rank " << rank;
    return std::nullopt;
  }
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// The model
//===----------------------------------------------------------------------===//

/// The ops this importer converts (default domain).
const llvm::StringSet<> &supportedOps() {
  static const llvm::StringSet<> ops = {
      "Abs", "Add", "And", "ArgMax", "ArgMin", "AveragePool", "BatchNormalization", "Cast", "Ceil",
      "Clip", "Concat", "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "Cos", "Div",
      "Dropout", "Elu", "Equal", "Erf", "Exp", "Expand", "Flatten", "Floor", "Gather", "Gelu",
      "Gemm", "GlobalAveragePool", "GlobalMaxPool", "Greater", "GreaterOrEqual", "HardSigmoid",
      "HardSwish", "Identity", "InstanceNormalization", "LayerNormalization", "LeakyRelu", "Less",
      "LessOrEqual", "Log", "LogSoftmax", "MatMul", "Max", "MaxPool", "Min", "Mod", "Mul", "Neg",
      "Not", "Or", "Pad", "Pow", "Range", "Reciprocal", "ReduceL2", "ReduceMax", "ReduceMean",
      "ReduceMin", "ReduceProd", "ReduceSum", "Relu", "Reshape", "Round", "Shape", "Sigmoid",
      "Sign", "Sin", "Size", "Slice", "Softmax", "Softplus", "Sqrt", "Squeeze", "Sub", "Sum",
      "Tanh", "Transpose", "Unsqueeze", "Where", "Xor",
      // Indexing, resizing, layout, quantization, recurrence.
      "PRelu", "Resize", "Upsample", "Tile", "GatherElements", "ScatterND", "ScatterElements",
      "Scatter", "GatherND", "CumSum", "DepthToSpace", "SpaceToDepth", "Einsum", "TopK", "Split",
      "Mean", "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger",
      "ConvInteger", "QLinearMatMul", "QLinearConv", "LSTM", "GRU", "RNN",
      // Math and reductions.
      "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Softsign", "Selu",
      "Celu", "ThresholdedRelu", "Shrink", "IsNaN", "IsInf", "ReduceL1", "ReduceSumSquare",
      "ReduceLogSum", "ReduceLogSumExp",
      // Beyond the issue's list, as graph ops that exist.
      "CastLike", "Trilu", "EyeLike",
      // Control flow.
      "If", "Loop"};
  return ops;
}

/// Orders nodes so that each comes after the producers of its inputs.
/// Returns false (with the first node that can never run) on a cycle or a
/// missing input.
/// Names a node's subgraphs read from enclosing scopes (If branches and
/// Loop bodies may use any value defined before the node).
void implicitInputs(const onnx::NodeProto &n, std::set<std::string> &out) {
  for (const onnx::AttributeProto &a : n.attribute()) {
    std::vector<const onnx::GraphProto *> graphs;
    if (a.has_g())
      graphs.push_back(&a.g());
    for (const onnx::GraphProto &g : a.graphs())
      graphs.push_back(&g);
    for (const onnx::GraphProto *g : graphs) {
      std::set<std::string> defined, used;
      for (const onnx::ValueInfoProto &vi : g->input())
        defined.insert(vi.name());
      for (const onnx::TensorProto &t : g->initializer())
        defined.insert(t.name());
      for (const onnx::NodeProto &inner : g->node()) {
        for (const std::string &o : inner.output())
          defined.insert(o);
        for (const std::string &i : inner.input())
          used.insert(i);
        implicitInputs(inner, used);
      }
      for (const onnx::ValueInfoProto &vi : g->output())
        used.insert(vi.name());
      for (const std::string &u : used)
        if (!u.empty() && !defined.count(u))
          out.insert(u);
    }
  }
}

/// Every node of a graph and of its subgraphs, with the graph's opsets.
void forEachNode(const onnx::GraphProto &g,
                 const std::function<void(const onnx::NodeProto &, int)> &fn) {
  for (int i = 0; i < g.node_size(); ++i) {
    fn(g.node(i), i);
    for (const onnx::AttributeProto &a : g.node(i).attribute()) {
      if (a.has_g())
        forEachNode(a.g(), fn);
      for (const onnx::GraphProto &sub : a.graphs())
        forEachNode(sub, fn);
    }
  }
}

bool topoSort(const onnx::GraphProto &g, const std::set<std::string> &available,
              std::vector<const onnx::NodeProto *> &order, const onnx::NodeProto *&stuck,
              std::string &missing) {
  std::map<std::string, size_t> producer;
  for (int i = 0; i < g.node_size(); ++i)
    for (const std::string &o : g.node(i).output())
      if (!o.empty())
        producer[o] = size_t(i);
  std::vector<size_t> pending(size_t(g.node_size()), 0);
  std::map<std::string, std::vector<size_t>> users;
  std::vector<size_t> ready;
  for (int i = 0; i < g.node_size(); ++i) {
    std::set<std::string> reads(g.node(i).input().begin(), g.node(i).input().end());
    implicitInputs(g.node(i), reads);
    for (const std::string &in : reads) {
      if (in.empty() || available.count(in))
        continue;
      if (!producer.count(in)) {
        stuck = &g.node(i);
        missing = in;
        return false;
      }
      ++pending[size_t(i)];
      users[in].push_back(size_t(i));
    }
    if (!pending[size_t(i)])
      ready.push_back(size_t(i));
  }
  // Stable: among ready nodes, file order.
  std::set<size_t> queue(ready.begin(), ready.end());
  while (!queue.empty()) {
    size_t n = *queue.begin();
    queue.erase(queue.begin());
    order.push_back(&g.node(int(n)));
    for (const std::string &o : g.node(int(n)).output())
      for (size_t u : users[o])
        if (--pending[u] == 0)
          queue.insert(u);
  }
  if (order.size() != size_t(g.node_size())) {
    for (int i = 0; i < g.node_size(); ++i)
      if (pending[size_t(i)]) {
        stuck = &g.node(i);
        missing = "";
        break;
      }
    return false;
  }
  return true;
}

LogicalResult Importer::importBody(const onnx::GraphProto &g) {
  Location fileLoc = FileLineColLoc::get(&ctx_, source_, 0, 0);
  for (const onnx::TensorProto &t : g.initializer()) {
    Location loc = NameLoc::get(b_.getStringAttr(t.name()), fileLoc);
    std::optional<DenseElementsAttr> a = tensorAttr(t, loc, "initializer '" + t.name() + "'");
    if (!a)
      continue;
    values_[t.name()] = constant(*a, loc);
    if (std::optional<IntTensor> it = intsOf(*a))
      ints_[t.name()] = *it;
  }
  if (failed_)
    return failure();

  std::set<std::string> available;
  for (const auto &[name, v] : values_)
    available.insert(name);
  std::vector<const onnx::NodeProto *> order;
  const onnx::NodeProto *stuck = nullptr;
  std::string missing;
  if (!topoSort(g, available, order, stuck, missing)) {
    std::string name = stuck->name().empty() ? stuck->op_type() : stuck->name();
    if (!missing.empty())
      error(fileLoc) << source_ << ": node '" << name << "' (" << stuck->op_type() << ") reads '"
                     << missing << "', which no node, input or initializer defines";
    else
      error(fileLoc) << source_ << ": the graph has a cycle through node '" << name << "' ("
                     << stuck->op_type() << ")";
    return failure();
  }

  // The node being converted when a subgraph is imported (If, Loop) is
  // current again afterwards.
  struct RestoreNode {
    Importer &im;
    const onnx::NodeProto *node;
    std::string name;
    Location loc;
    ~RestoreNode() {
      im.node_ = node;
      im.nodeName_ = name;
      im.loc_ = loc;
    }
  } restore{*this, node_, nodeName_, loc_};

  // Unnamed nodes are named by op type and position in their graph.
  std::map<const onnx::NodeProto *, int> position;
  for (int i = 0; i < g.node_size(); ++i)
    position[&g.node(i)] = i;
  for (const onnx::NodeProto *n : order) {
    node_ = n;
    nodeName_ = n->name().empty() ? n->op_type() + "_" + std::to_string(position[n]) : n->name();
    loc_ = NameLoc::get(b_.getStringAttr(nodeName_), fileLoc);
    if (failed(convertNode()))
      return failure();
  }
  return success();
}

OwningOpRef<ModuleOp> Importer::run(const onnx::ModelProto &model) {
  Location fileLoc = FileLineColLoc::get(&ctx_, source_, 0, 0);
  if (model.ir_version() > kMaxIrVersion) {
    error(fileLoc) << source_ << ": IR version " << model.ir_version()
                   << " is newer than this importer reads (at most " << kMaxIrVersion << ")";
    return nullptr;
  }
  for (const onnx::OperatorSetIdProto &os : model.opset_import())
    if (os.domain().empty() || os.domain() == "ai.onnx")
      opset_ = os.version();
  if (opset_ < kMinOpset || opset_ > kMaxOpset) {
    error(fileLoc) << source_ << ": default-domain opset " << opset_ << " is outside the supported "
                   << kMinOpset << " to " << kMaxOpset
                   << (opset_ == 0 ? " (the model imports no default-domain opset)" : "");
    return nullptr;
  }
  const onnx::GraphProto &g = model.graph();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b_.setInsertionPointToEnd(module->getBody());

  // Inputs that are not initializers are the function's arguments.
  std::set<std::string> initNames;
  for (const onnx::TensorProto &t : g.initializer())
    initNames.insert(t.name());
  std::set<std::string> used;
  SmallVector<Type> argTypes;
  std::vector<std::string> argNames;
  for (const onnx::ValueInfoProto &vi : g.input()) {
    if (initNames.count(vi.name()))
      continue;
    Location loc = NameLoc::get(b_.getStringAttr(vi.name()), fileLoc);
    const onnx::TypeProto &tp = vi.type();
    if (!tp.has_tensor_type()) {
      error(loc) << source_ << ": input '" << vi.name() << "' is not a tensor";
      continue;
    }
    std::optional<Type> elt = elementType(tp.tensor_type().elem_type());
    if (!elt) {
      error(loc) << source_ << ": input '" << vi.name() << "' has unsupported element type "
                 << dtypeName(tp.tensor_type().elem_type());
      continue;
    }
    SmallVector<int64_t> dims;
    auto fixed = opts_.inputShapes.find(vi.name());
    if (fixed != opts_.inputShapes.end()) {
      used.insert(vi.name());
      dims.assign(fixed->second.begin(), fixed->second.end());
      const auto &declared = tp.tensor_type().shape();
      bool rankKnown = tp.tensor_type().has_shape();
      if (rankKnown && declared.dim_size() != int(dims.size())) {
        error(loc) << source_ << ": --input-shape " << vi.name() << " gives rank " << dims.size()
                   << ", the model declares rank " << declared.dim_size();
        continue;
      }
      for (int d = 0; rankKnown && d < declared.dim_size(); ++d)
        if (declared.dim(d).has_dim_value() && declared.dim(d).dim_value() != dims[size_t(d)])
          error(loc) << source_ << ": --input-shape " << vi.name() << " sets dimension " << d
                     << " to " << dims[size_t(d)] << ", the model fixes it at "
                     << declared.dim(d).dim_value();
    } else if (!tp.tensor_type().has_shape()) {
      error(loc) << source_ << ": input '" << vi.name()
                 << "' has no declared shape: give it with --input-shape " << vi.name()
                 << ":D0,D1,...";
      continue;
    } else {
      const auto &shape = tp.tensor_type().shape();
      for (int d = 0; d < shape.dim_size(); ++d) {
        if (shape.dim(d).has_dim_value() && shape.dim(d).dim_value() > 0) {
          dims.push_back(shape.dim(d).dim_value());
          continue;
        }
        std::string param = shape.dim(d).has_dim_param() ? shape.dim(d).dim_param() : "";
        error(loc) << source_ << ": input '" << vi.name() << "' dimension " << d
                   << (param.empty() ? "" : " ('" + param + "')")
                   << " is dynamic: fix it with --input-shape " << vi.name() << ":D0,D1,...";
      }
    }
    for (int64_t d : dims)
      if (d <= 0)
        error(loc) << source_ << ": input '" << vi.name() << "' dimension " << d
                   << " must be positive";
    argTypes.push_back(RankedTensorType::get(dims, *elt));
    argNames.push_back(vi.name());
  }
  for (const auto &[name, dims] : opts_.inputShapes)
    if (!used.count(name))
      error(fileLoc) << source_ << ": --input-shape names '" << name
                     << "', which is not an input of the model";
  if (failed_)
    return nullptr;

  // Every node's op must be known before anything is converted: list them all.
  forEachNode(g, [&](const onnx::NodeProto &n, int i) {
    bool defaultDomain = n.domain().empty() || n.domain() == "ai.onnx";
    if (defaultDomain && supportedOps().contains(n.op_type()))
      return;
    std::string name = n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
    int64_t version = defaultDomain ? opset_ : 0;
    for (const onnx::OperatorSetIdProto &os : model.opset_import())
      if (!defaultDomain && os.domain() == n.domain())
        version = os.version();
    error(NameLoc::get(b_.getStringAttr(name), fileLoc))
        << source_ << ": node '" << name << "': unsupported op " << n.op_type() << " (opset "
        << version << ", domain '" << (defaultDomain ? "ai.onnx" : n.domain()) << "')";
  });
  if (failed_)
    return nullptr;

  auto func = func::FuncOp::create(b_, fileLoc, "main", b_.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (size_t i = 0; i < argNames.size(); ++i) {
    values_[argNames[i]] = body->getArgument(unsigned(i));
    body->getArgument(unsigned(i)).setLoc(NameLoc::get(b_.getStringAttr(argNames[i]), fileLoc));
    func.setArgAttr(unsigned(i), "graph.name", b_.getStringAttr(argNames[i]));
  }
  b_.setInsertionPointToStart(body);

  if (failed(importBody(g)))
    return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &vi : g.output()) {
    auto it = values_.find(vi.name());
    if (it == values_.end()) {
      error(fileLoc) << source_ << ": output '" << vi.name() << "' is never computed";
      return nullptr;
    }
    results.push_back(it->second);
    resultTypes.push_back(it->second.getType());
  }
  func::ReturnOp::create(b_, fileLoc, results);
  func.setFunctionType(b_.getFunctionType(argTypes, resultTypes));
  for (int i = 0; i < g.output_size(); ++i)
    func.setResultAttr(unsigned(i), "graph.name", b_.getStringAttr(g.output(i).name()));
  return module;
}

//===----------------------------------------------------------------------===//
// Shape arithmetic on constants
//===----------------------------------------------------------------------===//

/// Evaluates integer ops whose inputs are all known integer constants.
/// Returns success when it defined the node's outputs.
LogicalResult Importer::foldIntegers() {
  const std::string &op = node_->op_type();
  static const llvm::StringSet<> foldable = {
      "Gather", "Concat",   "Unsqueeze", "Squeeze", "Slice",      "Cast",  "Add",   "Sub", "Mul",
      "Div",    "Identity", "Reshape",   "Range",   "ReduceProd", "Equal", "Where", "Max", "Min"};
  if (!foldable.contains(op))
    return failure();
  std::vector<IntTensor> in;
  for (size_t i = 0; i < numInputs(); ++i) {
    auto it = ints_.find(node_->input(int(i)));
    if (it == ints_.end())
      return failure();
    in.push_back(it->second);
  }
  if (in.empty())
    return failure();
  auto count = [](ArrayRef<int64_t> s) {
    return std::accumulate(s.begin(), s.end(), int64_t(1), std::multiplies<int64_t>());
  };
  IntTensor out;
  out.bits = in[0].bits; // results keep the data operand's type
  if (op == "Identity") {
    out = in[0];
  } else if (op == "Cast") {
    int64_t to = attrInt("to", 0);
    if (to != onnx::TensorProto::INT64 && to != onnx::TensorProto::INT32)
      return failure();
    out = in[0];
    out.bits = to == onnx::TensorProto::INT64 ? 64 : 32;
    if (out.bits == 32)
      for (int64_t &x : out.v)
        x = int64_t(int32_t(x));
  } else if (op == "Gather" && in[0].shape.size() == 1) {
    for (int64_t i : in[1].v) {
      int64_t n = int64_t(in[0].v.size());
      if (i < -n || i >= n)
        return failure();
      out.v.push_back(in[0].v[size_t(i < 0 ? i + n : i)]);
    }
    out.shape = in[1].shape;
  } else if (op == "Concat" && in[0].shape.size() == 1) {
    for (const IntTensor &t : in) {
      if (t.shape.size() != 1)
        return failure();
      out.v.append(t.v.begin(), t.v.end());
    }
    out.shape = {int64_t(out.v.size())};
  } else if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape") {
    if (op == "Reshape" || (op == "Unsqueeze" && in[0].shape.empty() && in[0].v.size() == 1)) {
      if (op == "Reshape" && count(in[1].v) != int64_t(in[0].v.size()))
        return failure(); // 0 / -1 entries: the general path handles them
      out = in[0];
      out.shape = op == "Reshape" ? in[1].v : SmallVector<int64_t>{1};
    } else if (op == "Squeeze" && in[0].shape.size() == 1 && in[0].v.size() == 1) {
      out = in[0];
      out.shape = {};
    } else {
      return failure();
    }
  } else if (op == "Slice" && in[0].shape.size() == 1 && (opset_ < 10 || in.size() >= 3)) {
    int64_t n = int64_t(in[0].v.size());
    SmallVector<int64_t> starts =
        opset_ < 10 ? attrInts("starts").value_or(SmallVector<int64_t>()) : in[1].v;
    SmallVector<int64_t> ends =
        opset_ < 10 ? attrInts("ends").value_or(SmallVector<int64_t>()) : in[2].v;
    if (starts.size() != 1 || ends.size() != 1)
      return failure();
    int64_t start = starts[0], end = ends[0], step = in.size() > 4 ? in[4].v[0] : 1;
    if (step <= 0)
      return failure();
    start = std::clamp(start < 0 ? start + n : start, int64_t(0), n);
    end = std::clamp(end < 0 ? end + n : end, int64_t(0), n);
    for (int64_t i = start; i < end; i += step)
      out.v.push_back(in[0].v[size_t(i)]);
    out.shape = {int64_t(out.v.size())};
  } else if (op == "Range") {
    int64_t start = in[0].v[0], limit = in[1].v[0], delta = in[2].v[0];
    if (!delta)
      return failure();
    for (int64_t v = start; delta > 0 ? v < limit : v > limit; v += delta)
      if (out.v.size() < 4096)
        out.v.push_back(v);
      else
        return failure();
    out.shape = {int64_t(out.v.size())};
  } else if (op == "ReduceProd" && in[0].shape.size() == 1 && in.size() == 1) {
    out.v = {count(in[0].v)};
    out.shape = attrInt("keepdims", 1) ? SmallVector<int64_t>{1} : SmallVector<int64_t>{};
  } else if (in.size() == 2 && in[0].shape.size() <= 1 && in[1].shape.size() <= 1) {
    // Elementwise on vectors and scalars.
    size_t n = std::max(in[0].v.size(), in[1].v.size());
    if ((in[0].v.size() != n && in[0].v.size() != 1) ||
        (in[1].v.size() != n && in[1].v.size() != 1))
      return failure();
    for (size_t i = 0; i < n; ++i) {
      int64_t a = in[0].v[in[0].v.size() == 1 ? 0 : i], c = in[1].v[in[1].v.size() == 1 ? 0 : i];
      if (op == "Add")
        out.v.push_back(a + c);
      else if (op == "Sub")
        out.v.push_back(a - c);
      else if (op == "Mul")
        out.v.push_back(a * c);
      else if (op == "Div" && c != 0)
        out.v.push_back(a / c);
      else if (op == "Max")
        out.v.push_back(std::max(a, c));
      else if (op == "Min")
        out.v.push_back(std::min(a, c));
      else
        return failure(); // Equal gives bool; leave it to the graph level
    }
    out.shape = in[0].shape.size() >= in[1].shape.size() ? in[0].shape : in[1].shape;
    if (!out.shape.empty())
      out.shape = {int64_t(n)};
  } else {
    return failure();
  }
  defineInts(node_->output(0), std::move(out), loc_);
  return success();
}

//===----------------------------------------------------------------------===//
// Families
//===----------------------------------------------------------------------===//

template <typename Op> Value makeBinary(OpBuilder &b, Location loc, Type t, Value x, Value y) {
  return Op::create(b, loc, t, x, y).getResult();
}

/// The graph op of each broadcasting binary ONNX op (Mod, which carries an
/// attribute, is built apart).
const llvm::StringMap<Value (*)(OpBuilder &, Location, Type, Value, Value)> &binaryMakers() {
  static const llvm::StringMap<Value (*)(OpBuilder &, Location, Type, Value, Value)> makers = {
      {"Add", makeBinary<graph::AddOp>}, {"Sum", makeBinary<graph::AddOp>},
      {"Sub", makeBinary<graph::SubOp>}, {"Mul", makeBinary<graph::MulOp>},
      {"Div", makeBinary<graph::DivOp>}, {"Pow", makeBinary<graph::PowOp>},
      {"Max", makeBinary<graph::MaxOp>}, {"Min", makeBinary<graph::MinOp>},
      {"And", makeBinary<graph::AndOp>}, {"Or", makeBinary<graph::OrOp>},
      {"Xor", makeBinary<graph::XorOp>}};
  return makers;
}

LogicalResult Importer::binary(StringRef op) {
  size_t n = numInputs();
  if (n < 1 || (n < 2 && op != "Max" && op != "Min" && op != "Sum")) {
    nodeError() << "expects 2 inputs, got " << n;
    return failure();
  }
  Value acc = input(0);
  for (size_t i = 1; i < n; ++i) {
    Value rhs = input(i);
    if (opset_ < 7 && n == 2) {
      // Legacy broadcasting: shapes equal, or with broadcast=1 the second
      // operand's dims align with the first's from `axis` (default: the end).
      auto lt = cast<RankedTensorType>(acc.getType()), rt = cast<RankedTensorType>(rhs.getType());
      if (attrInt("broadcast", 0)) {
        int64_t axis = attrInt("axis", lt.getRank() - rt.getRank());
        if (axis < 0 || axis + rt.getRank() > lt.getRank()) {
          nodeError() << "legacy broadcast of " << dimsStr(rt.getShape()) << " into "
                      << dimsStr(lt.getShape()) << " at axis " << axis << " does not fit";
          return failure();
        }
        SmallVector<int64_t> shape(size_t(axis), 1);
        shape.append(rt.getShape().begin(), rt.getShape().end());
        shape.resize(size_t(lt.getRank()), 1);
        rhs = reshape(rhs, shape);
      } else if (lt.getShape() != rt.getShape()) {
        nodeError() << "shapes " << dimsStr(lt.getShape()) << " and " << dimsStr(rt.getShape())
                    << " differ and the node does not ask for broadcasting (opset " << opset_
                    << ")";
        return failure();
      }
    }
    auto lt = cast<RankedTensorType>(acc.getType()), rt = cast<RankedTensorType>(rhs.getType());
    if (lt.getElementType() != rt.getElementType()) {
      if (op != "Pow") {
        nodeError() << "operand element types " << lt.getElementType() << " and "
                    << rt.getElementType() << " differ";
        return failure();
      }
      rhs = graph::CastOp::create(b_, loc_, tensorOf(rt.getShape(), lt.getElementType()), rhs);
    }
    std::optional<SmallVector<int64_t>> shape = broadcast(lt.getShape(), rt.getShape());
    if (!shape)
      return failure();
    Type t = tensorOf(*shape, lt.getElementType());
    if (op == "Mod")
      acc = graph::ModOp::create(b_, loc_, t, acc, rhs, attrInt("fmod", 0) != 0);
    else
      acc = binaryMakers().lookup(op)(b_, loc_, t, acc, rhs);
  }
  result(acc);
  return success();
}

LogicalResult Importer::compare(StringRef op) {
  auto lt = inputType(0), rt = inputType(1);
  if (lt.getElementType() != rt.getElementType()) {
    nodeError() << "compares element types " << lt.getElementType() << " and "
                << rt.getElementType();
    return failure();
  }
  std::optional<SmallVector<int64_t>> shape = broadcast(lt.getShape(), rt.getShape());
  if (!shape)
    return failure();
  Type t = tensorOf(*shape, b_.getI1Type());
  Value x = input(0), y = input(1), r;
  if (op == "Equal")
    r = graph::EqualOp::create(b_, loc_, t, x, y);
  else if (op == "Less")
    r = graph::LessOp::create(b_, loc_, t, x, y);
  else if (op == "LessOrEqual")
    r = graph::LessEqualOp::create(b_, loc_, t, x, y);
  else if (op == "Greater")
    r = graph::GreaterOp::create(b_, loc_, t, x, y);
  else
    r = graph::GreaterEqualOp::create(b_, loc_, t, x, y);
  result(r);
  return success();
}

LogicalResult Importer::unary(StringRef op) {
  Value x = input(0);
  Type t = x.getType();
  Value r;
#define PAGODA_UNARY(NAME, OP) else if (op == NAME) r = graph::OP::create(b_, loc_, t, x);
  if (false) {
  }
  PAGODA_UNARY("Relu", ReluOp)
  PAGODA_UNARY("Sigmoid", SigmoidOp)
  PAGODA_UNARY("Tanh", TanhOp)
  PAGODA_UNARY("Exp", ExpOp)
  PAGODA_UNARY("Log", LogOp)
  PAGODA_UNARY("Sqrt", SqrtOp)
  PAGODA_UNARY("Abs", AbsOp)
  PAGODA_UNARY("Neg", NegOp)
  PAGODA_UNARY("Erf", ErfOp)
  PAGODA_UNARY("Reciprocal", ReciprocalOp)
  PAGODA_UNARY("Floor", FloorOp)
  PAGODA_UNARY("Ceil", CeilOp)
  PAGODA_UNARY("Round", RoundOp)
  PAGODA_UNARY("Sign", SignOp)
  PAGODA_UNARY("Sin", SinOp)
  PAGODA_UNARY("Cos", CosOp)
  PAGODA_UNARY("Softplus", SoftplusOp)
  PAGODA_UNARY("HardSwish", HardSwishOp)
  PAGODA_UNARY("Not", NotOp)
  PAGODA_UNARY("Tan", TanOp)
  PAGODA_UNARY("Asin", AsinOp)
  PAGODA_UNARY("Acos", AcosOp)
  PAGODA_UNARY("Atan", AtanOp)
  PAGODA_UNARY("Sinh", SinhOp)
  PAGODA_UNARY("Cosh", CoshOp)
  PAGODA_UNARY("Asinh", AsinhOp)
  PAGODA_UNARY("Acosh", AcoshOp)
  PAGODA_UNARY("Atanh", AtanhOp)
  PAGODA_UNARY("Softsign", SoftsignOp)
#undef PAGODA_UNARY
  else if (op == "LeakyRelu") r =
      graph::LeakyReluOp::create(b_, loc_, t, x, b_.getF64FloatAttr(attrFloat("alpha", 0.01)));
  else if (op == "Selu") r = graph::SeluOp::create(
      b_, loc_, t, x, b_.getF64FloatAttr(attrFloat("alpha", 1.67326319217681884765625)),
      b_.getF64FloatAttr(attrFloat("gamma", 1.05070102214813232421875)));
  else if (op == "Celu") r =
      graph::CeluOp::create(b_, loc_, t, x, b_.getF64FloatAttr(attrFloat("alpha", 1.0)));
  else if (op == "ThresholdedRelu") r =
      graph::ThresholdedReluOp::create(b_, loc_, t, x, b_.getF64FloatAttr(attrFloat("alpha", 1.0)));
  else if (op == "Shrink") r =
      graph::ShrinkOp::create(b_, loc_, t, x, b_.getF64FloatAttr(attrFloat("lambd", 0.5)),
                              b_.getF64FloatAttr(attrFloat("bias", 0.0)));
  else if (op == "IsNaN") r = graph::IsNaNOp::create(
      b_, loc_, tensorOf(cast<RankedTensorType>(t).getShape(), b_.getI1Type()), x);
  else if (op == "IsInf") r = graph::IsInfOp::create(
      b_, loc_, tensorOf(cast<RankedTensorType>(t).getShape(), b_.getI1Type()), x,
      attrInt("detect_positive", 1) != 0, attrInt("detect_negative", 1) != 0);
  else if (op == "Elu") r =
      graph::EluOp::create(b_, loc_, t, x, b_.getF64FloatAttr(attrFloat("alpha", 1.0)));
  else if (op == "HardSigmoid") r =
      graph::HardSigmoidOp::create(b_, loc_, t, x, b_.getF64FloatAttr(attrFloat("alpha", 0.2)),
                                   b_.getF64FloatAttr(attrFloat("beta", 0.5)));
  else if (op == "Gelu") r =
      graph::GeluOp::create(b_, loc_, t, x, b_.getStringAttr(attrString("approximate", "none")));
  result(r);
  return success();
}

LogicalResult Importer::softmax(bool log) {
  Value x = input(0);
  auto t = inputType(0);
  int64_t rank = t.getRank();
  std::optional<int64_t> axis = normAxis(attrInt("axis", opset_ < 13 ? 1 : -1), rank);
  if (!axis)
    return failure();
  auto make = [&](Value v, int64_t ax) -> Value {
    if (log)
      return graph::LogSoftmaxOp::create(b_, loc_, v.getType(), v, ax);
    return graph::SoftmaxOp::create(b_, loc_, v.getType(), v, ax);
  };
  if (opset_ >= 13 || *axis == rank - 1) {
    result(make(x, *axis));
    return success();
  }
  // Before opset 13 the input is coerced to 2-D at `axis` and normalized
  // over the whole second dimension.
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *axis ? outer : inner) *= t.getDimSize(d);
  Value flat = reshape(x, {outer, inner});
  result(reshape(make(flat, 1), t.getShape()));
  return success();
}

/// Resolves ONNX auto_pad and explicit pads for convolution/pooling windows.
/// `kernel` holds dilated extents' base sizes.
std::optional<SmallVector<int64_t>> resolvePads(const std::string &autoPad,
                                                std::optional<SmallVector<int64_t>> pads,
                                                ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
                                                ArrayRef<int64_t> strides,
                                                ArrayRef<int64_t> dilations) {
  size_t n = in.size();
  SmallVector<int64_t> out(2 * n, 0);
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < n; ++i) {
      int64_t o = (in[i] + strides[i] - 1) / strides[i];
      int64_t total =
          std::max<int64_t>(0, (o - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in[i]);
      int64_t small = total / 2, large = total - small;
      out[i] = autoPad == "SAME_UPPER" ? small : large;
      out[n + i] = autoPad == "SAME_UPPER" ? large : small;
    }
    return out;
  }
  if (autoPad == "VALID")
    return out;
  if (autoPad != "NOTSET" && !autoPad.empty())
    return std::nullopt;
  if (pads) {
    if (pads->size() != 2 * n)
      return std::nullopt;
    return *pads;
  }
  return out;
}

std::optional<ConvGeometry> Importer::convGeometry(size_t xi, size_t wi, bool transpose) {
  auto xt = inputType(xi), wt = inputType(wi);
  if (xt.getRank() < 3 || wt.getRank() != xt.getRank()) {
    nodeError() << "input rank " << xt.getRank() << " and weight rank " << wt.getRank()
                << " must be equal and >= 3";
    return std::nullopt;
  }
  size_t n = size_t(xt.getRank() - 2);
  ConvGeometry g;
  g.kernel.assign(wt.getShape().begin() + 2, wt.getShape().end());
  if (std::optional<SmallVector<int64_t>> ks = attrInts("kernel_shape"); ks && *ks != g.kernel) {
    nodeError() << "kernel_shape " << dimsStr(*ks) << " disagrees with the weight's "
                << dimsStr(g.kernel);
    return std::nullopt;
  }
  g.strides = attrInts("strides").value_or(SmallVector<int64_t>(n, 1));
  g.dilations = attrInts("dilations").value_or(SmallVector<int64_t>(n, 1));
  if (g.strides.size() != n || g.dilations.size() != n) {
    nodeError() << "expects " << n << " strides and dilations";
    return std::nullopt;
  }
  g.group = attrInt("group", 1);
  if (transpose)
    return g;
  SmallVector<int64_t> spatial(xt.getShape().drop_front(2));
  std::string autoPad = attrString("auto_pad", "NOTSET");
  std::optional<SmallVector<int64_t>> pads =
      resolvePads(autoPad, attrInts("pads"), spatial, g.kernel, g.strides, g.dilations);
  if (!pads) {
    nodeError() << "bad pads or auto_pad '" << autoPad << "'";
    return std::nullopt;
  }
  g.pads = *pads;
  g.shape = {xt.getDimSize(0), wt.getDimSize(0)};
  for (size_t i = 0; i < n; ++i) {
    int64_t span = (g.kernel[i] - 1) * g.dilations[i] + 1;
    int64_t padded = spatial[i] + g.pads[i] + g.pads[n + i];
    if (padded < span) {
      nodeError() << "kernel extent " << span << " exceeds the padded input " << padded;
      return std::nullopt;
    }
    g.shape.push_back((padded - span) / g.strides[i] + 1);
  }
  return g;
}

LogicalResult Importer::convLike(bool transpose) {
  std::optional<ConvGeometry> geo = convGeometry(0, 1, transpose);
  if (!geo)
    return failure();
  auto xt = inputType(0), wt = inputType(1);
  size_t n = size_t(xt.getRank() - 2);
  SmallVector<int64_t> kernel = geo->kernel, strides = geo->strides, dilations = geo->dilations;
  int64_t group = geo->group;
  Value bias = hasInput(2) ? input(2) : Value();
  SmallVector<int64_t> spatial(xt.getShape().drop_front(2));
  std::string autoPad = attrString("auto_pad", "NOTSET");
  if (!transpose) {
    result(graph::ConvOp::create(b_, loc_, tensorOf(geo->shape, xt.getElementType()), input(0),
                                 input(1), bias, b_.getDenseI64ArrayAttr(strides),
                                 b_.getDenseI64ArrayAttr(geo->pads),
                                 b_.getDenseI64ArrayAttr(dilations), b_.getI64IntegerAttr(group)));
    return success();
  }
  // ConvTranspose: out = (in - 1) * s + output_padding + (k - 1) * d + 1 - pads.
  SmallVector<int64_t> outPad = attrInts("output_padding").value_or(SmallVector<int64_t>(n, 0));
  SmallVector<int64_t> pads = attrInts("pads").value_or(SmallVector<int64_t>(2 * n, 0));
  if (outPad.size() != n || pads.size() != 2 * n) {
    nodeError() << "expects " << n << " output_padding and " << 2 * n << " pads";
    return failure();
  }
  std::optional<SmallVector<int64_t>> outputShape = attrInts("output_shape");
  SmallVector<int64_t> shape = {xt.getDimSize(0), wt.getDimSize(1) * group};
  for (size_t i = 0; i < n; ++i) {
    int64_t full = (spatial[i] - 1) * strides[i] + outPad[i] + (kernel[i] - 1) * dilations[i] + 1;
    if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t want =
          outputShape ? (*outputShape)[outputShape->size() - n + i] : spatial[i] * strides[i];
      int64_t total = full - want;
      if (total < 0) {
        // A larger output than the input reaches: the extra positions at
        // the end get only the bias, as output_padding gives them.
        outPad[i] -= total;
        full -= total;
        total = 0;
      }
      bool upper = autoPad != "SAME_LOWER";
      pads[i] = upper ? total / 2 : total - total / 2;
      pads[n + i] = total - pads[i];
    }
    shape.push_back(full - pads[i] - pads[n + i]);
  }
  result(graph::ConvTransposeOp::create(
      b_, loc_, tensorOf(shape, xt.getElementType()), input(0), input(1), bias,
      b_.getDenseI64ArrayAttr(strides), b_.getDenseI64ArrayAttr(pads),
      b_.getDenseI64ArrayAttr(dilations), b_.getDenseI64ArrayAttr(outPad),
      b_.getI64IntegerAttr(group)));
  return success();
}

LogicalResult Importer::pool(StringRef op) {
  auto xt = inputType(0);
  if (xt.getRank() < 3) {
    nodeError() << "input must have rank >= 3, got " << xt.getRank();
    return failure();
  }
  size_t n = size_t(xt.getRank() - 2);
  SmallVector<int64_t> spatial(xt.getShape().drop_front(2));
  bool global = op.starts_with("Global");
  SmallVector<int64_t> kernel =
      global ? spatial : attrInts("kernel_shape").value_or(SmallVector<int64_t>());
  if (kernel.size() != n) {
    nodeError() << "kernel_shape must have " << n << " entries";
    return failure();
  }
  SmallVector<int64_t> strides = global ? SmallVector<int64_t>(n, 1)
                                        : attrInts("strides").value_or(SmallVector<int64_t>(n, 1));
  SmallVector<int64_t> dilations = global
                                       ? SmallVector<int64_t>(n, 1)
                                       : attrInts("dilations").value_or(SmallVector<int64_t>(n, 1));
  std::string autoPad = global ? "VALID" : attrString("auto_pad", "NOTSET");
  std::optional<SmallVector<int64_t>> pads = resolvePads(
      autoPad, global ? std::nullopt : attrInts("pads"), spatial, kernel, strides, dilations);
  if (!pads || strides.size() != n || dilations.size() != n) {
    nodeError() << "bad strides, dilations, pads or auto_pad";
    return failure();
  }
  bool ceil = attrInt("ceil_mode", 0) != 0;
  SmallVector<int64_t> shape = {xt.getDimSize(0), xt.getDimSize(1)};
  for (size_t i = 0; i < n; ++i) {
    int64_t span = (kernel[i] - 1) * dilations[i] + 1;
    int64_t padded = spatial[i] + (*pads)[i] + (*pads)[n + i];
    if (padded < span) {
      nodeError() << "window " << span << " exceeds the padded input " << padded;
      return failure();
    }
    int64_t o =
        ceil ? (padded - span + strides[i] - 1) / strides[i] + 1 : (padded - span) / strides[i] + 1;
    // A window must start inside the input or its leading padding.
    if (ceil && (o - 1) * strides[i] >= spatial[i] + (*pads)[i])
      --o;
    shape.push_back(o);
    // Express ceil mode as extra end padding that windows never read.
    if (ceil)
      (*pads)[n + i] =
          std::max((*pads)[n + i], (o - 1) * strides[i] + span - spatial[i] - (*pads)[i]);
  }
  Type t = tensorOf(shape, xt.getElementType());
  auto k = b_.getDenseI64ArrayAttr(kernel), s = b_.getDenseI64ArrayAttr(strides),
       p = b_.getDenseI64ArrayAttr(*pads), d = b_.getDenseI64ArrayAttr(dilations);
  if (op.contains("Max"))
    result(graph::MaxPoolOp::create(b_, loc_, t, input(0), k, s, p, d));
  else
    result(graph::AvgPoolOp::create(b_, loc_, t, input(0), k, s, p, d,
                                    b_.getBoolAttr(attrInt("count_include_pad", 0) != 0)));
  return success();
}

LogicalResult Importer::reduce(StringRef op) {
  auto xt = inputType(0);
  int64_t rank = xt.getRank();
  // Axes: an attribute before ReduceSum-13 / the others' opset 18, then an input.
  bool axesAsInput = op == "ReduceSum" ? opset_ >= 13 : opset_ >= 18;
  SmallVector<int64_t> axes;
  if (axesAsInput && hasInput(1)) {
    std::optional<IntTensor> a = constInts(1, "axes");
    if (!a)
      return failure();
    axes = a->v;
  } else if (!axesAsInput) {
    axes = attrInts("axes").value_or(SmallVector<int64_t>());
  }
  if (axes.empty()) {
    if (attrInt("noop_with_empty_axes", 0)) {
      result(input(0));
      return success();
    }
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  std::set<int64_t> sorted;
  for (int64_t a : axes) {
    std::optional<int64_t> ax = normAxis(a, rank);
    if (!ax)
      return failure();
    sorted.insert(*ax);
  }
  axes.assign(sorted.begin(), sorted.end());
  bool keep = attrInt("keepdims", 1) != 0;
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!sorted.count(d))
      shape.push_back(xt.getDimSize(d));
    else if (keep)
      shape.push_back(1);
  Type t = tensorOf(shape, xt.getElementType());
  auto ax = b_.getDenseI64ArrayAttr(axes);
  auto kd = b_.getBoolAttr(keep);
  Value x = input(0), r;
  if (op == "ReduceSum")
    r = graph::ReduceSumOp::create(b_, loc_, t, x, ax, kd);
  else if (op == "ReduceMean")
    r = graph::ReduceMeanOp::create(b_, loc_, t, x, ax, kd);
  else if (op == "ReduceMax")
    r = graph::ReduceMaxOp::create(b_, loc_, t, x, ax, kd);
  else if (op == "ReduceMin")
    r = graph::ReduceMinOp::create(b_, loc_, t, x, ax, kd);
  else if (op == "ReduceProd")
    r = graph::ReduceProdOp::create(b_, loc_, t, x, ax, kd);
  else if (op == "ReduceL1")
    r = graph::ReduceL1Op::create(b_, loc_, t, x, ax, kd);
  else if (op == "ReduceSumSquare")
    r = graph::ReduceSumSquareOp::create(b_, loc_, t, x, ax, kd);
  else if (op == "ReduceLogSum")
    r = graph::ReduceLogSumOp::create(b_, loc_, t, x, ax, kd);
  else if (op == "ReduceLogSumExp")
    r = graph::ReduceLogSumExpOp::create(b_, loc_, t, x, ax, kd);
  else
    r = graph::ReduceL2Op::create(b_, loc_, t, x, ax, kd);
  result(r);
  return success();
}

LogicalResult Importer::slice() {
  auto xt = inputType(0);
  int64_t rank = xt.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (opset_ < 10) {
    starts = attrInts("starts").value_or(SmallVector<int64_t>());
    ends = attrInts("ends").value_or(SmallVector<int64_t>());
    axes = attrInts("axes").value_or(SmallVector<int64_t>());
  } else {
    std::optional<IntTensor> s = constInts(1, "starts"), e = constInts(2, "ends");
    if (!s || !e)
      return failure();
    starts = s->v;
    ends = e->v;
    if (hasInput(3)) {
      std::optional<IntTensor> a = constInts(3, "axes");
      if (!a)
        return failure();
      axes = a->v;
    }
    if (hasInput(4)) {
      std::optional<IntTensor> st = constInts(4, "steps");
      if (!st)
        return failure();
      steps = st->v;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(int64_t(i));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    nodeError() << "starts, ends, axes and steps must have one entry each per sliced axis";
    return failure();
  }
  SmallVector<int64_t> outStart(rank, 0), outStep(rank, 1), shape(xt.getShape());
  for (size_t i = 0; i < starts.size(); ++i) {
    std::optional<int64_t> ax = normAxis(axes[i], rank);
    if (!ax)
      return failure();
    int64_t dim = xt.getDimSize(*ax), step = steps[i];
    if (step == 0) {
      nodeError() << "step 0 on axis " << *ax;
      return failure();
    }
    int64_t s = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    // Clamp as ONNX says: [0, dim] forwards, [-1, dim - 1] backwards.
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
    } else {
      s = std::clamp<int64_t>(s, -1, dim - 1);
      e = std::clamp<int64_t>(ends[i] < -dim ? -1 : e, -1, dim - 1);
    }
    int64_t count = step > 0 ? std::max<int64_t>(0, (e - s + step - 1) / step)
                             : std::max<int64_t>(0, (s - e + (-step) - 1) / (-step));
    outStart[*ax] = count ? s : 0;
    outStep[*ax] = step;
    shape[*ax] = count;
  }
  result(graph::SliceOp::create(b_, loc_, tensorOf(shape, xt.getElementType()), input(0),
                                b_.getDenseI64ArrayAttr(outStart),
                                b_.getDenseI64ArrayAttr(outStep)));
  return success();
}

LogicalResult Importer::squeeze(bool un) {
  auto xt = inputType(0);
  SmallVector<int64_t> axes;
  if (opset_ >= 13) {
    if (hasInput(1)) {
      std::optional<IntTensor> a = constInts(1, "axes");
      if (!a)
        return failure();
      axes = a->v;
    }
  } else {
    axes = attrInts("axes").value_or(SmallVector<int64_t>());
  }
  SmallVector<int64_t> shape;
  if (un) {
    int64_t rank = xt.getRank() + int64_t(axes.size());
    std::set<int64_t> at;
    for (int64_t a : axes) {
      std::optional<int64_t> ax = normAxis(a, rank);
      if (!ax)
        return failure();
      at.insert(*ax);
    }
    size_t next = 0;
    for (int64_t d = 0; d < rank; ++d)
      shape.push_back(at.count(d) ? 1 : xt.getDimSize(int64_t(next++)));
  } else {
    std::set<int64_t> at;
    for (int64_t a : axes) {
      std::optional<int64_t> ax = normAxis(a, xt.getRank());
      if (!ax)
        return failure();
      if (xt.getDimSize(*ax) != 1) {
        nodeError() << "cannot squeeze axis " << *ax << " of size " << xt.getDimSize(*ax);
        return failure();
      }
      at.insert(*ax);
    }
    for (int64_t d = 0; d < xt.getRank(); ++d)
      if (axes.empty() ? xt.getDimSize(d) != 1 : !at.count(d))
        shape.push_back(xt.getDimSize(d));
  }
  result(reshape(input(0), shape));
  return success();
}

LogicalResult Importer::pad() {
  auto xt = inputType(0);
  int64_t rank = xt.getRank();
  SmallVector<int64_t> pads;
  double value = 0;
  if (opset_ < 11) {
    pads = attrInts("pads").value_or(SmallVector<int64_t>());
    value = attrFloat("value", 0);
  } else {
    std::optional<IntTensor> p = constInts(1, "pads");
    if (!p)
      return failure();
    pads = p->v;
    if (hasInput(2)) {
      auto it = values_.find(node_->input(2));
      DenseElementsAttr c;
      if (it == values_.end() || !matchPattern(it->second, m_Constant(&c)) ||
          c.getNumElements() != 1) {
        nodeError() << "constant_value must be a constant scalar";
        return failure();
      }
      if (isa<FloatType>(c.getElementType()))
        value = (*c.getValues<APFloat>().begin()).convertToDouble();
      else
        value = double((*c.getValues<APInt>().begin()).getSExtValue());
    }
    if (hasInput(3)) {
      std::optional<IntTensor> a = constInts(3, "axes");
      if (!a)
        return failure();
      SmallVector<int64_t> full(2 * size_t(rank), 0);
      for (size_t i = 0; i < a->v.size(); ++i) {
        std::optional<int64_t> ax = normAxis(a->v[i], rank);
        if (!ax || pads.size() != 2 * a->v.size())
          return failure();
        full[size_t(*ax)] = pads[i];
        full[size_t(rank + *ax)] = pads[a->v.size() + i];
      }
      pads = full;
    }
  }
  if (int64_t(pads.size()) != 2 * rank) {
    nodeError() << "pads must have " << 2 * rank << " entries, got " << pads.size();
    return failure();
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t s = xt.getDimSize(d) + pads[size_t(d)] + pads[size_t(rank + d)];
    if (s < 0) {
      nodeError() << "pads make dimension " << d << " negative";
      return failure();
    }
    shape.push_back(s);
  }
  result(graph::PadOp::create(
      b_, loc_, tensorOf(shape, xt.getElementType()), input(0), b_.getDenseI64ArrayAttr(pads),
      b_.getStringAttr(attrString("mode", "constant")), b_.getF64FloatAttr(value)));
  return success();
}

LogicalResult Importer::gemm() {
  auto at = inputType(0), bt = inputType(1);
  if (at.getRank() != 2 || bt.getRank() != 2) {
    nodeError() << "A and B must be matrices";
    return failure();
  }
  bool ta = attrInt("transA", 0), tb = attrInt("transB", 0);
  int64_t m = at.getDimSize(ta ? 1 : 0), k = at.getDimSize(ta ? 0 : 1);
  int64_t k2 = bt.getDimSize(tb ? 1 : 0), n = bt.getDimSize(tb ? 0 : 1);
  if (k != k2) {
    nodeError() << "inner dimensions differ: A gives K = " << k << ", B gives K = " << k2;
    return failure();
  }
  Value c = hasInput(2) ? input(2) : Value();
  if (c && !broadcast(cast<RankedTensorType>(c.getType()).getShape(), {m, n}))
    return failure();
  result(graph::GemmOp::create(b_, loc_, tensorOf({m, n}, at.getElementType()), input(0), input(1),
                               c, b_.getF64FloatAttr(attrFloat("alpha", 1.0)),
                               b_.getF64FloatAttr(attrFloat("beta", 1.0)), b_.getBoolAttr(ta),
                               b_.getBoolAttr(tb)));
  return success();
}

std::optional<SmallVector<int64_t>> Importer::matmulShape(RankedTensorType at,
                                                          RankedTensorType bt) {
  SmallVector<int64_t> a(at.getShape()), b(bt.getShape());
  if (a.empty() || b.empty()) {
    nodeError() << "operands must have rank >= 1";
    return std::nullopt;
  }
  bool av = a.size() == 1, bv = b.size() == 1;
  if (av)
    a.insert(a.begin(), 1);
  if (bv)
    b.push_back(1);
  if (a.back() != b[b.size() - 2]) {
    nodeError() << "contraction dimensions differ: " << dimsStr(at.getShape()) << " x "
                << dimsStr(bt.getShape());
    return std::nullopt;
  }
  std::optional<SmallVector<int64_t>> shape =
      broadcast(ArrayRef<int64_t>(a).drop_back(2), ArrayRef<int64_t>(b).drop_back(2));
  if (!shape)
    return std::nullopt;
  if (!av)
    shape->push_back(a[a.size() - 2]);
  if (!bv)
    shape->push_back(b.back());
  return shape;
}

LogicalResult Importer::matmul() {
  std::optional<SmallVector<int64_t>> shape = matmulShape(inputType(0), inputType(1));
  if (!shape)
    return failure();
  result(graph::MatMulOp::create(b_, loc_, tensorOf(*shape, inputType(0).getElementType()),
                                 input(0), input(1)));
  return success();
}

std::optional<SmallVector<double>> Importer::constFloats(size_t i, const char *what) {
  DenseElementsAttr c;
  if (hasInput(i) && matchPattern(input(i), m_Constant(&c))) {
    SmallVector<double> out;
    if (isa<FloatType>(c.getElementType())) {
      for (const APFloat &v : c.getValues<APFloat>())
        out.push_back(v.convertToDouble());
    } else {
      for (const APInt &v : c.getValues<APInt>())
        out.push_back(double(v.getSExtValue()));
    }
    return out;
  }
  nodeError() << what << " (input " << i << ") must be a constant known at compile time";
  return std::nullopt;
}

LogicalResult Importer::resize() {
  const std::string &op = node_->op_type();
  auto xt = inputType(0);
  int64_t rank = xt.getRank();
  std::optional<SmallVector<double>> scales;
  SmallVector<int64_t> shape;
  // Where the scales or sizes are: Upsample 7-8 attribute, Upsample 9 and
  // Resize 10 input 1, Resize 11+ input 2 (scales) or 3 (sizes).
  if (op == "Upsample" && opset_ < 9) {
    if (const onnx::AttributeProto *a = attr("scales"))
      scales = SmallVector<double>(a->floats().begin(), a->floats().end());
  } else {
    size_t si = (op == "Upsample" || opset_ < 11) ? 1 : 2;
    if (op == "Resize" && opset_ >= 11 && hasInput(3)) {
      std::optional<IntTensor> sizes = constInts(3, "sizes");
      if (!sizes)
        return failure();
      if (hasInput(4) || attr("axes")) {
        nodeError() << "resizing a subset of axes is not supported";
        return failure();
      }
      shape = sizes->v;
    } else {
      scales = constFloats(si, "scales");
      if (!scales)
        return failure();
    }
  }
  if (scales) {
    if (int64_t(scales->size()) != rank) {
      nodeError() << "scales has " << scales->size() << " entries for rank " << rank;
      return failure();
    }
    for (int64_t d = 0; d < rank; ++d)
      shape.push_back(int64_t(std::floor(double(xt.getDimSize(d)) * (*scales)[size_t(d)])));
  }
  if (int64_t(shape.size()) != rank) {
    nodeError() << "sizes has " << shape.size() << " entries for rank " << rank;
    return failure();
  }
  for (int64_t d : shape)
    if (d <= 0) {
      nodeError() << "resizes to an empty shape " << dimsStr(shape);
      return failure();
    }
  bool legacy = op == "Upsample" || opset_ < 11;
  std::string mode = attrString("mode", "nearest");
  if (mode == "bilinear" || mode == "trilinear")
    mode = "linear"; // Upsample 7-8 spelling
  std::string coord =
      legacy ? "asymmetric" : attrString("coordinate_transformation_mode", "half_pixel");
  if (coord == "tf_crop_and_resize") {
    nodeError() << "coordinate_transformation_mode tf_crop_and_resize is not supported";
    return failure();
  }
  std::string nearest = legacy ? "floor" : attrString("nearest_mode", "round_prefer_floor");
  DenseF64ArrayAttr scaleAttr = scales ? b_.getDenseF64ArrayAttr(*scales) : DenseF64ArrayAttr();
  result(graph::ResizeOp::create(b_, loc_, tensorOf(shape, xt.getElementType()), input(0),
                                 b_.getStringAttr(mode), b_.getStringAttr(coord),
                                 b_.getStringAttr(nearest),
                                 b_.getF64FloatAttr(attrFloat("cubic_coeff_a", -0.75)),
                                 b_.getBoolAttr(attrInt("exclude_outside", 0) != 0), scaleAttr));
  return success();
}

/// LayerNormalization's optional Mean and InvStdDev outputs, over the
/// normalized dimensions (kept as 1) in `stash_type`.
LogicalResult Importer::layerNormStatistics(int64_t axis, double eps, bool mean, bool invStdDev) {
  std::optional<Type> stash = elementType(int32_t(attrInt("stash_type", 1)));
  if (!stash || !isa<FloatType>(*stash)) {
    nodeError() << "stash_type must be a float type";
    return failure();
  }
  auto xt = inputType(0);
  Value x = input(0);
  auto full = tensorOf(xt.getShape(), *stash);
  if (xt.getElementType() != *stash)
    x = graph::CastOp::create(b_, loc_, full, x);
  SmallVector<int64_t> axes, kept(xt.getShape());
  for (int64_t d = axis; d < xt.getRank(); ++d) {
    axes.push_back(d);
    kept[d] = 1;
  }
  auto keptType = tensorOf(kept, *stash);
  auto axesAttr = b_.getDenseI64ArrayAttr(axes);
  Value m = graph::ReduceMeanOp::create(b_, loc_, keptType, x, axesAttr, b_.getBoolAttr(true));
  if (mean)
    result(m, 1);
  if (!invStdDev)
    return success();
  Value d = graph::SubOp::create(b_, loc_, full, x, m);
  Value sq = graph::MulOp::create(b_, loc_, full, d, d);
  Value var = graph::ReduceMeanOp::create(b_, loc_, keptType, sq, axesAttr, b_.getBoolAttr(true));
  Value e = constant(
      DenseElementsAttr::get(RankedTensorType::get({}, *stash), b_.getFloatAttr(*stash, eps)),
      loc_);
  Value sum = graph::AddOp::create(b_, loc_, keptType, var, e);
  Value root = graph::SqrtOp::create(b_, loc_, keptType, sum);
  result(graph::ReciprocalOp::create(b_, loc_, keptType, root), 2);
  return success();
}

LogicalResult Importer::split() {
  auto xt = inputType(0);
  std::optional<int64_t> axis = normAxis(attrInt("axis", 0), xt.getRank());
  if (!axis)
    return failure();
  int64_t dim = xt.getDimSize(*axis);
  size_t outs = size_t(node_->output_size());
  SmallVector<int64_t> sizes;
  if (opset_ >= 13 && hasInput(1)) {
    std::optional<IntTensor> sp = constInts(1, "split");
    if (!sp)
      return failure();
    sizes = sp->v;
  } else if (opset_ < 13 && attr("split")) {
    sizes = *attrInts("split");
  } else {
    // Equal parts; from opset 18 the last may be smaller.
    int64_t parts = opset_ >= 18 && attr("num_outputs") ? attrInt("num_outputs", 1) : int64_t(outs);
    int64_t each = (dim + parts - 1) / std::max<int64_t>(parts, 1);
    for (int64_t p = 0, left = dim; p < parts; ++p, left -= each)
      sizes.push_back(std::min(each, std::max<int64_t>(left, 0)));
  }
  int64_t sum = std::accumulate(sizes.begin(), sizes.end(), int64_t(0));
  if (sizes.size() != outs || sum != dim) {
    nodeError() << "splits " << dim << " into " << dimsStr(sizes) << " for " << outs << " outputs";
    return failure();
  }
  int64_t at = 0;
  for (size_t o = 0; o < outs; ++o) {
    SmallVector<int64_t> starts(size_t(xt.getRank()), 0), steps(size_t(xt.getRank()), 1);
    SmallVector<int64_t> shape(xt.getShape());
    starts[size_t(*axis)] = at;
    shape[size_t(*axis)] = sizes[o];
    at += sizes[o];
    result(graph::SliceOp::create(b_, loc_, tensorOf(shape, xt.getElementType()), input(0),
                                  b_.getDenseI64ArrayAttr(starts), b_.getDenseI64ArrayAttr(steps)),
           o);
  }
  return success();
}

LogicalResult Importer::einsum() {
  std::string eq;
  for (char c : attrString("equation", ""))
    if (c != ' ')
      eq += c;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  SmallVector<std::string> terms;
  for (size_t pos = 0;;) {
    size_t comma = lhs.find(',', pos);
    terms.push_back(lhs.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  if (terms.size() != numInputs()) {
    nodeError() << "equation '" << eq << "' names " << terms.size() << " operands, the node has "
                << numInputs();
    return failure();
  }
  std::map<char, int64_t> dims;
  std::map<char, int> uses;
  SmallVector<int64_t> ellipsis;
  for (size_t i = 0; i < terms.size(); ++i) {
    auto t = inputType(i);
    std::string term = terms[i];
    size_t dots = term.find("...");
    int64_t named = int64_t(term.size()) - (dots == std::string::npos ? 0 : 3);
    int64_t extra = t.getRank() - named;
    if (extra < 0 || (extra > 0 && dots == std::string::npos)) {
      nodeError() << "term '" << term << "' does not match operand " << i << " of rank "
                  << t.getRank();
      return failure();
    }
    int64_t d = 0;
    for (size_t c = 0; c < term.size(); ++c) {
      if (term.compare(c, 3, "...") == 0) {
        SmallVector<int64_t> e(t.getShape().begin() + d, t.getShape().begin() + d + extra);
        std::optional<SmallVector<int64_t>> b = broadcast(ellipsis, e);
        if (!b)
          return failure();
        ellipsis = *b;
        d += extra;
        c += 2;
        continue;
      }
      char l = term[c];
      int64_t size = t.getDimSize(d++);
      auto it = dims.find(l);
      if (it != dims.end() && it->second != size && it->second != 1 && size != 1) {
        nodeError() << "label '" << l << "' has sizes " << it->second << " and " << size;
        return failure();
      }
      dims[l] = it == dims.end() ? size : std::max(it->second, size);
      ++uses[l];
    }
  }
  std::string out;
  if (arrow != std::string::npos) {
    out = eq.substr(arrow + 2);
  } else {
    // Implicit output: the ellipsis, then labels used once, alphabetically.
    if (lhs.find("...") != std::string::npos)
      out = "...";
    for (const auto &[l, n] : uses)
      if (n == 1)
        out += l;
  }
  SmallVector<int64_t> shape;
  for (size_t c = 0; c < out.size(); ++c) {
    if (out.compare(c, 3, "...") == 0) {
      shape.append(ellipsis.begin(), ellipsis.end());
      c += 2;
    } else if (dims.count(out[c])) {
      shape.push_back(dims[out[c]]);
    } else {
      nodeError() << "output label '" << out[c] << "' appears in no operand";
      return failure();
    }
  }
  SmallVector<Value> ins;
  for (size_t i = 0; i < numInputs(); ++i)
    ins.push_back(input(i));
  result(graph::EinsumOp::create(b_, loc_, tensorOf(shape, inputType(0).getElementType()), ins,
                                 b_.getStringAttr(eq)));
  return success();
}

LogicalResult Importer::quantized() {
  const std::string &op = node_->op_type();
  auto xt = inputType(0);
  if (op == "QuantizeLinear" || op == "DequantizeLinear") {
    bool quant = op == "QuantizeLinear";
    Type scaleElt = inputType(1).getElementType();
    Value zp = hasInput(2)
                   ? input(2)
                   : zeroOf(quant ? Type(b_.getIntegerType(8, false)) : xt.getElementType());
    Type outElt = quant ? cast<RankedTensorType>(zp.getType()).getElementType() : scaleElt;
    int64_t axis = attrInt("axis", 1);
    if (inputType(1).getRank() > 0) {
      std::optional<int64_t> ax = normAxis(axis, xt.getRank());
      if (!ax)
        return failure();
      axis = *ax;
    }
    Type t = tensorOf(xt.getShape(), outElt);
    if (quant)
      result(graph::QuantizeOp::create(b_, loc_, t, input(0), input(1), zp, axis));
    else
      result(graph::DequantizeOp::create(b_, loc_, t, input(0), input(1), zp, axis));
    return success();
  }
  if (op == "DynamicQuantizeLinear") {
    Type u8 = b_.getIntegerType(8, false);
    auto q = graph::DynamicQuantizeOp::create(b_, loc_, tensorOf(xt.getShape(), u8),
                                              tensorOf({}, xt.getElementType()), tensorOf({}, u8),
                                              input(0));
    for (unsigned i = 0; i < 3; ++i)
      result(q.getResult(i), i);
    return success();
  }
  Type i32 = b_.getI32Type();
  if (op == "MatMulInteger" || op == "QLinearMatMul") {
    bool qlinear = op == "QLinearMatMul";
    size_t bi = qlinear ? 3 : 1;
    std::optional<SmallVector<int64_t>> shape = matmulShape(xt, inputType(bi));
    if (!shape)
      return failure();
    if (!qlinear) {
      Value azp = hasInput(2) ? input(2) : zeroOf(xt.getElementType());
      Value bzp = hasInput(3) ? input(3) : zeroOf(inputType(1).getElementType());
      result(graph::MatMulIntegerOp::create(b_, loc_, tensorOf(*shape, i32), input(0), input(1),
                                            azp, bzp));
      return success();
    }
    Type outElt = inputType(7).getElementType();
    result(graph::QLinearMatMulOp::create(b_, loc_, tensorOf(*shape, outElt), input(0), input(1),
                                          input(2), input(3), input(4), input(5), input(6),
                                          input(7)));
    return success();
  }
  // ConvInteger (x, w, x_zp, w_zp) and QLinearConv (x, xs, xzp, w, ws, wzp, ys, yzp, B).
  bool qlinear = op == "QLinearConv";
  std::optional<ConvGeometry> g = convGeometry(0, qlinear ? 3 : 1, false);
  if (!g)
    return failure();
  auto s = b_.getDenseI64ArrayAttr(g->strides), p = b_.getDenseI64ArrayAttr(g->pads),
       d = b_.getDenseI64ArrayAttr(g->dilations);
  auto grp = b_.getI64IntegerAttr(g->group);
  if (!qlinear) {
    Value xzp = hasInput(2) ? input(2) : zeroOf(xt.getElementType());
    Value wzp = hasInput(3) ? input(3) : zeroOf(inputType(1).getElementType());
    result(graph::ConvIntegerOp::create(b_, loc_, tensorOf(g->shape, i32), input(0), input(1), xzp,
                                        wzp, s, p, d, grp, /*channels_last=*/UnitAttr()));
    return success();
  }
  Type outElt = inputType(7).getElementType();
  result(graph::QLinearConvOp::create(b_, loc_, tensorOf(g->shape, outElt), input(0), input(1),
                                      input(2), input(3), input(4), input(5), input(6), input(7),
                                      hasInput(8) ? input(8) : Value(), s, p, d, grp,
                                      /*channels_last=*/UnitAttr()));
  return success();
}

LogicalResult Importer::recurrent() {
  const std::string &op = node_->op_type();
  auto xt = inputType(0);
  if (xt.getRank() != 3) {
    nodeError() << "X must have rank 3, got " << xt.getRank();
    return failure();
  }
  int64_t hidden = attrInt("hidden_size", 0);
  std::string direction = attrString("direction", "forward");
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  int64_t layout = attrInt("layout", 0);
  int64_t gates = op == "LSTM" ? 4 : op == "GRU" ? 3 : 1;
  auto wt = inputType(1);
  if (hidden <= 0 || wt.getRank() != 3 || wt.getDimSize(0) != dirs ||
      wt.getDimSize(1) != gates * hidden) {
    nodeError() << "W " << dimsStr(wt.getShape()) << " does not match " << dirs
                << " direction(s) of " << gates << " gates x hidden_size " << hidden;
    return failure();
  }
  int64_t seq = xt.getDimSize(layout ? 1 : 0), batch = xt.getDimSize(layout ? 0 : 1);
  Type elt = xt.getElementType();
  SmallVector<Type> types = {layout ? tensorOf({batch, seq, dirs, hidden}, elt)
                                    : tensorOf({seq, dirs, batch, hidden}, elt),
                             layout ? tensorOf({batch, dirs, hidden}, elt)
                                    : tensorOf({dirs, batch, hidden}, elt)};
  if (op == "LSTM")
    types.push_back(types[1]);
  SmallVector<std::string> acts;
  if (const onnx::AttributeProto *a = attr("activations"))
    acts.assign(a->strings().begin(), a->strings().end());
  if (acts.empty()) {
    SmallVector<std::string> one = op == "LSTM"
                                       ? SmallVector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                   : op == "GRU" ? SmallVector<std::string>{"Sigmoid", "Tanh"}
                                                 : SmallVector<std::string>{"Tanh"};
    for (int64_t d = 0; d < dirs; ++d)
      acts.append(one.begin(), one.end());
  }
  SmallVector<StringRef> actRefs(acts.begin(), acts.end());
  auto floats = [&](const char *name) {
    SmallVector<double> v;
    if (const onnx::AttributeProto *a = attr(name))
      v.assign(a->floats().begin(), a->floats().end());
    return b_.getDenseF64ArrayAttr(v);
  };
  auto opt = [&](size_t i) { return hasInput(i) ? input(i) : Value(); };
  auto r = graph::RecurrentOp::create(
      b_, loc_, types, input(0), input(1), input(2), opt(3), opt(4), opt(5),
      op == "LSTM" ? opt(6) : Value(), op == "LSTM" ? opt(7) : Value(), b_.getStringAttr(op),
      b_.getStringAttr(direction), b_.getI64IntegerAttr(hidden), b_.getStrArrayAttr(actRefs),
      floats("activation_alpha"), floats("activation_beta"),
      attr("clip") ? b_.getF64FloatAttr(attrFloat("clip", 0)) : FloatAttr(),
      b_.getBoolAttr(attrInt("input_forget", 0) != 0),
      b_.getBoolAttr(attrInt("linear_before_reset", 0) != 0), b_.getI64IntegerAttr(layout));
  for (unsigned i = 0; i < r->getNumResults() && int(i) < node_->output_size(); ++i)
    result(r->getResult(i), i);
  return success();
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

std::optional<SmallVector<Type>> Importer::importRegion(const onnx::GraphProto &g, Block *block,
                                                        ValueRange args) {
  // The subgraph's names go out of scope after it.
  std::map<std::string, Value> savedValues = values_;
  std::map<std::string, IntTensor> savedInts = ints_;
  OpBuilder::InsertionGuard guard(b_);
  b_.setInsertionPointToEnd(block);
  for (size_t i = 0; i < args.size() && int(i) < g.input_size(); ++i)
    values_[g.input(int(i)).name()] = args[i];
  std::optional<SmallVector<Type>> types;
  if (succeeded(importBody(g))) {
    SmallVector<Value> results;
    for (const onnx::ValueInfoProto &vi : g.output()) {
      auto it = values_.find(vi.name());
      if (it == values_.end()) {
        error(loc_) << source_ << ": node '" << nodeName_ << "': subgraph '" << g.name()
                    << "' output '" << vi.name() << "' is never computed";
        break;
      }
      results.push_back(it->second);
    }
    if (results.size() == size_t(g.output_size())) {
      YieldOp::create(b_, loc_, results);
      types = SmallVector<Type>(ValueRange(results).getTypes());
    }
  }
  values_ = std::move(savedValues);
  ints_ = std::move(savedInts);
  return types;
}

LogicalResult Importer::convertIf() {
  const onnx::AttributeProto *thenAttr = attr("then_branch"), *elseAttr = attr("else_branch");
  if (!thenAttr || !elseAttr || !thenAttr->has_g() || !elseAttr->has_g()) {
    nodeError() << "needs then_branch and else_branch graphs";
    return failure();
  }
  // A constant condition inlines the branch it selects.
  DenseElementsAttr c;
  if (matchPattern(input(0), m_Constant(&c)) && c.getNumElements() == 1) {
    bool taken = *c.value_begin<APInt>() != 0;
    const onnx::GraphProto &branch = taken ? thenAttr->g() : elseAttr->g();
    if (failed(importBody(branch)))
      return failure();
    for (int i = 0; i < branch.output_size() && i < node_->output_size(); ++i) {
      auto it = values_.find(branch.output(i).name());
      if (it == values_.end()) {
        nodeError() << "branch output '" << branch.output(i).name() << "' is never computed";
        return failure();
      }
      result(it->second, size_t(i));
    }
    return success();
  }
  auto thenBlock = std::make_unique<Block>(), elseBlock = std::make_unique<Block>();
  std::optional<SmallVector<Type>> thenTypes = importRegion(thenAttr->g(), thenBlock.get(), {});
  if (!thenTypes)
    return failure();
  std::optional<SmallVector<Type>> elseTypes = importRegion(elseAttr->g(), elseBlock.get(), {});
  if (!elseTypes)
    return failure();
  if (*thenTypes != *elseTypes) {
    std::string a, b;
    llvm::raw_string_ostream as(a), bs(b);
    llvm::interleaveComma(*thenTypes, as);
    llvm::interleaveComma(*elseTypes, bs);
    nodeError() << "the branches yield different types (" << a << ") and (" << b
                << "); both must be static and equal";
    return failure();
  }
  auto op = IfOp::create(b_, loc_, *thenTypes, input(0));
  op.getThenRegion().push_back(thenBlock.release());
  op.getElseRegion().push_back(elseBlock.release());
  for (unsigned i = 0; i < op->getNumResults(); ++i)
    result(op->getResult(i), i);
  return success();
}

LogicalResult Importer::convertLoop() {
  const onnx::AttributeProto *bodyAttr = attr("body");
  if (!bodyAttr || !bodyAttr->has_g()) {
    nodeError() << "needs a body graph";
    return failure();
  }
  const onnx::GraphProto &body = bodyAttr->g();
  size_t carried = numInputs() > 2 ? numInputs() - 2 : 0;
  if (size_t(body.input_size()) != 2 + carried) {
    nodeError() << "the body takes " << body.input_size() << " inputs; expected 2 + " << carried;
    return failure();
  }
  int64_t scans = int64_t(body.output_size()) - 1 - int64_t(carried);
  if (scans < 0) {
    nodeError() << "the body yields " << body.output_size() << " values; expected at least "
                << 1 + carried;
    return failure();
  }
  Value maxTrip = hasInput(0) ? input(0) : Value();
  Value cond =
      hasInput(1)
          ? input(1)
          : constant(DenseElementsAttr::get(RankedTensorType::get({}, b_.getI1Type()), true), loc_);
  SmallVector<Value> inits;
  for (size_t i = 0; i < carried; ++i)
    inits.push_back(input(2 + i));
  auto block = std::make_unique<Block>();
  SmallVector<Value> args;
  auto argLoc = [&](size_t i) -> Location {
    return NameLoc::get(b_.getStringAttr(body.input(int(i)).name()),
                        FileLineColLoc::get(&ctx_, source_, 0, 0));
  };
  args.push_back(block->addArgument(RankedTensorType::get({}, b_.getI64Type()), argLoc(0)));
  args.push_back(block->addArgument(RankedTensorType::get({}, b_.getI1Type()), argLoc(1)));
  for (size_t i = 0; i < inits.size(); ++i)
    args.push_back(block->addArgument(inits[i].getType(), argLoc(2 + i)));
  std::optional<SmallVector<Type>> yielded = importRegion(body, block.get(), args);
  if (!yielded)
    return failure();
  for (size_t i = 0; i < carried; ++i)
    if ((*yielded)[1 + i] != inits[i].getType()) {
      std::string a, b;
      llvm::raw_string_ostream as(a), bs(b);
      as << inits[i].getType();
      bs << (*yielded)[1 + i];
      nodeError() << "loop-carried '" << node_->input(int(2 + i)) << "' changes type from " << a
                  << " to " << b;
      return failure();
    }
  SmallVector<Type> resultTypes(ValueRange(inits).getTypes());
  if (scans > 0) {
    // Stacked scan outputs have one slice per iteration: the count must be
    // known, so the trip count is a constant and the condition cannot end
    // the loop early (the body passes its condition input through).
    std::optional<int64_t> trips;
    if (hasInput(0))
      if (auto it = ints_.find(node_->input(0)); it != ints_.end() && it->second.v.size() == 1)
        trips = it->second.v[0];
    auto yield = cast<YieldOp>(block->getTerminator());
    bool condFixed = yield.getValues()[0] == block->getArgument(1);
    DenseElementsAttr cv;
    bool condTrue = !hasInput(1) || (matchPattern(cond, m_Constant(&cv)) &&
                                     cv.getNumElements() == 1 && *cv.value_begin<APInt>() != 0);
    if (!trips || *trips < 0 || !condFixed || !condTrue) {
      nodeError() << "scan outputs need a trip count known at compile time (a constant M and a "
                     "condition the body does not change)";
      return failure();
    }
    for (int64_t s = 0; s < scans; ++s) {
      auto slice = cast<RankedTensorType>((*yielded)[size_t(1 + int64_t(carried) + s)]);
      SmallVector<int64_t> shape = {*trips};
      shape.append(slice.getShape().begin(), slice.getShape().end());
      resultTypes.push_back(tensorOf(shape, slice.getElementType()));
    }
  }
  auto op = LoopOp::create(b_, loc_, resultTypes, maxTrip, cond, inits, scans);
  op.getBody().push_back(block.release());
  for (unsigned i = 0; i < op->getNumResults() && int(i) < node_->output_size(); ++i)
    result(op->getResult(i), i);
  return success();
}

//===----------------------------------------------------------------------===//
// One node
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertNode() {
  const std::string &op = node_->op_type();
  for (size_t i = 0; i < size_t(node_->input_size()); ++i)
    if (!node_->input(int(i)).empty() && !values_.count(node_->input(int(i)))) {
      nodeError() << "input '" << node_->input(int(i)) << "' is not defined";
      return failure();
    }

  if (op == "Constant") {
    const onnx::AttributeProto *a = node_->attribute_size() == 1 ? &node_->attribute(0) : nullptr;
    if (!a) {
      nodeError() << "must have exactly one attribute";
      return failure();
    }
    DenseElementsAttr value;
    const std::string &k = a->name();
    if (k == "value") {
      std::optional<DenseElementsAttr> v = tensorAttr(a->t(), loc_, "node '" + nodeName_ + "'");
      if (!v)
        return failure();
      value = *v;
    } else if (k == "value_float") {
      value = DenseElementsAttr::get(RankedTensorType::get({}, b_.getF32Type()), a->f());
    } else if (k == "value_floats") {
      SmallVector<float> v(a->floats().begin(), a->floats().end());
      value = DenseElementsAttr::get(RankedTensorType::get({int64_t(v.size())}, b_.getF32Type()),
                                     ArrayRef<float>(v));
    } else if (k == "value_int") {
      value = DenseElementsAttr::get(RankedTensorType::get({}, b_.getI64Type()), a->i());
    } else if (k == "value_ints") {
      SmallVector<int64_t> v(a->ints().begin(), a->ints().end());
      value = DenseElementsAttr::get(RankedTensorType::get({int64_t(v.size())}, b_.getI64Type()),
                                     ArrayRef<int64_t>(v));
    } else {
      nodeError() << "attribute '" << k << "' (sparse or string constants) is not supported";
      return failure();
    }
    result(constant(value, loc_));
    if (std::optional<IntTensor> it = intsOf(value))
      ints_[node_->output(0)] = *it;
    return success();
  }
  if (op == "Shape" || op == "Size") {
    auto t = inputType(0);
    IntTensor out;
    if (op == "Size") {
      out.v = {t.getNumElements()};
    } else {
      int64_t rank = t.getRank();
      int64_t start = attrInt("start", 0), end = attrInt("end", rank);
      start = std::clamp(start < 0 ? start + rank : start, int64_t(0), rank);
      end = std::clamp(end < 0 ? end + rank : end, int64_t(0), rank);
      for (int64_t d = start; d < end; ++d)
        out.v.push_back(t.getDimSize(d));
      out.shape = {int64_t(out.v.size())};
    }
    defineInts(node_->output(0), std::move(out), loc_);
    return success();
  }
  if (op == "ConstantOfShape") {
    std::optional<IntTensor> s = constInts(0, "shape");
    if (!s)
      return failure();
    DenseElementsAttr fill;
    if (const onnx::AttributeProto *a = attr("value")) {
      std::optional<DenseElementsAttr> v = tensorAttr(a->t(), loc_, "node '" + nodeName_ + "'");
      if (!v)
        return failure();
      fill = *v;
    } else {
      fill = DenseElementsAttr::get(RankedTensorType::get({1}, b_.getF32Type()), 0.0f);
    }
    auto type = RankedTensorType::get(s->v, fill.getElementType());
    DenseElementsAttr value = DenseElementsAttr::get(type, *fill.value_begin<Attribute>());
    result(constant(value, loc_));
    if (std::optional<IntTensor> it = intsOf(value))
      ints_[node_->output(0)] = *it;
    return success();
  }
  if (succeeded(foldIntegers()))
    return success();

  static const llvm::StringSet<> binaryOps = {"Add", "Sub", "Mul", "Div", "Pow", "Max",
                                              "Min", "Sum", "And", "Or",  "Xor", "Mod"};
  static const llvm::StringSet<> compareOps = {"Equal", "Less", "LessOrEqual", "Greater",
                                               "GreaterOrEqual"};
  static const llvm::StringSet<> unaryOps = {
      "Relu",   "Sigmoid",   "Tanh",     "Exp",         "Log",      "Sqrt",
      "Abs",    "Neg",       "Erf",      "Reciprocal",  "Floor",    "Ceil",
      "Round",  "Sign",      "Sin",      "Cos",         "Softplus", "HardSwish",
      "Not",    "LeakyRelu", "Elu",      "HardSigmoid", "Gelu",     "Tan",
      "Asin",   "Acos",      "Atan",     "Sinh",        "Cosh",     "Asinh",
      "Acosh",  "Atanh",     "Softsign", "Selu",        "Celu",     "ThresholdedRelu",
      "Shrink", "IsNaN",     "IsInf"};
  if (binaryOps.contains(op))
    return binary(op);
  if (compareOps.contains(op))
    return compare(op);
  if (unaryOps.contains(op))
    return unary(op);
  if (op == "Identity") {
    result(input(0));
    return success();
  }
  if (op == "Dropout") {
    // Inference: the identity; a requested mask is all true. Training mode
    // draws random masks: nothing a compiled model reproduces.
    if (hasInput(2)) {
      DenseElementsAttr mode;
      if (!matchPattern(input(2), m_Constant(&mode)) || mode.getNumElements() != 1 ||
          !mode.getElementType().isInteger(1)) {
        nodeError() << "training_mode (input 2) must be a constant bool";
        return failure();
      }
      if (*mode.getValues<bool>().begin()) {
        nodeError() << "training_mode is true: random dropout is not supported (pagoda "
                       "compiles models for inference)";
        return failure();
      }
    }
    result(input(0));
    if (node_->output_size() > 1 && !node_->output(1).empty()) {
      auto t = RankedTensorType::get(inputType(0).getShape(), b_.getI1Type());
      result(constant(DenseElementsAttr::get(t, true), loc_), 1);
    }
    return success();
  }
  if (op == "Cast") {
    std::optional<Type> to = elementType(int32_t(attrInt("to", 0)));
    if (!to) {
      nodeError() << "cannot cast to " << dtypeName(int32_t(attrInt("to", 0)));
      return failure();
    }
    Value x = input(0);
    if (inputType(0).getElementType() == *to)
      result(x);
    else
      result(graph::CastOp::create(b_, loc_, tensorOf(inputType(0).getShape(), *to), x));
    return success();
  }
  if (op == "CastLike") {
    Type to = inputType(1).getElementType();
    Value x = input(0);
    result(inputType(0).getElementType() == to
               ? x
               : graph::CastOp::create(b_, loc_, tensorOf(inputType(0).getShape(), to), x)
                     .getResult());
    return success();
  }
  if (op == "Trilu") {
    // where(mask, x, 0), the mask a constant of the last two dimensions.
    auto xt = inputType(0);
    if (xt.getRank() < 2) {
      nodeError() << "input must have rank >= 2, got " << xt.getRank();
      return failure();
    }
    int64_t k = 0;
    if (hasInput(1)) {
      std::optional<IntTensor> kv = constInts(1, "k");
      if (!kv)
        return failure();
      if (kv->v.size() != 1) {
        nodeError() << "k must be a scalar";
        return failure();
      }
      k = kv->v[0];
    }
    bool upper = attrInt("upper", 1) != 0;
    int64_t n = xt.getDimSize(xt.getRank() - 2), m = xt.getDimSize(xt.getRank() - 1);
    SmallVector<bool> keep;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j)
        keep.push_back(upper ? j - i >= k : j - i <= k);
    auto maskType = RankedTensorType::get({n, m}, b_.getI1Type());
    Value mask = constant(DenseElementsAttr::get(maskType, ArrayRef<bool>(keep)), loc_);
    Type elt = xt.getElementType();
    auto zeroType = RankedTensorType::get({}, elt);
    Value zero =
        constant(isa<FloatType>(elt) ? DenseElementsAttr::get(zeroType, b_.getFloatAttr(elt, 0.0))
                                     : DenseElementsAttr::get(zeroType, b_.getIntegerAttr(elt, 0)),
                 loc_);
    result(graph::WhereOp::create(b_, loc_, xt, mask, input(0), zero));
    return success();
  }
  if (op == "EyeLike") {
    auto xt = inputType(0);
    if (xt.getRank() != 2) {
      nodeError() << "input must have rank 2, got " << xt.getRank();
      return failure();
    }
    Type elt = xt.getElementType();
    if (attr("dtype")) {
      std::optional<Type> t = elementType(int32_t(attrInt("dtype", 0)));
      if (!t) {
        nodeError() << "unsupported dtype " << dtypeName(int32_t(attrInt("dtype", 0)));
        return failure();
      }
      elt = *t;
    }
    int64_t k = attrInt("k", 0);
    auto type = RankedTensorType::get(xt.getShape(), elt);
    SmallVector<Attribute> values;
    Attribute one = isa<FloatType>(elt) ? Attribute(b_.getFloatAttr(elt, 1.0))
                                        : Attribute(b_.getIntegerAttr(elt, 1));
    Attribute zero = isa<FloatType>(elt) ? Attribute(b_.getFloatAttr(elt, 0.0))
                                         : Attribute(b_.getIntegerAttr(elt, 0));
    for (int64_t i = 0; i < xt.getDimSize(0); ++i)
      for (int64_t j = 0; j < xt.getDimSize(1); ++j)
        values.push_back(j - i == k ? one : zero);
    result(constant(DenseElementsAttr::get(type, values), loc_));
    return success();
  }
  if (op == "Clip") {
    std::optional<double> lo, hi;
    if (opset_ < 11) {
      if (attr("min"))
        lo = attrFloat("min", 0);
      if (attr("max"))
        hi = attrFloat("max", 0);
    } else {
      for (size_t i = 1; i <= 2; ++i) {
        if (!hasInput(i))
          continue;
        DenseElementsAttr c;
        if (!matchPattern(input(i), m_Constant(&c)) || c.getNumElements() != 1) {
          nodeError() << (i == 1 ? "min" : "max") << " must be a constant scalar";
          return failure();
        }
        double v = isa<FloatType>(c.getElementType())
                       ? (*c.getValues<APFloat>().begin()).convertToDouble()
                       : double((*c.getValues<APInt>().begin()).getSExtValue());
        (i == 1 ? lo : hi) = v;
      }
    }
    result(graph::ClipOp::create(b_, loc_, input(0).getType(), input(0),
                                 lo ? b_.getF64FloatAttr(*lo) : FloatAttr(),
                                 hi ? b_.getF64FloatAttr(*hi) : FloatAttr()));
    return success();
  }
  if (op == "Where") {
    auto ct = inputType(0), xt = inputType(1), yt = inputType(2);
    if (xt.getElementType() != yt.getElementType()) {
      nodeError() << "branches have element types " << xt.getElementType() << " and "
                  << yt.getElementType();
      return failure();
    }
    std::optional<SmallVector<int64_t>> s1 = broadcast(ct.getShape(), xt.getShape());
    if (!s1)
      return failure();
    std::optional<SmallVector<int64_t>> s2 = broadcast(*s1, yt.getShape());
    if (!s2)
      return failure();
    result(graph::WhereOp::create(b_, loc_, tensorOf(*s2, xt.getElementType()), input(0), input(1),
                                  input(2)));
    return success();
  }
  if (op == "Reshape") {
    std::optional<IntTensor> s;
    if (opset_ < 5)
      s = IntTensor{{}, attrInts("shape").value_or(SmallVector<int64_t>())};
    else
      s = constInts(1, "shape");
    if (!s)
      return failure();
    auto xt = inputType(0);
    bool allowZero = attrInt("allowzero", 0) != 0;
    SmallVector<int64_t> shape;
    int64_t known = 1, inferAt = -1;
    for (size_t i = 0; i < s->v.size(); ++i) {
      int64_t d = s->v[i];
      if (d == 0 && !allowZero) {
        if (int64_t(i) >= xt.getRank()) {
          nodeError() << "shape entry " << i << " is 0 (copy) but the input has rank "
                      << xt.getRank();
          return failure();
        }
        d = xt.getDimSize(int64_t(i));
      }
      if (d == -1) {
        if (inferAt >= 0) {
          nodeError() << "shape " << dimsStr(s->v) << " has more than one -1";
          return failure();
        }
        inferAt = int64_t(i);
      } else if (d < 0) {
        nodeError() << "shape " << dimsStr(s->v) << " has a negative entry";
        return failure();
      } else {
        known *= d;
      }
      shape.push_back(d);
    }
    int64_t total = xt.getNumElements();
    if (inferAt >= 0)
      shape[size_t(inferAt)] = known ? total / known : 0;
    int64_t product =
        std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>());
    if (product != total) {
      nodeError() << "cannot reshape " << dimsStr(xt.getShape()) << " (" << total
                  << " elements) to " << dimsStr(s->v);
      return failure();
    }
    result(reshape(input(0), shape));
    return success();
  }
  if (op == "Flatten") {
    // axis in [-r, r]; a negative one counts from the end (r + axis).
    auto xt = inputType(0);
    int64_t axis = attrInt("axis", 1);
    if (axis < -xt.getRank() || axis > xt.getRank()) {
      nodeError() << "axis " << axis << " is outside [" << -xt.getRank() << ", " << xt.getRank()
                  << "]";
      return failure();
    }
    if (axis < 0)
      axis += xt.getRank();
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < xt.getRank(); ++d)
      (d < axis ? outer : inner) *= xt.getDimSize(d);
    result(reshape(input(0), {outer, inner}));
    return success();
  }
  if (op == "Squeeze" || op == "Unsqueeze")
    return squeeze(op == "Unsqueeze");
  if (op == "Transpose") {
    auto xt = inputType(0);
    SmallVector<int64_t> perm;
    if (std::optional<SmallVector<int64_t>> p = attrInts("perm"))
      perm = *p;
    else
      for (int64_t d = xt.getRank() - 1; d >= 0; --d)
        perm.push_back(d);
    SmallVector<int64_t> shape;
    std::set<int64_t> seen;
    for (int64_t p : perm) {
      if (p < 0 || p >= xt.getRank() || !seen.insert(p).second) {
        nodeError() << "perm " << dimsStr(perm) << " is not a permutation of rank " << xt.getRank();
        return failure();
      }
      shape.push_back(xt.getDimSize(p));
    }
    if (int64_t(perm.size()) != xt.getRank()) {
      nodeError() << "perm " << dimsStr(perm) << " is not a permutation of rank " << xt.getRank();
      return failure();
    }
    result(graph::TransposeOp::create(b_, loc_, tensorOf(shape, xt.getElementType()), input(0),
                                      b_.getDenseI64ArrayAttr(perm)));
    return success();
  }
  if (op == "Concat") {
    auto first = inputType(0);
    std::optional<int64_t> axis = normAxis(attrInt("axis", 0), first.getRank());
    if (!axis)
      return failure();
    SmallVector<int64_t> shape(first.getShape());
    SmallVector<Value> ins;
    shape[size_t(*axis)] = 0;
    for (size_t i = 0; i < numInputs(); ++i) {
      auto t = inputType(i);
      bool ok = t.getRank() == first.getRank() && t.getElementType() == first.getElementType();
      for (int64_t d = 0; ok && d < t.getRank(); ++d)
        ok = d == *axis || t.getDimSize(d) == first.getDimSize(d);
      if (!ok) {
        nodeError() << "input " << i << " " << dimsStr(t.getShape())
                    << " does not match the others except on axis " << *axis;
        return failure();
      }
      shape[size_t(*axis)] += t.getDimSize(*axis);
      ins.push_back(input(i));
    }
    result(graph::ConcatOp::create(b_, loc_, tensorOf(shape, first.getElementType()), ins, *axis));
    return success();
  }
  if (op == "Slice")
    return slice();
  if (op == "Gather") {
    auto xt = inputType(0), it = inputType(1);
    std::optional<int64_t> axis = normAxis(attrInt("axis", 0), xt.getRank());
    if (!axis)
      return failure();
    SmallVector<int64_t> shape(xt.getShape().take_front(size_t(*axis)));
    shape.append(it.getShape().begin(), it.getShape().end());
    shape.append(xt.getShape().begin() + *axis + 1, xt.getShape().end());
    result(graph::GatherOp::create(b_, loc_, tensorOf(shape, xt.getElementType()), input(0),
                                   input(1), *axis));
    return success();
  }
  if (op == "Expand") {
    std::optional<IntTensor> s = constInts(1, "shape");
    if (!s)
      return failure();
    std::optional<SmallVector<int64_t>> shape = broadcast(inputType(0).getShape(), s->v);
    if (!shape)
      return failure();
    result(graph::ExpandOp::create(b_, loc_, tensorOf(*shape, inputType(0).getElementType()),
                                   input(0)));
    return success();
  }
  if (op == "Pad")
    return pad();
  if (op == "Softmax" || op == "LogSoftmax")
    return softmax(op == "LogSoftmax");
  if (op == "MatMul")
    return matmul();
  if (op == "Gemm")
    return gemm();
  if (op == "Conv" || op == "ConvTranspose")
    return convLike(op == "ConvTranspose");
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" ||
      op == "GlobalMaxPool") {
    if (op == "MaxPool" && node_->output_size() > 1 && !node_->output(1).empty()) {
      nodeError() << "the Indices output is not supported";
      return failure();
    }
    return pool(op);
  }
  if (op.rfind("Reduce", 0) == 0)
    return reduce(op);
  if (op == "ArgMax" || op == "ArgMin") {
    auto xt = inputType(0);
    std::optional<int64_t> axis = normAxis(attrInt("axis", 0), xt.getRank());
    if (!axis)
      return failure();
    bool keep = attrInt("keepdims", 1) != 0;
    SmallVector<int64_t> shape;
    for (int64_t d = 0; d < xt.getRank(); ++d)
      if (d != *axis)
        shape.push_back(xt.getDimSize(d));
      else if (keep)
        shape.push_back(1);
    Type t = tensorOf(shape, b_.getI64Type());
    auto ax = b_.getI64IntegerAttr(*axis);
    auto kd = b_.getBoolAttr(keep);
    auto last = b_.getBoolAttr(attrInt("select_last_index", 0) != 0);
    if (op == "ArgMax")
      result(graph::ArgMaxOp::create(b_, loc_, t, input(0), ax, kd, last));
    else
      result(graph::ArgMinOp::create(b_, loc_, t, input(0), ax, kd, last));
    return success();
  }
  if (op == "BatchNormalization") {
    for (int i = 1; i < node_->output_size(); ++i)
      if (!node_->output(i).empty()) {
        nodeError() << "training mode (outputs beyond Y) is not supported";
        return failure();
      }
    result(graph::BatchNormOp::create(b_, loc_, input(0).getType(), input(0), input(1), input(2),
                                      input(3), input(4),
                                      b_.getF64FloatAttr(attrFloat("epsilon", 1e-5))));
    return success();
  }
  if (op == "InstanceNormalization") {
    result(graph::InstanceNormOp::create(b_, loc_, input(0).getType(), input(0), input(1), input(2),
                                         b_.getF64FloatAttr(attrFloat("epsilon", 1e-5))));
    return success();
  }
  if (op == "LayerNormalization") {
    std::optional<int64_t> axis = normAxis(attrInt("axis", -1), inputType(0).getRank());
    if (!axis)
      return failure();
    double eps = attrFloat("epsilon", 1e-5);
    result(graph::LayerNormOp::create(b_, loc_, input(0).getType(), input(0), input(1),
                                      hasInput(2) ? input(2) : Value(), b_.getI64IntegerAttr(*axis),
                                      b_.getF64FloatAttr(eps)));
    bool wantMean = node_->output_size() > 1 && !node_->output(1).empty();
    bool wantInv = node_->output_size() > 2 && !node_->output(2).empty();
    if (wantMean || wantInv)
      return layerNormStatistics(*axis, eps, wantMean, wantInv);
    return success();
  }
  if (op == "If")
    return convertIf();
  if (op == "Loop")
    return convertLoop();
  if (op == "Resize" || op == "Upsample")
    return resize();
  if (op == "Split")
    return split();
  if (op == "Einsum")
    return einsum();
  if (op == "QuantizeLinear" || op == "DequantizeLinear" || op == "DynamicQuantizeLinear" ||
      op == "MatMulInteger" || op == "ConvInteger" || op == "QLinearMatMul" || op == "QLinearConv")
    return quantized();
  if (op == "LSTM" || op == "GRU" || op == "RNN")
    return recurrent();
  if (op == "Mean") {
    if (failed(binary("Sum")))
      return failure();
    Value sum = values_.at(node_->output(0));
    auto t = cast<RankedTensorType>(sum.getType());
    auto ft = dyn_cast<FloatType>(t.getElementType());
    if (!ft) {
      nodeError() << "Mean needs a floating-point type";
      return failure();
    }
    APFloat n{double(numInputs())};
    bool lost = false;
    n.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    Value count = constant(DenseElementsAttr::get(RankedTensorType::get({}, ft), n), loc_);
    result(graph::DivOp::create(b_, loc_, t, sum, count));
    return success();
  }
  if (op == "PRelu") {
    auto xt = inputType(0);
    Value slope = input(1);
    auto st = inputType(1);
    // Before opset 7 a [C] slope applies per channel of [N, C, ...]; from 7
    // on it broadcasts numpy-style.
    if (opset_ < 7 && st.getRank() == 1 && xt.getRank() > 2 &&
        st.getDimSize(0) == xt.getDimSize(1)) {
      SmallVector<int64_t> shape(size_t(xt.getRank() - 1), 1);
      shape[0] = st.getDimSize(0);
      slope = reshape(slope, shape);
      st = cast<RankedTensorType>(slope.getType());
    }
    std::optional<SmallVector<int64_t>> shape = broadcast(xt.getShape(), st.getShape());
    if (!shape)
      return failure();
    result(
        graph::PReluOp::create(b_, loc_, tensorOf(*shape, xt.getElementType()), input(0), slope));
    return success();
  }
  if (op == "Tile") {
    std::optional<IntTensor> reps = constInts(1, "repeats");
    if (!reps)
      return failure();
    auto xt = inputType(0);
    if (int64_t(reps->v.size()) != xt.getRank()) {
      nodeError() << "repeats has " << reps->v.size() << " entries for rank " << xt.getRank();
      return failure();
    }
    SmallVector<int64_t> shape;
    for (int64_t d = 0; d < xt.getRank(); ++d)
      shape.push_back(xt.getDimSize(d) * reps->v[size_t(d)]);
    result(graph::TileOp::create(b_, loc_, tensorOf(shape, xt.getElementType()), input(0),
                                 b_.getDenseI64ArrayAttr(reps->v)));
    return success();
  }
  if (op == "GatherElements") {
    auto xt = inputType(0), it = inputType(1);
    std::optional<int64_t> axis = normAxis(attrInt("axis", 0), xt.getRank());
    if (!axis)
      return failure();
    result(graph::GatherElementsOp::create(b_, loc_, tensorOf(it.getShape(), xt.getElementType()),
                                           input(0), input(1), *axis));
    return success();
  }
  if (op == "GatherND") {
    auto xt = inputType(0), it = inputType(1);
    const int64_t b = attrInt("batch_dims", 0);
    const int64_t depth = it.getRank() ? it.getShape().back() : 0;
    if (it.getRank() < 1 || b < 0 || b >= it.getRank() || ShapedType::isDynamic(depth) ||
        depth < 1 || b + depth > xt.getRank()) {
      nodeError() << "indices of shape " << dimsStr(it.getShape()) << " with batch_dims " << b
                  << " do not index data of rank " << xt.getRank();
      return failure();
    }
    SmallVector<int64_t> shape(it.getShape().drop_back());
    llvm::append_range(shape, xt.getShape().drop_front(b + depth));
    result(graph::GatherNDOp::create(b_, loc_, tensorOf(shape, xt.getElementType()), input(0),
                                     input(1), b));
    return success();
  }
  if (op == "ScatterElements" || op == "Scatter") { // Scatter: opsets 9-10, no reduction
    std::optional<int64_t> axis = normAxis(attrInt("axis", 0), inputType(0).getRank());
    if (!axis)
      return failure();
    result(graph::ScatterElementsOp::create(b_, loc_, input(0).getType(), input(0), input(1),
                                            input(2), *axis,
                                            b_.getStringAttr(attrString("reduction", "none"))));
    return success();
  }
  if (op == "ScatterND") {
    result(graph::ScatterNDOp::create(b_, loc_, input(0).getType(), input(0), input(1), input(2),
                                      b_.getStringAttr(attrString("reduction", "none"))));
    return success();
  }
  if (op == "CumSum") {
    std::optional<IntTensor> a = constInts(1, "axis");
    if (!a || a->v.size() != 1)
      return failure();
    std::optional<int64_t> axis = normAxis(a->v[0], inputType(0).getRank());
    if (!axis)
      return failure();
    result(graph::CumSumOp::create(b_, loc_, input(0).getType(), input(0), *axis,
                                   attrInt("exclusive", 0) != 0, attrInt("reverse", 0) != 0));
    return success();
  }
  if (op == "DepthToSpace" || op == "SpaceToDepth") {
    auto xt = inputType(0);
    int64_t bs = attrInt("blocksize", 0);
    bool d2s = op == "DepthToSpace";
    if (xt.getRank() != 4 || bs <= 0 ||
        (d2s ? xt.getDimSize(1) % (bs * bs) != 0
             : xt.getDimSize(2) % bs != 0 || xt.getDimSize(3) % bs != 0)) {
      nodeError() << "input " << dimsStr(xt.getShape()) << " does not divide by blocksize " << bs;
      return failure();
    }
    SmallVector<int64_t> shape =
        d2s ? SmallVector<int64_t>{xt.getDimSize(0), xt.getDimSize(1) / (bs * bs),
                                   xt.getDimSize(2) * bs, xt.getDimSize(3) * bs}
            : SmallVector<int64_t>{xt.getDimSize(0), xt.getDimSize(1) * bs * bs,
                                   xt.getDimSize(2) / bs, xt.getDimSize(3) / bs};
    Type t = tensorOf(shape, xt.getElementType());
    if (d2s)
      result(graph::DepthToSpaceOp::create(b_, loc_, t, input(0), bs, attrString("mode", "DCR")));
    else
      result(graph::SpaceToDepthOp::create(b_, loc_, t, input(0), bs));
    return success();
  }
  if (op == "TopK") {
    auto xt = inputType(0);
    int64_t k;
    if (opset_ < 10) {
      k = attrInt("k", 0);
    } else {
      std::optional<IntTensor> kt = constInts(1, "k");
      if (!kt || kt->v.size() != 1)
        return failure();
      k = kt->v[0];
    }
    std::optional<int64_t> axis = normAxis(attrInt("axis", -1), xt.getRank());
    if (!axis)
      return failure();
    if (k < 0 || k > xt.getDimSize(*axis)) {
      nodeError() << "k = " << k << " is outside [0, " << xt.getDimSize(*axis) << "]";
      return failure();
    }
    SmallVector<int64_t> shape(xt.getShape());
    shape[size_t(*axis)] = k;
    auto r = graph::TopKOp::create(b_, loc_, tensorOf(shape, xt.getElementType()),
                                   tensorOf(shape, b_.getI64Type()), input(0), k, *axis,
                                   attrInt("largest", 1) != 0, attrInt("sorted", 1) != 0);
    result(r.getValues(), 0);
    result(r.getIndices(), 1);
    return success();
  }
  if (op == "Range") {
    nodeError() << "start, limit and delta must be constant integers";
    return failure();
  }
  nodeError() << "has no conversion (internal: listed as supported)";
  return failure();
}

} // namespace

OwningOpRef<ModuleOp> importONNX(MLIRContext &context, const void *data, size_t size,
                                 const std::string &source, const std::string &baseDir,
                                 const ONNXOptions &options) {
  context.loadDialect<graph::GraphDialect, func::FuncDialect>();
  Location loc = FileLineColLoc::get(&context, source, 0, 0);
  onnx::ModelProto model;
  if (size > size_t(INT32_MAX)) {
    emitError(loc) << source << ": " << size
                   << " bytes is larger than protobuf reads (2 GiB); store the weights as "
                      "external data";
    return nullptr;
  }
  if (!model.ParseFromArray(data, int(size))) {
    emitError(loc) << source << ": not a valid ONNX model (protobuf parse failed)";
    return nullptr;
  }
  if (!model.has_graph()) {
    emitError(loc) << source << ": the model has no graph";
    return nullptr;
  }
  Importer importer(context, source, baseDir, options);
  return importer.run(model);
}

OwningOpRef<ModuleOp> importONNXFile(MLIRContext &context, const std::string &path,
                                     const ONNXOptions &options) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buf) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << path << ": cannot open: " << buf.getError().message();
    return nullptr;
  }
  SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  return importONNX(context, (*buf)->getBufferStart(), (*buf)->getBufferSize(), path,
                    std::string(dir), options);
}

bool parseInputShape(const std::string &spec, std::string &name, std::vector<int64_t> &dims,
                     std::string &error) {
  size_t colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    error = "--input-shape '" + spec + "' must be NAME:D0,D1,...";
    return false;
  }
  name = spec.substr(0, colon);
  dims.clear();
  std::string rest = spec.substr(colon + 1);
  size_t pos = 0;
  while (pos <= rest.size() && !rest.empty()) {
    size_t comma = rest.find(',', pos);
    std::string d = rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char *end = nullptr;
    long long v = d.empty() ? 0 : std::strtoll(d.c_str(), &end, 10);
    if (d.empty() || *end || v <= 0) {
      error = "--input-shape '" + spec + "': dimension '" + d + "' is not a positive integer";
      return false;
    }
    dims.push_back(v);
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  return true;
}

} // namespace pagoda::import

namespace {

/// numpy's dtype string and the element bits of an ONNX tensor type.
std::optional<std::pair<const char *, unsigned>> npyType(int32_t t) {
  using TP = onnx::TensorProto;
  switch (t) {
  case TP::FLOAT:
    return std::make_pair("<f4", 32u);
  case TP::FLOAT16:
    return std::make_pair("<f2", 16u);
  case TP::BFLOAT16:
    return std::make_pair("<V2", 16u);
  case TP::DOUBLE:
    return std::make_pair("<f8", 64u);
  case TP::INT8:
    return std::make_pair("|i1", 8u);
  case TP::UINT8:
    return std::make_pair("|u1", 8u);
  case TP::INT16:
    return std::make_pair("<i2", 16u);
  case TP::UINT16:
    return std::make_pair("<u2", 16u);
  case TP::INT32:
    return std::make_pair("<i4", 32u);
  case TP::UINT32:
    return std::make_pair("<u4", 32u);
  case TP::INT64:
    return std::make_pair("<i8", 64u);
  case TP::UINT64:
    return std::make_pair("<u8", 64u);
  case TP::BOOL:
    return std::make_pair("|b1", 1u);
  default:
    return std::nullopt;
  }
}

} // namespace

pagoda::Result<pagoda::NpyArray> pagoda::import::readTensorFile(const std::string &path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buf)
    return Error(path + ": cannot read: " + buf.getError().message());
  onnx::TensorProto t;
  if (!t.ParseFromArray((*buf)->getBufferStart(), int((*buf)->getBufferSize())))
    return Error(path + ": not a serialized onnx.TensorProto");
  std::optional<std::pair<const char *, unsigned>> type = npyType(t.data_type());
  if (!type)
    return Error(path + ": unsupported element type " + dtypeName(t.data_type()));
  NpyArray out;
  out.descr = type->first;
  uint64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d && count > (uint64_t(1) << 40) / uint64_t(d)))
      return Error(path + ": implausible shape");
    out.shape.push_back(d);
    count *= uint64_t(d);
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return Error(path + ": external data in a test tensor is not supported");
  std::string raw;
  if (t.has_raw_data())
    raw = t.raw_data();
  else
    appendTypedData(t, type->second, raw);
  const uint64_t bytes = count * (type->second == 1 ? 1 : type->second / 8);
  if (raw.size() != bytes)
    return Error(path + ": holds " + std::to_string(raw.size()) +
                 " bytes of data, its shape needs " + std::to_string(bytes));
  out.data.assign(raw.begin(), raw.end());
  return out;
}
