#include "schema.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

namespace tlgen {
namespace {

using nlohmann::json;

json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return json::parse(in);
}

// mtp-schema.json lists methods as "class" entries; these are the MTProto service functions.
const std::set<std::string> kMtFunctions = {
    "req_pq",          "req_pq_multi",   "req_DH_params",         "set_client_DH_params",
    "rpc_drop_answer", "get_future_salts", "ping",                "ping_delay_disconnect",
    "destroy_session", "destroy_auth_key"};

const std::set<std::string> kCppKeywords = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
    "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
    "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
    "else", "enum", "explicit", "export", "extern", "false", "final", "float", "for", "friend",
    "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not",
    "not_eq", "nullptr", "operator", "or", "or_eq", "override", "private", "protected", "public",
    "register", "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
    "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
    "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
    "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq", "ID", "NAME", "Result"};

std::string plain_comment(const std::string& html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    else if (c == '>') in_tag = false;
    else if (!in_tag) out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  for (auto [from, to] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}})
    for (std::size_t p; (p = out.find(from)) != std::string::npos;) out.replace(p, std::string(from).size(), to);
  return out;
}

void split_name(const std::string& full, std::string& ns, std::string& short_name) {
  const auto dot = full.rfind('.');
  ns = dot == std::string::npos ? "" : full.substr(0, dot);
  short_name = dot == std::string::npos ? full : full.substr(dot + 1);
}

struct Loader {
  Schema s;
  std::map<std::string, int> type_by_key;   // "api:Name" / "mt:Name"
  std::map<std::string, int> entry_by_key;  // same keys for constructor names
  std::map<std::uint32_t, std::string> ids;

  static std::string key(bool mt, const std::string& name) { return (mt ? "mt:" : "api:") + name; }

  void add_entries(const json& list, bool mt, bool extra) {
    for (const json& j : list) {
      Entry e;
      std::string name = j.at("name");
      if (mt && !extra) {
        if (name.rfind("mt_", 0) != 0) throw std::runtime_error("mtp entry without mt_ prefix: " + name);
        name = name.substr(3);
      }
      e.is_mt = mt;
      e.name = name;
      split_name(name, e.ns, e.short_name);
      e.id = j.at("id").get<std::uint32_t>();
      e.is_function = j.at("kind") == "method" || (mt && kMtFunctions.count(name));
      e.comment = plain_comment(j.value("comment", ""));
      e.generic = j.contains("generics");
      if (auto [it, fresh] = ids.emplace(e.id, name); !fresh)
        throw std::runtime_error("constructor id shared by " + it->second + " and " + name);
      const std::string type_name = j.at("type");
      if (!e.is_function) {
        auto [it, fresh] = type_by_key.emplace(key(mt, type_name), static_cast<int>(s.types.size()));
        if (fresh) {
          AbstractType t;
          t.name = type_name;
          t.is_mt = mt;
          split_name(type_name, t.ns, t.short_name);
          s.types.push_back(t);
        }
        e.type = it->second;
        s.types[e.type].ctors.push_back(static_cast<int>(s.entries.size()));
        entry_by_key[key(mt, name)] = static_cast<int>(s.entries.size());
      }
      pending.push_back(j);
      s.entries.push_back(std::move(e));
    }
  }
  std::vector<json> pending;  // raw JSON per entry, resolved once every type is known

  TypeRef resolve(bool mt, const std::string& t, const json& mods, const std::string& where) {
    TypeRef r;
    if (mods.is_object() && mods.value("isBareVector", false)) r.vector = VectorKind::Bare;
    else if (mods.is_object() && mods.value("isVector", false)) r.vector = VectorKind::Boxed;
    if (mods.is_object() && mods.value("isBareType", false)) {
      const std::uint32_t cid = mods.at("constructorId");
      for (std::size_t i = 0; i < s.entries.size(); ++i)
        if (s.entries[i].id == cid && !s.entries[i].is_function) {
          r.kind = Kind::Bare;
          r.index = static_cast<int>(i);
          return r;
        }
      throw std::runtime_error(where + ": bare type with unknown constructor id");
    }
    static const std::map<std::string, Kind> prims = {
        {"int", Kind::Int},       {"long", Kind::Long},       {"int53", Kind::Long},
        {"double", Kind::Double}, {"string", Kind::String},   {"bytes", Kind::Bytes},
        {"int128", Kind::Int128}, {"int256", Kind::Int256},   {"Bool", Kind::Bool},
        {"true", Kind::True},     {"#", Kind::Flags},         {"!X", Kind::AnyFunction},
        {"X", Kind::Generic}};
    if (auto it = prims.find(t); it != prims.end()) {
      r.kind = it->second;
      return r;
    }
    std::string bare = t;
    if (!bare.empty() && bare[0] == '%') bare = bare.substr(1);
    if (auto it = type_by_key.find(key(mt, t)); it != type_by_key.end()) {
      r.kind = Kind::Boxed;
      r.index = it->second;
      return r;
    }
    if (auto it = entry_by_key.find(key(mt, bare)); it != entry_by_key.end()) {
      r.kind = Kind::Bare;
      r.index = it->second;
      return r;
    }
    throw std::runtime_error(where + ": unknown type " + t);
  }

