// Decoding a boxed value whose constructor is known only by its id: the generated factory table
// and the checks around it. Used by generated code and by read_any_object / read_any_function.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "tl/object.h"

namespace mtpipe::tl::detail {

using Factory = object_ptr<Object> (*)(Reader&);

struct FactoryEntry {
  std::uint32_t id;
  std::uint16_t type;  // abstract type index (constructors)
  bool is_function;
  Factory make;  // reads the fields of that constructor
};

// Every generated constructor and method, sorted by id (generated).
std::span<const FactoryEntry> factories();
const FactoryEntry* find_factory(std::uint32_t id);

// Reads a boxed constructor of abstract type `type` (gzip_packed is unwrapped transparently).
object_ptr<Object> read_boxed_of_type(Reader& r, std::uint16_t type, std::string_view type_name);

template <class T>
object_ptr<T> read_boxed_as(Reader& r, std::uint16_t type, std::string_view type_name) {
  // The factory's type index was checked, so the object is a T.
  return object_ptr<T>(static_cast<T*>(read_boxed_of_type(r, type, type_name).release()));
}

}  // namespace mtpipe::tl::detail
