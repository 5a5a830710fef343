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

#include <sys/mman.h>

namespace pagoda::sim {

GlobalMemory::GlobalMemory(uint64_t capacityBytes) : capacity_(capacityBytes) {}

namespace {

// Large blocks are mapped with MAP_NORESERVE: the kernel commits pages only
// when touched, so a 100 GiB device buffer on a 24 GiB host costs what is
// used (calloc would be refused by the overcommit heuristic).
constexpr uint64_t kMapThreshold = 1 << 20;

uint8_t *hostAllocate(uint64_t bytes) {
  if (bytes < kMapThreshold)
    return static_cast<uint8_t *>(std::calloc(bytes, 1));
  void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t *>(p);
}

void hostFree(uint8_t *p, uint64_t bytes) {
  if (bytes < kMapThreshold)
    std::free(p);
  else
    munmap(p, bytes);
}

uint64_t rounded(uint64_t bytes) {
  return (bytes + GlobalMemory::kAlign - 1) / GlobalMemory::kAlign * GlobalMemory::kAlign;
}

} // namespace

GlobalMemory::~GlobalMemory() {
  for (auto &entry : blocks_)
    hostFree(entry.second.host, rounded(entry.second.size));
}

Result<uint64_t> GlobalMemory::allocate(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (bytes == 0)
    bytes = 1;
  const uint64_t size = rounded(bytes);
  if (size < bytes || size > capacity_ - used_)
    return Error(fmt::format("out of device memory: requested {} bytes, {} of {} bytes free", bytes,
                             capacity_ - used_, capacity_));
  // First fit in the address space, keeping a guard gap after every block.
  uint64_t candidate = kBase;
  for (const auto &[start, block] : blocks_) {
    if (start >= candidate && start - candidate >= size + kGuard)
      break;
    candidate = start + (block.size + kAlign - 1) / kAlign * kAlign + kGuard;
  }
  // calloc of a large block maps fresh zero pages lazily: untouched pages
  // cost no host memory.
  uint8_t *host = hostAllocate(size);
  if (!host)
    return Error(fmt::format("host memory exhausted backing a {}-byte device allocation", bytes));
  blocks_.emplace(candidate, Block{bytes, host});
  used_ += size;
  return candidate;
}

Result<bool> GlobalMemory::free(uint64_t address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = blocks_.find(address);
  if (it == blocks_.end())
    return Error(fmt::format("free of {:#x}, which is not the start of an allocation", address));
  used_ -= rounded(it->second.size);
  hostFree(it->second.host, rounded(it->second.size));
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
