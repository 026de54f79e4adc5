#include "net/url_redaction.h"

#include <algorithm>
#include <array>
#include <optional>

#include "net/url_text.h"

namespace mtpipe::net {
namespace {
using namespace url_text;
constexpr auto npos = std::string_view::npos;
constexpr std::string_view kHidden = "***";
constexpr std::size_t kShownLimit = 200;

bool is_word_char(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_'; }

bool looks_like_scheme(std::string_view s) {
  return !s.empty() && s.size() <= 16 && is_alpha(s.front()) &&
         std::all_of(s.begin(), s.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.'; });
}

// A long word without a dot is hidden: it is more likely a secret or a password written where the host goes (an
// MTProxy secret has at least 22 characters; "mtproxy://SECRET:443" left out "@host") than a host.
bool is_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return !host.empty() && bad_host_char(host) == npos && (host.find_first_of(".:") != npos || host.size() <= 20);
}

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 64)) out += c > 0x20 && c < 0x7f ? c : '?';
  return out;
}

std::string redact_query(std::string_view query) {
  std::string out;
  bool first = true;
  for_each_query_item(query, [&](std::string_view item) {
    if (!first) out += '&';
    first = false;
    const auto eq = item.find('=');
    if (item.empty() || eq == npos) {
      out += item.empty() ? "" : kHidden;
      return;
    }
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    const bool shown = (iequals(key, "server") && is_host(value)) ||
                       (iequals(key, "port") && value.size() <= 10 && std::all_of(value.begin(), value.end(), is_digit)) ||
                       (iequals(key, "user") && std::all_of(value.begin(), value.end(), is_word_char));
    const bool known = iequals(key, "server") || iequals(key, "port") || iequals(key, "user") ||
                       iequals(key, "secret") || iequals(key, "pass") || iequals(key, "password");
    if (shown) out += item;
    else if (known) out += std::string(key) + "=" + std::string(kHidden);
    else out += kHidden;
  });
  return out;
}

// The path and query of tg://proxy?... or t.me/proxy?...: the path only when it is the link's kind, since a secret
// can be written in its place (tg://proxy/SECRET).
std::string redact_link(std::string_view path_and_query) {
  const auto q = path_and_query.find('?');
  const std::string_view path = path_and_query.substr(0, q);
  const bool kind = iequals(path, "proxy") || iequals(path, "socks");
  std::string out = kind ? std::string(path) : std::string(kHidden);
  if (q != npos) out += "?" + redact_query(path_and_query.substr(q + 1));
  return out;
}

// HOST[:PORT] and what follows it: see the header for what is shown. A proxy URL has no path, so one written
// there is hidden whatever it looks like (mtproxy://host:443/SECRET).
std::string redact_host_and_rest(std::string_view rest, bool port_required, bool proxy) {
  const auto end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == npos) return std::string(kHidden);
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::string(kHidden);
      port = after.substr(1);
    }
    if (host.find(':') == npos) return std::string(kHidden);
  } else if (const auto colon = authority.find(':'); colon != npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  // A bad port hides its host too: "user:password@host" with a ',' in the password leaves "password@host" in the
  // next item, and "user:pass@word:host:1080" reads as HOST "word"; with the '@' left out HOST is the user name.
  if (!is_host(host) || (port ? !port_number(*port) : port_required)) return std::string(kHidden);
  std::string out(authority);
  if (end == npos) return out;
  const std::string_view tail = rest.substr(end);
  const auto query = tail.find('?');
  const std::string_view path = tail.substr(0, std::min(query, tail.find('#')));
  // Of another URL only a number (REDIS_URL's /DB): a database name or any other word may be a password written
  // in the wrong place, and hiding it costs nothing a reader needs.
  const bool number = path.size() > 1 && std::all_of(path.begin() + 1, path.end(), is_digit);
  const bool path_shown = path.empty() || path == "/" || (!proxy && number);
  out += path_shown ? std::string(path) : "/" + std::string(kHidden);
  if (query != npos) {
    const auto fragment = tail.find('#', query);
    out += "?" + redact_query(tail.substr(query + 1, fragment == npos ? npos : fragment - query - 1));
  }
  if (tail.find('#') != npos) out += "#" + std::string(kHidden);
  return out;
}

