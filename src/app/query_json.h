#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mtpipe::app {

// The boxed query of API method `method` with its fields from the JSON object `params` (what `mtpipe call` and
// `mtpipe load` take on their command lines). Throws std::invalid_argument saying what is wrong: an unknown
// method, parameters that are not an object, or a JSON or TL error in them.
std::vector<std::uint8_t> query_from_json(std::string_view method, std::string_view params);

}  // namespace mtpipe::app
