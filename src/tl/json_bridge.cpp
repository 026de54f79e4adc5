#include "tl/json_bridge.h"

#include <bit>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <limits>

#include "tl/hex.h"
#include "tl/schema_table.h"

namespace mtpipe::tl {
namespace {

using schema::Kind;
using schema::TypeRef;
using schema::VectorKind;

const std::uint64_t kCanonicalNaN = std::bit_cast<std::uint64_t>(std::numeric_limits<double>::quiet_NaN());

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
json::Value obj_with_name(std::string_view name) {
  json::Object o;
  o.emplace_back("_", json::Value{std::string(name)});
  return json::Value{std::move(o)};
}

// ---- binary to JSON ----------------------------------------------------------------------

class ToJson {
 public:
  explicit ToJson(Reader& r) : r_(r) {}

  // A value of a known type: what a method's result type says (a Vector<long> has no constructor ids).
  json::Value typed(const TypeRef& t) { return t.kind == Kind::Generic ? any() : value(t); }

  // Anything that may stand where an unknown object is expected.
  json::Value any() {
    Reader::Nest nest(r_);
    const std::uint32_t id = r_.u32();
    switch (id) {
      case kGzipPackedId: return r_.gzipped([](Reader& in) { return ToJson(in).any(); });
      case kMsgContainerId: return container();
      case kRpcResultId: return rpc_result();
      case kMsgCopyId: {
        json::Value v = obj_with_name("msg_copy");
        auto& o = std::get<json::Object>(v.v);
        o.emplace_back("orig_message", message());
        return v;
      }
    }
    const schema::Entry* e = schema::find(id);
    if (!e) r_.fail_unknown(id, "any constructor or method");
    return entry(*e);
  }

 private:
  json::Value entry(const schema::Entry& e) {
    json::Value v = obj_with_name(e.name);
    auto& o = std::get<json::Object>(v.v);
    const auto fields = e.fields();
    std::vector<std::uint32_t> flags(fields.size(), 0);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const schema::Field& f = fields[i];
      if (f.type.kind == Kind::Flags) {
        flags[i] = r_.u32();
        continue;
      }
      if (f.flag_field >= 0 && !(flags[f.flag_field] & (1u << f.bit))) continue;
      o.emplace_back(std::string(f.name), f.type.kind == Kind::True ? json::Value{true} : value(f.type));
    }
    return v;
  }

  json::Value value(const TypeRef& t) {
    if (t.vector == VectorKind::None) return element(t);
    const std::size_t min_size = t.kind == Kind::Long || t.kind == Kind::Double ? 8 : t.kind == Kind::Bare ? 1 : 4;
    const std::uint32_t n = t.vector == VectorKind::Boxed ? r_.vector_count(min_size) : r_.bare_vector_count(min_size);
    json::Array a;
    a.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) a.push_back(element(t));
    return json::Value{std::move(a)};
  }

  json::Value element(const TypeRef& t) {
    switch (t.kind) {
      case Kind::Int: return json::Value{std::int64_t{r_.i32()}};
      case Kind::Long: return json::Value{r_.i64()};
      case Kind::Double: return double_value(r_.f64());
      case Kind::String: {
        std::string s = r_.string();
        if (json::valid_utf8(s)) return json::Value{std::move(s)};
        json::Object o;
        o.emplace_back("hex", json::Value{to_hex(as_bytes(s))});
        return json::Value{std::move(o)};
      }
      case Kind::Bytes: return json::Value{to_hex(as_bytes(r_.bytes_view()))};
      case Kind::Int128: return json::Value{to_hex(r_.int128())};
      case Kind::Int256: return json::Value{to_hex(r_.int256())};
      case Kind::Bool: return json::Value{r_.boolean()};
      case Kind::Bare: return entry(schema::entries()[t.index]);
      case Kind::Boxed: return boxed(&schema::types()[t.index], false);
      case Kind::AnyFunction: return boxed(nullptr, true);
      case Kind::True:
      case Kind::Flags:
      case Kind::Generic: break;
    }
    r_.fail("schema field of unexpected kind");
  }

  // JSON has one NaN; any other NaN bit pattern is kept as "NaN:<64-bit hex>" to stay lossless.
  static json::Value double_value(double d) {
    const auto bits = std::bit_cast<std::uint64_t>(d);
    if (!std::isnan(d) || bits == kCanonicalNaN) return json::Value{d};
    char text[32];
    std::snprintf(text, sizeof text, "NaN:%016llx", static_cast<unsigned long long>(bits));
    return json::Value{std::string(text)};
  }

