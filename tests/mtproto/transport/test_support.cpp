#include "test_support.h"

#include <stdexcept>

namespace mtpipe::mtproto::transport::test {

void SeededRng::fill(std::span<std::uint8_t> out) {
  for (auto& b : out) b = static_cast<std::uint8_t>(engine_());
}

std::vector<std::uint8_t> SeededRng::bytes(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  fill(out);
  return out;
}

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  auto digit = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    throw std::invalid_argument("bad hex digit");
  };
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(digit(hex[i]) << 4 | digit(hex[i + 1])));
  }
  return out;
}

std::vector<std::uint8_t> concat(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  std::vector<std::uint8_t> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::vector<std::uint8_t> encrypted_packet(SeededRng& rng, std::size_t size) {
  if (size < 24 || (size - 24) % 16 != 0) throw std::invalid_argument("encrypted packets are 24 + 16k bytes");
  auto out = rng.bytes(size);
  out[0] |= 1;  // a non-zero auth_key_id
  return out;
}

std::vector<std::uint8_t> plain_packet(SeededRng& rng, std::size_t body_size) {
  std::vector<std::uint8_t> out(20, 0);
  rng.fill(std::span(out).subspan(8, 8));
  for (int i = 0; i < 4; ++i) out[16 + i] = static_cast<std::uint8_t>(body_size >> (8 * i));
  const auto body = rng.bytes(body_size);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

const char* to_string(Chunking chunking) {
  switch (chunking) {
    case Chunking::whole: return "whole";
    case Chunking::one_byte: return "one_byte";
    case Chunking::random: return "random";
  }
  return "?";
}

}  // namespace mtpipe::mtproto::transport::test
