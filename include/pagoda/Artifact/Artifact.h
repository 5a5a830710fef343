//===- Artifact.h - A compiled model, as the runtime loads it ---*- C++ -*-===//
//
// The one meeting point of the compiler and the runtime besides the ISA: a
// compiled model holds its target description, its kernels (one program per
// core kind), its constants, the host plan that runs them, its input and
// output signature and debug info back to source nodes.
// docs/artifact-format.md defines the file layout; write() is deterministic
// and read() validates every offset, size, count and enum before use.
//
// Links neither MLIR nor LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_ARTIFACT_ARTIFACT_H
#define PAGODA_ARTIFACT_ARTIFACT_H

#include "pagoda/ISA/Program.h"
#include "pagoda/Support/Result.h"
#include "pagoda/Target/TargetDesc.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pagoda::artifact {

/// Element types of model tensors (wider than the NPU's: models carry
/// int64 shapes, booleans and doubles that run on the host).
enum class ElemType : uint8_t { F32, F16, BF16, F64, S8, U8, S16, U16, S32, U32, S64, U64, Bool };
inline constexpr unsigned kNumElemTypes = 13;
const char *elemTypeName(ElemType t);
std::optional<ElemType> parseElemType(std::string_view name);
unsigned elemTypeBytes(ElemType t);

struct TensorDesc {
  std::string name;
  ElemType type = ElemType::F32;
  std::vector<int64_t> shape;
  uint64_t numElements() const;
  uint64_t byteSize() const { return numElements() * elemTypeBytes(type); }
  bool operator==(const TensorDesc &o) const {
    return name == o.name && type == o.type && shape == o.shape;
  }
};

/// A place in device memory the plan refers to; resolved to a GM address
/// when the model runs.
struct Ref {
  enum class Kind : uint8_t {
    Input,    ///< model input `index` (+ offset)
    Output,   ///< model output `index`
    Constant, ///< the constants blob (offset)
    Arena,    ///< the activation arena the runtime allocates (offset)
    Scalar,   ///< not memory: the 64-bit value `offset` itself (kernel arguments)
  };
  Kind kind = Kind::Scalar;
  uint32_t index = 0;
  uint64_t offset = 0;
  bool operator==(const Ref &o) const {
    return kind == o.kind && index == o.index && offset == o.offset;
  }
};

/// A kernel: its programs and, per program, the source locations of
/// instruction ranges.
struct Kernel {
  std::string name;
  std::vector<isa::Program> programs;
  /// Source nodes (e.g. ONNX node names) the kernel implements.
  std::vector<std::string> sourceNodes;
  struct Range {
    uint8_t program; ///< index into programs
    uint32_t begin;  ///< first instruction
    uint32_t end;    ///< one past the last
    std::string location;
    bool operator==(const Range &o) const {
      return program == o.program && begin == o.begin && end == o.end && location == o.location;
    }
  };
  std::vector<Range> debugRanges;
  bool operator==(const Kernel &o) const {
    return name == o.name && programs == o.programs && sourceNodes == o.sourceNodes &&
           debugRanges == o.debugRanges;
  }
};

/// Attribute values of host kernels.
struct Attribute {
  enum class Kind : uint8_t { Int, Float, Ints, Floats, String };
  Kind kind = Kind::Int;
  int64_t i = 0;
  double f = 0;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::string s;
  bool operator==(const Attribute &o) const {
    return kind == o.kind && i == o.i && f == o.f && ints == o.ints && floats == o.floats &&
           s == o.s;
  }
};

/// One step of the host plan.
struct Step {
  enum class Kind : uint8_t {
    Launch,   ///< run kernels[kernel] on blockDim AI cores with args
    Copy,     ///< device-to-device copy of bytes from src to dst
    HostCall, ///< run host kernel `op` on tensors (device memory read/written by the host)
    If,       ///< run body[0] if the s64 at cond is non-zero, else body[1]
    Loop,     ///< run body[0] `trip` times (trip: the s64 at cond, capped by maxTrip)
    Record,   ///< record event `event` on stream `stream`
    Wait,     ///< stream `stream` waits for event `event`
  };
  Kind kind = Kind::Launch;
  uint32_t stream = 0;
  // Launch
  uint32_t kernel = 0;
  uint32_t blockDim = 1;
  std::vector<Ref> args;
  // Copy
  Ref dst, src;
  uint64_t bytes = 0;
  // HostCall
  std::string op;
  std::vector<Ref> inputs, outputs;
  std::vector<TensorDesc> inputTypes, outputTypes;
  std::map<std::string, Attribute> attributes;
  // If / Loop
  Ref cond;
  uint64_t maxTrip = 0;
  std::vector<std::vector<Step>> body;
  // Record / Wait
  uint32_t event = 0;
  /// Source node for errors and profiles.
  std::string location;

  bool operator==(const Step &o) const;
};

/// A compiled model.
struct Artifact {
  target::TargetDesc target;
  std::vector<Kernel> kernels;
  std::vector<uint8_t> constants;
  uint64_t arenaBytes = 0;
  uint32_t streams = 1;
  uint32_t events = 0;
  std::vector<TensorDesc> inputs, outputs;
  std::vector<Step> plan;
  /// Free-form provenance (compiler version, source file), kept verbatim.
  std::map<std::string, std::string> metadata;

  bool operator==(const Artifact &o) const;
};

/// Structural checks a writer and a reader both apply: every kernel, input,
/// output, stream and event index in range, every Ref inside its region,
/// nesting within limits. Returns one message per problem.
std::vector<std::string> verify(const Artifact &artifact);

/// Serializes (deterministic: equal artifacts give equal bytes).
Result<std::vector<uint8_t>> write(const Artifact &artifact);

/// Where the constants section lies in a file's bytes.
struct ConstantsView {
  const uint8_t *data = nullptr;
  uint64_t size = 0;
};

/// Parses and validates; `source` names the file in errors. With
/// `constantsInPlace`, the constants are validated but not copied:
/// `Artifact::constants` stays empty and the view points into `data` (for a
/// loader that uploads them from there: no copy of a large model's weights).
Result<Artifact> read(const uint8_t *data, size_t size, std::string_view source,
                      ConstantsView *constantsInPlace = nullptr);

/// A human-readable listing: target, signature, plan, and every kernel's
/// programs disassembled with their source locations (`pagoda objdump`).
std::string describe(const Artifact &artifact, bool withEncoding = true);

/// Whether `data` starts like an artifact (for tools that take several kinds
/// of file).
bool looksLikeArtifact(const uint8_t *data, size_t size);

} // namespace pagoda::artifact

#endif // PAGODA_ARTIFACT_ARTIFACT_H