  // A boxed constructor of `type`, or a method when `function` is set.
  json::Value boxed(const schema::Type* type, bool function) {
    Reader::Nest nest(r_);
    const std::uint32_t id = r_.u32();
    if (id == kGzipPackedId) return r_.gzipped([&](Reader& in) { return ToJson(in).boxed(type, function); });
    const schema::Entry* e = schema::find(id);
    const bool ok = e && e->is_function == function && (function || &schema::types()[e->type] == type);
    if (!ok) r_.fail_unknown(id, function ? "any method" : type->name);
    return entry(*e);
  }

  // message msg_id:long seqno:int bytes:int body:Object
  json::Value message() {
    json::Value v{json::Object{}};
    auto& o = std::get<json::Object>(v.v);
    o.emplace_back("msg_id", json::Value{r_.i64()});
    o.emplace_back("seqno", json::Value{std::int64_t{r_.i32()}});
    const std::int32_t len = r_.i32();
    if (len < 0 || len % 4) r_.fail("message body length " + std::to_string(len) + " is invalid");
    o.emplace_back("body", any_or_raw(r_.raw(static_cast<std::size_t>(len))));
    return v;
  }

  json::Value container() {
    json::Value v = obj_with_name("msg_container");
    const std::uint32_t n = r_.bare_vector_count(16);
    json::Array msgs;
    for (std::uint32_t i = 0; i < n; ++i) msgs.push_back(message());
    std::get<json::Object>(v.v).emplace_back("messages", json::Value{std::move(msgs)});
    return v;
  }

  // rpc_result req_msg_id:long result:Object — the result runs to the end of its message.
  json::Value rpc_result() {
    json::Value v = obj_with_name("rpc_result");
    auto& o = std::get<json::Object>(v.v);
    o.emplace_back("req_msg_id", json::Value{r_.i64()});
    o.emplace_back("result", any_or_raw(r_.raw(r_.remaining())));
    return v;
  }

  // A body of unknown type: decoded when it is a known object using all its bytes, else raw.
  json::Value any_or_raw(std::span<const std::uint8_t> body) {
    try {
      Reader inner(body, r_.offset() - body.size(), r_.depth());
      json::Value v = ToJson(inner).any();
      if (inner.at_end()) return v;
    } catch (const DecodeError&) {
    }
    json::Value v = obj_with_name("raw");
    std::get<json::Object>(v.v).emplace_back("hex", json::Value{to_hex(body)});
    return v;
  }

  Reader& r_;
};

// ---- JSON to binary ----------------------------------------------------------------------

class FromJson {
 public:
  explicit FromJson(Writer& w) : w_(w) {}

  void any(const json::Value& v) {
    const std::string& name = type_name(v);
    if (name == "msg_container") return container(v);
    if (name == "rpc_result") return rpc_result(v);
    if (name == "raw") return w_.raw(unhex(member(v, "hex"), 0));
    if (name == "msg_copy") {
      w_.u32(kMsgCopyId);
      return message(member(v, "orig_message"));
    }
    const schema::Entry* e = schema::find(std::string_view(name));
    if (!e) fail("unknown constructor or method \"" + name + "\"");
    w_.u32(e->id);
    entry(v, *e);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::string where;
    for (const std::string& p : path_) where += (where.empty() || p[0] == '[' ? "" : ".") + p;
    throw json::Error(where.empty() ? what : where + ": " + what);
  }
  struct Step {
    Step(FromJson& f, std::string p) : f_(f) { f_.path_.push_back(std::move(p)); }
    ~Step() { f_.path_.pop_back(); }
    FromJson& f_;
  };

  // A field counts as given unless it is missing, null, or a `true` flag written as false.
  static bool is_set(const json::Value* v, Kind kind) {
    if (!v || v->is_null()) return false;
    const auto* b = std::get_if<bool>(&v->v);
    return kind != Kind::True || !b || *b;
  }

  const std::string& type_name(const json::Value& v) const {
    const json::Value* n = v.is_object() ? v.find("_") : nullptr;
    if (!n || !n->is_string()) fail(std::string("expected an object with a \"_\" name, got ") + v.kind());
    return n->string();
  }
  const json::Value& member(const json::Value& v, std::string_view key) const {
    const json::Value* m = v.find(key);
    if (!m) fail("missing field \"" + std::string(key) + "\"");
    return *m;
  }

