//===- Elementwise.cpp - Vector kernels for elementwise chains ------------===//
//
// Shape of a generated kernel (docs/codegen.md):
//
//   preamble   kernel arguments, this core's range; broadcast values are
//              written once into their own UB buffers (ldg + vdup)
//   tiles      two buffer sets A and B; tile i uses set i % 2:
//                MTE2  waitf mte3->mte2 (set free)  load inputs  setf mte2->v
//                V     waitf mte2->v  ops, barrier v between dependent ones
//                      setf v->mte3
//                MTE3  waitf v->mte3  store outputs  setf mte3->mte2
//              full tiles run in a loop unrolled by two (event ids and UB
//              addresses are immediates), then a remainder tile
//   epilogue   the two pre-set "set free" flags are consumed
//
// The mte3->mte2 flag orders the next load into a set after both the
// vector unit's reads (transitively, through v->mte3) and the store's
// reads of the previous tile in that set.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Codegen/Elementwise.h"

#include "pagoda/Sim/Numerics.h"

#include "VectorWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

namespace pagoda::codegen {

const char *vopName(VOp op) {
  switch (op) {
  case VOp::Add:
    return "add";
  case VOp::Sub:
    return "sub";
  case VOp::Mul:
    return "mul";
  case VOp::Div:
    return "div";
  case VOp::Max:
    return "max";
  case VOp::Min:
    return "min";
  case VOp::And:
    return "and";
  case VOp::Relu:
    return "relu";
  case VOp::Exp:
    return "exp";
  case VOp::Log:
    return "ln";
  case VOp::Sqrt:
    return "sqrt";
  case VOp::Rsqrt:
    return "rsqrt";
  case VOp::Rec:
    return "rec";
  case VOp::Abs:
    return "abs";
  case VOp::Neg:
    return "neg";
  case VOp::Tanh:
    return "tanh";
  case VOp::Sigmoid:
    return "sigmoid";
  case VOp::LRelu:
    return "lrelu";
  case VOp::Cast:
    return "cvt";
  }
  return "?";
}

std::vector<isa::DType> elementwiseValueTypes(const ElementwiseKernel &k) {
  std::vector<isa::DType> types;
  for (const ElementwiseInput &in : k.inputs)
    types.push_back(in.type.value_or(k.type));
  for (const ElementwiseOp &op : k.ops)
    types.push_back(op.op == VOp::Cast ? op.to : op.a < types.size() ? types[op.a] : k.type);
  return types;
}

bool isBinary(VOp op) {
  switch (op) {
  case VOp::Add:
  case VOp::Sub:
  case VOp::Mul:
  case VOp::Div:
  case VOp::Max:
  case VOp::Min:
  case VOp::And:
    return true;
  default:
    return false;
  }
}

std::string identifier(std::string_view name) {
  std::string s;
  for (char c : name)
    s += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ? c : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    s.insert(s.begin(), '_');
  return s;
}

std::string ElementwisePlan::describe() const {
  return fmt::format("{} vector cores x {} B, tiles of {} B, 2 buffer sets of {}{}", vectorCores,
                     chunkBytes, tileBytes, slots,
                     broadcastSlots ? fmt::format(" + {} broadcast", broadcastSlots) : "");
}

namespace {

using Kind = ElementwiseInput::Kind;

constexpr uint64_t kRepeatBytes = 256; // one vector repeat: 8 blocks of 32 bytes

/// A row's period of whole 32-byte blocks (the row itself when it is).
uint64_t rowPeriodBytes(uint64_t rowBytes) { return std::lcm<uint64_t>(rowBytes, 32); }
/// The longest period a vcopy's repeat stride (8 periods) can spread.
constexpr uint64_t kMaxPeriodBlocks = 255 / 8;

/// Integer types an elementwise kernel moves and converts (no arithmetic).
bool isMovedInteger(isa::DType t) {
  return t == isa::DType::U8 || t == isa::DType::S8 || t == isa::DType::S32;
}

/// The element's bits of `v` in `type`.
uint64_t immediateBits(isa::DType type, double v) {
  if (type == isa::DType::F16)
    return num::encode(num::kF16, v);
  return num::floatBits(float(v));
}

/// Registers of the generated code.
enum Reg : unsigned {
  kFirstPointer = 1, ///< x1...: GM pointers of Tensor inputs, then outputs
  kMaxPointers = 22,
  kScratchScalar = 24, ///< broadcast values in the preamble
  kCoreIndex = 25,
  kLoop = 26,
  kDst = 27,
  kSrc0 = 28,
  kSrc1 = 29,
  kTmp = 30,
};

/// Values in UB: a slot per live value in each buffer set, broadcast values
/// in slots of their own after both sets.
struct Layout {
  std::vector<int> slotOf;       ///< per value: slot in a set, or -1 (broadcast)
  std::vector<int> broadcastOf;  ///< per value: broadcast slot, or -1
  std::vector<uint32_t> lastUse; ///< per value: last op index reading it (ops.size(): output)
  uint32_t slots = 0, broadcasts = 0;
};

Layout layoutValues(const ElementwiseKernel &k) {
  Layout l;
  const size_t nin = k.inputs.size(), nvals = nin + k.ops.size();
  l.slotOf.assign(nvals, -1);
  l.broadcastOf.assign(nvals, -1);
  l.lastUse.assign(nvals, 0);
  for (size_t i = 0; i < k.ops.size(); ++i) {
    l.lastUse[k.ops[i].a] = uint32_t(i);
    if (isBinary(k.ops[i].op))
      l.lastUse[k.ops[i].b] = uint32_t(i);
  }
  for (uint32_t v : k.outputs)
    l.lastUse[v] = uint32_t(k.ops.size());

  std::vector<int> freeSlots;
  auto take = [&]() {
    if (!freeSlots.empty()) {
      int s = freeSlots.back();
      freeSlots.pop_back();
      return s;
    }
    return int(l.slots++);
  };
  for (size_t v = 0; v < nin; ++v) {
    if (k.inputs[v].kind == Kind::Tensor)
      l.slotOf[v] = take();
    else
      l.broadcastOf[v] = int(l.broadcasts++);
  }
  const std::vector<isa::DType> types = elementwiseValueTypes(k);
  for (size_t i = 0; i < k.ops.size(); ++i) {
    // Operands dying here give their slot to the result (vector operations
    // read each repeat before writing it), except to a widening cast, whose
    // repeat r writes where repeat r + 1 still has to read.
    const ElementwiseOp &op = k.ops[i];
    const bool widens = op.op == VOp::Cast && isa::dtypeBits(op.to) > isa::dtypeBits(types[op.a]);
    if (widens)
      l.slotOf[nin + i] = take();
    for (uint32_t operand : {op.a, isBinary(op.op) ? op.b : op.a})
      if (l.lastUse[operand] == i && l.slotOf[operand] >= 0 &&
          std::find(freeSlots.begin(), freeSlots.end(), l.slotOf[operand]) == freeSlots.end())
        freeSlots.push_back(l.slotOf[operand]);
    if (!widens)
      l.slotOf[nin + i] = take();
  }
  if (l.slots == 0)
    l.slots = 1; // a kernel that only broadcasts still stores from a slot
  return l;
}

class Emitter : VectorWriter {
public:
  Emitter(const ElementwiseKernel &k, const target::TargetDesc &t, const Layout &l,
          const ElementwisePlan &p)
      : VectorWriter(t), k_(k), l_(l), p_(p), dt_(isa::dtypeName(k.type)),
        size_(isa::dtypeBits(k.type) / 8), types_(elementwiseValueTypes(k)) {
    // The GM pointers in register order: Tensor inputs, then outputs.
    for (size_t i = 0; i < k.inputs.size(); ++i)
      if (k.inputs[i].kind == Kind::Tensor)
        pointerValues_.push_back(uint32_t(i));
    pointerValues_.insert(pointerValues_.end(), k.outputs.begin(), k.outputs.end());
  }

