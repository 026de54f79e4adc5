// How schema types appear in generated C++: member types, defaults, and qualified names.
#pragma once

#include <string>

#include "schema.h"

namespace tlgen {

// The C++ type of one value of `t` (the vector element for vectors, ignoring optionality).
std::string cpp_element_type(const Schema& s, const TypeRef& t);
// The C++ type of a field, including vector and optional wrappers.
std::string cpp_field_type(const Schema& s, const Field& f);
// A default member initialiser (" = 0", " = false", "{}") or "".
std::string cpp_field_init(const Field& f);
// The result type of a method (`Result`), or "" for the generic wrappers.
std::string cpp_result_type(const Schema& s, const Entry& e);
// A C++ string literal for `text`.
std::string cpp_literal(const std::string& text);
// Splits text into `/// ` comment lines indented by `indent`.
std::string doc_comment(const std::string& text, const std::string& indent);

}  // namespace tlgen
