// The TL schema as the generator sees it: entries (constructors and methods), abstract types,
// and field types resolved to one of a few kinds.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tlgen {

enum class Kind { Int, Long, Double, String, Bytes, Int128, Int256, Bool, True, Flags, Boxed, Bare, AnyFunction, Generic };
enum class VectorKind { None, Boxed, Bare };

struct TypeRef {
  Kind kind = Kind::Int;
  VectorKind vector = VectorKind::None;
  int index = -1;  // abstract type for Boxed, entry for Bare
};

struct Field {
  std::string name;      // as in the schema
  std::string cpp_name;  // a legal, non-clashing C++ member name
  std::string comment;
  TypeRef type;
  int flag_field = -1;  // index of the `#` field this one depends on, or -1
  int bit = -1;
};

struct Entry {
  bool is_function = false;
  bool is_mt = false;    // MTProto service schema rather than the API
  std::string name;      // TL name without the "mt_" prefix, e.g. "messages.getHistory"
  std::string ns;        // TL namespace ("" at top level)
  std::string short_name;
  std::string cpp_name;  // unqualified C++ struct name
  std::uint32_t id = 0;
  int type = -1;         // abstract type (constructors only)
  TypeRef result;        // methods only
  bool generic = false;  // returns its `!X` argument's type
  std::vector<Field> fields;
  std::string comment;
};

struct AbstractType {
  std::string name;  // TL name, e.g. "messages.Messages"
  std::string ns, short_name, cpp_name;
  bool is_mt = false;
  std::vector<int> ctors;
  std::string comment;
};

struct Schema {
  int layer = 0;
  std::vector<Entry> entries;
  std::vector<AbstractType> types;
};

// Loads api-schema.json, mtp-schema.json and the hand-kept extra MTProto entries; throws
// std::runtime_error naming the problem when the files do not fit together.
Schema load_schema(const std::string& api_path, const std::string& mtp_path, const std::string& extra_path);

// "api" or "mt" plus the TL namespace, as a fully qualified C++ name.
std::string cpp_qualified(const Schema& s, const Entry& e);
std::string cpp_qualified(const Schema& s, const AbstractType& t);

}  // namespace tlgen
