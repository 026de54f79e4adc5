#include "scale/redis/redis_connection.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>

#include "async/slot.h"
#include "net/dial.h"
#include "obs/task_end.h"

namespace mtpipe::scale::redis {
namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::steady_clock;

std::chrono::milliseconds time_left(steady_clock::time_point deadline) {
  return std::max(std::chrono::ceil<std::chrono::milliseconds>(deadline - steady_clock::now()),
                  std::chrono::milliseconds(1));
}

std::string ms_text(std::chrono::milliseconds duration) {
  return std::to_string(std::max<std::int64_t>(duration.count(), 1));
}

// One command waiting for its answer until its deadline. Shared with the queue: a caller that gave up (timeout,
// cancellation) leaves its entry behind, marked abandoned, because the answer is still owed and must be read and
// dropped in its turn.
struct RedisConnection::Pending {
  async::Slot<RedisReply> reply;
  bool abandoned = false;

  bool waiting() const noexcept { return !abandoned && !reply.ready(); }
};

RedisConnection::RedisConnection(asio::ip::tcp::socket socket, RedisUrl url, RedisOptions options)
    : socket_(std::move(socket)), url_(std::move(url)), options_(options), read_buffer_(16 * 1024) {}

RedisConnection::~RedisConnection() { close("connection destroyed"); }

asio::awaitable<std::shared_ptr<RedisConnection>> RedisConnection::connect(asio::any_io_executor executor,
                                                                           RedisUrl url, RedisOptions options) {
  const auto deadline = steady_clock::now() + options.connect_timeout;
  std::optional<asio::ip::tcp::socket> socket;
  std::optional<RedisError> failure;
  const net::Endpoint to{url.host, url.port};  // a named local: a temporary inside co_await is destroyed twice (g++ 12)
  try {
    socket.emplace(co_await net::dial(executor, to, options.connect_timeout));
  } catch (const boost::system::system_error& e) {
    const auto kind = e.code() == asio::error::timed_out ? RedisError::Kind::timeout : RedisError::Kind::connection;
    failure.emplace(kind, "redis " + url.address() + ": cannot connect: " + e.code().message());
  }
  if (failure) throw *failure;
  std::shared_ptr<RedisConnection> connection(new RedisConnection(std::move(*socket), std::move(url), options));
  asio::co_spawn(executor, connection->read_loop(connection), obs::log_task_end("redis", "a connection's reader"));
  co_await connection->log_in(deadline);
  co_return connection;
}

// AUTH, then SELECT, one after the other (a connection is made rarely); a refusal closes the connection and names
// the step (the server's text never holds the password).
asio::awaitable<void> RedisConnection::log_in(steady_clock::time_point deadline) {
  std::vector<std::pair<std::string, std::string>> steps;  // what it is, its request
  if (!url_.password.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!url_.username.empty()) auth.push_back(url_.username);
    auth.push_back(url_.password);
    std::string request;
    append_command(request, auth);
    steps.emplace_back("AUTH", std::move(request));
  }
  if (url_.db != 0) {
    const std::string db = std::to_string(url_.db);
    steps.emplace_back("SELECT " + db, encode_command({"SELECT", db}));
  }
  for (auto& step : steps) {
    std::optional<RedisError> refused;
    try {
      co_await send(std::move(step.second), time_left(deadline));
    } catch (const RedisError& e) {
      refused = e.with_context(where() + ": " + step.first + " failed");
    }
    if (refused) {
      close(refused->what());
      throw *refused;
    }
  }
}

asio::awaitable<RedisReply> RedisConnection::send(std::string request, std::chrono::milliseconds timeout) {
  if (closed_) throw RedisError(RedisError::Kind::connection, where() + ": connection closed: " + close_reason_);
  const auto pending = std::make_shared<Pending>();
  const auto deadline = steady_clock::now() + timeout;
  pending_.push_back(pending);
  outbox_ += request;
  kick_writer();
  std::optional<RedisReply> reply;
  try {
    reply = co_await pending->reply.wait_until(deadline, "waiting for a redis reply");
  } catch (const async::Cancelled&) {
    pending->abandoned = true;
    throw;
  }
  if (reply) co_return std::move(*reply);
  pending->abandoned = true;
  const std::string late = "no reply within " + std::to_string(timeout.count()) + " ms";
  close("a command got " + late);
  throw RedisError(RedisError::Kind::timeout, where() + ": " + late);
}

void RedisConnection::kick_writer() {
  if (writing_ || closed_ || outbox_.empty()) return;
  writing_ = true;
  // Spawned, not run inline: commands issued in the same turn of the event loop leave in one write, and a caller
  // that cancels its command cannot cancel a write that carries other callers' commands too.
  asio::co_spawn(socket_.get_executor(), write_loop(shared_from_this()), obs::log_task_end("redis", "a connection's writer"));
}

asio::awaitable<void> RedisConnection::write_loop(std::shared_ptr<RedisConnection> /*keep_alive*/) {
  std::optional<std::string> failure;
  try {
    while (!closed_ && !outbox_.empty()) {
      sending_.clear();
      std::swap(sending_, outbox_);
      ++writes_;
      co_await asio::async_write(socket_, asio::buffer(sending_), asio::use_awaitable);
    }
  } catch (const boost::system::system_error& e) {
    failure = "write failed: " + e.code().message();
  }
  writing_ = false;
  if (failure) close(*failure);
}

asio::awaitable<void> RedisConnection::read_loop(std::shared_ptr<RedisConnection> /*keep_alive*/) {
  std::optional<RedisError> failure;
  try {
    while (!closed_) {
      const std::size_t size = co_await socket_.async_read_some(asio::buffer(read_buffer_), asio::use_awaitable);
      parser_.feed(read_buffer_.data(), size);
      while (auto reply = parser_.next()) deliver(std::move(*reply));
    }
  } catch (const RedisError& e) {
    failure = e;
  } catch (const boost::system::system_error& e) {
    const bool eof = e.code() == asio::error::eof;
    failure.emplace(RedisError::Kind::connection, eof ? "the server closed the connection" : "read failed: " + e.code().message());
  }
  if (failure) close_with(failure->kind(), failure->what());
}

void RedisConnection::deliver(RedisReply reply) {
  if (pending_.empty()) throw RedisError(RedisError::Kind::protocol, "a reply came that no command was waiting for");
  const auto pending = std::move(pending_.front());
  pending_.pop_front();
  if (pending->abandoned) return;
  if (reply.type == RedisReply::Type::error) pending->reply.set_error(std::make_exception_ptr(RedisError::server(reply.text)));
  else pending->reply.set_value(std::move(reply));
}

void RedisConnection::close(const std::string& reason) { close_with(RedisError::Kind::connection, reason); }

void RedisConnection::close_with(RedisError::Kind kind, const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  close_reason_ = reason;
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  const std::string what = where() + ": connection lost: " + reason;
  for (const auto& pending : pending_) {
    if (!pending->waiting()) continue;
    pending->reply.set_error(std::make_exception_ptr(RedisError(kind, what)));
  }
  pending_.clear();
  outbox_.clear();
}

}  // namespace mtpipe::scale::redis
