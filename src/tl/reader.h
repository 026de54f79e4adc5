// Reads TL values from untrusted bytes. Every read is bounds-checked; lengths are checked against
// the remaining input before anything is allocated; nesting is limited, so hostile input ends in
// a DecodeError and never in a crash, an over-read or an unbounded allocation.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "tl/errors.h"
#include "tl/types.h"

namespace mtpipe::tl {

class Reader {
 public:
  static constexpr int kMaxDepth = 64;
  // What gzip_packed may inflate to in all, summed over every gzip_packed one read meets, siblings and nested
  // ones alike: a vector of small bombs must not add up to a large one. Telegram's largest objects are far
  // smaller.
  static constexpr std::size_t kMaxInflatedSize = 64u << 20;

  explicit Reader(std::span<const std::uint8_t> data, std::size_t base_offset = 0, int depth = 0)
      : begin_(data.data()), p_(data.data()), end_(data.data() + data.size()),
        base_offset_(base_offset), depth_(depth) {}

  std::uint32_t u32() { return get<std::uint32_t>(); }
  std::int32_t i32() { return get<std::int32_t>(); }
  std::int64_t i64() { return get<std::int64_t>(); }
  double f64() { return get<double>(); }
  Int128 int128() { return get_array<16>(); }
  Int256 int256() { return get_array<32>(); }
  bool boolean();
  std::string string() { return std::string(bytes_view()); }
  std::string bytes() { return string(); }
  // The payload of a TL `bytes`/`string`, pointing into the input (valid while the input is).
  std::string_view bytes_view();

  // `vector#1cb5c415 count` for a boxed vector, or just `count` for a bare one. The count is
  // refused when the remaining input could not hold that many elements of `min_element_size`.
  std::uint32_t vector_count(std::size_t min_element_size);
  std::uint32_t bare_vector_count(std::size_t min_element_size);

  std::span<const std::uint8_t> raw(std::size_t n) {
    need(n);
    std::span<const std::uint8_t> out(p_, n);
    p_ += n;
    return out;
  }
  std::span<const std::uint8_t> rest() const noexcept { return {p_, end_}; }
  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
  bool at_end() const noexcept { return p_ == end_; }
  std::size_t offset() const noexcept { return base_offset_ + static_cast<std::size_t>(p_ - begin_); }
  int depth() const noexcept { return depth_; }

  // Guards one level of object nesting; throws beyond kMaxDepth.
  class Nest {
   public:
    explicit Nest(Reader& r) : r_(r) {
      if (++r_.depth_ > kMaxDepth) r_.fail("objects nested too deeply");
    }
    ~Nest() { --r_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    Reader& r_;
  };

  // Reads `gzip_packed#3072cfa1 packed_data:bytes` (its id already consumed): inflates the data,
  // within what is left of the inflate budget, and hands a reader over it to `read`, which must consume it all.
  template <class F>
  auto gzipped(F&& read) {
    const std::size_t at = offset();
    std::string inflated = inflate(bytes_view(), at);
    Reader inner({reinterpret_cast<const std::uint8_t*>(inflated.data()), inflated.size()}, 0,
                 depth_);
    inner.shared_budget_ = &budget();
    auto result = read(inner);
    if (!inner.at_end()) fail("trailing bytes inside gzip_packed", at);
    return result;
  }

  [[noreturn]] void fail(const std::string& what) const { throw DecodeError(what, offset()); }
  [[noreturn]] static void fail(const std::string& what, std::size_t at) { throw DecodeError(what, at); }
  // An id that is not a constructor of `expected_type`; `at` is where the id started.
  [[noreturn]] void fail_unknown(std::uint32_t id, std::string_view expected_type) const;

 private:
  void need(std::size_t n) const {
    if (static_cast<std::size_t>(end_ - p_) < n) fail_short(n);
  }
  [[noreturn]] void fail_short(std::size_t n) const;
  // Inflates within the budget and takes what it inflated from it.
  std::string inflate(std::string_view packed, std::size_t at);
  // What gzip_packed may still inflate to, shared by this reader and every reader gzipped() makes from it.
  std::size_t& budget() noexcept { return shared_budget_ ? *shared_budget_ : own_budget_; }

  template <class T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  template <std::size_t N>
  std::array<std::uint8_t, N> get_array() {
    need(N);
    std::array<std::uint8_t, N> v;
    std::memcpy(v.data(), p_, N);
    p_ += N;
    return v;
  }

  const std::uint8_t* begin_;
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  std::size_t base_offset_;
  int depth_;
  std::size_t own_budget_ = kMaxInflatedSize;
  std::size_t* shared_budget_ = nullptr;  // the outermost reader's, for a reader over inflated bytes
};

}  // namespace mtpipe::tl
