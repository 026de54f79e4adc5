#include "app/tl_command.h"

#include <cstdio>
#include <iostream>
#include <iterator>

#include "tl/hex.h"
#include "tl/json_bridge.h"
#include "tl/sample.h"
#include "tl/schema_table.h"

namespace mtpipe::app {
namespace {

std::string read_input(const TlOptions& o) {
  if (!o.input.empty()) return o.input;
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

// Hex as people paste it: whitespace, ':' separators and "0x" prefixes are dropped first.
bool parse_hex(std::string_view text, std::vector<std::uint8_t>& out, std::string& error) {
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '0' && i + 1 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X')) ++i;
    else if (!std::isspace(static_cast<unsigned char>(c)) && c != ':') digits += c;
  }
  auto bytes = tl::from_hex(digits);
  if (!bytes) {
    error = "input is not hex (an even number of hex digits was expected)";
    return false;
  }
  out = std::move(*bytes);
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
    std::printf("%s\n", tl::to_hex(bytes).c_str());
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
