#include "net/proxy_url.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "crypto/hmac.h"
#include "net/url_redaction.h"
#include "net/url_text.h"
#include "tl/base64.h"
#include "tl/hex.h"

namespace mtpipe::net {
namespace {
using namespace url_text;
using mtproto::transport::MtproxySecret;

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument(what); }

int hex_value(char c) { return is_digit(c) ? c - '0' : lower(c) - 'a' + 10; }

// `what` names the field for the error; the field's content is never quoted (it may be a password).
std::string percent_decode(std::string_view s, std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
      fail("bad percent-encoding in " + std::string(what) + " ('%' must be followed by two hex digits; write %25 for '%')");
    out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
    i += 2;
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  constexpr std::string_view digits = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    if (is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += digits[byte >> 4];
      out += digits[byte & 15];
    }
  }
  return out;
}

// Stricter than MtproxySecret::from_bytes, which takes any 17 bytes as padded: in a URL, 17 bytes not starting with
// dd (or ee, refused below for its missing domain) are a typo far more often than a deliberate secret.
bool valid_secret_layout(const std::vector<std::uint8_t>& raw) {
  return raw.size() == 16 || (raw.size() == 17 && (raw[0] == 0xdd || raw[0] == 0xee)) || (raw.size() > 17 && raw[0] == 0xee);
}

