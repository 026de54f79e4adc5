// libFuzzer target: hostile bytes through the generated TL decoder and the schema-driven JSON
// bridge. Neither may crash, over-read or allocate without bound; where the typed decoder accepts
// the input, the bridge must agree on the re-encoded bytes, and re-encoding must be stable.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "tl/json_bridge.h"
#include "tl/object.h"
#include "tl/schema_table.h"

using namespace mtpipe::tl;

namespace {

// Decodes one boxed constructor or method (chosen by its id) and re-encodes it.
bool decode_encode(std::span<const std::uint8_t> in, std::vector<std::uint8_t>& out) {
  std::uint32_t id = 0;
  if (in.size() >= 4) std::memcpy(&id, in.data(), 4);
  const schema::Entry* e = schema::find(id);
  Reader r(in);
  auto obj = e && e->is_function ? object_ptr<Object>(read_any_function(r)) : read_any_object(r);
  if (!r.at_end()) return false;
  Writer w;
  obj->tl_write(w);
  out = w.take();
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> canonical;
  try {
    if (!decode_encode({data, size}, canonical)) return 0;
  } catch (const DecodeError&) {
    return 0;
  }
  // Canonical bytes (unknown flag bits and gzip wrappers dropped) must be a fixed point of the
  // typed codec and of the JSON bridge.
  std::vector<std::uint8_t> again;
  if (!decode_encode(canonical, again) || again != canonical) std::abort();
  if (from_json(to_json(canonical)) != canonical) std::abort();
  return 0;
}
