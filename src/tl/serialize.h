// One-call conversions between a TL object and its boxed bytes, for code that handles whole messages.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tl/errors.h"
#include "tl/object.h"
#include "tl/reader.h"
#include "tl/writer.h"

namespace mtpipe::tl {

// The boxed serialisation (constructor id + fields).
inline std::vector<std::uint8_t> serialize(const Object& object) {
  Writer w;
  object.tl_write(w);
  return w.take();
}

// Reads a boxed T (a concrete constructor) that must fill `boxed` exactly; DecodeError otherwise.
template <class T>
T parse_boxed(std::span<const std::uint8_t> boxed) {
  Reader r(boxed);
  if (r.u32() != T::ID) throw DecodeError(std::string("expected ") + std::string(T::NAME), 0);
  T value;
  value.tl_read_bare(r);
  if (!r.at_end()) throw DecodeError(std::string("trailing bytes after ") + std::string(T::NAME), r.offset());
  return value;
}

}  // namespace mtpipe::tl
