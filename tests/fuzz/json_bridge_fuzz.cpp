// libFuzzer target: hostile text through the JSON parser and the JSON-to-TL bridge. Bad input
// must end in json::Error or EncodeError; whatever the bridge accepts must come back unchanged
// through TL bytes -> JSON -> TL bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tl/json_bridge.h"

using namespace mtpipe::tl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::uint8_t> bytes;
  try {
    bytes = from_json(text);
  } catch (const json::Error&) {
    return 0;
  } catch (const EncodeError&) {
    return 0;
  }
  try {
    const std::string back = to_json(bytes);
    if (from_json(back) != bytes) std::abort();
    if (to_json(from_json(back)) != back) std::abort();
  } catch (const std::exception&) {
    std::abort();  // bytes the bridge wrote must always read back
  }
  return 0;
}
