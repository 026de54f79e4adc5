#pragma once
// Reads and writes of a proxy handshake, with failures reported as DialError naming the step: "SOCKS5 proxy
// socks5://127.0.0.1:1080: reading the reply to CONNECT: End of file".

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <span>
#include <string_view>

namespace mtpipe::net {

// `who` names the proxy ("SOCKS5 proxy socks5://..."), `step` what was being done. Everything passed must outlive
// the call (views, not copies: a std::string built inside a co_await expression is a temporary g++ 12 may
// destroy twice).
boost::asio::awaitable<void> proxy_write(boost::asio::ip::tcp::socket& socket, std::span<const std::uint8_t> bytes,
                                         std::string_view who, const char* step);
boost::asio::awaitable<void> proxy_read(boost::asio::ip::tcp::socket& socket, std::span<std::uint8_t> bytes,
                                        std::string_view who, const char* step);

}  // namespace mtpipe::net