// Never quotes the secret: only its length.
MtproxySecret decode_secret(std::string_view text) {
  constexpr std::string_view forms =
      "MTProxy secret must be 32 hex digits, dd + 32, or ee + 32 + domain (or the same bytes in base64)";
  std::vector<std::uint8_t> raw;
  if (std::all_of(text.begin(), text.end(), is_hex)) {
    auto bytes = tl::from_hex(text);
    if (!bytes || !valid_secret_layout(*bytes)) fail(std::string(forms) + "; got " + std::to_string(text.size()) + " hex digits");
    raw = std::move(*bytes);
  } else {
    try {
      raw = tl::from_base64_any(text);  // links carry base64url, configs often standard base64
    } catch (const std::invalid_argument&) {
      fail(std::string(forms) + "; got " + std::to_string(text.size()) + " characters that are neither hex nor base64");
    }
    if (!valid_secret_layout(raw)) fail(std::string(forms) + "; got " + std::to_string(raw.size()) + " bytes in base64");
  }
  if (raw.size() == 17 && raw[0] == 0xee) fail("fake-TLS (ee) MTProxy secret has no domain after its 16-byte key");
  MtproxySecret secret = MtproxySecret::from_bytes(raw);
  if (secret.kind == MtproxySecret::Kind::fake_tls) {
    const auto& d = secret.fake_tls_domain;
    if (!std::all_of(d.begin(), d.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.'; }))
      fail("fake-TLS (ee) MTProxy secret: the bytes after its key are not a domain name");
  }
  return secret;
}

// Messages about a port or a host never quote them: with the '@' and host left out, a password stands where the
// port would be.
std::uint16_t parse_port(std::string_view text, std::string_view scheme) {
  if (text.empty()) fail("missing port (" + std::string(scheme) + " proxies have no default port; write host:PORT)");
  if (!std::all_of(text.begin(), text.end(), is_digit)) fail("port is not a number");
  const auto port = port_number(text);
  if (!port) fail("port out of range (1-65535)");
  return *port;
}

void check_host(std::string_view host) {
  if (host.empty()) fail("missing host");
  if (const auto bad = bad_host_char(host); bad != std::string_view::npos)
    fail("invalid character at position " + std::to_string(bad + 1) + " of the host" +
         (host.find(':') != std::string_view::npos ? " (an IPv6 address has hex digits, ':' and '.')"
                                                   : " (a host name has letters, digits, '-', '.' and '_')"));
}

// "host:port" or "[ipv6]:port".
Endpoint parse_host_port(std::string_view text, std::string_view scheme) {
  const std::string missing_port = "missing port (" + std::string(scheme) + " proxies have no default port; write host:PORT)";
  if (text.empty()) fail("missing host and port");
  std::string_view host, port_text;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) fail("unclosed '[' in IPv6 host");
    host = text.substr(1, close - 1);
    const std::string_view after = text.substr(close + 1);
    if (after.empty()) fail(missing_port);
    if (after.front() != ':') fail("unexpected text after ']' (expected :PORT)");
    port_text = after.substr(1);
    if (host.find(':') == std::string_view::npos) fail("host in brackets is not an IPv6 address");
  } else {
    const auto colons = std::count(text.begin(), text.end(), ':');
    if (colons == 0) fail(missing_port);
    if (colons > 1) fail("an IPv6 host must be written in brackets, e.g. [2001:db8::1]:1080");
    const auto colon = text.find(':');
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  check_host(host);
  return Endpoint{std::string(host), parse_port(port_text, scheme)};
}

std::string_view scheme_name(ProxyUrl::Kind kind) {
  switch (kind) {
    case ProxyUrl::Kind::socks5: return "socks5";
    case ProxyUrl::Kind::http: return "http";
    case ProxyUrl::Kind::mtproxy: return "mtproxy";
  }
  return "?";
}

void check_credentials(const ProxyUrl& p) {
  if (p.username.empty() && !p.password.empty()) fail("password without a user name");
  if (p.kind == ProxyUrl::Kind::socks5) {
    // RFC 1929: one length byte each.
    if (p.username.size() > 255) fail("SOCKS5 user name longer than 255 bytes");
    if (p.password.size() > 255) fail("SOCKS5 password longer than 255 bytes");
  }
  if (p.kind == ProxyUrl::Kind::http && p.username.find(':') != std::string::npos)
    fail("HTTP proxy user name cannot contain ':' (basic auth separates user and password with it)");
}

// scheme://[userinfo@]host:port[/]. The last '@' ends the userinfo, so an unescaped '@' or '/' in a password works.
ProxyUrl parse_authority(ProxyUrl::Kind kind, std::string_view rest) {
  ProxyUrl p;
  p.kind = kind;
  const std::string_view scheme = scheme_name(kind);
  const auto at = rest.rfind('@');
  const std::string_view userinfo = at == std::string_view::npos ? std::string_view() : rest.substr(0, at);
  std::string_view hostport = at == std::string_view::npos ? rest : rest.substr(at + 1);
  if (!hostport.empty() && hostport.back() == '/') hostport.remove_suffix(1);
  if (hostport.find_first_of("/?#") != std::string_view::npos) fail("unexpected path or query after host:port");
  if (kind == ProxyUrl::Kind::mtproxy) {
    if (userinfo.empty()) fail("missing secret (write mtproxy://SECRET@host:port)");
    p.endpoint = parse_host_port(hostport, scheme);
    p.secret = decode_secret(percent_decode(userinfo, "secret"));
    return p;
  }
  if (at != std::string_view::npos) {
    if (userinfo.empty()) fail("empty user name before '@'");
    const auto colon = userinfo.find(':');
    p.username = percent_decode(userinfo.substr(0, colon), "user name");
    if (colon != std::string_view::npos) p.password = percent_decode(userinfo.substr(colon + 1), "password");
  }
  p.endpoint = parse_host_port(hostport, scheme);
  check_credentials(p);
  return p;
}

// The query of tg://proxy?..., tg://socks?... and their t.me forms.
ProxyUrl parse_link(bool socks, std::string_view query) {
  std::array<std::string_view, 5> names{"server", "port", "secret", "user", "pass"};
  std::array<std::optional<std::string>, 5> values;
  for_each_query_item(query, [&](std::string_view item) {
    const auto eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!iequals(key, names[i])) continue;
      if (values[i]) fail("parameter '" + std::string(names[i]) + "' given twice");
      values[i] = eq == std::string_view::npos ? std::string() : percent_decode(item.substr(eq + 1), "parameter '" + std::string(names[i]) + "'");
    }
  });
  const std::string_view scheme = socks ? "socks5" : "mtproxy";
  if (!values[0] || values[0]->empty()) fail("missing server parameter");
  if (!values[1] || values[1]->empty()) fail("missing port parameter");
  ProxyUrl p;
  std::string_view host = *values[0];
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  check_host(host);
  p.endpoint = Endpoint{std::string(host), parse_port(*values[1], scheme)};
  if (socks) {
    p.kind = ProxyUrl::Kind::socks5;
    if (values[3]) p.username = *values[3];
    if (values[4]) p.password = *values[4];
    check_credentials(p);
  } else {
    p.kind = ProxyUrl::Kind::mtproxy;
    if (!values[2] || values[2]->empty()) fail("missing secret parameter");
    p.secret = decode_secret(*values[2]);
  }
  return p;
}

