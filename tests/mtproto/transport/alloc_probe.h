#pragma once
// This test binary replaces the global operator new/delete (alloc_probe.cpp) to watch the heap: the largest
// single request since a reset, and the bytes currently allocated.

#include <cstddef>

namespace mtpipe::mtproto::transport::test {

void reset_largest_allocation() noexcept;
std::size_t largest_allocation() noexcept;
std::size_t live_heap_bytes() noexcept;

}  // namespace mtpipe::mtproto::transport::test