  std::string run() {
    header(k_.name);
    comment("{} x {} elements; {}", dt_, k_.elements, p_.describe());
    // This core's index among the vector cores of the launch.
    coreIndex(kCoreIndex, kTmp);
    const uint64_t total = k_.elements * size_;
    const uint64_t lastBytes = total - uint64_t(p_.vectorCores - 1) * p_.chunkBytes;
    line("movi x{}, {}", kTmp, p_.vectorCores - 1);
    line("bltu x{}, x{}, chunk", kCoreIndex, kTmp);
    line("bne x{}, x{}, done", kCoreIndex, kTmp);
    range(lastBytes, "last");
    line("jmp done");
    label("chunk");
    range(p_.chunkBytes, "full");
    label("done");
    line("halt");
    return take();
  }

private:
  uint64_t slotAddress(unsigned set, int slot) const {
    return (uint64_t(set) * p_.slots + uint64_t(slot)) * p_.slotBytes;
  }
  uint64_t broadcastAddress(int slot) const {
    return (2 * uint64_t(p_.slots) + uint64_t(slot)) * p_.slotBytes;
  }
  unsigned sizeOf(uint32_t v) const { return isa::dtypeBits(types_[v]) / 8; }
  /// `bytes` of the kernel's type as bytes of value v (as many elements).
  uint64_t bytesOf(uint64_t bytes, uint32_t v) const { return bytes / size_ * sizeOf(v); }
  std::string dtOf(uint32_t v) const { return isa::dtypeName(types_[v]); }
  uint64_t valueAddress(unsigned set, uint32_t v) const {
    return l_.slotOf[v] >= 0 ? slotAddress(set, l_.slotOf[v]) : broadcastAddress(l_.broadcastOf[v]);
  }

