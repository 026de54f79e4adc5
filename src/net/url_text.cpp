#include "net/url_text.h"

#include <algorithm>
#include <charconv>

namespace mtpipe::net::url_text {

std::string_view trim(std::string_view s) {
  constexpr std::string_view space = " \t\r\n";
  const auto first = s.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }

std::size_t bad_host_char(std::string_view host) {
  const bool ipv6 = host.find(':') != std::string_view::npos;
  for (std::size_t i = 0; i < host.size(); ++i) {
    const char c = host[i];
    const bool ok = ipv6 ? is_hex(c) || c == ':' || c == '.' : is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_';
    if (!ok) return i;
  }
  return std::string_view::npos;
}

std::optional<std::uint16_t> port_number(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) return std::nullopt;
  unsigned long long port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

std::optional<std::string_view> telegram_link_path(std::string_view rest) {
  for (const std::string_view host : {"t.me/", "www.t.me/", "telegram.me/", "www.telegram.me/"})
    if (istarts_with(rest, host)) return rest.substr(host.size());
  return std::nullopt;
}

}  // namespace mtpipe::net::url_text