  void entry(const json::Value& v, const schema::Entry& e) {
    Step step(*this, std::string(e.name));
    const auto fields = e.fields();
    for (const auto& [key, val] : v.object()) {
      if (key == "_") continue;
      bool known = false;
      for (const schema::Field& f : fields) known |= f.name == key;
      if (!known) fail("unknown field \"" + key + "\"");
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const schema::Field& f = fields[i];
      const json::Value* fv = v.find(f.name);
      const bool present = is_set(fv, f.type.kind);
      if (f.type.kind == Kind::Flags) {
        // Fields sharing a bit must all be given or none, or the bytes would not read back.
        std::uint32_t word = 0, missing = 0;
        for (const schema::Field& g : fields) {
          if (g.flag_field != static_cast<int>(i)) continue;
          (is_set(v.find(g.name), g.type.kind) ? word : missing) |= 1u << g.bit;
        }
        if (const std::uint32_t mixed = word & missing) {
          std::string names;
          const int bit = std::countr_zero(mixed);
          for (const schema::Field& g : fields)
            if (g.flag_field == static_cast<int>(i) && g.bit == bit) names += (names.empty() ? "" : ", ") + std::string(g.name);
          fail("fields " + names + " share flag bit " + std::to_string(bit) + ": give all of them or none");
        }
        w_.u32(word);
        continue;
      }
      if (f.type.kind == Kind::True) {
        if (fv && !std::holds_alternative<bool>(fv->v)) {
          Step s(*this, std::string(f.name));
          fail(std::string("expected true or false, got ") + fv->kind());
        }
        continue;
      }
      if (!present) {
        if (f.flag_field >= 0) continue;
        fail("missing field \"" + std::string(f.name) + "\"");
      }
      Step s(*this, std::string(f.name));
      value(*fv, f.type);
    }
  }

  void value(const json::Value& v, const TypeRef& t) {
    if (t.vector == VectorKind::None) return element(v, t);
    if (!v.is_array()) fail(std::string("expected an array, got ") + v.kind());
    const auto& a = v.array();
    if (t.vector == VectorKind::Boxed) w_.vector_header(a.size());
    else w_.count32(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      Step s(*this, "[" + std::to_string(i) + "]");
      element(a[i], t);
    }
  }

  std::int64_t integer(const json::Value& v, std::int64_t lo, std::int64_t hi) const {
    if (const auto* i = std::get_if<std::int64_t>(&v.v); i && *i >= lo && *i <= hi) return *i;
    if (const auto* u = std::get_if<std::uint64_t>(&v.v); u && hi == std::numeric_limits<std::int64_t>::max())
      return static_cast<std::int64_t>(*u);  // an unsigned spelling of a long's bits
    if (v.is_string() && hi == std::numeric_limits<std::int64_t>::max()) {
      try {
        return integer(json::parse(v.string()), lo, hi);
      } catch (const json::Error&) {
      }
    }
    fail("expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + v.kind());
  }

  std::vector<std::uint8_t> unhex(const json::Value& v, std::size_t exact) const {
    if (!v.is_string()) fail(std::string("expected a hex string, got ") + v.kind());
    auto out = from_hex(v.string());
    if (!out) fail("not a hex string of whole bytes");
    if (exact && out->size() != exact) fail("expected " + std::to_string(exact) + " bytes of hex, got " + std::to_string(out->size()));
    return std::move(*out);
  }

  void element(const json::Value& v, const TypeRef& t) {
    switch (t.kind) {
      case Kind::Int:
        return w_.i32(static_cast<std::int32_t>(integer(v, std::numeric_limits<std::int32_t>::min(),
                                                        std::numeric_limits<std::int32_t>::max())));
      case Kind::Long:
        return w_.i64(integer(v, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()));
      case Kind::Double: return w_.f64(number(v));
      case Kind::String:
        if (v.is_string()) return w_.string(v.string());
        if (v.is_object() && v.find("hex")) {
          const auto b = unhex(*v.find("hex"), 0);
          return w_.bytes(b);
        }
        fail(std::string("expected a string, got ") + v.kind());
      case Kind::Bytes: return w_.bytes(unhex(v, 0));
      case Kind::Int128: return w_.raw(unhex(v, 16));
      case Kind::Int256: return w_.raw(unhex(v, 32));
      case Kind::Bool:
        if (const auto* b = std::get_if<bool>(&v.v)) return w_.boolean(*b);
        fail(std::string("expected true or false, got ") + v.kind());
      case Kind::Bare: {
        const schema::Entry& e = schema::entries()[t.index];
        if (!v.is_object()) fail(std::string("expected an object, got ") + v.kind());
        if (const json::Value* n = v.find("_"); n && (!n->is_string() || n->string() != e.name))
          fail("expected " + std::string(e.name));
        return entry(v, e);
      }
      case Kind::Boxed:
      case Kind::AnyFunction: {
        const std::string& name = type_name(v);
        const schema::Entry* e = schema::find(std::string_view(name));
        if (!e) fail("unknown constructor \"" + name + "\"");
        if (t.kind == Kind::AnyFunction && !e->is_function) fail("\"" + name + "\" is not a method");
        if (t.kind == Kind::Boxed && (e->is_function || e->type != t.index))
          fail("\"" + name + "\" is not a " + std::string(schema::types()[t.index].name));
        w_.u32(e->id);
        return entry(v, *e);
      }
      case Kind::True:
      case Kind::Flags:
      case Kind::Generic: break;
    }
    fail("schema field of unexpected kind");
  }

  double number(const json::Value& v) const {
    if (const auto* d = std::get_if<double>(&v.v)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&v.v)) return static_cast<double>(*i);
    if (const auto* u = std::get_if<std::uint64_t>(&v.v)) return static_cast<double>(*u);
    if (v.is_string()) {
      if (v.string() == "NaN") return std::numeric_limits<double>::quiet_NaN();
      if (v.string().size() == 20 && v.string().starts_with("NaN:")) {
        std::uint64_t bits = 0;
        const char* b = v.string().data() + 4;
        if (auto [p, ec] = std::from_chars(b, b + 16, bits, 16); ec == std::errc() && p == b + 16)
          if (const auto d = std::bit_cast<double>(bits); std::isnan(d)) return d;
      }
      if (v.string() == "Infinity") return std::numeric_limits<double>::infinity();
      if (v.string() == "-Infinity") return -std::numeric_limits<double>::infinity();
    }
    fail(std::string("expected a number, got ") + v.kind());
  }

