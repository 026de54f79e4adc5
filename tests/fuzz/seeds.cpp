// Writes a seed corpus for the fuzz targets: a populated and a minimal sample of every schema
// entry, as TL bytes (tl/) and as JSON (json/), and for every entry point of the mtproto fuzzer what a
// well-behaved peer sends there (mtproto/). Seeds are generated, not committed.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "mtproto_targets.h"
#include "tl/json_bridge.h"
#include "tl/sample.h"
#include "tl/schema_table.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  namespace fs = std::filesystem;
  using namespace mtpipe::tl;
  const fs::path out = argv[1];
  fs::create_directories(out / "tl");
  fs::create_directories(out / "json");
  fs::create_directories(out / "mtproto");
  std::size_t n = 0;
  for (const schema::Entry& e : schema::entries()) {
    for (Fill fill : {Fill::Populated, Fill::Minimal}) {
      const auto bytes = sample(e, fill, e.id);
      const std::string name = std::string(e.name) + (fill == Fill::Minimal ? ".min" : "");
      std::ofstream(out / "tl" / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      std::ofstream(out / "json" / name) << to_json(bytes);
      ++n;
    }
  }
  const auto mtproto_seeds = mtpipe::fuzz::mtproto_seeds();
  for (const auto& [name, bytes] : mtproto_seeds)
    std::ofstream(out / "mtproto" / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::printf("wrote %zu seeds for tl/ and json/, %zu for mtproto/ to %s\n", n, mtproto_seeds.size(), argv[1]);
  return 0;
}
