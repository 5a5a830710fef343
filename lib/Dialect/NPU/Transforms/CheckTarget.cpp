//===- CheckTarget.cpp - Check npu ops against a target description -------===//

#include "pagoda/Dialect/NPU/IR/NPUOps.h"
#include "pagoda/Dialect/NPU/Transforms/Passes.h"
#include "pagoda/Target/TargetJSON.h"

#include "llvm/ADT/TypeSwitch.h"

namespace pagoda::npu {
#define GEN_PASS_DEF_NPUCHECKTARGET
#include "pagoda/Dialect/NPU/Transforms/Passes.h.inc"
} // namespace pagoda::npu

using namespace mlir;
using namespace pagoda;
using namespace pagoda::npu;

namespace {

class CheckTargetPass : public npu::impl::NPUCheckTargetBase<CheckTargetPass> {
public:
  using NPUCheckTargetBase::NPUCheckTargetBase;

  void runOnOperation() override {
    Result<target::TargetDesc> loaded = target::resolveTarget(targetName);
    if (!loaded) {
      getOperation()->emitError() << "pagoda-npu-check-target: " << loaded.error().str();
      return signalPassFailure();
    }
    desc_ = &*loaded;
    bool ok = true;
    getOperation()->walk([&](Operation *op) {
      LogicalResult result =
          TypeSwitch<Operation *, LogicalResult>(op)
              .Case<AllocOp>([&](auto a) { return check(a); })
              .Case<CopyOp>([&](auto c) { return check(c); })
              .Case<MmadOp>([&](auto m) { return check(m); })
              .Case<SetFlagOp, WaitFlagOp>([&](auto f) { return checkEvent(f, f.getEvent()); })
              .Default([](Operation *) { return success(); });
      ok &= succeeded(result);
    });
    desc_ = nullptr;
    if (!ok)
      signalPassFailure();
  }

private:
  const target::TargetDesc *desc_ = nullptr;

  InFlightDiagnostic error(Operation *op) {
    return op->emitOpError() << "on target '" << desc_->name << "': ";
  }

  LogicalResult check(AllocOp op) {
    MemorySpace space = *getMemorySpace(op.getBuffer().getType());
    const target::BufferSpec &buf = desc_->buffer(toTarget(space));
    uint64_t size = op.getSizeInBytes();
    if (size > buf.sizeBytes)
      return error(op) << size << " bytes exceed " << stringifyMemorySpace(space) << " ("
                       << buf.sizeBytes << " bytes)";
    if (std::optional<int64_t> offset = op.getOffset()) {
      uint64_t off = uint64_t(*offset);
      if (off % buf.alignBytes != 0)
        return error(op) << "offset " << off << " is not a multiple of the "
                         << stringifyMemorySpace(space) << " alignment (" << buf.alignBytes
                         << " bytes)";
      if (off + size > buf.sizeBytes)
        return error(op) << "bytes [" << off << ", " << off + size << ") overflow "
                         << stringifyMemorySpace(space) << " (" << buf.sizeBytes << " bytes)";
    }
    return success();
  }

  LogicalResult check(CopyOp op) {
    auto src = *getMemorySpace(cast<MemRefType>(op.getSource().getType()));
    auto dst = *getMemorySpace(cast<MemRefType>(op.getTarget().getType()));
    target::Path path = *target::findPath(toTarget(src), toTarget(dst));
    if (!desc_->hasPath(path))
      return error(op) << "the chip has no " << target::pathInfo(path).name << " path";
    return success();
  }

  LogicalResult check(MmadOp op) {
    auto a = cast<MemRefType>(op.getA().getType());
    auto b = cast<MemRefType>(op.getB().getType());
    target::CubeType type = *getCubeType(a.getElementType());
    const std::optional<target::CubeShape> &shape = desc_->cube(type);
    if (!shape)
      return error(op) << "the cube has no " << target::cubeTypeName(type) << " mode";
    int64_t m = a.getDimSize(0), k = a.getDimSize(1), n = b.getDimSize(1);
    if (m % shape->m || k % shape->k || n % shape->n)
      return error(op) << "M x K x N = " << m << "x" << k << "x" << n
                       << " is not a whole number of " << shape->m << "x" << shape->k << "x"
                       << shape->n << " " << target::cubeTypeName(type) << " fractals";
    return success();
  }

  LogicalResult checkEvent(Operation *op, uint32_t event) {
    if (event >= desc_->eventIds)
      return error(op) << "event id " << event << " is out of range (the chip has "
                       << desc_->eventIds << " per pipe pair)";
    return success();
  }
};

} // namespace
