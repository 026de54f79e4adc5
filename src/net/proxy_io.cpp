#include "net/proxy_io.h"

#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "net/dial_error.h"

namespace mtpipe::net {
namespace asio = boost::asio;

namespace {

[[noreturn]] void fail(const boost::system::system_error& e, std::string_view who, const char* step) {
  throw DialError(classify(e.code()), std::string(who) + ": " + step + ": " + e.code().message());
}

}  // namespace

asio::awaitable<void> proxy_write(asio::ip::tcp::socket& socket, std::span<const std::uint8_t> bytes, std::string_view who,
                                  const char* step) {
  try {
    co_await asio::async_write(socket, asio::buffer(bytes.data(), bytes.size()), asio::use_awaitable);
  } catch (const boost::system::system_error& e) {
    fail(e, who, step);
  }
}

asio::awaitable<void> proxy_read(asio::ip::tcp::socket& socket, std::span<std::uint8_t> bytes, std::string_view who,
                                 const char* step) {
  try {
    co_await asio::async_read(socket, asio::buffer(bytes.data(), bytes.size()), asio::use_awaitable);
  } catch (const boost::system::system_error& e) {
    fail(e, who, step);
  }
}

}  // namespace mtpipe::net
