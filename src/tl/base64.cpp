#include "tl/base64.h"

#include <stdexcept>

namespace mtpipe::tl {
namespace {

constexpr std::string_view kStandard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Which characters a decoder takes for the values 62 and 63, and what to call the alphabet in an error.
struct DecodeAlphabet {
  std::string_view for_62, for_63, name;
};

int sextet(char c, const DecodeAlphabet& a) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (a.for_62.find(c) != std::string_view::npos) return 62;
  if (a.for_63.find(c) != std::string_view::npos) return 63;
  return -1;
}

[[noreturn]] void refuse(const std::string& why) { throw std::invalid_argument(why); }

std::vector<std::uint8_t> decode(std::string_view text, const DecodeAlphabet& a) {
  const std::size_t padded_size = text.size();
  std::size_t padding = 0;
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
    ++padding;
  }
  if (padding > 2 || (padding > 0 && padded_size % 4 != 0))
    refuse("misplaced '=' padding in " + std::string(a.name) + " (at offset " + std::to_string(text.size()) + ")");
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int v = sextet(text[i], a);
    if (v < 0) refuse("a character that is not " + std::string(a.name) + " (at offset " + std::to_string(i) + ")");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  // Checked after the characters: a stray character is the likelier mistake and the more useful message.
  if (text.size() % 4 == 1)
    refuse(std::to_string(text.size()) + " " + std::string(a.name) +
           " characters (without padding) are not a whole number of bytes");
  return out;
}

}  // namespace

std::string to_base64(std::span<const std::uint8_t> bytes, Base64Alphabet alphabet, Base64Padding padding) {
  const std::string_view digits = alphabet == Base64Alphabet::url ? kUrl : kStandard;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const std::uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += digits[(acc >> bits) & 63];
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0) out += digits[(acc << (6 - bits)) & 63];
  if (padding == Base64Padding::with)
    while (out.size() % 4 != 0) out += '=';
  return out;
}

std::string to_base64(std::string_view text, Base64Alphabet alphabet, Base64Padding padding) {
  return to_base64(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), alphabet, padding);
}

std::vector<std::uint8_t> from_base64(std::string_view text, Base64Alphabet alphabet) {
  if (alphabet == Base64Alphabet::url) return decode(text, {"-", "_", "base64url"});
  return decode(text, {"+", "/", "base64"});
}

std::vector<std::uint8_t> from_base64_any(std::string_view text) { return decode(text, {"+-", "/_", "base64 or base64url"}); }

}  // namespace mtpipe::tl