  /// Code for `bytes` bytes of output on this core: pointers, broadcast
  /// buffers, the tiles, the flags' epilogue. `tag` makes labels unique.
  void range(uint64_t bytes, const std::string &tag) {
    comment("{} bytes on this core", bytes);
    bool rows = false;
    // GM pointers: argument + this core's offset.
    line("movi x{}, {}", kTmp, p_.chunkBytes);
    line("mul x{0}, x{0}, x{1}", kTmp, kCoreIndex);
    unsigned arg = 0, reg = kFirstPointer;
    for (size_t i = 0; i < k_.inputs.size(); ++i) {
      const ElementwiseInput &in = k_.inputs[i];
      if (in.kind == Kind::Immediate)
        continue;
      if (in.kind == Kind::Row && ((in.rowElements * size_) % 32 || in.bf16InGm)) {
        partialRow(in, broadcastAddress(l_.broadcastOf[i]), arg++);
        rows = true;
        continue;
      }
      if (in.kind == Kind::Row) {
        // A row, repeated over a tile by one DMA per row (tiles start on
        // rows); MTE2 finishes before any tile reads it (barrier all).
        const uint64_t rowBytes = in.rowElements * size_;
        const std::string loop = fmt::format("{}_row{}", tag, i);
        line("ldarg x{}, {}", kScratchScalar, arg++);
        line("movi x{}, {}", kDst, broadcastAddress(l_.broadcastOf[i]));
        line("movi x{}, {}", kLoop, p_.tileBytes / rowBytes);
        label(loop);
        line("dma_gm_ub x{}, x{}, len={}", kDst, kScratchScalar, rowBytes / 32);
        line("addi x{0}, x{0}, {1}", kDst, rowBytes);
        line("addi x{0}, x{0}, -1", kLoop);
        line("bne x{}, x0, {}", kLoop, loop);
        rows = true;
        continue;
      }
      if (in.kind == Kind::Scalar) {
        // One element: read on the scalar unit, broadcast by vdup.
        line("ldarg x{}, {}", kScratchScalar, arg++);
        if (in.bf16InGm) { // f32 bits: the bf16 bits shifted up
          line("ldg.u16 x{0}, x{0}", kScratchScalar);
          line("shli x{0}, x{0}, 16", kScratchScalar);
        } else {
          line("ldg.{1} x{0}, x{0}", kScratchScalar, size_ == 2 ? "u16" : "u32");
        }
        line("movi x{}, {}", kDst, broadcastAddress(l_.broadcastOf[i]));
        line("vdup.{} x{}, x{}, rep={}", dt_, kDst, kScratchScalar, p_.tileBytes / kRepeatBytes);
        continue;
      }
      line("ldarg x{}, {}", reg, arg++);
      addChunkOffset(reg, uint32_t(i));
      ++reg;
    }
    for (uint32_t v : k_.outputs) {
      line("ldarg x{}, {}", reg, arg++);
      addChunkOffset(reg, v);
      ++reg;
    }
    for (size_t i = 0; i < k_.inputs.size(); ++i) {
      if (k_.inputs[i].kind != Kind::Immediate)
        continue;
      const ElementwiseInput &in = k_.inputs[i];
      line("movi x{}, {:#x}", kScratchScalar,
           in.raw ? uint64_t(in.imm) : immediateBits(types_[i], in.imm));
      line("movi x{}, {}", kDst, broadcastAddress(l_.broadcastOf[i]));
      line("vdup.{} x{}, x{}, rep={}", dtOf(uint32_t(i)), kDst, kScratchScalar,
           bytesOf(p_.tileBytes, uint32_t(i)) / kRepeatBytes);
    }
    if (rows)
      line("barrier all");
    else if (l_.broadcasts)
      line("barrier v");
    // Both buffer sets start free.
    line("setf mte3, mte2, 0");
    line("setf mte3, mte2, 1");
    const uint64_t full = bytes / p_.tileBytes, rest = bytes % p_.tileBytes;
    if (full >= 2) {
      line("movi x{}, {}", kLoop, full / 2);
      label(tag + "_loop");
      tile(0, p_.tileBytes);
      tile(1, p_.tileBytes);
      line("addi x{0}, x{0}, -1", kLoop);
      line("bne x{}, x0, {}_loop", kLoop, tag);
    }
    unsigned set = 0;
    if (full % 2) {
      tile(0, p_.tileBytes);
      set = 1;
    }
    if (rest)
      tile(set, rest);
    line("waitf mte3, mte2, 0");
    line("waitf mte3, mte2, 1");
  }

  /// A row of partial 32-byte blocks, or a bf16 row of an f32 kernel
  /// (`arg`), over the broadcast slot at `base`: the row comes in behind
  /// one period (byte-granular DMA), the scalar unit copies it into the
  /// period (P bytes, whole blocks, the row P / rowBytes times; bf16
  /// widened by a shift), and one vcopy per period block spreads the period
  /// over the tile (8 periods a repeat; tiles hold 8 periods).
  void partialRow(const ElementwiseInput &in, uint64_t base, unsigned arg) {
    const uint64_t rowBytes = in.rowElements * size_, period = rowPeriodBytes(rowBytes);
    const uint64_t blocks = period / 32, gmSize = in.bf16InGm ? 2 : size_;
    const char *ut = size_ == 2 ? "u16" : "u32";
    comment("a row of {} bytes repeated every {} bytes{}", rowBytes, period,
            in.bf16InGm ? ", widened from bf16" : "");
    line("ldarg x{}, {}", kScratchScalar, arg);
    line("movi x{}, {}", kDst, base + period);
    line("dmapad_gm_ub x{}, x{}, lenb={}", kDst, kScratchScalar, in.rowElements * gmSize);
    line("barrier all");
    line("movi x{}, {}", kDst, base);
    for (uint64_t e = 0; e < period / size_; ++e) {
      line("ldu.{} x{}, x{}, {}", in.bf16InGm ? "u16" : ut, kSrc0, kDst,
           period + (e % in.rowElements) * gmSize);
      if (in.bf16InGm)
        line("shli x{0}, x{0}, 16", kSrc0);
      line("stu.{} x{}, x{}, {}", ut, kSrc0, kDst, e * size_);
    }
    // The vector unit reads the period after the scalar stores.
    line("setf s, v, 0");
    line("waitf s, v, 0");
    if (rowBytes % 32 == 0) {
      // A whole-block row (bf16 widened): each 256-byte piece of it copied
      // to every later row of the tile (repeat stride one row).
      const uint64_t rows = p_.tileBytes / rowBytes;
      for (uint64_t at = 0; at < rowBytes; at += kRepeatBytes) {
        const uint64_t lanes = std::min<uint64_t>(64, (rowBytes - at) / 4);
        if (lanes != 64)
          setMask(lanes, kSrc0, kSrc1);
        for (uint64_t r0 = 1; r0 < rows; r0 += t_.vectorMaxRepeat) {
          line("movi x{}, {}", kDst, base + r0 * rowBytes + at);
          line("movi x{}, {}", kSrc0, base + at);
          line("vcopy.u32 x{}, x{}, rep={}, drs={}, srs=0", kDst, kSrc0,
               std::min<uint64_t>(t_.vectorMaxRepeat, rows - r0), rowBytes / 32);
        }
        if (lanes != 64)
          setMask(128, kSrc0, kSrc1);
      }
      return;
    }
    const uint64_t reps = p_.tileBytes / (8 * period);
    for (uint64_t b = 0; b < blocks; ++b) {
      line("movi x{}, {}", kDst, base + b * 32);
      line("vcopy.{} x{}, x{}, rep={}, dbs={}, sbs=0, drs={}, srs=0", ut, kDst, kDst, reps, blocks,
           8 * blocks);
    }
  }