  void message(const json::Value& m) {
    w_.i64(integer(member(m, "msg_id"), std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()));
    w_.i32(static_cast<std::int32_t>(integer(member(m, "seqno"), std::numeric_limits<std::int32_t>::min(),
                                             std::numeric_limits<std::int32_t>::max())));
    Writer body;
    Step s(*this, "body");
    FromJson(body).any(member(m, "body"));
    w_.count32(body.size());
    w_.raw(body.data());
  }

  void container(const json::Value& v) {
    w_.u32(kMsgContainerId);
    Step step(*this, "msg_container");
    const json::Value& msgs = member(v, "messages");
    if (!msgs.is_array()) fail("messages must be an array");
    w_.count32(msgs.array().size());
    for (std::size_t i = 0; i < msgs.array().size(); ++i) {
      Step s(*this, "messages[" + std::to_string(i) + "]");
      message(msgs.array()[i]);
    }
  }

  void rpc_result(const json::Value& v) {
    w_.u32(kRpcResultId);
    Step step(*this, "rpc_result");
    w_.i64(integer(member(v, "req_msg_id"), std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()));
    Step s(*this, "result");
    any(member(v, "result"));
  }

  Writer& w_;
  std::vector<std::string> path_;
};

}  // namespace

json::Value to_json_value(std::span<const std::uint8_t> boxed) {
  Reader r(boxed);
  json::Value v = ToJson(r).any();
  if (!r.at_end()) r.fail(std::to_string(r.remaining()) + " bytes left after the value");
  return v;
}

std::string to_json(std::span<const std::uint8_t> boxed, bool pretty) {
  json::Writer w(pretty);
  json::write(w, to_json_value(boxed));
  return w.take();
}

std::string result_to_json(const schema::Entry& method, std::span<const std::uint8_t> answer, bool pretty) {
  Reader r(answer);
  json::Value v = ToJson(r).typed(method.result);
  if (!r.at_end()) r.fail(std::to_string(r.remaining()) + " bytes left after the result");
  json::Writer w(pretty);
  json::write(w, v);
  return w.take();
}

std::string to_json(const Object& obj, bool pretty) {
  Writer w;
  obj.tl_write(w);
  return to_json(w.data(), pretty);
}

std::vector<std::uint8_t> from_json(const json::Value& v) {
  Writer w;
  FromJson(w).any(v);
  return w.take();
}

std::vector<std::uint8_t> from_json(std::string_view text) { return from_json(json::parse(text)); }

}  // namespace mtpipe::tl
