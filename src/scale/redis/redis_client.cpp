#include "scale/redis/redis_client.h"

#include <exception>

#include "async/event.h"

namespace mtpipe::scale::redis {
namespace asio = boost::asio;
using std::chrono::steady_clock;

// A connect in progress. Commands that need a connection meanwhile wait for it rather than dial again, and
// share its outcome: a server that refused one of them refused them all.
struct RedisClient::Attempt {
  async::Event finished;
  std::exception_ptr failure;
};

RedisClient::RedisClient(asio::any_io_executor executor, RedisUrl url, RedisOptions options)
    : executor_(std::move(executor)), url_(std::move(url)), options_(options) {}

RedisClient::~RedisClient() { disconnect("client destroyed"); }

void RedisClient::disconnect(const std::string& reason) {
  if (connection_) connection_->close(reason);
  connection_.reset();
}

asio::awaitable<std::shared_ptr<RedisConnection>> RedisClient::live_connection(steady_clock::time_point deadline) {
  if (connected()) co_return connection_;
  if (const auto running = attempt_) {
    const bool finished = co_await running->finished.wait_until(deadline);
    if (!finished)
      throw RedisError(RedisError::Kind::timeout, "redis " + url_.address() + ": not connected within the command's timeout");
    if (running->failure) std::rethrow_exception(running->failure);
    if (connected()) co_return connection_;
    throw RedisError(RedisError::Kind::connection, "redis " + url_.address() + ": connection lost right after connecting");
  }
  const auto attempt = std::make_shared<Attempt>();
  attempt_ = attempt;
  RedisOptions options = options_;
  options.connect_timeout = std::min(options.connect_timeout, time_left(deadline));
  try {
    connection_ = co_await RedisConnection::connect(executor_, url_, options);
    ++stats_.connects;
  } catch (...) {
    attempt->failure = std::current_exception();
  }
  attempt_.reset();
  attempt->finished.notify_all();
  if (attempt->failure) std::rethrow_exception(attempt->failure);
  co_return connection_;
}

asio::awaitable<RedisReply> RedisClient::send(std::string request, std::chrono::milliseconds timeout) {
  co_return co_await send_before(std::move(request), steady_clock::now() + timeout);
}

asio::awaitable<RedisReply> RedisClient::send_before(std::string request, steady_clock::time_point deadline) {
  const auto connection = co_await live_connection(deadline);
  if (steady_clock::now() >= deadline)
    throw RedisError(RedisError::Kind::timeout, "redis " + url_.address() + ": the command's timeout passed while connecting");
  co_return co_await connection->send(std::move(request), time_left(deadline));
}

asio::awaitable<RedisReply> RedisClient::eval(const RedisScript& script, const std::vector<std::string>& keys,
                                              const std::vector<std::string>& args, Timeout timeout) {
  const std::string key_count = std::to_string(keys.size());
  std::vector<std::string_view> parts{"EVALSHA", script.sha1(), key_count};
  parts.insert(parts.end(), keys.begin(), keys.end());
  parts.insert(parts.end(), args.begin(), args.end());
  std::string evalsha;
  append_command(evalsha, parts);
  return run_script(&script, std::move(evalsha), timeout.value_or(options_.command_timeout));
}

asio::awaitable<RedisReply> RedisClient::run_script(const RedisScript* script, std::string evalsha,
                                                    std::chrono::milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  try {
    co_return co_await send_before(evalsha, deadline);
  } catch (const RedisError& e) {
    if (e.kind() != RedisError::Kind::server || e.server_code() != "NOSCRIPT") throw;
  }
  // Not in the server's cache (a restart, SCRIPT FLUSH, a new server): load it once and run it again.
  ++stats_.script_loads;
  std::string load = encode_command({"SCRIPT", "LOAD", script->source()});
  co_await send_before(std::move(load), deadline);
  co_return co_await send_before(std::move(evalsha), deadline);
}

}  // namespace mtpipe::scale::redis