  /// reg += this core's offset into value v's tensor (kTmp: the offset in
  /// the kernel's type).
  void addChunkOffset(unsigned reg, uint32_t v) {
    if (sizeOf(v) == size_) {
      line("add x{0}, x{0}, x{1}", reg, kTmp);
      return;
    }
    line("movi x{}, {}", kSrc1, bytesOf(p_.chunkBytes, v));
    line("mul x{0}, x{0}, x{1}", kSrc1, kCoreIndex);
    line("add x{0}, x{0}, x{1}", reg, kSrc1);
  }

  /// One tile of `bytes` bytes in buffer set `set`.
  /// Copies `bytes` from the address in `src` to the one in `dst` (GM to
  /// UB when `dst` is a UB register): whole blocks by DMA, else
  /// byte-granular so that nothing past the tensor is touched.
  void copy(unsigned dst, unsigned src, uint64_t bytes) {
    const bool toUb = dst == kDst, whole = bytes % 32 == 0;
    if (toUb && whole)
      line("dma_gm_ub x{}, x{}, len={}", dst, src, bytes / 32);
    else if (toUb)
      line("dmapad_gm_ub x{}, x{}, lenb={}", dst, src, bytes);
    else if (whole)
      line("dma_ub_gm x{}, x{}, len={}", dst, src, bytes / 32);
    else
      line("dmapad_ub_gm x{}, x{}, lenb={}", dst, src, bytes);
  }

  void tile(unsigned set, uint64_t bytes) {
    comment("tile of {} bytes, buffer set {}", bytes, set);
    line("waitf mte3, mte2, {}", set);
    unsigned reg = kFirstPointer;
    for (size_t i = 0; i < k_.inputs.size(); ++i) {
      if (k_.inputs[i].kind != Kind::Tensor)
        continue;
      line("movi x{}, {}", kDst, valueAddress(set, uint32_t(i)));
      copy(kDst, reg++, bytesOf(bytes, uint32_t(i)));
    }
    line("setf mte2, v, {}", set);
    line("waitf mte2, v, {}", set);
    // UB buffers the vector unit wrote or read since its last barrier (or
    // setf): V is pipelined, so reading a buffer written there, or writing
    // one read or written there, needs a barrier first.
    std::vector<uint64_t> written, read;
    auto in = [](const std::vector<uint64_t> &set, uint64_t a) {
      return std::find(set.begin(), set.end(), a) != set.end();
    };
    const size_t nin = k_.inputs.size();
    for (size_t i = 0; i < k_.ops.size(); ++i) {
      const ElementwiseOp &op = k_.ops[i];
      const uint32_t result = uint32_t(nin + i);
      const uint64_t dst = valueAddress(set, result), a = valueAddress(set, op.a);
      const uint64_t b = isBinary(op.op) ? valueAddress(set, op.b) : a;
      if (in(written, a) || in(written, b) || in(written, dst) || in(read, dst)) {
        line("barrier v");
        written.clear();
        read.clear();
      }
      read.push_back(a);
      read.push_back(b);
      line("movi x{}, {}", kDst, valueAddress(set, result));
      line("movi x{}, {}", kSrc0, valueAddress(set, op.a));
      const std::string dt = dtOf(result);
      const uint64_t reps = (bytesOf(bytes, result) + kRepeatBytes - 1) / kRepeatBytes;
      if (isBinary(op.op)) {
        line("movi x{}, {}", kSrc1, valueAddress(set, op.b));
        // Bitwise operations name an integer type of the element's width.
        const std::string idt = op.op == VOp::And ? (sizeOf(result) == 2 ? "s16" : "s32") : dt;
        line("v{}.{} x{}, x{}, x{}, rep={}", vopName(op.op), idt, kDst, kSrc0, kSrc1, reps);
      } else if (op.op == VOp::LRelu) {
        line("movi x{}, {:#x}", kTmp, immediateBits(types_[result], op.imm));
        line("vlrelu.{} x{}, x{}, x{}, rep={}", dt, kDst, kSrc0, kTmp, reps);
      } else if (op.op == VOp::Cast) {
        convert(kDst, types_[result], kSrc0, types_[op.a], ceilDiv(bytes / size_, 64), kSrc1, kTmp);
      } else {
        line("v{}.{} x{}, x{}, rep={}", vopName(op.op), dt, kDst, kSrc0, reps);
      }
      written.push_back(dst);
    }
    line("setf v, mte3, {}", set);
    line("waitf v, mte3, {}", set);
    for (uint32_t v : k_.outputs) {
      line("movi x{}, {}", kSrc0, valueAddress(set, v));
      copy(reg++, kSrc0, bytesOf(bytes, v));
    }
    line("setf mte3, mte2, {}", set);
    for (unsigned r = kFirstPointer; r < reg; ++r)
      line("addi x{0}, x{0}, {1}", r, bytesOf(bytes, pointerValues_[r - kFirstPointer]));
  }

