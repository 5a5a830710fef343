//===- NPUOps.cpp - Verifiers of the npu dialect --------------------------===//

#include "pagoda/Dialect/NPU/IR/NPUOps.h"

using namespace mlir;

namespace pagoda::npu {

// The dialect enums mirror the target library's, value for value.
static_assert(static_cast<unsigned>(MemorySpace::FB) ==
                  static_cast<unsigned>(target::MemSpace::FB) &&
              static_cast<unsigned>(MemorySpace::UB) ==
                  static_cast<unsigned>(target::MemSpace::UB) &&
              target::kNumMemSpaces == 8);
static_assert(static_cast<unsigned>(Pipe::FIX) == static_cast<unsigned>(target::Pipe::FIX) &&
              static_cast<unsigned>(Pipe::MTE3) == static_cast<unsigned>(target::Pipe::MTE3) &&
              target::kNumPipes == 7);

target::MemSpace toTarget(MemorySpace space) {
  return static_cast<target::MemSpace>(static_cast<unsigned>(space));
}
target::Pipe toTarget(Pipe pipe) { return static_cast<target::Pipe>(static_cast<unsigned>(pipe)); }
Pipe fromTarget(target::Pipe pipe) { return static_cast<Pipe>(static_cast<unsigned>(pipe)); }

std::optional<target::CubeType> getCubeType(Type t) {
  if (t.isF16())
    return target::CubeType::F16;
  if (t.isBF16())
    return target::CubeType::BF16;
  if (t.isF32())
    return target::CubeType::F32;
  if (t.isSignlessInteger(8))
    return target::CubeType::S8;
  if (isa<Float8E4M3FNType>(t))
    return target::CubeType::F8E4M3;
  if (isa<Float8E5M2Type>(t))
    return target::CubeType::F8E5M2;
  if (isa<Float4E2M1FNType>(t))
    return target::CubeType::F4;
  return std::nullopt;
}

/// Emits an error unless `value` is a memref in an npu space; returns it.
static FailureOr<MemorySpace> requireSpace(Operation *op, StringRef what, Value value) {
  auto type = cast<MemRefType>(value.getType());
  if (std::optional<MemorySpace> space = getMemorySpace(type))
    return *space;
  return op->emitOpError() << what << " must be a memref in an #npu.space, got " << type;
}

//===----------------------------------------------------------------------===//
// AllocOp
//===----------------------------------------------------------------------===//

LogicalResult AllocOp::verify() {
  MemRefType type = getBuffer().getType();
  FailureOr<MemorySpace> space = requireSpace(*this, "result", getBuffer());
  if (failed(space))
    return failure();
  if (*space == MemorySpace::GM)
    return emitOpError("allocates on-chip buffers only; global memory is planned "
                       "by the host (got #npu.space<gm>)");
  if (!type.hasStaticShape())
    return emitOpError() << "requires a static shape, got " << type;
  if (!type.getLayout().isIdentity())
    return emitOpError() << "requires the identity layout, got " << type;
  if (!type.getElementType().isIntOrFloat())
    return emitOpError() << "requires an integer or float element type, got "
                         << type.getElementType();
  if (std::optional<int64_t> offset = getOffset(); offset && *offset < 0)
    return emitOpError() << "offset must be >= 0, got " << *offset;
  return success();
}

uint64_t AllocOp::getSizeInBytes() {
  MemRefType type = getBuffer().getType();
  uint64_t bits = uint64_t(type.getNumElements()) * type.getElementTypeBitWidth();
  return (bits + 7) / 8;
}

//===----------------------------------------------------------------------===//
// CopyOp
//===----------------------------------------------------------------------===//

/// FixPipe may narrow L0C accumulators on the way out.
static bool isFixPipeCast(Type from, Type to) {
  if (from.isF32())
    return to.isF16() || to.isBF16();
  if (from.isSignlessInteger(32))
    return to.isSignlessInteger(8) || to.isF16();
  return false;
}

LogicalResult CopyOp::verify() {
  FailureOr<MemorySpace> src = requireSpace(*this, "source", getSource());
  FailureOr<MemorySpace> dst = requireSpace(*this, "target", getTarget());
  if (failed(src) || failed(dst))
    return failure();
  if (!target::findPath(toTarget(*src), toTarget(*dst)))
    return emitOpError() << "no data path from " << stringifyMemorySpace(*src) << " to "
                         << stringifyMemorySpace(*dst);
  auto srcType = cast<MemRefType>(getSource().getType());
  auto dstType = cast<MemRefType>(getTarget().getType());
  if (srcType.getShape() != dstType.getShape())
    return emitOpError() << "source and target shapes differ: " << srcType << " vs " << dstType;
  Type from = srcType.getElementType(), to = dstType.getElementType();
  if (from != to && !(*src == MemorySpace::L0C && isFixPipeCast(from, to)))
    return emitOpError() << "cannot convert " << from << " to " << to << " on the path "
                         << stringifyMemorySpace(*src) << " -> " << stringifyMemorySpace(*dst)
                         << " (only FixPipe, out of l0c, narrows f32 and i32)";
  return success();
}

Pipe CopyOp::getPipe() {
  auto src = *getMemorySpace(cast<MemRefType>(getSource().getType()));
  auto dst = *getMemorySpace(cast<MemRefType>(getTarget().getType()));
  return fromTarget(target::pathInfo(*target::findPath(toTarget(src), toTarget(dst))).pipe);
}

//===----------------------------------------------------------------------===//
// MmadOp
//===----------------------------------------------------------------------===//

LogicalResult MmadOp::verify() {
  struct Operand {
    const char *name;
    Value value;
    MemorySpace space;
  };
  Operand operands[] = {{"a", getA(), MemorySpace::L0A},
                        {"b", getB(), MemorySpace::L0B},
                        {"c", getC(), MemorySpace::L0C}};
  for (const Operand &o : operands) {
    FailureOr<MemorySpace> space = requireSpace(*this, o.name, o.value);
    if (failed(space))
      return failure();
    if (*space != o.space)
      return emitOpError() << "operand '" << o.name << "' must be in "
                           << stringifyMemorySpace(o.space) << ", got "
                           << stringifyMemorySpace(*space);
    if (cast<MemRefType>(o.value.getType()).getRank() != 2)
      return emitOpError() << "operand '" << o.name << "' must be a 2-D matrix";
  }
  auto a = cast<MemRefType>(getA().getType());
  auto b = cast<MemRefType>(getB().getType());
  auto c = cast<MemRefType>(getC().getType());
  int64_t m = a.getDimSize(0), k = a.getDimSize(1), n = b.getDimSize(1);
  if (b.getDimSize(0) != k)
    return emitOpError() << "a is " << m << "x" << k << " but b has " << b.getDimSize(0) << " rows";
  if (c.getDimSize(0) != m || c.getDimSize(1) != n)
    return emitOpError() << "c must be " << m << "x" << n << ", got " << c.getDimSize(0) << "x"
                         << c.getDimSize(1);

  Type ta = a.getElementType(), tb = b.getElementType(), tc = c.getElementType();
  std::optional<target::CubeType> cube = getCubeType(ta);
  Type acc = ta.isSignlessInteger(8) ? Type(IntegerType::get(getContext(), 32))
                                     : Type(Float32Type::get(getContext()));
  if (!cube || ta != tb || tc != acc)
    return emitOpError() << "unsupported element types (" << ta << ", " << tb << ", " << tc
                         << "); the cube computes (f16|bf16|f32|f8E4M3FN|f8E5M2|f4E2M1FN "
                            "x same -> f32) or (i8 x i8 -> i32)";
  return success();
}

//===----------------------------------------------------------------------===//
// Flags
//===----------------------------------------------------------------------===//

template <typename FlagOp> static LogicalResult verifyFlag(FlagOp op) {
  if (op.getSrc() == op.getDst())
    return op.emitOpError() << "orders pipe " << stringifyPipe(op.getSrc())
                            << " with itself; a pipe runs in order, use "
                               "npu.pipe_barrier to fence it";
  return success();
}

LogicalResult SetFlagOp::verify() { return verifyFlag(*this); }
LogicalResult WaitFlagOp::verify() { return verifyFlag(*this); }

} // namespace pagoda::npu

#define GET_OP_CLASSES
#include "pagoda/Dialect/NPU/IR/NPUOps.cpp.inc"
