// Accessors of the generated arrays behind tl/schema_table.h (defined in the build tree).
#pragma once

#include "tl/schema_table.h"

namespace mtpipe::tl::schema::data {

extern const int kLayer;
std::span<const Entry> entries();
std::span<const Field> fields();
std::span<const Type> types();
std::span<const std::uint16_t> ctor_list();
std::span<const std::uint16_t> by_id();    // entry indices sorted by id
std::span<const std::uint16_t> by_name();  // entry indices sorted by name

}  // namespace mtpipe::tl::schema::data
