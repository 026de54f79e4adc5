#pragma once
// The handle the coordination stores use: one RedisConnection, made on the first command and made again on the
// first command after it was lost. Nothing is retried: a command that failed with a lost connection may or may
// not have run, and only its caller knows whether running it twice is harmless. Lives on one executor (not
// thread-safe) and must outlive the commands it runs.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scale/redis/redis_connection.h"
#include "scale/redis/redis_script.h"

namespace mtpipe::scale::redis {

struct RedisClientStats {
  std::uint64_t connects = 0;      // connections made (the first one included)
  std::uint64_t script_loads = 0;  // SCRIPT LOADs after a NOSCRIPT
};

// Commands (RedisCommands) as on a RedisConnection, connecting first when there is no live connection; the timeout
// covers that too. Several commands waiting for the same connection share one attempt (and its failure).
class RedisClient : public RedisCommands<RedisClient> {
 public:
  RedisClient(boost::asio::any_io_executor executor, RedisUrl url, RedisOptions options = {});
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // EVALSHA of the script; on NOSCRIPT, SCRIPT LOAD and EVALSHA again. `script` must outlive the call (the
  // stores keep theirs in statics).
  boost::asio::awaitable<RedisReply> eval(const RedisScript& script, const std::vector<std::string>& keys,
                                          const std::vector<std::string>& args, Timeout timeout = {});

  // Drops the connection (pending commands fail with RedisError(connection)); the next command connects again.
  void disconnect(const std::string& reason = "closed by the client");
  bool connected() const noexcept { return connection_ && connection_->open(); }
  const RedisUrl& url() const noexcept { return url_; }
  const RedisClientStats& stats() const noexcept { return stats_; }
  std::chrono::milliseconds command_timeout() const noexcept { return options_.command_timeout; }

 private:
  friend class RedisCommands<RedisClient>;
  struct Attempt;
  boost::asio::awaitable<RedisReply> send(std::string request, std::chrono::milliseconds timeout);
  boost::asio::awaitable<RedisReply> run_script(const RedisScript* script, std::string evalsha,
                                                std::chrono::milliseconds timeout);
  boost::asio::awaitable<std::shared_ptr<RedisConnection>> live_connection(std::chrono::steady_clock::time_point deadline);
  boost::asio::awaitable<RedisReply> send_before(std::string request, std::chrono::steady_clock::time_point deadline);

  boost::asio::any_io_executor executor_;
  RedisUrl url_;
  RedisOptions options_;
  std::shared_ptr<RedisConnection> connection_;
  std::shared_ptr<Attempt> attempt_;  // the connect running now, if any
  RedisClientStats stats_;
};

}  // namespace mtpipe::scale::redis
