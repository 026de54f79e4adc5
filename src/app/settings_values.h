#pragma once
// The value syntaxes of mtpipe's settings, one parser each, pure and strict: the whole text must be the value
// (no trailing junk, no "1e999", no "nan"), so a typo is refused instead of half-read. nullopt means malformed;
// ranges are the caller's.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtpipe::app {

// true/false, 1/0, yes/no, on/off, in any case.
std::optional<bool> parse_bool_value(std::string_view text);
// A decimal integer, optionally negative.
std::optional<std::int64_t> parse_integer_value(std::string_view text);
// A finite decimal number ("0.7", "2", "-1", "1.5e1").
std::optional<double> parse_number_value(std::string_view text);

// A comma list with the spaces around items trimmed. An empty item ("a,,b", "a,") is refused: nothing, and
// `empty_item` is its 1-based position. A blank text is an empty list.
std::optional<std::vector<std::string>> parse_list_value(std::string_view text, std::size_t& empty_item);

// Every item between commas as written: untrimmed, empty ones included ("a,,b" is three items).
std::vector<std::string_view> split_commas(std::string_view text);

// The shortest text that reads back as `value` ("0.7", "25", "0.05").
std::string format_number(double value);

std::string_view trim_value(std::string_view text);
// ASCII case folding (names, URL schemes and words are ASCII; the locale must not matter).
char ascii_lower(char c);
std::string ascii_lowercase(std::string_view text);

}  // namespace mtpipe::app
