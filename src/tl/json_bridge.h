// The schema-driven JSON bridge: any TL value to JSON and back, walking the generated schema
// table rather than the typed code, so that it serves `mtpipe tl`, tests and debugging alike.
//
// JSON form: an object is {"_": "<TL name>", "<field>": value, ...}. Flag words are derived and
// never written; absent optional fields are left out; `true` flags appear only when set. int and
// long are exact integers; bytes, int128 and int256 are lowercase hex; a string that is not valid
// UTF-8 becomes {"hex": "..."}. MTProto envelopes appear as msg_container, rpc_result (whose
// result falls back to {"_": "raw", "hex": ...} when it is not a known object, e.g. a Vector),
// and gzip_packed is unpacked transparently.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tl/json.h"
#include "tl/object.h"
#include "tl/schema_table.h"

namespace mtpipe::tl {

// One boxed value (any constructor, method or envelope) to JSON. Throws DecodeError.
json::Value to_json_value(std::span<const std::uint8_t> boxed);
std::string to_json(std::span<const std::uint8_t> boxed, bool pretty = false);
std::string to_json(const Object& obj, bool pretty = false);
// The answer to `method` (its result type decides how to read it: Vector<long> has no constructor ids).
std::string result_to_json(const schema::Entry& method, std::span<const std::uint8_t> answer, bool pretty = false);

// JSON to one boxed value. Throws json::Error naming the path of the offending field.
std::vector<std::uint8_t> from_json(const json::Value& v);
std::vector<std::uint8_t> from_json(std::string_view text);

}  // namespace mtpipe::tl
