#pragma once
// The one way to reach a DC: directly, through a SOCKS5 or HTTP CONNECT proxy, or to an MTProxy.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <optional>

#include "net/dial.h"
#include "net/dial_error.h"
#include "net/proxy_url.h"

namespace mtpipe::net {

// Returns a socket on which the MTProto transport can start:
//   no proxy: connected to `dc`;
//   socks5 / http: connected to the proxy, which has opened a tunnel to `dc`;
//   mtproxy: connected to the proxy itself. MTProxy is not a tunnel: the caller sets ConnectionOptions::proxy to
//     proxy->secret and proxy_dc to the DC id, and the transport tells the proxy where to go.
// `timeout` covers everything: resolving, connecting and the proxy's handshake. Throws DialError; its message
// names the proxy only as ProxyUrl::redacted().
boost::asio::awaitable<boost::asio::ip::tcp::socket> dial_route(boost::asio::any_io_executor executor,
                                                                std::optional<ProxyUrl> proxy, Endpoint dc,
                                                                std::chrono::milliseconds timeout);

}  // namespace mtpipe::net
