#include "cpp_types.h"

#include <cstdio>
#include <sstream>

namespace tlgen {

std::string cpp_element_type(const Schema& s, const TypeRef& t) {
  switch (t.kind) {
    case Kind::Int: return "std::int32_t";
    case Kind::Long: return "std::int64_t";
    case Kind::Double: return "double";
    case Kind::String:
    case Kind::Bytes: return "std::string";
    case Kind::Int128: return "::mtpipe::tl::Int128";
    case Kind::Int256: return "::mtpipe::tl::Int256";
    case Kind::Bool:
    case Kind::True: return "bool";
    case Kind::Flags: return "std::uint32_t";
    case Kind::Boxed: return "::mtpipe::tl::object_ptr<" + cpp_qualified(s, s.types[t.index]) + ">";
    case Kind::Bare: return cpp_qualified(s, s.entries[t.index]);
    case Kind::AnyFunction: return "::mtpipe::tl::object_ptr<::mtpipe::tl::Function>";
    case Kind::Generic: return "";
  }
  return "";
}

namespace {
std::string with_vector(const Schema& s, const TypeRef& t) {
  const std::string elem = cpp_element_type(s, t);
  return t.vector == VectorKind::None ? elem : "std::vector<" + elem + ">";
}
bool is_pointer(const TypeRef& t) {
  return t.vector == VectorKind::None && (t.kind == Kind::Boxed || t.kind == Kind::AnyFunction);
}
}  // namespace

std::string cpp_field_type(const Schema& s, const Field& f) {
  const std::string base = with_vector(s, f.type);
  // Optional pointers use null for "absent"; `true` flags are plain bools.
  if (f.flag_field < 0 || f.type.kind == Kind::True || is_pointer(f.type)) return base;
  return "std::optional<" + base + ">";
}

std::string cpp_field_init(const Field& f) {
  if (f.flag_field >= 0 && f.type.kind != Kind::True) return "";
  if (f.type.vector != VectorKind::None) return "";
  switch (f.type.kind) {
    case Kind::Int:
    case Kind::Long:
    case Kind::Double:
    case Kind::Flags: return " = 0";
    case Kind::Bool:
    case Kind::True: return " = false";
    case Kind::Int128:
    case Kind::Int256: return "{}";
    default: return "";
  }
}

std::string cpp_result_type(const Schema& s, const Entry& e) {
  if (e.result.kind == Kind::Generic) return "";
  return with_vector(s, e.result);
}

std::string cpp_literal(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string doc_comment(const std::string& text, const std::string& indent) {
  if (text.empty()) return "";
  std::istringstream words(text);
  std::string out, line, w;
  while (words >> w) {
    if (!line.empty() && line.size() + w.size() > 96) {
      out += indent + "/// " + line + "\n";
      line.clear();
    }
    // A comment ending in a backslash would continue onto the next line.
    while (!w.empty() && w.back() == '\\') w.pop_back();
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) out += indent + "/// " + line + "\n";
  return out;
}

}  // namespace tlgen