std::string redact(std::string_view text, bool proxy) {
  text = trim(text);
  if (text.empty()) return {};
  std::string out;
  std::string_view scheme, rest = text;
  if (const auto sep = text.find("://"); sep != npos) {
    scheme = text.substr(0, sep);
    if (!looks_like_scheme(scheme)) return std::string(kHidden);
    out = std::string(scheme) + "://";
    rest = text.substr(sep + 3);
  }
  if (iequals(scheme, "tg")) {
    out += redact_link(rest);
  } else if (const auto path = telegram_link_path(rest);
             path && (scheme.empty() || iequals(scheme, "http") || iequals(scheme, "https"))) {
    out += std::string(rest.substr(0, rest.size() - path->size())) + redact_link(*path);
  } else {
    const auto at = rest.rfind('@');
    if (at != npos) {
      const std::string_view userinfo = rest.substr(0, at);
      const auto colon = userinfo.find(':');
      const bool user_shown = colon != npos && !scheme.empty() && !iequals(scheme, "mtproxy");
      out += user_shown ? printable(userinfo.substr(0, colon)) + ":" + std::string(kHidden) : std::string(kHidden);
      out += '@';
      rest = rest.substr(at + 1);
    }
    // After user info, a HOST alone may be the rest of a password with an unescaped '@' whose host was left out.
    out += redact_host_and_rest(rest, proxy || scheme.empty() || at != npos, proxy);
  }
  if (out.size() > kShownLimit) out = out.substr(0, kShownLimit) + "...";
  return out;
}

bool starts_like_proxy_url(std::string_view item) {
  static constexpr std::array<std::string_view, 6> schemes{"socks5://", "socks5h://", "http://", "https://", "mtproxy://", "tg://"};
  return telegram_link_path(item).has_value() ||
         std::any_of(schemes.begin(), schemes.end(), [&](std::string_view s) { return istarts_with(item, s); });
}

}  // namespace

std::string redact_url_text(std::string_view text) { return redact(text, false); }
std::string redact_proxy_text(std::string_view text) { return redact(text, true); }

bool may_hold_credentials(std::string_view proxy_text) {
  return redact_proxy_text(proxy_text) != trim(proxy_text);
}

std::vector<ProxyListItem> split_proxy_list(std::string_view list) {
  std::vector<ProxyListItem> items;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    if (end == npos) end = list.size();
    items.push_back(ProxyListItem{trim(list.substr(start, end - start))});
    start = end + 1;
  }
  ProxyListItem* previous = nullptr;  // the last non-empty item
  for (auto& item : items) {
    if (item.text.empty()) continue;
    // The first item cannot be the tail of another.
    if (previous != nullptr && !starts_like_proxy_url(item.text)) item.suspect = previous->suspect = true;
    previous = &item;
  }
  return items;
}

std::string redact_proxy_item(const ProxyListItem& item) {
  if (!item.suspect) return redact_proxy_text(item.text);
  if (!starts_like_proxy_url(item.text)) return item.text.empty() ? std::string() : std::string(kHidden);
  const auto sep = item.text.find("://");
  return sep == npos ? std::string(kHidden) : std::string(item.text.substr(0, sep)) + "://" + std::string(kHidden);
}

std::string redact_proxy_list(std::string_view list) {
  std::string out;
  bool first = true;
  for (const auto& item : split_proxy_list(list)) {
    if (!first) out += ',';
    first = false;
    out += redact_proxy_item(item);
  }
  return out;
}

}  // namespace mtpipe::net
