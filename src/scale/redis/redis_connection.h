#pragma once
// One TCP connection to Redis, driven by Asio coroutines on one executor (not thread-safe: every call runs on the
// connection's executor). Any number of coroutines may have commands in flight at once: requests are written in
// the order they are issued (those issued in one turn of the event loop leave in one write) and RESP answers in
// the same order, so replies are matched first in, first out.
//
// Failure rules:
// - the connection is lost (read or write error, the server closes): every pending command fails with
//   RedisError(connection), and so does every later one; reconnecting is RedisClient's job;
// - a command's deadline passes: it fails with RedisError(timeout) and the connection is closed, failing the
//   others with RedisError(connection). The answers behind a missing answer cannot come before it, so a
//   connection that owes one is of no use any more (a stalled server, a half-open socket);
// - the caller cancels (an Asio cancellation slot): the command fails with async::Cancelled, as the rest of mtpipe
//   does; its answer, when it comes, is read and dropped.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scale/redis/redis_commands.h"
#include "scale/redis/redis_error.h"
#include "scale/redis/redis_reply.h"
#include "scale/redis/redis_url.h"
#include "scale/redis/resp.h"

namespace mtpipe::scale::redis {

struct RedisOptions {
  std::chrono::milliseconds connect_timeout{2000};  // dial, AUTH and SELECT together
  std::chrono::milliseconds command_timeout{2000};  // per command, when the call names none
};

// What is left of `deadline` as a command timeout (at least 1 ms).
std::chrono::milliseconds time_left(std::chrono::steady_clock::time_point deadline);
// A duration as a script argument in whole milliseconds, at least 1 (Redis refuses a zero expiry).
std::string ms_text(std::chrono::milliseconds duration);

// Commands: see RedisCommands (command("GET", key), command_within(timeout, ...), command(vector)).
class RedisConnection : public std::enable_shared_from_this<RedisConnection>, public RedisCommands<RedisConnection> {
 public:
  // Dials the URL's host, then sends AUTH and SELECT when the URL asks for them. Throws RedisError: connection
  // (unreachable), timeout (connect_timeout passed), server (AUTH or SELECT refused).
  static boost::asio::awaitable<std::shared_ptr<RedisConnection>> connect(boost::asio::any_io_executor executor,
                                                                          RedisUrl url, RedisOptions options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // A request already encoded with append_command (one command).
  boost::asio::awaitable<RedisReply> send(std::string request, std::chrono::milliseconds timeout);
  std::chrono::milliseconds command_timeout() const noexcept { return options_.command_timeout; }

  // Closes the socket; every pending command fails with RedisError(connection). Idempotent. The connection keeps
  // itself alive while its socket is open, so an owner that drops it must close it.
  void close(const std::string& reason = "closed by the client");
  bool open() const noexcept { return !closed_; }
  const std::string& close_reason() const noexcept { return close_reason_; }
  // Commands sent and not yet answered (abandoned ones included: their answers are still owed).
  std::size_t pending() const noexcept { return pending_.size(); }
  const RedisUrl& url() const noexcept { return url_; }
  // Socket writes so far: commands issued together share one.
  std::uint64_t writes() const noexcept { return writes_; }

 private:
  struct Pending;
  RedisConnection(boost::asio::ip::tcp::socket socket, RedisUrl url, RedisOptions options);

  boost::asio::awaitable<void> log_in(std::chrono::steady_clock::time_point deadline);
  boost::asio::awaitable<void> read_loop(std::shared_ptr<RedisConnection> self);
  boost::asio::awaitable<void> write_loop(std::shared_ptr<RedisConnection> self);
  void kick_writer();
  void deliver(RedisReply reply);
  void close_with(RedisError::Kind kind, const std::string& reason);
  std::string where() const { return "redis " + url_.address(); }

  boost::asio::ip::tcp::socket socket_;
  RedisUrl url_;
  RedisOptions options_;
  RespParser parser_;
  std::deque<std::shared_ptr<Pending>> pending_;  // in the order the answers will come
  std::string outbox_, sending_;
  std::vector<char> read_buffer_;
  std::uint64_t writes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  std::string close_reason_;
};

}  // namespace mtpipe::scale::redis
