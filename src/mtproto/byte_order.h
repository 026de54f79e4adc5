#pragma once
// Little-endian loads and stores of fixed-width integers: every MTProto header field (transport lengths,
// auth_key_id, msg_id, seq_no, salts) is little-endian on the wire.
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace mtpipe::mtproto {

template <class T>
T load_le(const std::uint8_t* p) noexcept {
  static_assert(std::is_integral_v<T>);
  std::make_unsigned_t<T> v = 0;
  for (std::size_t i = sizeof(T); i-- > 0;) v = static_cast<std::make_unsigned_t<T>>((v << 8) | p[i]);
  return static_cast<T>(v);
}

template <class T>
void store_le(std::uint8_t* p, T value) noexcept {
  static_assert(std::is_integral_v<T>);
  const auto v = static_cast<std::make_unsigned_t<T>>(value);
  for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

template <class T>
void append_le(std::vector<std::uint8_t>& out, T value) {
  std::uint8_t bytes[sizeof(T)];
  store_le(bytes, value);
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

}  // namespace mtpipe::mtproto
