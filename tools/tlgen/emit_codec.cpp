#include <algorithm>
#include <cstdio>
#include <sstream>

#include "cpp_types.h"
#include "emit.h"

namespace tlgen {
namespace {

constexpr const char* kHeader =
    "#include \"tl/api.h\"\n#include \"tl/codec_helpers.h\"\n\n"
    "namespace d = ::mtpipe::tl::detail;\nusing ::mtpipe::tl::Reader;\nusing ::mtpipe::tl::Writer;\n\n";

// Parameter names of generated functions: fields beginning with "tl_" are renamed, so these
// can never be hidden by a member.
constexpr const char* W = "tl_w";
constexpr const char* R = "tl_r";

std::string factory_name(std::size_t entry) { return "make_" + std::to_string(entry); }
std::string flag_var(int field) { return "fw" + std::to_string(field); }
std::string bit_mask(int bit) { return "(1u << " + std::to_string(bit) + ")"; }

// The runtime call that writes or reads one present value of field `f` held in `expr`.
std::string put_call(const Schema& s, const Entry& e, const Field& f, const std::string& expr) {
  if (f.type.vector == VectorKind::Bare) return std::string("d::put_bare_vector(") + W + ", " + expr + ");";
  if (f.type.vector == VectorKind::None && (f.type.kind == Kind::Boxed || f.type.kind == Kind::AnyFunction))
    return std::string("d::put_object(") + W + ", " + expr + ", " + cpp_literal(e.name + "." + f.name) + ");";
  (void)s;
  return std::string("d::put(") + W + ", " + expr + ");";
}
std::string get_call(const Field& f, const std::string& expr) {
  const char* fn = f.type.vector == VectorKind::Bare ? "d::get_bare_vector(" : "d::get(";
  return std::string(fn) + R + ", " + expr + ");";
}
bool is_pointer(const Field& f) {
  return f.type.vector == VectorKind::None && (f.type.kind == Kind::Boxed || f.type.kind == Kind::AnyFunction);
}

// Fields gated by the same flag bit are all on the wire or none is: writing only some of them
// would make the reader take the next field's bytes for the missing one.
void emit_shared_bit_checks(const Entry& e, std::ostringstream& out) {
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    const Field& f = e.fields[i];
    if (f.flag_field < 0) continue;
    std::vector<const Field*> group;
    for (std::size_t k = 0; k < e.fields.size(); ++k)
      if (e.fields[k].flag_field == f.flag_field && e.fields[k].bit == f.bit) group.push_back(&e.fields[k]);
    if (group.size() < 2 || group.front() != &f) continue;
    std::string names, args;
    for (const Field* g : group) {
      names += (names.empty() ? "" : ", ") + g->name;
      args += ", static_cast<bool>(" + g->cpp_name + ")";
    }
    out << "  d::same_presence(" << cpp_literal(e.name + ": " + names + " share flag bit " + std::to_string(f.bit) + ": set all or none") << args << ");\n";
  }
}

void emit_write(const Schema& s, const Entry& e, std::ostringstream& out) {
  const std::string q = cpp_qualified(s, e);
  if (e.fields.empty()) {
    out << "void " << q << "::tl_write_bare(Writer&) const {}\n";
    return;
  }
  out << "void " << q << "::tl_write_bare(Writer& " << W << ") const {\n";
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    if (e.fields[i].type.kind != Kind::Flags) continue;
    out << "  std::uint32_t " << flag_var(static_cast<int>(i)) << " = 0;\n";
    for (const Field& f : e.fields)
      if (f.flag_field == static_cast<int>(i))
        out << "  if (" << f.cpp_name << ") " << flag_var(f.flag_field) << " |= " << bit_mask(f.bit) << ";\n";
  }
  emit_shared_bit_checks(e, out);
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    const Field& f = e.fields[i];
    if (f.type.kind == Kind::Flags) {
      out << "  " << W << ".u32(" << flag_var(static_cast<int>(i)) << ");\n";
    } else if (f.type.kind == Kind::True) {
      continue;
    } else if (f.flag_field >= 0) {
      const std::string value = is_pointer(f) ? f.cpp_name : "*" + f.cpp_name;
      out << "  if (" << f.cpp_name << ") " << put_call(s, e, f, value) << "\n";
    } else {
      out << "  " << put_call(s, e, f, f.cpp_name) << "\n";
    }
  }
  out << "}\n";
}

