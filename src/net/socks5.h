#pragma once
// SOCKS5 client (RFC 1928): CONNECT to an IPv4, IPv6 or domain target, with no authentication or with
// username/password (RFC 1929). Used by dial_route; the socket is already connected to the proxy.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/dial.h"

namespace mtpipe::net {

// What the proxy should be told: credentials are offered only when `username` is non-empty.
struct Socks5Request {
  Endpoint target;
  std::string username, password;
};

// The CONNECT request for `target` (VER CMD RSV ATYP ADDR PORT); the address type follows the host's form.
// Throws DialError(proxy_protocol) for a domain longer than 255 bytes.
std::vector<std::uint8_t> socks5_connect_request(const Endpoint& target);

// What a reply code (RFC 1928 §6) means: "connection refused by destination host" for 5, ...
std::string_view socks5_reply_meaning(std::uint8_t code) noexcept;

// Runs the negotiation, the authentication and CONNECT over `socket` (which must outlive the call); afterwards
// the socket carries the tunnel. `proxy_name` (the redacted proxy URL) appears in errors, never the password.
// Throws DialError: proxy_auth (no acceptable method, credentials rejected), proxy_refused (a reply code other
// than success), proxy_protocol (not SOCKS5), network (the connection broke).
boost::asio::awaitable<void> socks5_connect(boost::asio::ip::tcp::socket& socket, Socks5Request request,
                                            std::string proxy_name);

}  // namespace mtpipe::net