// "proxy?..." or "socks?..." after tg:// or t.me/.
ProxyUrl parse_link_path(std::string_view path, std::string_view form) {
  const auto q = path.find('?');
  const std::string_view what = path.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view() : path.substr(q + 1);
  if (iequals(what, "proxy") || iequals(what, "proxy/")) return parse_link(false, query);
  if (iequals(what, "socks") || iequals(what, "socks/")) return parse_link(true, query);
  fail(std::string(form) + " link must be " + std::string(form) + "proxy?server=...&port=...&secret=... or " + std::string(form) +
       "socks?server=...&port=...");
}

ProxyUrl parse_trimmed(std::string_view text) {
  if (text.empty()) fail("empty");
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    if (const auto path = telegram_link_path(text)) return parse_link_path(*path, "t.me/");
    fail("missing scheme (expected socks5://, http://, mtproxy:// or tg://proxy?...)");
  }
  const std::string_view scheme = text.substr(0, sep);
  const std::string_view rest = text.substr(sep + 3);
  if (iequals(scheme, "socks5") || iequals(scheme, "socks5h")) return parse_authority(ProxyUrl::Kind::socks5, rest);
  if (iequals(scheme, "mtproxy")) return parse_authority(ProxyUrl::Kind::mtproxy, rest);
  if (iequals(scheme, "tg")) return parse_link_path(rest, "tg://");
  if (iequals(scheme, "http") || iequals(scheme, "https")) {
    if (const auto path = telegram_link_path(rest)) return parse_link_path(*path, "t.me/");
    if (iequals(scheme, "http")) return parse_authority(ProxyUrl::Kind::http, rest);
    fail("unknown scheme 'https' (HTTPS proxies are not supported; https:// is accepted for t.me/proxy links only)");
  }
  fail("unknown scheme (expected socks5://, http://, mtproxy:// or tg://proxy?...)");
}

}  // namespace

ProxyUrl parse_proxy_url(std::string_view text) {
  text = trim(text);
  try {
    return parse_trimmed(text);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("proxy URL '" + redact_proxy_text(text) + "': " + e.what());
  }
}

std::vector<ProxyUrl> parse_proxy_list(std::string_view comma_list) {
  std::vector<ProxyUrl> out;
  std::size_t index = 0;
  for (const auto& item : split_proxy_list(comma_list)) {
    if (item.text.empty()) continue;
    ++index;
    try {
      out.push_back(parse_trimmed(item.text));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("proxy list item " + std::to_string(index) + ": proxy URL '" + redact_proxy_item(item) +
                                  "': " + e.what() +
                                  (item.suspect ? " (a ',' inside a password or secret splits the list: write it as %2C)" : ""));
    }
  }
  return out;
}

std::string ProxyUrl::redacted() const {
  std::string out = std::string(scheme_name(kind)) + "://";
  if (kind == Kind::mtproxy) {
    if (secret) {
      if (secret->kind == MtproxySecret::Kind::padded) out += "dd...";
      if (secret->kind == MtproxySecret::Kind::fake_tls) out += "ee...";
      out += "(secret hidden)@";
    }
  } else if (!username.empty()) {
    out += percent_encode(username);
    if (!password.empty()) out += ":***";
    out += '@';
  }
  return out + format_endpoint(endpoint);
}

std::string ProxyUrl::url() const {
  std::string out = std::string(scheme_name(kind)) + "://";
  if (kind == Kind::mtproxy) {
    if (secret) {
      if (secret->kind == MtproxySecret::Kind::padded) out += "dd";
      if (secret->kind == MtproxySecret::Kind::fake_tls) out += "ee";
      out += tl::to_hex(secret->key);
      const auto& d = secret->fake_tls_domain;
      out += tl::to_hex(std::span(reinterpret_cast<const std::uint8_t*>(d.data()), d.size()));
      out += '@';
    }
  } else if (!username.empty()) {
    out += percent_encode(username);
    if (!password.empty()) out += ":" + percent_encode(password);
    out += '@';
  }
  return out + format_endpoint(endpoint);
}

std::string ProxyUrl::identity(std::string_view key) const {
  const std::string canonical = url();
  const auto bytes = [](std::string_view text) {
    return std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  };
  const auto digest = crypto::hmac_sha256(bytes(key), bytes(canonical));
  return std::string(scheme_name(kind)) + "://" + format_endpoint(endpoint) + "#" + tl::to_hex(std::span(digest).first(8));
}

}  // namespace mtpipe::net
