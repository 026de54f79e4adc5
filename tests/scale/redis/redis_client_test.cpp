// RedisConnection and RedisClient against a real redis-server: replies of every type, pipelining, typed errors,
// AUTH and SELECT, deadlines, cancellation, a server killed under pending commands, scripts.
#include "scale/redis/redis_client.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <string>
#include <vector>

#include "async/cancelled.h"
#include "mtproto/connection/call_error.h"
#include "scale/redis/redis_fixture.h"

namespace mtpipe::scale::redis {
namespace {
using std::chrono::milliseconds;
using RedisClientTest = RedisFixture;

// What a command threw: the RedisError, or nullopt when it answered.
template <class Command>
asio::awaitable<std::optional<RedisError>> error_of(Command command) {
  try {
    co_await command();
  } catch (const RedisError& e) {
    co_return e;
  }
  co_return std::nullopt;
}

// PING's answer, for tests that check a client works (again).
asio::awaitable<std::string> ping(RedisClient& client) {
  const RedisReply reply = co_await client.command("PING");
  co_return reply.as_string();
}

TEST_F(RedisClientTest, RepliesOfEveryTypeRoundTrip) {
  auto body = [&]() -> asio::awaitable<void> {
    const RedisReply set = co_await client->command("SET", "greeting", "hello");
    EXPECT_EQ(set.type, RedisReply::Type::status);
    EXPECT_EQ(set.as_string(), "OK");
    const RedisReply get = co_await client->command("GET", "greeting");
    EXPECT_EQ(get.type, RedisReply::Type::string);
    EXPECT_EQ(get.as_string(), "hello");
    const RedisReply missing = co_await client->command("GET", "nobody");
    EXPECT_TRUE(missing.is_nil());
    const RedisReply pushed = co_await client->command("RPUSH", "list", "a", "", "c");
    EXPECT_EQ(pushed.as_integer(), 3);
    const RedisReply range = co_await client->command("LRANGE", "list", "0", "-1");
    const auto& items = range.as_array(3);
    EXPECT_EQ(items[0].as_string(), "a");
    EXPECT_EQ(items[1].as_string(), "");
    EXPECT_EQ(items[2].as_string(), "c");
    // Arguments are binary: CR, LF and NUL survive the way there and back.
    const std::string binary("\r\n\0\xff", 4);
    const std::vector<std::string> set_binary{"SET", "binary", binary};
    co_await client->command(set_binary);
    const RedisReply back = co_await client->command("GET", "binary");
    EXPECT_EQ(back.as_string(), binary);
  };
  run(io, body());
  EXPECT_EQ(client->stats().connects, 1u);
}

TEST_F(RedisClientTest, HundredConcurrentCommandsArePipelinedAndEachGetsItsOwnReply) {
  auto connect = [&]() -> asio::awaitable<std::shared_ptr<RedisConnection>> {
    co_return co_await RedisConnection::connect(io.get_executor(), parse_redis_url(server->url()), RedisOptions{});
  };
  const auto connection = run(io, connect());
  constexpr std::size_t kCommands = 100;
  std::vector<std::string> replies(kCommands);
  std::size_t answered = 0, in_flight = 0;
  auto echo = [&](std::size_t i) -> asio::awaitable<void> {
    const std::vector<std::string> command{"ECHO", "value-" + std::to_string(i)};
    const RedisReply reply = co_await connection->command(command);
    replies[i] = reply.as_string();
    ++answered;
  };
  for (std::size_t i = 0; i < kCommands; ++i) asio::co_spawn(io, echo(i), asio::detached);
  // Runs once every command above has been issued and none can have been answered yet.
  asio::post(io, [&] { in_flight = connection->pending(); });
  run_until(io, [&] { return answered == kCommands; });
  EXPECT_EQ(in_flight, kCommands);
  for (std::size_t i = 0; i < kCommands; ++i) EXPECT_EQ(replies[i], "value-" + std::to_string(i));
  EXPECT_LT(connection->writes(), 5u);  // issued together, they left together: a write or two, not a hundred
  EXPECT_EQ(connection->pending(), 0u);
  connection->close();
}

TEST_F(RedisClientTest, CommandsWaitingForTheFirstConnectionShareIt) {
  std::size_t answered = 0;
  auto ping_once = [&]() -> asio::awaitable<void> {
    const std::string answer = co_await ping(*client);
    if (answer == "PONG") ++answered;
  };
  for (int i = 0; i < 10; ++i) asio::co_spawn(io, ping_once(), asio::detached);
  run_until(io, [&] { return answered == 10; });
  EXPECT_EQ(client->stats().connects, 1u);
}

TEST_F(RedisClientTest, AnErrorReplyIsATypedServerErrorAndTheConnectionGoesOn) {
  auto body = [&]() -> asio::awaitable<void> {
    co_await client->command("SET", "text", "abc");
    const auto not_a_number = co_await error_of([&] { return client->command("INCR", "text"); });
    EXPECT_TRUE(not_a_number && not_a_number->kind() == RedisError::Kind::server);
    EXPECT_TRUE(not_a_number && not_a_number->server_code() == "ERR") << not_a_number->what();
    const auto wrong_type = co_await error_of([&] { return client->command("LPUSH", "text", "x"); });
    EXPECT_TRUE(wrong_type && wrong_type->server_code() == "WRONGTYPE");
    const RedisReply pong = co_await client->command("PING");
    EXPECT_EQ(pong.as_string(), "PONG");
    // Inside an array an error is a value: EXEC reports each queued command's outcome.
    co_await client->command("MULTI");
    co_await client->command("INCR", "text");
    co_await client->command("SET", "other", "1");
    const RedisReply exec = co_await client->command("EXEC");
    const auto& outcomes = exec.as_array(2);
    EXPECT_EQ(outcomes[0].type, RedisReply::Type::error);
    EXPECT_EQ(outcomes[1].as_string(), "OK");
  };
  run(io, body());
  EXPECT_EQ(client->stats().connects, 1u);
}

TEST_F(RedisClientTest, AKilledServerFailsEveryPendingCommandAndTheNextCommandReconnects) {
  RedisClient observer = make_client();
  std::vector<std::exception_ptr> outcomes;
  auto issue = [&](std::vector<std::string> command) -> asio::awaitable<void> {
    co_await client->command(command, milliseconds(60'000));
  };
  const auto record = [&](std::exception_ptr e) { outcomes.push_back(e); };
  // BLPOP blocks the connection on the server; the GETs behind it wait their turn, unanswered.
  asio::co_spawn(io, issue({"BLPOP", "never-filled", "0"}), record);
  for (int i = 0; i < 5; ++i) asio::co_spawn(io, issue({"GET", "k"}), record);
  auto one_blocked = [&]() -> asio::awaitable<bool> { co_return co_await blocked_clients(observer) == 1; };
  ASSERT_TRUE(run(io, eventually(one_blocked)));
  ASSERT_TRUE(outcomes.empty());

  server->kill();
  run_until(io, [&] { return outcomes.size() == 6; });
  for (const auto& outcome : outcomes) EXPECT_EQ(redis_error_kind(outcome), RedisError::Kind::connection);
  EXPECT_FALSE(client->connected());

  server->restart();
  EXPECT_EQ(run(io, ping(*client)), "PONG");
  EXPECT_EQ(client->stats().connects, 2u);
}

TEST_F(RedisClientTest, ACommandPastItsDeadlineTimesOutAndItsConnectionIsReplaced) {
  ASSERT_EQ(run(io, ping(*client)), "PONG");  // connected first: the 50 ms below are the BLPOP's alone
  std::exception_ptr behind;
  bool behind_done = false;
  auto blocked_get = [&]() -> asio::awaitable<void> { co_await client->command_within(milliseconds(60'000), "GET", "k"); };
  auto body = [&]() -> asio::awaitable<void> {
    const auto late = co_await error_of([&] { return client->command_within(milliseconds(50), "BLPOP", "never-filled", "0"); });
    EXPECT_TRUE(late && late->kind() == RedisError::Kind::timeout);
  };
  auto timed_out = asio::co_spawn(io, body(), asio::use_future);
  asio::co_spawn(io, blocked_get(), [&](std::exception_ptr e) {
    behind = e;
    behind_done = true;
  });
  run_until(io, [&] { return behind_done && timed_out.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
  timed_out.get();
  // The GET queued behind the silent BLPOP could never be answered on that connection: it failed with it.
  EXPECT_EQ(redis_error_kind(behind), RedisError::Kind::connection);
  EXPECT_FALSE(client->connected());
  EXPECT_EQ(run(io, ping(*client)), "PONG");
  EXPECT_EQ(client->stats().connects, 2u);
}

TEST_F(RedisClientTest, ACancelledCommandsReplyIsReadAndDroppedInItsTurn) {
  RedisClient pusher = make_client();
  asio::cancellation_signal cancel;
  std::exception_ptr outcome;
  bool done = false;
  auto blpop = [&]() -> asio::awaitable<void> { co_await client->command_within(milliseconds(60'000), "BLPOP", "queue", "0"); };
  asio::co_spawn(io, blpop(), asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) {
                   outcome = e;
                   done = true;
                 }));
  auto one_blocked = [&]() -> asio::awaitable<bool> { co_return co_await blocked_clients(pusher) == 1; };
  ASSERT_TRUE(run(io, eventually(one_blocked)));
  cancel.emit(asio::cancellation_type::terminal);
  run_until(io, [&] { return done; });
  EXPECT_TRUE(async::is_cancellation(outcome));
  // The server still owes the BLPOP's answer on that connection; once it comes it must not be taken for PING's.
  auto after = [&]() -> asio::awaitable<std::string> {
    co_await pusher.command("LPUSH", "queue", "item");
    const RedisReply reply = co_await client->command("PING");
    co_return reply.as_string();
  };
  EXPECT_EQ(run(io, after()), "PONG");
  EXPECT_EQ(client->stats().connects, 1u);
}

TEST_F(RedisClientTest, AuthAndSelectComeFromTheUrl) {
  testing::RedisServerProcess secured({"--requirepass", "s3cret"});
  const auto client_for = [&](const std::string& credentials, int db = 0) {
    return RedisClient(io.get_executor(), parse_redis_url(secured.url(credentials, db)));
  };
  RedisClient db3 = client_for(":s3cret", 3), db0 = client_for(":s3cret"), anonymous = client_for("");
  RedisClient wrong = client_for(":hunter2"), alice = client_for("alice:wonderland");
  auto body = [&]() -> asio::awaitable<void> {
    co_await db3.command("SET", "where", "db3");
    const RedisReply in_db3 = co_await db3.command("GET", "where");
    EXPECT_EQ(in_db3.as_string(), "db3");
    const RedisReply in_db0 = co_await db0.command("GET", "where");
    EXPECT_TRUE(in_db0.is_nil());

    const auto no_auth = co_await error_of([&] { return anonymous.command("PING"); });
    EXPECT_TRUE(no_auth && no_auth->server_code() == "NOAUTH");
    const auto refused = co_await error_of([&] { return wrong.command("PING"); });
    EXPECT_TRUE(refused && refused->kind() == RedisError::Kind::server && refused->server_code() == "WRONGPASS");
    EXPECT_TRUE(refused && std::string(refused->what()).find("AUTH failed") != std::string::npos);
    EXPECT_TRUE(refused && std::string(refused->what()).find("hunter2") == std::string::npos) << refused->what();

    co_await db0.command("ACL", "SETUSER", "alice", "on", ">wonderland", "~*", "+@all");
    const RedisReply pong = co_await alice.command("PING");
    EXPECT_EQ(pong.as_string(), "PONG");
  };
  run(io, body());
  EXPECT_EQ(wrong.stats().connects, 0u);
}

TEST(RedisClientOffline, NobodyListeningIsAConnectionError) {
  asio::io_context io;
  RedisClient client(io.get_executor(), parse_redis_url("redis://127.0.0.1:" + std::to_string(testing::free_loopback_port())));
  std::optional<RedisError::Kind> kind;
  try {
    run(io, ping(client));
  } catch (const RedisError& e) {
    kind = e.kind();
  }
  EXPECT_EQ(kind, RedisError::Kind::connection);
  EXPECT_EQ(client.stats().connects, 0u);
}

TEST_F(RedisClientTest, ScriptsRunBySha1AndAreLoadedWhenTheServerLacksThem) {
  static const RedisScript echo("return {KEYS[1], ARGV[1]}");
  static const RedisScript broken("return redis.call('INCR')");
  const std::vector<std::string> keys{"the-key"}, args{"the-arg"};
  auto body = [&]() -> asio::awaitable<void> {
    const RedisReply loaded = co_await client->command("SCRIPT", "LOAD", echo.source());
    EXPECT_EQ(loaded.as_string(), echo.sha1());  // our SHA-1 is the server's
    co_await client->command("SCRIPT", "FLUSH");
    const RedisReply first = co_await client->eval(echo, keys, args);
    EXPECT_EQ(first.as_array(2)[0].as_string(), "the-key");
    EXPECT_EQ(first.as_array(2)[1].as_string(), "the-arg");
    EXPECT_EQ(client->stats().script_loads, 1u);
    co_await client->eval(echo, keys, args);
    EXPECT_EQ(client->stats().script_loads, 1u);
    co_await client->command("SCRIPT", "FLUSH");
    co_await client->eval(echo, keys, args);
    EXPECT_EQ(client->stats().script_loads, 2u);
    const auto failed = co_await error_of([&] { return client->eval(broken, keys, args); });
    EXPECT_TRUE(failed && failed->kind() == RedisError::Kind::server);
  };
  run(io, body());
}

}  // namespace
}  // namespace mtpipe::scale::redis
