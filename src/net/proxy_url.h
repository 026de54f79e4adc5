#pragma once
// Proxy URLs: how a user names a proxy, one URL or a comma list of them (MTPROTO_PROXIES).
// Pure parsing, no I/O. Accepted forms:
//   socks5://[user[:pass]@]host:port   SOCKS5, no auth or username/password (socks5h:// reads as socks5://)
//   http://[user[:pass]@]host:port     HTTP CONNECT, optionally with basic auth
//   mtproxy://SECRET@host:port         MTProxy
//   tg://proxy?server=H&port=P&secret=S, https://t.me/proxy?... (also http://, telegram.me, and t.me/... with no
//     scheme): the links people paste; parameters in any order, unknown ones ignored
//   tg://socks?server=H&port=P[&user=U&pass=W], https://t.me/socks?...: the SOCKS5 variant of those links
// SECRET is hex (32 digits: simple; dd + 32: padded; ee + 32 + hex domain: fake-TLS) or the same bytes in base64
// or base64url, padded or not. Every form needs a port: no proxy kind has a default. IPv6 hosts are written in
// brackets ([2001:db8::1]:1080); Endpoint::host holds them without. User and password are percent-decoded.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtproto/transport/mtproxy_secret.h"
#include "net/dial.h"

namespace mtpipe::net {

struct ProxyUrl {
  enum class Kind : std::uint8_t { socks5, http, mtproxy };

  Kind kind = Kind::socks5;
  Endpoint endpoint;
  std::string username, password;  // socks5 and http only; empty username: no authentication
  std::optional<mtproto::transport::MtproxySecret> secret;  // mtproxy only, and always set there

  // For logs: "socks5://user:***@host:1080", "mtproxy://dd...(secret hidden)@host:443". Never the password or any
  // byte of the secret.
  std::string redacted() const;
  // The canonical URL with the credentials and the secret in hex: parse_proxy_url(url()) gives this proxy back.
  // For handing the configuration on, never for logs.
  std::string url() const;
  // Which proxy this is, for keys shared with other processes (Redis): "socks5://host:1080#" and the first 8 bytes
  // of HMAC-SHA256(key, url()) in hex. Two proxies that differ only in their credentials or secret are two proxies,
  // yet neither appears. `key` is a secret every process of the deployment shares (the container passes
  // MTPROTO_API_HASH): without it, whoever reads the identity cannot test guesses of a weak password against it.
  std::string identity(std::string_view key) const;
};

// Throws std::invalid_argument naming what is wrong and quoting the URL as redact_proxy_text shows it, e.g.
// "proxy URL 'socks5://u:***@***': missing port (socks5 proxies have no default port; write host:PORT)". What
// is wrong is said without quoting any of the text (a port, a host character): with the '@' and host left out, a
// password stands where the port would be. Surrounding whitespace is ignored.
ProxyUrl parse_proxy_url(std::string_view text);

// A comma-separated list; empty items and the spaces around items are skipped. An error names the item by its
// 1-based position among the non-empty items: "proxy list item 2: proxy URL '...': ...", the item shown as
// redact_proxy_item shows it (a ',' in a password splits an item in two, and neither half is shown).
std::vector<ProxyUrl> parse_proxy_list(std::string_view comma_list);

}  // namespace mtpipe::net