  const ElementwiseKernel &k_;
  const Layout &l_;
  const ElementwisePlan &p_;
  std::string dt_;
  unsigned size_;
  std::vector<isa::DType> types_;
  std::vector<uint32_t> pointerValues_;
};

/// Cycles the target needs for `cores` vector cores sharing the work: the
/// slowest of moving the bytes (per-core paths, then the chip's HBM) and
/// computing, plus one tile's latency to fill the pipeline (the launch
/// overhead, the same for every choice, is added by the caller).
double predictCycles(const ElementwiseKernel &k, const target::TargetDesc &t, uint32_t cores,
                     uint64_t chunk, uint64_t tile, unsigned tensorInputs) {
  const double in = double(chunk) * tensorInputs, out = double(chunk) * k.outputs.size();
  const auto &load = *t.path(target::Path::GmToUb);
  const auto &store = *t.path(target::Path::UbToGm);
  double loadCycles = in / load.bytesPerCycle, storeCycles = out / store.bytesPerCycle;
  double hbmCycles = (in + out) * cores / t.hbmBytesPerCycle(); // loads and stores share it
  double reps = std::ceil(double(chunk) / kRepeatBytes);
  double tiles = std::ceil(double(chunk) / double(tile));
  double perOp =
      std::max<double>(t.vectorMinCycles * tiles, reps * kRepeatBytes / t.vectorBytesPerCycle);
  double compute = perOp * double(k.ops.size());
  double fill = load.latencyCycles + store.latencyCycles +
                double(tile) * (tensorInputs / load.bytesPerCycle + 1 / store.bytesPerCycle);
  return std::max({loadCycles, storeCycles, hbmCycles, compute}) + fill;
}

} // namespace

Result<ElementwisePlan> planElementwise(const ElementwiseKernel &k, const target::TargetDesc &t,
                                        uint32_t vectorCores, unsigned rank) {
  auto fail = [&](const std::string &why) {
    return Error(fmt::format("elementwise kernel '{}': {}", k.name, why));
  };
  if (k.type != isa::DType::F32 && k.type != isa::DType::F16)
    return fail(fmt::format("element type {} has no vector arithmetic here (f32 and f16 do)",
                            isa::dtypeName(k.type)));
  if (k.elements == 0)
    return fail("no elements");
  if (k.outputs.empty())
    return fail("no outputs");
  const size_t nvals = k.inputs.size() + k.ops.size();
  for (size_t i = 0; i < k.ops.size(); ++i) {
    const ElementwiseOp &op = k.ops[i];
    if (op.a >= k.inputs.size() + i || (isBinary(op.op) && op.b >= k.inputs.size() + i))
      return fail(fmt::format("operation {} reads a value not yet defined", i));
  }
  for (uint32_t v : k.outputs)
    if (v >= nvals)
      return fail(fmt::format("output value {} does not exist", v));
  unsigned tensorInputs = 0;
  const unsigned esize = isa::dtypeBits(k.type) / 8;
  // Value types: f16 and f32, an operation's operands of one type; bf16
  // only moves and converts (the vector unit has no bf16 arithmetic).
  const std::vector<isa::DType> types = elementwiseValueTypes(k);
  unsigned minSize = esize, maxSize = esize;
  for (size_t v = 0; v < types.size(); ++v) {
    if (types[v] != isa::DType::F32 && types[v] != isa::DType::F16 &&
        types[v] != isa::DType::BF16 && !isMovedInteger(types[v]))
      return fail(fmt::format("value {} of type {} (f32 and f16 are computed, bf16, u8, s8 and "
                              "s32 converted)",
                              v, isa::dtypeName(types[v])));
    minSize = std::min(minSize, isa::dtypeBits(types[v]) / 8);
    maxSize = std::max(maxSize, isa::dtypeBits(types[v]) / 8);
  }
  for (size_t i = 0; i < k.ops.size(); ++i) {
    const ElementwiseOp &op = k.ops[i];
    const uint32_t result = uint32_t(k.inputs.size() + i);
    if (op.op != VOp::Cast && types[result] == isa::DType::BF16)
      return fail(fmt::format("operation {} computes in bf16 (only casts take bf16)", i));
    if (op.op != VOp::Cast && (isMovedInteger(types[op.a]) || isMovedInteger(types[result])))
      return fail(fmt::format("operation {} computes in {} (integers only convert)", i,
                              isa::dtypeName(types[op.a])));
    if (op.op == VOp::Cast && types[op.a] != isa::DType::F32 && op.to != isa::DType::F32)
      return fail(fmt::format("operation {} casts {} to {} (casts go to or from f32)", i,
                              isa::dtypeName(types[op.a]), isa::dtypeName(op.to)));
  }
  for (size_t i = 0; i < k.inputs.size(); ++i)
    if (k.inputs[i].kind == Kind::Immediate &&
        (types[i] == isa::DType::BF16 || isMovedInteger(types[i])))
      return fail(
          fmt::format("input {}: a {} constant (fold it into f32)", i, isa::dtypeName(types[i])));
  for (size_t i = 0; i < k.inputs.size(); ++i)
    if (k.inputs[i].bf16InGm &&
        (k.type != isa::DType::F32 || k.inputs[i].type ||
         (k.inputs[i].kind != Kind::Row && k.inputs[i].kind != Kind::Scalar)))
      return fail(fmt::format("input {}: bf16 in GM is for scalars and rows of f32 kernels", i));
  for (size_t i = 0; i < k.inputs.size(); ++i)
    if (k.inputs[i].kind != Kind::Tensor && k.inputs[i].kind != Kind::Immediate &&
        types[i] != k.type)
      return fail(fmt::format("broadcast input {} of type {} in a {} kernel", i,
                              isa::dtypeName(types[i]), isa::dtypeName(k.type)));
  for (size_t i = 0; i < k.ops.size(); ++i) {
    const ElementwiseOp &op = k.ops[i];
    if (isBinary(op.op) && types[op.a] != types[op.b])
      return fail(fmt::format("operation {} mixes {} and {}", i, isa::dtypeName(types[op.a]),
                              isa::dtypeName(types[op.b])));
    if (op.op == VOp::Cast && types[op.a] == op.to)
      return fail(fmt::format("operation {} casts {} to itself", i, isa::dtypeName(op.to)));
  }
  // Tiles and per-core ranges start on whole repeats, on the alignment at
  // which DMA runs at full rate (in every value's type), and on rows of
  // the Row inputs.
  uint64_t unit = std::max<uint64_t>(kRepeatBytes, t.dmaFullRateAlignBytes) * esize / minSize;
  for (const ElementwiseInput &in : k.inputs) {
    tensorInputs += in.kind == Kind::Tensor;
    if (in.kind != Kind::Row)
      continue;
    const uint64_t rowBytes = in.rowElements * esize;
    if (!in.rowElements || k.elements % in.rowElements)
      return fail(fmt::format("a row of {} elements does not divide the {} elements",
                              in.rowElements, k.elements));
    // A row of partial blocks repeats with a period of whole blocks, which
    // one vcopy per period block spreads (8 periods a repeat, a repeat
    // stride of at most 255 blocks).
    const uint64_t period = rowPeriodBytes(rowBytes);
    if (in.bf16InGm && rowBytes % 32 == 0 && rowBytes / 32 > 255)
      return fail(fmt::format("a bf16 row of {} elements ({} f32 bytes; at most 255 blocks are "
                              "spread)",
                              in.rowElements, rowBytes));
    if (rowBytes % 32 && period / 32 > kMaxPeriodBlocks)
      return fail(fmt::format("a row of {} elements ({} bytes) repeats every {} bytes (at most "
                              "{} blocks are spread)",
                              in.rowElements, rowBytes, period, kMaxPeriodBlocks));
    // (A bf16 row is staged behind the first row: tiles of two rows.)
    unit = std::lcm(unit, rowBytes % 32 ? 8 * period : in.bf16InGm ? 2 * rowBytes : rowBytes);
  }
  if (tensorInputs + k.outputs.size() > kMaxPointers)
    return fail(fmt::format("{} tensors; a kernel takes at most {}",
                            tensorInputs + k.outputs.size(), unsigned(kMaxPointers)));
  if (!t.hasPath(target::Path::GmToUb) || !t.hasPath(target::Path::UbToGm))
    return fail(t.name + " has no GM<->UB path");
  if (t.eventIds < 2)
    return fail(t.name + " has fewer than 2 event ids (two buffer sets need 2)");

  Layout layout = layoutValues(k);
  ElementwisePlan p;
  p.slots = layout.slots;
  p.broadcastSlots = layout.broadcasts;
  const VectorCores vc(t);
  const uint32_t available = vc.available;
  const uint64_t ub = t.buffer(target::MemSpace::UB).sizeBytes;
  // A slot holds a tile of the widest type.
  const uint64_t maxTile = std::min<uint64_t>(
      ub / (2 * p.slots + p.broadcastSlots) * esize / maxSize / unit * unit,
      uint64_t(t.vectorMaxRepeat) * kRepeatBytes * esize / maxSize / unit * unit);
  if (maxTile == 0)
    return fail(fmt::format("{} values live at once do not fit the {} B unified buffer twice",
                            2 * p.slots + p.broadcastSlots, ub));
  const unsigned size = isa::dtypeBits(k.type) / 8;
  const uint64_t total = k.elements * size;

  // The cost model picks the number of vector cores: more cores share the
  // bandwidth and the work, each pays the pipeline's fill.
  double best = std::numeric_limits<double>::infinity();
  PlanChoice<ElementwisePlan> choice;
  int preferred = -1;
  for (uint32_t cores = 1; cores <= available; ++cores) {
    uint64_t chunk = (total + cores - 1) / cores;
    chunk = (chunk + unit - 1) / unit * unit;
    uint32_t used = uint32_t((total + chunk - 1) / chunk);
    if (used != cores || (vectorCores && cores != vectorCores))
      continue; // the same split as a smaller count, or not the one asked for
    uint64_t tile = std::min(maxTile, chunk);
    double cycles = predictCycles(k, t, cores, chunk, tile, tensorInputs);
    best = std::min(best, cycles);
    // Near-ties go to more cores: more transfers in flight hide latency
    // the model leaves out.
    if (cycles <= best * 1.01)
      preferred = int(choice.size());
    p.vectorCores = cores;
    p.chunkBytes = chunk;
    p.tileBytes = tile;
    p.slotBytes = tile * maxSize / esize;
    choice.offer(cycles, p);
  }
  if (choice.empty())
    return fail(fmt::format("cannot split {} bytes over {} vector cores", total, vectorCores));
  std::optional<ElementwisePlan> picked = choice.pick(rank, best, preferred);
  if (!picked)
    return noCandidate("elementwise", k.name, rank, choice.size());
  p = *picked;
  p.predictedCycles = best + launchCycles(t);
  p.blockDim = vc.blockDim(p.vectorCores);
  return p;
}

Result<GeneratedKernel> generateElementwise(const ElementwiseKernel &k, const target::TargetDesc &t,
                                            uint32_t vectorCores, unsigned rank) {
  Result<ElementwisePlan> plan = planElementwise(k, t, vectorCores, rank);
  if (!plan)
    return plan.error();
  GeneratedKernel g;
  g.plan = *plan;
  const Layout layout = layoutValues(k);
  // Values share a set's slots by lifetime: value v is written at step
  // def(v) (inputs 0, op i at i + 1) and last read at lastUse(v) + 1.
  const size_t nin = k.inputs.size();
  for (size_t v = 0; v < layout.slotOf.size(); ++v) {
    const uint64_t from = v < nin ? 0 : v - nin + 1, to = uint64_t(layout.lastUse[v]) + 1;
    if (layout.broadcastOf[v] >= 0)
      g.buffers.push_back(
          {fmt::format("broadcast value {}", v), target::MemSpace::UB,
           (2 * uint64_t(plan->slots) + uint64_t(layout.broadcastOf[v])) * plan->slotBytes,
           plan->slotBytes});
    for (unsigned set = 0; set < 2 && layout.slotOf[v] >= 0; ++set)
      g.buffers.push_back(
          {fmt::format("set {} value {}", set, v), target::MemSpace::UB,
           (set * uint64_t(plan->slots) + uint64_t(layout.slotOf[v])) * plan->slotBytes,
           plan->slotBytes, from, to});
  }
  if (std::optional<Error> e = verifyBuffers("elementwise", k.name, g.buffers, t))
    return *e;
  const std::vector<isa::DType> types = elementwiseValueTypes(k);
  for (size_t i = 0; i < k.inputs.size(); ++i) {
    const ElementwiseInput &in = k.inputs[i];
    const uint64_t size = in.bf16InGm ? 2 : isa::dtypeBits(types[i]) / 8;
    if (in.kind != Kind::Immediate)
      g.argBytes.push_back(in.kind == Kind::Tensor ? k.elements * size
                           : in.kind == Kind::Row  ? in.rowElements * size
                                                   : size);
  }
  for (uint32_t v : k.outputs)
    g.argBytes.push_back(k.elements * (isa::dtypeBits(types[v]) / 8));
  g.assembly = Emitter(k, t, layout, g.plan).run();
  Result<isa::Program> program = assembleKernel("elementwise", k.name, g.assembly);
  if (!program)
    return program.error();
  g.program = std::move(*program);
  return g;
}

std::vector<std::vector<uint8_t>> evaluateElementwise(const ElementwiseKernel &k,
                                                      const std::vector<std::vector<uint8_t>> &in) {
  const std::vector<isa::DType> types = elementwiseValueTypes(k);
  bool half = false, brain = false; // the type of the value at hand: f16, bf16
  isa::DType type = isa::DType::F32;
  unsigned size = 4;
  auto setType = [&](uint32_t v) {
    type = types[v];
    half = type == isa::DType::F16;
    brain = type == isa::DType::BF16;
    size = isa::dtypeBits(type) / 8;
  };
  auto load = [&](const uint8_t *p) -> float {
    switch (type) {
    case isa::DType::U8:
      return float(p[0]);
    case isa::DType::S8:
      return float(int8_t(p[0]));
    case isa::DType::S32: {
      int32_t i;
      std::memcpy(&i, p, 4);
      return float(i);
    }
    default:
      break;
    }
    if (half || brain) {
      uint16_t h;
      std::memcpy(&h, p, 2);
      return half ? num::f16ToF32(h) : num::bf16ToF32(h);
    }
    float f;
    std::memcpy(&f, p, 4);
    return f;
  };
  // An integer type's value of x: rounded half to even, saturated (NaN: 0).
  auto saturate = [&](float x) -> float {
    const double lo = type == isa::DType::U8   ? 0
                      : type == isa::DType::S8 ? -128
                                               : double(std::numeric_limits<int32_t>::min());
    const double hi = type == isa::DType::U8   ? 255
                      : type == isa::DType::S8 ? 127
                                               : double(std::numeric_limits<int32_t>::max());
    return std::isnan(x) ? 0.0f : float(std::clamp(std::nearbyint(double(x)), lo, hi));
  };
  // Rounds to the element type: f16 results of f32 arithmetic round f32 ->
  // f16 (as the vector unit does); transcendentals round from f64 once.
  auto fromFloat = [&](float v) -> float {
    return half && !std::isnan(v) ? num::f16ToF32(num::f32ToF16(v)) : v;
  };
  auto fromDouble = [&](double v) -> float {
    return half ? float(num::decode(num::kF16, num::encode(num::kF16, v))) : float(v);
  };

  const size_t nin = k.inputs.size();
  std::vector<std::vector<uint8_t>> outs;
  for (uint32_t v : k.outputs)
    outs.emplace_back(k.elements * (isa::dtypeBits(types[v]) / 8));
  std::vector<float> vals(nin + k.ops.size());
  for (uint64_t e = 0; e < k.elements; ++e) {
    size_t arg = 0;
    for (size_t i = 0; i < nin; ++i) {
      const ElementwiseInput &input = k.inputs[i];
      setType(uint32_t(i));
      if (input.kind == Kind::Immediate && input.raw) {
        uint32_t bits = uint32_t(uint64_t(input.imm));
        vals[i] = half ? num::f16ToF32(uint16_t(bits)) : num::bitsFloat(bits);
      } else if (input.kind == Kind::Immediate)
        vals[i] = fromDouble(input.imm);
      else if (input.bf16InGm) { // exact: bf16 values are f32 values
        uint16_t h;
        const uint64_t at = input.kind == Kind::Row ? e % input.rowElements : 0;
        std::memcpy(&h, in[arg++].data() + at * 2, 2);
        vals[i] = num::bf16ToF32(h);
      } else if (input.kind == Kind::Scalar)
        vals[i] = load(in[arg++].data());
      else if (input.kind == Kind::Row)
        vals[i] = load(in[arg++].data() + (e % input.rowElements) * size);
      else
        vals[i] = load(in[arg++].data() + e * size);
    }
    for (size_t i = 0; i < k.ops.size(); ++i) {
      const ElementwiseOp &op = k.ops[i];
      setType(uint32_t(nin + i));
      float x = vals[op.a], y = isBinary(op.op) ? vals[op.b] : 0, r = 0;
      bool nan = std::isnan(x) || std::isnan(y);
      switch (op.op) {
      case VOp::Add:
        r = fromFloat(x + y);
        break;
      case VOp::Sub:
        r = fromFloat(x - y);
        break;
      case VOp::Mul:
        r = fromFloat(x * y);
        break;
      case VOp::Div:
        r = fromFloat(x / y);
        break;
      case VOp::Max:
        r = nan ? NAN : fromFloat(x > y ? x : y);
        break;
      case VOp::Min:
        r = nan ? NAN : fromFloat(x < y ? x : y);
        break;
      case VOp::LRelu:
        r = fromFloat((std::isnan(x) || x >= 0) ? x : x * fromDouble(op.imm));
        break;
      case VOp::And:
        r = half ? num::f16ToF32(uint16_t(num::f32ToF16(x) & num::f32ToF16(y)))
                 : num::bitsFloat(num::floatBits(x) & num::floatBits(y));
        break;
      case VOp::Relu:
        r = fromDouble(x > 0 || std::isnan(x) ? double(x) : 0.0);
        break;
      case VOp::Exp:
        r = fromDouble(std::exp(double(x)));
        break;
      case VOp::Log:
        r = fromDouble(std::log(double(x)));
        break;
      case VOp::Sqrt:
        r = fromDouble(std::sqrt(double(x)));
        break;
      case VOp::Rsqrt:
        r = fromDouble(1 / std::sqrt(double(x)));
        break;
      case VOp::Rec:
        r = fromDouble(1 / double(x));
        break;
      case VOp::Abs:
        r = fromDouble(std::fabs(double(x)));
        break;
      case VOp::Neg:
        r = fromDouble(-double(x));
        break;
      case VOp::Tanh:
        r = fromDouble(std::tanh(double(x)));
        break;
      case VOp::Sigmoid:
        r = fromDouble(1 / (1 + std::exp(-double(x))));
        break;
      case VOp::Cast: // to f16 or bf16: rounded once (NaN stays NaN); to f32: exact
        r = isMovedInteger(type) ? saturate(x)
            : half               ? num::f16ToF32(num::f32ToF16(x))
            : brain              ? num::bf16ToF32(num::f32ToBf16(x))
                                 : x;
        break;
      }
      vals[nin + i] = r;
    }
    for (size_t j = 0; j < k.outputs.size(); ++j) {
      setType(k.outputs[j]);
      float v = vals[k.outputs[j]];
      uint8_t *p = outs[j].data() + e * size;
      if (isMovedInteger(type)) {
        // An integer value in the type's range (an s32 bound is not a
        // float: clamp in double before converting).
        const int32_t i = int32_t(std::clamp(double(v), double(std::numeric_limits<int32_t>::min()),
                                             double(std::numeric_limits<int32_t>::max())));
        std::memcpy(p, &i, size); // little-endian low bytes
      } else if (half || brain) {
        uint16_t h = half ? num::f32ToF16(v) : num::f32ToBf16(v);
        std::memcpy(p, &h, 2);
      } else {
        std::memcpy(p, &v, 4);
      }
    }
  }
  return outs;
}

} // namespace pagoda::codegen
