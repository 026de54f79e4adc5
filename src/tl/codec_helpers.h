// Overloads through which generated code writes and reads every kind of field. Included only by
// generated sources; the choice of encoding follows from the C++ type of the field.
#pragma once

#include <concepts>
#include <optional>
#include <string>
#include <vector>

#include "tl/object.h"

namespace mtpipe::tl::detail {

// Smallest possible wire size of one element, to reject impossible vector counts early.
template <class T>
constexpr std::size_t min_wire_size() {
  if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) return 8;
  else if constexpr (std::is_same_v<T, Int128>) return 16;
  else if constexpr (std::is_same_v<T, Int256>) return 32;
  else if constexpr (std::is_base_of_v<Object, T>) return 1;  // bare: at least something
  else return 4;  // int, Bool, string/bytes (length byte + padding), boxed ids, vectors
}

inline void put(Writer& w, std::int32_t v) { w.i32(v); }
inline void put(Writer& w, std::int64_t v) { w.i64(v); }
inline void put(Writer& w, double v) { w.f64(v); }
inline void put(Writer& w, bool v) { w.boolean(v); }
inline void put(Writer& w, const std::string& v) { w.string(v); }
inline void put(Writer& w, const Int128& v) { w.int128(v); }
inline void put(Writer& w, const Int256& v) { w.int256(v); }
template <class T>
  requires std::derived_from<T, Object>
void put(Writer& w, const T& bare) {
  bare.tl_write_bare(w);
}
template <class T>
void put(Writer& w, const object_ptr<T>& p) {
  if (!p) throw EncodeError("a vector holds an empty object");
  p->tl_write(w);
}
template <class T>
void put(Writer& w, const std::vector<T>& v) {
  w.vector_header(v.size());
  for (const auto& x : v) put(w, static_cast<const T&>(x));
}
template <class T>
void put_bare_vector(Writer& w, const std::vector<T>& v) {
  w.count32(v.size());
  for (const auto& x : v) put(w, static_cast<const T&>(x));
}
// A required object field; `what` names it in the error ("message.peer_id").
template <class T>
void put_object(Writer& w, const object_ptr<T>& p, const char* what) {
  if (!p) throw EncodeError(std::string(what) + " is required but empty");
  p->tl_write(w);
}

template <class... Rest>
void same_presence(const char* what, bool first, Rest... rest) {
  if (((rest != first) || ...)) throw EncodeError(what);
}

template <class T>
object_ptr<T> make(Reader& r) {
  auto p = std::make_unique<T>();
  p->tl_read_bare(r);
  return p;
}

inline void get(Reader& r, std::int32_t& v) { v = r.i32(); }
inline void get(Reader& r, std::int64_t& v) { v = r.i64(); }
inline void get(Reader& r, double& v) { v = r.f64(); }
inline void get(Reader& r, bool& v) { v = r.boolean(); }
inline void get(Reader& r, std::string& v) { v = r.string(); }
inline void get(Reader& r, Int128& v) { v = r.int128(); }
inline void get(Reader& r, Int256& v) { v = r.int256(); }
inline void get(Reader& r, object_ptr<Function>& p) { p = read_any_function(r); }
template <class T>
  requires std::derived_from<T, Object>
void get(Reader& r, T& bare) {
  bare.tl_read_bare(r);
}
template <class T>
void get(Reader& r, object_ptr<T>& p) {
  p = T::tl_read_boxed(r);
}
template <class T>
void read_elements(Reader& r, std::vector<T>& v, std::uint32_t n) {
  v.clear();
  v.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    T x{};
    get(r, x);
    v.push_back(std::move(x));
  }
}
template <class T>
void get(Reader& r, std::vector<T>& v) {
  read_elements(r, v, r.vector_count(min_wire_size<T>()));
}
template <class T>
void get_bare_vector(Reader& r, std::vector<T>& v) {
  read_elements(r, v, r.bare_vector_count(min_wire_size<T>()));
}

}  // namespace mtpipe::tl::detail
