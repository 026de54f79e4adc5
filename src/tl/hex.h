// Lowercase hex, the text form of TL bytes in JSON, on the command line and in test corpora.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mtpipe::tl {

std::string to_hex(std::span<const std::uint8_t> bytes);
// Exactly an even number of hex digits (either case); nullopt for anything else.
std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace mtpipe::tl
