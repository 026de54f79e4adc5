#pragma once
// Little-endian loads and stores of the transport's 32-bit fields (internal to the transport library).

#include <cstdint>
#include <vector>

namespace mtpipe::mtproto::transport::detail {

inline std::uint32_t load_le32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

inline void store_le32(std::uint8_t* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

inline void append_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  std::uint8_t bytes[4];
  store_le32(bytes, v);
  out.insert(out.end(), bytes, bytes + 4);
}

}  // namespace mtpipe::mtproto::transport::detail
