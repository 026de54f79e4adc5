// A small JSON model for the TL bridge: integers stay exact 64-bit values (TL longs do not fit
// in a double), object keys keep their order, and parsing is bounded in depth.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mtpipe::tl::json {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Value;
struct Member;
using Array = std::vector<Value>;
using Object = std::vector<Member>;  // keys in document order

struct Value {
  // Integers that fit in int64 are Int; larger positive ones are Uint.
  std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, Array, Object> v;

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v); }
  bool is_object() const { return std::holds_alternative<Object>(v); }
  bool is_array() const { return std::holds_alternative<Array>(v); }
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  const Object& object() const { return std::get<Object>(v); }
  const Array& array() const { return std::get<Array>(v); }
  const std::string& string() const { return std::get<std::string>(v); }
  // The member named `key` of an object, or nullptr.
  const Value* find(std::string_view key) const;
  // A short description of the kind of value, for error messages ("a string", "an array").
  const char* kind() const;
};

// A named member (a struct, not std::pair, so that Value is complete before it is needed).
struct Member {
  Member(std::string k, Value v);
  std::string key;
  Value value;
};
inline Member::Member(std::string k, Value v) : key(std::move(k)), value(std::move(v)) {}

Value parse(std::string_view text);  // throws Error with the position of the problem

// Streaming writer producing compact or indented JSON text.
class Writer {
 public:
  explicit Writer(bool pretty = false) : pretty_(pretty) {}
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view k);
  void null();
  void boolean(bool b);
  void integer(std::int64_t i);
  void number(double d);  // NaN and infinities become the strings "NaN", "Infinity", "-Infinity"
  void string(std::string_view s);  // must be valid UTF-8
  void raw(std::string_view json);  // an already-serialised value
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  void newline();
  void quote(std::string_view s);
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written yet
  bool pretty_;
  bool after_key_ = false;
};

bool valid_utf8(std::string_view s);
void write(Writer& w, const Value& v);

}  // namespace mtpipe::tl::json
