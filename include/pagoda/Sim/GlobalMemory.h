//===- GlobalMemory.h - The modeled HBM of one device -----------*- C++ -*-===//
//
// Device global memory (GM): a 64-bit address space of the target's HBM
// capacity, holding allocations. Host memory backs only what is allocated,
// and pages the program never touches are never committed (calloc), so a
// 128 GiB device works on a 24 GiB host for models that fit in host memory.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_SIM_GLOBALMEMORY_H
#define PAGODA_SIM_GLOBALMEMORY_H

#include "pagoda/Support/Result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace pagoda::sim {

class GlobalMemory {
public:
  /// Device addresses start here, so that small integers (a forgotten
  /// argument, a null pointer) never hit an allocation.
  static constexpr uint64_t kBase = uint64_t(1) << 40;
  static constexpr uint64_t kAlign = 512;
  /// Unmapped bytes between allocations, so that running off the end of one
  /// buffer is an error instead of silently reading the next (the capacity
  /// counts only allocated bytes).
  static constexpr uint64_t kGuard = 4096;

  explicit GlobalMemory(uint64_t capacityBytes);
  ~GlobalMemory();
  GlobalMemory(const GlobalMemory &) = delete;
  GlobalMemory &operator=(const GlobalMemory &) = delete;

  /// Allocates `bytes` (zero-filled, 512-byte aligned). Fails with a message
  /// naming the requested and free bytes when the HBM is full.
  Result<uint64_t> allocate(uint64_t bytes);
  /// Frees an allocation by its start address.
  Result<bool> free(uint64_t address);

  /// Host pointer for [address, address + size) if the range lies inside one
  /// allocation, else nullptr.
  uint8_t *translate(uint64_t address, uint64_t size);

  uint64_t capacity() const { return capacity_; }
  uint64_t allocatedBytes() const;
  /// The allocation containing `address`, as [start, start + size), or
  /// {0, 0}; used in error messages.
  std::pair<uint64_t, uint64_t> allocationAt(uint64_t address) const;

private:
  struct Block {
    uint64_t size;
    uint8_t *host;
  };
  uint64_t capacity_;
  uint64_t used_ = 0;
  std::map<uint64_t, Block> blocks_; // by start address
  mutable std::mutex mutex_;
};

} // namespace pagoda::sim

#endif // PAGODA_SIM_GLOBALMEMORY_H
