// Builds serialised sample instances of any schema entry from the schema table alone,
// independently of the generated code: the populated form (every flag set, every vector
// non-empty, near the top) and the minimal form (no flags, empty vectors). `mtpipe tl sample`
// shows them as JSON templates; the schema-wide tests, fuzz seeds and self-check use them too.
#pragma once

#include <cstdint>
#include <vector>

#include "tl/schema_table.h"

namespace mtpipe::tl {

enum class Fill { Populated, Minimal };

std::vector<std::uint8_t> sample(const schema::Entry& e, Fill fill, std::uint64_t seed = 1);

}  // namespace mtpipe::tl
