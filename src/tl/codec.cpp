// Out-of-line parts of Reader and Writer: the variable-length and error paths.
#include <cstdio>

#include "tl/gzip.h"
#include "tl/reader.h"
#include "tl/writer.h"

namespace mtpipe::tl {

void Writer::bytes(std::span<const std::uint8_t> data) {
  const std::size_t n = data.size();
  std::size_t header;
  if (n <= 253) {
    buf_.push_back(static_cast<std::uint8_t>(n));
    header = 1;
  } else {
    if (n > 0xffffff) throw EncodeError("bytes value longer than 16 MiB cannot be encoded");
    const std::uint8_t h[4] = {254, static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8),
                               static_cast<std::uint8_t>(n >> 16)};
    put(h, 4);
    header = 4;
  }
  put(data.data(), n);
  const std::size_t pad = (4 - (header + n) % 4) % 4;
  buf_.insert(buf_.end(), pad, 0);
}

std::string_view Reader::bytes_view() {
  need(1);
  std::size_t n = p_[0];
  std::size_t header = 1;
  if (n == 254) {
    need(4);
    n = p_[1] | (std::size_t{p_[2]} << 8) | (std::size_t{p_[3]} << 16);
    header = 4;
  } else if (n == 255) {
    fail("invalid bytes length prefix 255");
  }
  const std::size_t total = (header + n + 3) & ~std::size_t{3};
  need(total);
  std::string_view out(reinterpret_cast<const char*>(p_ + header), n);
  p_ += total;
  return out;
}

bool Reader::boolean() {
  const std::uint32_t id = u32();
  if (id == kBoolTrueId) return true;
  if (id == kBoolFalseId) return false;
  p_ -= 4;
  fail_unknown(id, "Bool");
}

std::uint32_t Reader::vector_count(std::size_t min_element_size) {
  const std::uint32_t id = u32();
  if (id != kVectorId) {
    p_ -= 4;
    fail_unknown(id, "Vector");
  }
  return bare_vector_count(min_element_size);
}

std::uint32_t Reader::bare_vector_count(std::size_t min_element_size) {
  const std::uint32_t n = u32();
  if (min_element_size == 0) min_element_size = 1;
  if (n > remaining() / min_element_size) {
    p_ -= 4;
    fail("vector of " + std::to_string(n) + " elements cannot fit in the " +
         std::to_string(remaining()) + " bytes left");
  }
  return n;
}

void Reader::fail_unknown(std::uint32_t id, std::string_view expected_type) const {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08x", id);
  throw DecodeError("unknown constructor " + std::string(hex) + " where " +
                        std::string(expected_type) + " was expected",
                    offset() >= 4 ? offset() - 4 : 0);
}

void Reader::fail_short(std::size_t n) const {
  fail("input ends early: " + std::to_string(n) + " bytes needed, " + std::to_string(remaining()) +
       " left");
}

std::string Reader::inflate(std::string_view packed, std::size_t at) {
  std::string out;
  switch (gzip_inflate(packed, budget(), out)) {
    case Inflated::ok:
      budget() -= out.size();
      return out;
    case Inflated::too_large:
      fail("gzip_packed inflates past the " + std::to_string(budget()) + " bytes left of its inflate budget", at);
    case Inflated::corrupt:
      break;
  }
  fail("gzip_packed holds data that does not inflate", at);
}

}  // namespace mtpipe::tl
