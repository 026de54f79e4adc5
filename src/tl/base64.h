// Base64 (RFC 4648 §4) and base64url (§5): Proxy-Authorization headers, MTProxy secrets given in base64, Telethon
// string sessions. It sits here, next to hex, because this is the lowest layer: net and client both reach it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mtpipe::tl {

enum class Base64Alphabet {
  standard,  // '+' and '/' (RFC 4648 §4)
  url,       // '-' and '_' (RFC 4648 §5)
};

enum class Base64Padding { with, without };  // '=' up to a multiple of 4 characters, or none

std::string to_base64(std::span<const std::uint8_t> bytes, Base64Alphabet alphabet = Base64Alphabet::standard,
                      Base64Padding padding = Base64Padding::with);
std::string to_base64(std::string_view text, Base64Alphabet alphabet = Base64Alphabet::standard,
                      Base64Padding padding = Base64Padding::with);

// Decodes padded or unpadded text of one alphabet. Throws std::invalid_argument for a character outside the
// alphabet, misplaced '=' or a length no encoder produces; the message gives the offset but never quotes the text
// (it is often a secret). Unused low bits of the last character are ignored, as most decoders do.
std::vector<std::uint8_t> from_base64(std::string_view text, Base64Alphabet alphabet);
// The same for text of unknown origin that may use either alphabet, even mixed (an MTProxy secret copied from a
// link or a config file).
std::vector<std::uint8_t> from_base64_any(std::string_view text);

}  // namespace mtpipe::tl