  void resolve_all() {
    for (std::size_t i = 0; i < s.entries.size(); ++i) {
      Entry& e = s.entries[i];
      const json& j = pending[i];
      const std::string where = e.name;
      for (const json& a : j.at("arguments")) {
        Field f;
        f.name = a.at("name");
        f.comment = plain_comment(a.value("comment", ""));
        const json mods = a.value("typeModifiers", json());
        f.type = resolve(e.is_mt, a.at("type"), mods, where + "." + f.name);
        if (mods.is_object() && mods.contains("predicate")) {
          const std::string pred = mods.at("predicate");
          const auto dot = pred.find('.');
          const std::string flag_name = pred.substr(0, dot);
          f.bit = std::stoi(pred.substr(dot + 1));
          for (std::size_t k = 0; k < e.fields.size(); ++k)
            if (e.fields[k].name == flag_name && e.fields[k].type.kind == Kind::Flags) f.flag_field = static_cast<int>(k);
          if (f.flag_field < 0 || f.bit < 0 || f.bit > 31)
            throw std::runtime_error(where + "." + f.name + ": bad predicate " + pred);
        } else if (f.type.kind == Kind::True) {
          throw std::runtime_error(where + "." + f.name + ": `true` outside a flag");
        }
        e.fields.push_back(std::move(f));
      }
      if (e.is_function) {
        const json mods = j.value("typeModifiers", json());
        e.result = resolve(e.is_mt, j.at("type"), mods, where + " result");
      }
    }
  }

  void name_everything() {
    // TL namespaces become C++ namespaces; a top-level name equal to a namespace (the
    // constructor `updates` vs namespace `updates`) and C++ keywords get a trailing underscore.
    std::set<std::string> namespaces;
    for (const Entry& e : s.entries) if (!e.ns.empty()) namespaces.insert(e.ns);
    for (const AbstractType& t : s.types) if (!t.ns.empty()) namespaces.insert(t.ns);
    auto legal = [&](const std::string& ns, const std::string& n) {
      if (kCppKeywords.count(n) || (ns.empty() && namespaces.count(n))) return n + "_";
      return n;
    };
    for (Entry& e : s.entries) {
      e.cpp_name = legal(e.ns, e.short_name);
      for (Field& f : e.fields) {
        f.cpp_name = f.name;
        if (kCppKeywords.count(f.name) || f.name == e.cpp_name || f.name.rfind("tl_", 0) == 0) f.cpp_name += "_";
      }
    }
    for (AbstractType& t : s.types) t.cpp_name = legal(t.ns, t.short_name);
    std::set<std::string> seen;
    for (const Entry& e : s.entries)
      if (!seen.insert(cpp_qualified(s, e)).second) throw std::runtime_error("C++ name clash: " + cpp_qualified(s, e));
    for (const AbstractType& t : s.types)
      if (!seen.insert(cpp_qualified(s, t)).second) throw std::runtime_error("C++ name clash: " + cpp_qualified(s, t));
  }
};

}  // namespace

std::string qualify(bool mt, const std::string& ns, const std::string& cpp_name) {
  std::string q = mt ? "::mtpipe::tl::mt::" : "::mtpipe::tl::api::";
  if (!ns.empty()) q += ns + "::";
  return q + cpp_name;
}
std::string cpp_qualified(const Schema&, const Entry& e) { return qualify(e.is_mt, e.ns, e.cpp_name); }
std::string cpp_qualified(const Schema&, const AbstractType& t) { return qualify(t.is_mt, t.ns, t.cpp_name); }

Schema load_schema(const std::string& api_path, const std::string& mtp_path, const std::string& extra_path) {
  Loader l;
  const json api = read_json(api_path);
  l.s.layer = api.at("l");
  const json mtp = read_json(mtp_path);
  const json extra = read_json(extra_path);
  l.add_entries(mtp, true, false);
  l.add_entries(extra.at("mt"), true, true);
  l.add_entries(api.at("e"), false, false);
  l.resolve_all();
  if (api.contains("u"))
    for (AbstractType& t : l.s.types)
      if (!t.is_mt && api["u"].contains(t.name)) t.comment = plain_comment(api["u"][t.name].get<std::string>());
  l.name_everything();
  return std::move(l.s);
}

}  // namespace tlgen
