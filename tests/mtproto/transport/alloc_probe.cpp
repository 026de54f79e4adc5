#include "alloc_probe.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

namespace {

// Each block carries its size in front, so delete knows how much goes away; the header keeps malloc's alignment.
constexpr std::size_t kHeader = alignof(std::max_align_t);
std::atomic<std::size_t> g_largest{0};
std::atomic<std::size_t> g_live{0};

void* allocate(std::size_t size) noexcept {
  auto* base = static_cast<unsigned char*>(std::malloc(size + kHeader));
  if (base == nullptr) return nullptr;
  std::memcpy(base, &size, sizeof size);
  g_live.fetch_add(size, std::memory_order_relaxed);
  std::size_t seen = g_largest.load(std::memory_order_relaxed);
  while (size > seen && !g_largest.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
  }
  return base + kHeader;
}

void* allocate_or_throw(std::size_t size) {
  if (void* p = allocate(size)) return p;
  throw std::bad_alloc();
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  auto* base = static_cast<unsigned char*>(p) - kHeader;
  std::size_t size = 0;
  std::memcpy(&size, base, sizeof size);
  g_live.fetch_sub(size, std::memory_order_relaxed);
  std::free(base);
}

}  // namespace

namespace mtpipe::mtproto::transport::test {

void reset_largest_allocation() noexcept { g_largest.store(0, std::memory_order_relaxed); }
std::size_t largest_allocation() noexcept { return g_largest.load(std::memory_order_relaxed); }
std::size_t live_heap_bytes() noexcept { return g_live.load(std::memory_order_relaxed); }

}  // namespace mtpipe::mtproto::transport::test

// Every non-aligned form, so that no block crosses between this allocator and another one.
void* operator new(std::size_t size) { return allocate_or_throw(size); }
void* operator new[](std::size_t size) { return allocate_or_throw(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
