#include "scale/redis/redis_url.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <stdexcept>

#include "net/dial.h"
#include "net/url_redaction.h"

namespace mtpipe::scale::redis {
namespace {
constexpr auto npos = std::string_view::npos;

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument(what); }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char t) { return p == (t | 0x20); });
}

// `field` names what is decoded; its text is never quoted (it may be a password).
std::string percent_decoded(std::string_view text, std::string_view field) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned byte = static_cast<unsigned char>(text[i]);
    if (text[i] == '%') {
      const char* digits = text.data() + i + 1;
      const bool two_hex_digits = i + 2 < text.size() && std::from_chars(digits, digits + 2, byte, 16).ptr == digits + 2;
      if (!two_hex_digits) fail("bad percent-encoding in the " + std::string(field) + " ('%' must be followed by two hex digits)");
      i += 2;
    }
    out += static_cast<char>(byte);
  }
  return out;
}

std::optional<unsigned long> decimal(std::string_view text) {
  unsigned long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

void parse_userinfo(std::string_view userinfo, RedisUrl& url) {
  const auto colon = userinfo.find(':');
  if (colon == npos)
    fail("user name without a password (write redis://USER:PASSWORD@HOST, or redis://:PASSWORD@HOST for a password "
         "alone)");
  url.username = percent_decoded(userinfo.substr(0, colon), "user name");
  url.password = percent_decoded(userinfo.substr(colon + 1), "password");
  if (url.password.empty()) fail("empty password after ':' (leave out USER:PASSWORD@ for no AUTH)");
}

void check_host(std::string_view host, bool ipv6) {
  if (host.empty()) fail("missing host");
  for (const char c : host) {
    const bool alnum = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    const bool ok = alnum || c == '.' || (ipv6 ? c == ':' : c == '-' || c == '_');
    if (!ok) fail("invalid character in the host" + std::string(ipv6 ? " (IPv6 address)" : ""));
  }
}

void parse_host_port(std::string_view text, RedisUrl& url) {
  std::string_view host = text, port_text;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == npos) fail("unclosed '[' in IPv6 host");
    host = text.substr(1, close - 1);
    const std::string_view after = text.substr(close + 1);
    if (!after.empty() && after.front() != ':') fail("unexpected text after ']' (expected :PORT)");
    has_port = !after.empty();
    if (has_port) port_text = after.substr(1);
    if (host.find(':') == npos) fail("host in brackets is not an IPv6 address");
  } else if (const auto colon = text.find(':'); colon != npos) {
    if (text.find(':', colon + 1) != npos) fail("an IPv6 host must be written in brackets, e.g. redis://[::1]:6379");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    has_port = true;
  }
  check_host(host, host.find(':') != npos);
  url.host = std::string(host);
  if (!has_port) return;
  const auto port = decimal(port_text);
  if (!port) fail("port is not a number");
  if (*port == 0 || *port > 65535) fail("port out of range (1-65535)");
  url.port = static_cast<std::uint16_t>(*port);
}

int parse_db(std::string_view text) {
  if (text.empty()) return 0;  // "redis://host/" names database 0 as well
  const auto db = decimal(text);
  if (!db) fail("database is not a number (write /0, /1, ...)");
  if (*db > static_cast<unsigned long>(std::numeric_limits<int>::max())) fail("database number out of range");
  return static_cast<int>(*db);
}

RedisUrl parse(std::string_view text) {
  if (starts_with_ignoring_case(text, "rediss://")) fail("TLS (rediss://) is not supported; use redis://");
  if (starts_with_ignoring_case(text, "unix:")) fail("unix sockets are not supported; write redis://HOST[:PORT][/DB]");
  if (!starts_with_ignoring_case(text, "redis://")) fail("unknown scheme (only redis:// is supported)");
  std::string_view rest = text.substr(8);
  RedisUrl url;
  if (const auto at = rest.rfind('@'); at != npos) {
    parse_userinfo(rest.substr(0, at), url);
    rest.remove_prefix(at + 1);
  }
  if (rest.find_first_of("?#") != npos) fail("query parameters are not supported");
  if (const auto slash = rest.find('/'); slash != npos) {
    url.db = parse_db(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
  }
  parse_host_port(rest, url);
  return url;
}

}  // namespace

RedisUrl parse_redis_url(std::string_view text) {
  constexpr std::string_view space = " \t\r\n";
  const auto first = text.find_first_not_of(space);
  text = first == npos ? std::string_view() : text.substr(first, text.find_last_not_of(space) - first + 1);
  try {
    return parse(text);
  } catch (const std::invalid_argument& e) {
    throw RedisUrlError(net::redact_url_text(text), e.what());
  }
}

std::string RedisUrl::address() const { return net::format_endpoint({host, port}); }

std::string RedisUrl::to_string() const {
  std::string out = "redis://";
  if (!password.empty()) out += username + ":***@";
  out += address();
  if (db != 0) out += "/" + std::to_string(db);
  return out;
}

}  // namespace mtpipe::scale::redis
