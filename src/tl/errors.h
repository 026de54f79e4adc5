// Errors of the TL layer. Decoding hostile input must end in one of these, never in a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace mtpipe::tl {

// Input bytes that do not form a valid object of the expected type. `offset` is the byte position
// (from the start of the outermost buffer) where decoding stopped.
class DecodeError : public std::runtime_error {
 public:
  DecodeError(const std::string& what, std::size_t offset)
      : std::runtime_error(what + " (at byte " + std::to_string(offset) + ")"), offset_(offset) {}
  std::size_t offset() const noexcept { return offset_; }

 private:
  std::size_t offset_;
};

// An object that cannot be serialised as it is, e.g. a required field left empty.
class EncodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mtpipe::tl
