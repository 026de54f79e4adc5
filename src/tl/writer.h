// Serialises TL values into a growing byte buffer (little-endian, 4-byte aligned).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tl/errors.h"
#include "tl/types.h"

namespace mtpipe::tl {

class Writer {
 public:
  Writer() = default;
  explicit Writer(std::size_t reserve) { buf_.reserve(reserve); }

  void u32(std::uint32_t v) { put(&v, 4); }
  void i32(std::int32_t v) { put(&v, 4); }
  void i64(std::int64_t v) { put(&v, 8); }
  void f64(double v) { put(&v, 8); }
  void int128(const Int128& v) { put(v.data(), v.size()); }
  void int256(const Int256& v) { put(v.data(), v.size()); }
  void boolean(bool v) { u32(v ? kBoolTrueId : kBoolFalseId); }
  void vector_header(std::size_t count) {
    u32(kVectorId);
    count32(count);
  }
  void count32(std::size_t count) {
    if (count > 0x7fffffff) throw EncodeError("vector too long for TL");
    u32(static_cast<std::uint32_t>(count));
  }
  // TL `bytes` and `string` share one encoding: a 1- or 4-byte length, the data, zero padding.
  void bytes(std::span<const std::uint8_t> data);
  void string(std::string_view s) {
    bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
  }
  void raw(std::span<const std::uint8_t> data) { put(data.data(), data.size()); }

  std::size_t size() const noexcept { return buf_.size(); }
  const std::vector<std::uint8_t>& data() const noexcept { return buf_; }
  std::vector<std::uint8_t> take() noexcept { return std::move(buf_); }
  void clear() noexcept { buf_.clear(); }

 private:
  void put(const void* p, std::size_t n) {
    if (n == 0) return;  // p may be null for empty spans, which memcpy does not allow
    const std::size_t at = buf_.size();
    buf_.resize(at + n);
    std::memcpy(buf_.data() + at, p, n);
  }
  std::vector<std::uint8_t> buf_;
};

}  // namespace mtpipe::tl
