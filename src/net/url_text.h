#pragma once
// The character-level pieces of URL handling that parsing (proxy_url) and redaction (url_redaction) share. Internal
// to net. ASCII only: URLs are ASCII, and the locale must not change how one reads.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mtpipe::net::url_text {

std::string_view trim(std::string_view s);
char lower(char c);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
bool is_digit(char c);
bool is_alpha(char c);
bool is_hex(char c);

// A host name (letters, digits, '-', '.', '_') or, when it holds a ':', an IPv6 address (hex digits, ':', '.'):
// the offset of the first character that cannot be in it; npos when there is none. An empty host has none.
std::size_t bad_host_char(std::string_view host);
// 1..65535 written in decimal digits and nothing else.
std::optional<std::uint16_t> port_number(std::string_view text);
// The path after "t.me/" (or www.t.me/, telegram.me/, www.telegram.me/); nothing when `rest` is no such address.
std::optional<std::string_view> telegram_link_path(std::string_view rest);

// Calls `item` with each '&'-separated item of `query`, empty ones included.
template <class Item>
void for_each_query_item(std::string_view query, Item item) {
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    item(query.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace mtpipe::net::url_text
