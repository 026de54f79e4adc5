#include "app/tl_command.h"

#include <cstdio>
#include <iostream>
#include <iterator>

#include "tl/json_bridge.h"
#include "tl/sample.h"
#include "tl/schema_table.h"

namespace mtpipe::app {
namespace {

std::string read_input(const TlOptions& o) {
  if (!o.input.empty()) return o.input;
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

// Hex with optional whitespace, "0x" prefixes and ':' separators, as people paste it.
bool parse_hex(std::string_view text, std::vector<std::uint8_t>& out, std::string& error) {
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '0' && i + 1 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
      ++i;
      continue;
    }
    if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
    else if (!std::isspace(static_cast<unsigned char>(c)) && c != ':') {
      error = "input is not hex: unexpected '" + std::string(1, c) + "' at offset " + std::to_string(i);
      return false;
    }
  }
  if (digits.size() % 2) {
    error = "input has an odd number of hex digits";
    return false;
  }
  out.resize(digits.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(std::stoi(digits.substr(2 * i, 2), nullptr, 16));
  return true;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "mtpipe tl: %s\n", what.c_str());
  return 1;
}

}  // namespace

int tl_decode(const TlOptions& o) {
  const std::string input = read_input(o);
  std::vector<std::uint8_t> bytes;
  if (o.binary) {
    bytes.assign(input.begin(), input.end());
  } else if (std::string error; !parse_hex(input, bytes, error)) {
    return fail(error);
  }
  if (bytes.empty()) return fail("no input: give hex as an argument or on standard input");
  try {
    std::printf("%s\n", tl::to_json(bytes, !o.compact).c_str());
  } catch (const tl::DecodeError& e) {
    return fail(std::string("cannot decode: ") + e.what());
  }
  return 0;
}

int tl_encode(const TlOptions& o) {
  try {
    const std::vector<std::uint8_t> bytes = tl::from_json(read_input(o));
    for (std::uint8_t b : bytes) std::printf("%02x", b);
    std::printf("\n");
  } catch (const tl::json::Error& e) {
    return fail(std::string("cannot encode: ") + e.what());
  } catch (const tl::EncodeError& e) {
    return fail(std::string("cannot encode: ") + e.what());
  }
  return 0;
}

int tl_sample(const std::string& name, const TlOptions& o) {
  const tl::schema::Entry* e = tl::schema::find(std::string_view(name));
  if (!e) return fail("no constructor or method named \"" + name + "\" in layer " + std::to_string(tl::schema::layer()));
  const auto bytes = tl::sample(*e, o.minimal ? tl::Fill::Minimal : tl::Fill::Populated);
  std::printf("%s\n", tl::to_json(bytes, !o.compact).c_str());
  return 0;
}

}  // namespace mtpipe::app
