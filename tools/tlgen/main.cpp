// tlgen: turns the TL schema into C++ types, their codec, and a schema table.
// Usage: tlgen API_JSON MTP_JSON EXTRA_JSON OUT_DIR CHUNKS
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

#include "emit.h"
#include "schema.h"

namespace tlgen {
void write_if_changed(const std::string& path, const std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::ostringstream old;
    old << in.rdbuf();
    if (old.str() == text) return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}
}  // namespace tlgen

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s API_JSON MTP_JSON EXTRA_JSON OUT_DIR CHUNKS\n", argv[0]);
    return 2;
  }
  try {
    const tlgen::Schema s = tlgen::load_schema(argv[1], argv[2], argv[3]);
    const std::string dir = argv[4];
    tlgen::emit_types(s, dir + "/api.h");
    tlgen::emit_codec(s, dir, std::stoi(argv[5]));
    tlgen::emit_dispatch(s, dir + "/api_dispatch.cpp");
    tlgen::emit_table(s, dir + "/schema_table.cpp");
    std::size_t functions = 0;
    for (const auto& e : s.entries) functions += e.is_function;
    std::printf("tlgen: layer %d, %zu entries (%zu constructors, %zu methods), %zu types\n", s.layer,
                s.entries.size(), s.entries.size() - functions, functions, s.types.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tlgen: %s\n", e.what());
    return 1;
  }
  return 0;
}
