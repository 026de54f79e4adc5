#pragma once
// The command front RedisConnection and RedisClient share: command("SET", key, value) encodes its arguments
// before it returns (it is not a coroutine) and hands the request to Derived::send(request, timeout). Each argument
// is a string literal or a named string; a braced list such as {"SET", key, value} inside a co_await does not
// compile with g++ 12, hence arguments.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scale/redis/redis_reply.h"
#include "scale/redis/resp.h"

namespace mtpipe::scale::redis {

template <class... Args>
concept CommandArguments = (std::convertible_to<const Args&, std::string_view> && ...);

template <class Derived>
class RedisCommands {
 public:
  using Timeout = std::optional<std::chrono::milliseconds>;

  // One command with the default timeout; its reply, or RedisError (an error reply: kind server, the server's text).
  template <class... Args>
    requires CommandArguments<Args...>
  boost::asio::awaitable<RedisReply> command(const Args&... args) {
    return derived().send(encode_command({std::string_view(args)...}), derived().command_timeout());
  }
  template <class... Args>
    requires CommandArguments<Args...>
  boost::asio::awaitable<RedisReply> command_within(std::chrono::milliseconds timeout, const Args&... args) {
    return derived().send(encode_command({std::string_view(args)...}), timeout);
  }
  // A command whose arguments are known only at run time.
  boost::asio::awaitable<RedisReply> command(const std::vector<std::string>& args, Timeout timeout = {}) {
    return derived().send(encode_command(args), timeout.value_or(derived().command_timeout()));
  }

 private:
  Derived& derived() { return static_cast<Derived&>(*this); }
};

}  // namespace mtpipe::scale::redis
