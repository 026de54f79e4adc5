// The generator's outputs, each written into the build tree.
#pragma once

#include <string>

#include "schema.h"

namespace tlgen {

// tl/api.h: every abstract type, constructor and method as a C++ struct.
void emit_types(const Schema& s, const std::string& path);
// tl/api_codec_N.cpp: the bare read/write functions, split into `chunks` balanced files.
void emit_codec(const Schema& s, const std::string& dir, int chunks);
// tl/api_dispatch.cpp: boxed reads per abstract type, and by id for any constructor or method.
void emit_dispatch(const Schema& s, const std::string& path);
// tl/schema_table.cpp: the schema as data, for the JSON bridge and the tests.
void emit_table(const Schema& s, const std::string& path);

// Writes `text` to `path` only when it differs, so an unchanged schema rebuilds nothing.
void write_if_changed(const std::string& path, const std::string& text);

}  // namespace tlgen
