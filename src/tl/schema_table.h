// The TL schema as data, generated next to the typed code: what the JSON bridge, `mtpipe tl`
// and the schema-wide tests walk when they need every constructor without naming each one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mtpipe::tl::schema {

enum class Kind : std::uint8_t {
  Int, Long, Double, String, Bytes, Int128, Int256, Bool, True, Flags,
  Boxed,        // any constructor of an abstract type (TypeRef::index is the type)
  Bare,         // one constructor without its id (TypeRef::index is the entry)
  AnyFunction,  // `!X`: any method
  Generic,      // a method's result is its wrapped query's result
};
enum class VectorKind : std::uint8_t { None, Boxed, Bare };

struct TypeRef {
  Kind kind;
  VectorKind vector;
  std::uint16_t index;
};

struct Field {
  std::string_view name;
  TypeRef type;
  std::int8_t flag_field;  // index of the `#` field that gates this one, or -1
  std::int8_t bit;
};

struct Entry {
  std::uint32_t id;
  std::string_view name;  // e.g. "messages.getHistory"; MTProto names without the "mt_" prefix
  bool is_function;
  bool is_mt;
  std::uint16_t type;  // abstract type of a constructor
  TypeRef result;      // result of a method
  std::uint32_t first_field;
  std::uint16_t field_count;

  std::span<const Field> fields() const;
};

struct Type {
  std::string_view name;
  bool is_mt;
  std::uint32_t first_ctor;  // into ctor_list()
  std::uint16_t ctor_count;

  std::span<const std::uint16_t> ctors() const;  // entry indices
};

int layer();
std::span<const Entry> entries();
std::span<const Type> types();
std::span<const std::uint16_t> ctor_list();

// Look-ups by constructor id and by name (binary search over generated sorted indices).
const Entry* find(std::uint32_t id);
const Entry* find(std::string_view name);
const Type* find_type(std::string_view name);
// The name of constructor or method `id` for messages and logs; "method#<id>" for one the schema does not know.
inline std::string name_of(std::uint32_t id) {
  const Entry* entry = find(id);
  return entry ? std::string(entry->name) : "method#" + std::to_string(id);
}

}  // namespace mtpipe::tl::schema
