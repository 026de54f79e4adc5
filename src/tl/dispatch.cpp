#include "tl/dispatch.h"

#include <algorithm>

namespace mtpipe::tl {
namespace detail {

const FactoryEntry* find_factory(std::uint32_t id) {
  const auto table = factories();
  auto it = std::lower_bound(table.begin(), table.end(), id,
                             [](const FactoryEntry& e, std::uint32_t v) { return e.id < v; });
  return it != table.end() && it->id == id ? &*it : nullptr;
}

namespace {
// Reads one boxed value; `accept` says whether a factory entry is of the expected kind.
template <class Accept>
object_ptr<Object> read_boxed(Reader& r, std::string_view expected, Accept accept) {
  Reader::Nest nest(r);
  const std::uint32_t id = r.u32();
  if (id == kGzipPackedId)
    return r.gzipped([&](Reader& inner) { return read_boxed(inner, expected, accept); });
  const FactoryEntry* f = find_factory(id);
  if (!f || !accept(*f)) r.fail_unknown(id, expected);
  return f->make(r);
}
}  // namespace

object_ptr<Object> read_boxed_of_type(Reader& r, std::uint16_t type, std::string_view type_name) {
  return read_boxed(r, type_name, [type](const FactoryEntry& f) { return !f.is_function && f.type == type; });
}

}  // namespace detail

object_ptr<Object> read_any_object(Reader& r) {
  return detail::read_boxed(r, "any constructor", [](const detail::FactoryEntry& f) { return !f.is_function; });
}

object_ptr<Function> read_any_function(Reader& r) {
  auto p = detail::read_boxed(r, "any method", [](const detail::FactoryEntry& f) { return f.is_function; });
  return object_ptr<Function>(static_cast<Function*>(p.release()));
}

}  // namespace mtpipe::tl
