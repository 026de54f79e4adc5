// What the services-labelled Redis tests share: a real redis-server, an io_context and a RedisClient on it, and a
// way to run a coroutine to its end.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>

#include "async/sleep.h"
#include "scale/redis/redis_client.h"
#include "scale/redis/redis_server_process.h"

namespace mtpipe::scale::redis {

namespace asio = boost::asio;

// Runs `io` until `done()` says so; fails instead of hanging when nothing happens for 30 s.
inline void run_until(asio::io_context& io, const std::function<bool()>& done) {
  io.restart();
  while (!done())
    if (io.run_one_for(std::chrono::seconds(30)) == 0 && !done()) throw std::runtime_error("test io_context stuck");
}

// Runs `task` on `io` until it ends and returns what it returned (or rethrows what it threw). Other work on `io`
// (a connection's read loop) runs meanwhile and stays queued.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> task) {
  auto result = asio::co_spawn(io, std::move(task), asio::use_future);
  run_until(io, [&result] { return result.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
  return result.get();
}

// Waits `period` without blocking the io_context: the pause between two polls of a bounded polling loop.
inline asio::awaitable<void> pause(std::chrono::milliseconds period) { return async::sleep_for(period); }

// The RedisError kind an exception_ptr holds; nullopt for no error or another exception.
inline std::optional<RedisError::Kind> redis_error_kind(std::exception_ptr e) {
  try {
    if (e) std::rethrow_exception(e);
  } catch (const RedisError& error) {
    return error.kind();
  } catch (...) {
  }
  return std::nullopt;
}

// Polls `probe` until it answers true, at most `attempts` times, `period` apart. Whether it ever did.
inline asio::awaitable<bool> eventually(std::function<asio::awaitable<bool>()> probe, int attempts = 400,
                                        std::chrono::milliseconds period = std::chrono::milliseconds(5)) {
  for (int i = 0; i < attempts; ++i) {
    const bool yes = co_await probe();
    if (yes) co_return true;
    co_await pause(period);
  }
  co_return false;
}

// How many clients the server holds in a blocking command (BLPOP), from INFO clients.
inline asio::awaitable<int> blocked_clients(RedisClient& observer) {
  const RedisReply info = co_await observer.command("INFO", "clients");
  const std::string& text = info.as_string();
  const auto at = text.find("blocked_clients:");
  co_return at == std::string::npos ? -1 : std::stoi(text.substr(at + 16));
}

// Lease data as old as a long-running deployment's, for LeaseStores with `prefix`: this Redis run began long ago, so
// grants are not held back by the one-TTL wait that follows a new run.
inline asio::awaitable<void> seed_old_epoch(RedisClient& redis, std::string prefix) {
  const std::string script =
      "redis.call('HSET', KEYS[1], 'run', string.match(redis.call('INFO', 'server'), 'run_id:(%x+)'), 'began', '0')";
  const std::string key = prefix + "lease-epoch";
  co_await redis.command("EVAL", script, "1", key);
}

class RedisFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::RedisServerProcess::available());
    server.emplace();
    client.emplace(io.get_executor(), parse_redis_url(server->url()));
  }

  RedisClient make_client(RedisOptions options = {}) {
    return RedisClient(io.get_executor(), parse_redis_url(server->url()), options);
  }

  asio::io_context io;
  std::optional<testing::RedisServerProcess> server;
  std::optional<RedisClient> client;
};

}  // namespace mtpipe::scale::redis
