#pragma once
// HTTP CONNECT client (RFC 9110 §9.3.6) with optional Basic proxy authentication (RFC 7617). Used by dial_route;
// the socket is already connected to the proxy.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <string>

#include "net/dial.h"

namespace mtpipe::net {

struct HttpConnectRequest {
  Endpoint target;
  std::string username, password;  // Basic auth when username is non-empty
};

// Longest response header we accept: a proxy that sends more is not answering a CONNECT.
inline constexpr std::size_t kMaxHttpConnectHeader = 8192;

// "CONNECT host:port HTTP/1.1\r\nHost: host:port\r\n[Proxy-Authorization: Basic ...\r\n]\r\n" (IPv6 in brackets).
std::string http_connect_request(const HttpConnectRequest& request);

// Sends CONNECT and reads the response header, and nothing past it: the bytes after the blank line belong to
// the tunnel and stay in the socket for whoever reads next. `socket` must outlive the call. `proxy_name` (the
// redacted proxy URL) appears in errors, never the password. Throws DialError: proxy_auth (407, or 401 as tinyproxy says), proxy_refused
// (any other non-2xx: the message quotes the status line), proxy_protocol (not HTTP, or a header longer than
// kMaxHttpConnectHeader), network (the connection broke).
boost::asio::awaitable<void> http_connect(boost::asio::ip::tcp::socket& socket, HttpConnectRequest request,
                                          std::string proxy_name);

}  // namespace mtpipe::net
