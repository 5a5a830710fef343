//===- GlobalMemory.cpp - The modeled HBM of one device -------------------===//
//
// Allocation is first-fit over the gaps between live blocks in address
// order; the address space is the HBM capacity, so fragmentation behaves as
// it would on the device.
//
//===----------------------------------------------------------------------===//

#include "pagoda/Sim/GlobalMemory.h"

#include <fmt/format.h>

#include <cstdlib>

namespace pagoda::sim {

GlobalMemory::GlobalMemory(uint64_t capacityBytes) : capacity_(capacityBytes) {}

GlobalMemory::~GlobalMemory() {
  for (auto &entry : blocks_)
    std::free(entry.second.host);
}

Result<uint64_t> GlobalMemory::allocate(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (bytes == 0)
    bytes = 1;
  uint64_t rounded = (bytes + kAlign - 1) / kAlign * kAlign;
  if (rounded < bytes || rounded > capacity_ - used_)
    return Error(fmt::format("out of device memory: requested {} bytes, {} of {} bytes free", bytes,
                             capacity_ - used_, capacity_));
  // First fit in the address space, keeping a guard gap after every block.
  uint64_t candidate = kBase;
  for (const auto &[start, block] : blocks_) {
    if (start >= candidate && start - candidate >= rounded + kGuard)
      break;
    candidate = start + (block.size + kAlign - 1) / kAlign * kAlign + kGuard;
  }
  // calloc of a large block maps fresh zero pages lazily: untouched pages
  // cost no host memory.
  auto *host = static_cast<uint8_t *>(std::calloc(rounded, 1));
  if (!host)
    return Error(fmt::format("host memory exhausted backing a {}-byte device allocation", bytes));
  blocks_.emplace(candidate, Block{bytes, host});
  used_ += rounded;
  return candidate;
}

Result<bool> GlobalMemory::free(uint64_t address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = blocks_.find(address);
  if (it == blocks_.end())
    return Error(fmt::format("free of {:#x}, which is not the start of an allocation", address));
  used_ -= (it->second.size + kAlign - 1) / kAlign * kAlign;
  std::free(it->second.host);
  blocks_.erase(it);
  return true;
}

uint8_t *GlobalMemory::translate(uint64_t address, uint64_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = blocks_.upper_bound(address);
  if (it == blocks_.begin())
    return nullptr;
  --it;
  uint64_t offset = address - it->first;
  if (offset > it->second.size || size > it->second.size - offset)
    return nullptr;
  return it->second.host + offset;
}

uint64_t GlobalMemory::allocatedBytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return used_;
}

std::pair<uint64_t, uint64_t> GlobalMemory::allocationAt(uint64_t address) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = blocks_.upper_bound(address);
  if (it == blocks_.begin())
    return {0, 0};
  --it;
  return {it->first, it->second.size};
}

} // namespace pagoda::sim
