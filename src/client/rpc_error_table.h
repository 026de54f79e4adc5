#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mtpipe::client::detail {

// One documented RPC error (raw-errors.json), sorted by name; a name with a number uses "%d" for it.
struct KnownError {
  std::string_view name;
  std::int32_t code;
  std::string_view description;
};
extern const KnownError kKnownErrors[];
extern const std::size_t kKnownErrorCount;

}  // namespace mtpipe::client::detail