void emit_read(const Schema& s, const Entry& e, std::ostringstream& out) {
  const std::string q = cpp_qualified(s, e);
  if (e.fields.empty()) {
    out << "void " << q << "::tl_read_bare(Reader&) {}\n";
    return;
  }
  out << "void " << q << "::tl_read_bare(Reader& " << R << ") {\n";
  for (std::size_t i = 0; i < e.fields.size(); ++i) {
    const Field& f = e.fields[i];
    if (f.type.kind == Kind::Flags) {
      bool used = false;
      for (const Field& g : e.fields) used |= g.flag_field == static_cast<int>(i);
      if (used) out << "  const std::uint32_t " << flag_var(static_cast<int>(i)) << " = " << R << ".u32();\n";
      else out << "  (void)" << R << ".u32();\n";
    } else if (f.type.kind == Kind::True) {
      out << "  " << f.cpp_name << " = (" << flag_var(f.flag_field) << " & " << bit_mask(f.bit) << ") != 0;\n";
    } else if (f.flag_field >= 0) {
      const std::string target = is_pointer(f) ? f.cpp_name : f.cpp_name + ".emplace()";
      out << "  if (" << flag_var(f.flag_field) << " & " << bit_mask(f.bit) << ") " << get_call(f, target) << "\n";
    } else {
      out << "  " << get_call(f, f.cpp_name) << "\n";
    }
  }
  out << "}\n";
}

void emit_result(const Schema& s, const Entry& e, std::ostringstream& out) {
  if (!e.is_function || cpp_result_type(s, e).empty()) return;
  const std::string q = cpp_qualified(s, e);
  out << "auto " << q << "::tl_read_result(Reader& r) -> Result {\n  Result v{};\n  ";
  out << (e.result.vector == VectorKind::Bare ? "d::get_bare_vector(r, v);" : "d::get(r, v);") << "\n  return v;\n}\n";
}

}  // namespace

void emit_codec(const Schema& s, const std::string& dir, int chunks) {
  // Balance the files by the number of fields, which is what the compiler spends its time on.
  std::size_t total = 0;
  for (const Entry& e : s.entries) total += e.fields.size() + 2;
  const std::size_t per_chunk = total / chunks + 1;
  std::size_t next = 0;
  for (int c = 0; c < chunks; ++c) {
    std::ostringstream out;
    out << "// Generated by tools/tlgen. Do not edit.\n" << kHeader;
    std::size_t weight = 0;
    const std::size_t first = next;
    while (next < s.entries.size() && (weight < per_chunk || c == chunks - 1)) {
      const Entry& e = s.entries[next++];
      weight += e.fields.size() + 2;
      emit_write(s, e, out);
      emit_read(s, e, out);
      emit_result(s, e, out);
    }
    out << "\nnamespace mtpipe::tl::generated {\n";
    for (std::size_t i = first; i < next; ++i)
      out << "object_ptr<Object> " << factory_name(i) << "(Reader& r) { return d::make<"
          << cpp_qualified(s, s.entries[i]) << ">(r); }\n";
    out << "}  // namespace mtpipe::tl::generated\n";
    write_if_changed(dir + "/api_codec_" + std::to_string(c) + ".cpp", out.str());
  }
}

void emit_dispatch(const Schema& s, const std::string& path) {
  // A sorted table of factories rather than big switches: one giant function per type made g++
  // spend minutes optimising; a binary search over ~2,400 ids costs a dozen comparisons.
  std::ostringstream out;
  out << "// Generated by tools/tlgen. Do not edit.\n#include \"tl/api.h\"\n#include \"tl/dispatch.h\"\n\n"
      << "namespace mtpipe::tl::generated {\n";
  for (std::size_t i = 0; i < s.entries.size(); ++i) out << "::mtpipe::tl::object_ptr<Object> " << factory_name(i) << "(Reader&);\n";
  out << "}  // namespace mtpipe::tl::generated\n\nnamespace mtpipe::tl::detail {\n\n"
      << "constexpr FactoryEntry kFactories[] = {\n";
  std::vector<std::size_t> by_id(s.entries.size());
  for (std::size_t i = 0; i < by_id.size(); ++i) by_id[i] = i;
  std::sort(by_id.begin(), by_id.end(), [&](auto a, auto b) { return s.entries[a].id < s.entries[b].id; });
  for (std::size_t i : by_id) {
    const Entry& e = s.entries[i];
    char id[16];
    std::snprintf(id, sizeof id, "0x%08xu", e.id);
    out << "  {" << id << ", " << (e.type < 0 ? 0 : e.type) << ", " << (e.is_function ? "true" : "false")
        << ", &generated::" << factory_name(i) << "},\n";
  }
  out << "};\nstd::span<const FactoryEntry> factories() { return kFactories; }\n\n"
      << "}  // namespace mtpipe::tl::detail\n\n";
  for (std::size_t t = 0; t < s.types.size(); ++t) {
    const std::string q = cpp_qualified(s, s.types[t]);
    out << "auto " << q << "::tl_read_boxed(::mtpipe::tl::Reader& r) -> ::mtpipe::tl::object_ptr<" << q << "> {\n"
        << "  return ::mtpipe::tl::detail::read_boxed_as<" << q << ">(r, " << t << ", " << cpp_literal(s.types[t].name)
        << ");\n}\n";
  }
  write_if_changed(path, out.str());
}

}  // namespace tlgen
