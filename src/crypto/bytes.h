#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mtpipe::crypto {

// Text (passwords, PEM) as the byte span every function here takes.
inline std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Comparison whose running time does not depend on where the first difference is: used for every check of a
// hash or MAC that an attacker could probe byte by byte. Different lengths compare unequal.
bool equal_ct(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

// Overwrites secrets in a way the optimiser cannot drop as a dead store.
void secure_wipe(std::span<std::uint8_t> secret) noexcept;

}  // namespace mtpipe::crypto
