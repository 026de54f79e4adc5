// Look-ups over the generated schema table.
#include <algorithm>

#include "tl/schema_table.h"
#include "tl/schema_table_data.h"

namespace mtpipe::tl::schema {

std::span<const Field> Entry::fields() const { return data::fields().subspan(first_field, field_count); }
std::span<const std::uint16_t> Type::ctors() const { return ctor_list().subspan(first_ctor, ctor_count); }

int layer() { return data::kLayer; }
std::span<const Entry> entries() { return data::entries(); }
std::span<const Type> types() { return data::types(); }
std::span<const std::uint16_t> ctor_list() { return data::ctor_list(); }

const Entry* find(std::uint32_t id) {
  const auto order = data::by_id();
  auto it = std::lower_bound(order.begin(), order.end(), id,
                             [](std::uint16_t i, std::uint32_t v) { return entries()[i].id < v; });
  return it != order.end() && entries()[*it].id == id ? &entries()[*it] : nullptr;
}

const Entry* find(std::string_view name) {
  const auto order = data::by_name();
  auto it = std::lower_bound(order.begin(), order.end(), name,
                             [](std::uint16_t i, std::string_view v) { return entries()[i].name < v; });
  return it != order.end() && entries()[*it].name == name ? &entries()[*it] : nullptr;
}

const Type* find_type(std::string_view name) {
  for (const Type& t : types())
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace mtpipe::tl::schema
