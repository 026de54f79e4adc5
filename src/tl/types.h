// Primitive TL value types shared by the runtime, the generated code and the JSON bridge.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

namespace mtpipe::tl {

using Int128 = std::array<std::uint8_t, 16>;  // raw wire bytes (little-endian as TL sends them)
using Int256 = std::array<std::uint8_t, 32>;

template <class T>
using object_ptr = std::unique_ptr<T>;

// Constructor ids the runtime handles itself rather than through generated code.
inline constexpr std::uint32_t kVectorId = 0x1cb5c415;
inline constexpr std::uint32_t kBoolTrueId = 0x997275b5;
inline constexpr std::uint32_t kBoolFalseId = 0xbc799737;
inline constexpr std::uint32_t kGzipPackedId = 0x3072cfa1;
inline constexpr std::uint32_t kMsgContainerId = 0x73f1f8dc;
inline constexpr std::uint32_t kRpcResultId = 0xf35c6d01;
inline constexpr std::uint32_t kMsgCopyId = 0xe06046b2;

}  // namespace mtpipe::tl
