#pragma once
// Test helpers: published vectors are written in hex.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mtpipe::crypto::test {

// Accepts upper/lower case and ignores whitespace, so dumps can be pasted as printed.
std::vector<std::uint8_t> from_hex(std::string_view hex);
std::string to_hex(std::span<const std::uint8_t> bytes);  // upper case, like the Telegram pages

}  // namespace mtpipe::crypto::test
