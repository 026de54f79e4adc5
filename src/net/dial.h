#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mtpipe::net {

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

// "HOST:PORT" or "[IPV6]:PORT". nullopt when malformed (no port, port out of range, empty host).
std::optional<Endpoint> parse_endpoint(std::string_view text);
// The inverse, for messages and URLs: "HOST:PORT", or "[IPV6]:PORT" when the host has a colon.
std::string format_endpoint(const Endpoint& endpoint);

// Resolves and connects with one overall deadline; TCP_NODELAY is set (MTProto is request/response).
// Throws boost::system::system_error; a deadline overrun is reported as timed_out. Arguments by value: a
// coroutine must not hold references to its caller's temporaries.
boost::asio::awaitable<boost::asio::ip::tcp::socket> dial(boost::asio::any_io_executor executor, Endpoint to,
                                                          std::chrono::milliseconds timeout);

}  // namespace mtpipe::net
