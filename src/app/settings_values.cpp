#include "app/settings_values.h"

#include <array>
#include <charconv>
#include <cmath>

namespace mtpipe::app {
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

std::string_view trim_value(std::string_view text) {
  constexpr std::string_view space = " \t\r\n";
  const auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

std::optional<bool> parse_bool_value(std::string_view text) {
  const std::string word = ascii_lowercase(trim_value(text));
  if (word == "true" || word == "1" || word == "yes" || word == "on") return true;
  if (word == "false" || word == "0" || word == "no" || word == "off") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_integer_value(std::string_view text) {
  text = trim_value(text);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_number_value(std::string_view text) {
  text = trim_value(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> items;
  for (auto comma = text.find(','); comma != std::string_view::npos; comma = text.find(',')) {
    items.push_back(text.substr(0, comma));
    text.remove_prefix(comma + 1);
  }
  items.push_back(text);
  return items;
}

std::optional<std::vector<std::string>> parse_list_value(std::string_view text, std::size_t& empty_item) {
  std::vector<std::string> items;
  if (trim_value(text).empty()) return items;
  for (const auto item : split_commas(text)) {
    if (trim_value(item).empty()) {
      empty_item = items.size() + 1;
      return std::nullopt;
    }
    items.emplace_back(trim_value(item));
  }
  return items;
}

std::string format_number(double value) {
  std::array<char, 32> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc() ? std::string(buffer.data(), end) : std::to_string(value);
}

}  // namespace mtpipe::app
