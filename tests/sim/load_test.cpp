// The sim as the referee of a client's load: --latency (answers late without blocking the connection), the
// per-account in-flight high-water mark, per-account/per-method/per-second request counts, the stats JSON, and
// growing FLOOD_WAIT penalties.
#include <numeric>

#include "sim/flood_limiter.h"
#include "tl/json.h"
#include "tl/serialize.h"
#include "world_helpers.h"

namespace mtpipe {
namespace {

using namespace testing;
namespace mt = tl::mt;

constexpr std::int64_t kUser = 1'000'021'234;  // 9996621234, homed on DC 2
constexpr std::int64_t kOtherUser = 1'000'031'234;  // 9996631234, homed on DC 3
const std::string kPhone = "9996621234";
const std::string kOtherPhone = "9996631234";
constexpr std::int64_t kStartNs = 1'700'000'000LL * mtproto::kNsPerSecond;

using Connection = std::shared_ptr<mtproto::Connection>;

asio::awaitable<void> nearest_dc(Connection c, std::vector<std::int32_t>* this_dcs) {
  const api::help::getNearestDc get;
  auto call = c->invoke(get, 10s);
  const auto answer = co_await std::move(call);
  this_dcs->push_back(dynamic_cast<const api::nearestDc&>(*answer).this_dc);
}

asio::awaitable<void> ping(Connection c, std::int64_t id, std::vector<std::int64_t>* pongs) {
  mt::ping p;
  p.ping_id = id;
  auto call = c->call(tl::serialize(p), 10s);
  const auto answer = co_await std::move(call);
  pongs->push_back(tl::parse_boxed<mt::pong>(answer).ping_id);
}

// Starts every task in the same turn of the event loop (so queries on one connection leave in one container,
// and the sim reads them all before it answers any) and runs `io` until all have ended; rethrows the first error.
void all_at_once(asio::io_context& io, std::vector<asio::awaitable<void>> tasks) {
  std::size_t done = 0;
  std::exception_ptr error;
  const std::size_t n = tasks.size();
  for (auto& task : tasks) {
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
      if (e && !error) error = e;
      if (++done == n) io.stop();
    });
  }
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
}

// `n` help.getNearestDc on `c` at once; the DC ids they answered.
std::vector<std::int32_t> nearest_dc_at_once(asio::io_context& io, const Connection& c, int n) {
  std::vector<std::int32_t> this_dcs;
  std::vector<asio::awaitable<void>> tasks;
  for (int i = 0; i < n; ++i) tasks.push_back(nearest_dc(c, &this_dcs));
  all_at_once(io, std::move(tasks));
  return this_dcs;
}

std::uint64_t total(const std::map<std::int64_t, std::uint64_t>& per_second) {
  return std::accumulate(per_second.begin(), per_second.end(), std::uint64_t{0},
                         [](std::uint64_t sum, const auto& entry) { return sum + entry.second; });
}

using MethodCounts = std::map<std::string, std::uint64_t, std::less<>>;

TEST(Load, LatencyDelaysAnswersButConnectionsKeepServing) {
  sim::SimOptions o;
  o.latency = sim::parse_latency("100-300");
  SimFixture sim(std::move(o));
  asio::io_context io;
  auto c = sim.connect(io, plain_intermediate(), 2);
  auto other = sim.connect(io, plain_intermediate(), 3);
  std::vector<std::int32_t> this_dcs;
  std::vector<std::int64_t> pongs;
  std::vector<asio::awaitable<void>> tasks;
  for (int i = 0; i < 10; ++i) tasks.push_back(nearest_dc(c, &this_dcs));
  tasks.push_back(ping(c, 77, &pongs));  // a service message: not delayed, answered in any order
  tasks.push_back(nearest_dc(other, &this_dcs));
  all_at_once(io, std::move(tasks));

  EXPECT_EQ(std::count(this_dcs.begin(), this_dcs.end(), 2), 10);
  EXPECT_EQ(std::count(this_dcs.begin(), this_dcs.end(), 3), 1);
  EXPECT_EQ(pongs, std::vector<std::int64_t>{77});
  const auto load = sim.server().world().load();
  EXPECT_EQ(load.methods, (MethodCounts{{"help.getNearestDc", 11}}));
  EXPECT_TRUE(load.users.empty()) << "keys that are not logged in belong to no account";
  c->close();
  other->close();
}

TEST(Load, InFlightHighWaterMarkIsWhatOneAccountSentAtOnce) {
  sim::SimOptions o;
  o.latency = sim::parse_latency("200");
  SimFixture sim(std::move(o));
  asio::io_context io;
  auto c = logged_in(sim, io, kPhone, 2);
  auto other = logged_in(sim, io, kOtherPhone, 3);
  EXPECT_EQ(nearest_dc_at_once(io, c, 5), std::vector<std::int32_t>(5, 2));
  auto& world = sim.server().world();
  EXPECT_EQ(world.max_in_flight().at(kUser), 5u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "");
  EXPECT_EQ(rpc_error_of(io, *other, api::help::getNearestDc{}), "");
  EXPECT_EQ(world.max_in_flight(), (std::map<std::int64_t, std::uint64_t>{{kUser, 5}, {kOtherUser, 1}}))
      << "sequential calls do not raise the mark";
  EXPECT_EQ(world.current_in_flight(), (std::map<std::int64_t, std::uint64_t>{{kUser, 0}, {kOtherUser, 0}}));
  c->close();
  other->close();
}

// Runs `io` until `done()` holds, at most `limit` (a generous bound: the condition is what the test waits for).
template <class Done>
bool run_until(asio::io_context& io, Done done, std::chrono::seconds limit = 20s) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  io.restart();
  while (!done() && std::chrono::steady_clock::now() < give_up) io.run_for(5ms);
  return done();
}

// A client whose connection drops re-sends its unanswered queries on the next one; the answers still delayed on
// the old connection will never be sent, so they must stop counting as in flight when it closes, not when their
// timers run out, or the re-sent queries would be counted twice.
TEST(Load, DelayedAnswersOfAClosedConnectionAreNoLongerInFlight) {
  sim::SimOptions o;
  o.latency = sim::parse_latency("600000");  // answers that would arrive long after the test
  SimFixture sim(std::move(o));
  asio::io_context io;
  auto c = sim.connect(io, plain_intermediate(), 2);
  auto& world = sim.server().world();
  // Logged in through the world, since a login over the API would wait out the latency too.
  const auto account = world.account_by_phone(kPhone);
  ASSERT_TRUE(account);
  const sim::KeyRef key{2, c->session()->key().id};
  const auto code_hash = world.send_code(*account);
  ASSERT_TRUE(std::holds_alternative<sim::AccountProfile>(world.sign_in(key, kPhone, code_hash, "22222")));
  const auto in_flight = [&] {
    const auto counts = world.current_in_flight();
    return counts.contains(kUser) ? counts.at(kUser) : 0;
  };
  std::vector<std::int32_t> never;
  for (int i = 0; i < 3; ++i) asio::co_spawn(io, nearest_dc(c, &never), [](std::exception_ptr) {});  // they end when c closes
  ASSERT_TRUE(run_until(io, [&] { return in_flight() == 3; }));
  c->close();
  EXPECT_TRUE(run_until(io, [&] { return in_flight() == 0; }));
  EXPECT_EQ(world.max_in_flight().at(kUser), 3u);
  EXPECT_TRUE(never.empty());
}

TEST(Load, WithoutLatencyAQueryIsInFlightOnlyWhileItIsAnswered) {
  SimFixture sim;
  asio::io_context io;
  auto c = logged_in(sim, io, kPhone, 2);
  EXPECT_EQ(nearest_dc_at_once(io, c, 5).size(), 5u);
  EXPECT_EQ(sim.server().world().max_in_flight().at(kUser), 1u) << "one connection answers one query at a time";
  EXPECT_EQ(sim.server().world().current_in_flight().at(kUser), 0u);
  c->close();
}

TEST(Load, CountsRequestsPerAccountPerMethodAndPerSecond) {
  mtproto::ManualClock clock(kStartNs);
  sim::SimOptions o;
  o.world_clock = &clock;
  SimFixture sim(std::move(o));
  asio::io_context io;
  auto c = logged_in(sim, io, kPhone, 2);  // auth.sendCode before login, auth.signIn counted for the account
  auto other = logged_in(sim, io, kOtherPhone, 3);
  auto anonymous = sim.connect(io, plain_intermediate(), 1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "");
  EXPECT_EQ(rpc_error_of(io, *c, get_self()), "");
  clock.advance_ns(mtproto::kNsPerSecond);
  EXPECT_EQ(rpc_error_of(io, *other, get_self()), "");
  EXPECT_EQ(rpc_error_of(io, *other, get_self()), "");
  EXPECT_EQ(rpc_error_of(io, *anonymous, api::help::getNearestDc{}), "");
  EXPECT_EQ(rpc_error_of(io, *anonymous, get_self()), "401 AUTH_KEY_UNREGISTERED");

  const auto load = sim.server().world().load();
  ASSERT_EQ(load.users.size(), 2u);
  EXPECT_EQ(load.users.at(kUser).requests,
            (MethodCounts{{"auth.signIn", 1}, {"help.getNearestDc", 4}, {"users.getUsers", 1}}));
  EXPECT_EQ(load.users.at(kOtherUser).requests, (MethodCounts{{"auth.signIn", 1}, {"users.getUsers", 2}}));
  EXPECT_EQ(load.methods, (MethodCounts{{"auth.sendCode", 2}, {"auth.signIn", 2}, {"help.getNearestDc", 5},
                                        {"users.getUsers", 4}}));
  EXPECT_EQ(load.per_second,
            (std::map<std::int64_t, std::uint64_t>{{kStartNs / mtproto::kNsPerSecond, 9},
                                                   {kStartNs / mtproto::kNsPerSecond + 1, 4}}));
  std::uint64_t queries = 0;
  for (std::size_t i = 0; i < 3; ++i) queries += sim.server().dc(i).stats.queries.load();
  EXPECT_EQ(total(load.per_second), queries) << "every API query is in the histogram";
  c->close();
  other->close();
  anonymous->close();
}

const tl::json::Value& member(const tl::json::Value& object, std::string_view key) {
  const auto* v = object.find(key);
  if (v == nullptr) throw std::runtime_error("no \"" + std::string(key) + "\"");
  return *v;
}

std::int64_t integer(const tl::json::Value& object, std::string_view key) {
  return std::get<std::int64_t>(member(object, key).v);
}

TEST(Load, StatsJsonHoldsEveryCounterAndNoPhoneNumber) {
  mtproto::ManualClock clock(kStartNs);
  sim::SimOptions o;
  o.world_clock = &clock;
  o.latency = sim::parse_latency("50");
  o.flood_limits.push_back(sim::parse_flood_rule("help.getNearestDc=2/10"));
  SimFixture sim(std::move(o));
  asio::io_context io;
  auto c = logged_in(sim, io, kPhone, 2);
  EXPECT_EQ(nearest_dc_at_once(io, c, 2).size(), 2u);
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "420 FLOOD_WAIT_10");
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "420 FLOOD_WAIT_10");

  const std::string text = sim.server().stats_json();
  EXPECT_EQ(text.find(kPhone), std::string::npos) << text;
  const auto doc = tl::json::parse(text);
  EXPECT_EQ(integer(doc, "now_s"), kStartNs / mtproto::kNsPerSecond);
  const auto& dc2 = member(doc, "dcs").array().at(1);
  EXPECT_EQ(integer(dc2, "id"), 2);
  EXPECT_EQ(integer(dc2, "queries"), 6);
  EXPECT_EQ(integer(dc2, "auth_key_duplicated"), 0);
  EXPECT_EQ(integer(dc2, "connections_killed"), 0);

  const auto& flood = member(doc, "flood").array().at(0);
  EXPECT_EQ(integer(flood, "user_id"), kUser);
  EXPECT_EQ(member(flood, "name").string(), "sim_user_21234");
  EXPECT_EQ(member(flood, "method").string(), "help.getNearestDc");
  EXPECT_EQ(integer(flood, "flood_waits"), 1);
  EXPECT_EQ(integer(flood, "requests_during_wait"), 1);

  const auto& users = member(doc, "users").array();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(integer(users[0], "user_id"), kUser);
  EXPECT_EQ(member(users[0], "name").string(), "sim_user_21234");
  EXPECT_EQ(integer(users[0], "max_in_flight"), 2);
  EXPECT_EQ(integer(users[0], "in_flight"), 0);
  EXPECT_EQ(integer(users[0], "requests"), 5);
  EXPECT_EQ(integer(member(users[0], "methods"), "help.getNearestDc"), 4);
  EXPECT_EQ(integer(member(doc, "methods"), "auth.sendCode"), 1);

  const auto& per_second = member(doc, "requests_per_second").array();
  ASSERT_EQ(per_second.size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(per_second[0].array().at(0).v), kStartNs / mtproto::kNsPerSecond);
  EXPECT_EQ(std::get<std::int64_t>(per_second[0].array().at(1).v), 6);
  c->close();
}

TEST(FloodPenalty, ACallDuringTheWaitDoublesWhatIsLeftOfIt) {
  mtproto::ManualClock clock(kStartNs);
  sim::SimOptions o;
  o.world_clock = &clock;
  o.flood_limits.push_back(sim::parse_flood_rule("help.getNearestDc=1/10"));
  o.flood_penalty = true;
  SimFixture sim(std::move(o));
  asio::io_context io;
  auto c = logged_in(sim, io, kPhone, 2);
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "");
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "420 FLOOD_WAIT_10") << "the wait starts";
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "420 FLOOD_WAIT_20") << "10 s left, doubled";
  clock.advance_ns(5 * mtproto::kNsPerSecond);
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "420 FLOOD_WAIT_30") << "15 s left, doubled";
  EXPECT_EQ(rpc_error_of(io, *c, get_self()), "") << "other methods are not limited";
  // A client that waits it out is served again.
  clock.advance_ns(30 * mtproto::kNsPerSecond);
  EXPECT_EQ(rpc_error_of(io, *c, api::help::getNearestDc{}), "");
  const auto counters = sim.server().flood_counters();
  ASSERT_EQ(counters.size(), 1u);
  EXPECT_EQ(counters[0].flood_waits, 1u);
  EXPECT_EQ(counters[0].requests_during_wait, 2u);
  c->close();
}

TEST(FloodPenalty, DoublingStopsAtAnHourAndIsOffByDefault) {
  const std::vector<sim::FloodRule> rules{sim::parse_flood_rule("m=1/10")};
  const sim::FloodSubject subject{kUser, 0};
  sim::FloodLimiter growing(rules, /*penalty=*/true);
  EXPECT_EQ(growing.check(subject, "m", 0), 0);
  EXPECT_EQ(growing.check(subject, "m", 0), 10);
  std::vector<std::int32_t> waits;
  for (int i = 0; i < 10; ++i) waits.push_back(growing.check(subject, "m", 0));
  EXPECT_EQ(waits, (std::vector<std::int32_t>{20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600}));

  sim::FloodLimiter flat(rules);
  EXPECT_EQ(flat.check(subject, "m", 0), 0);
  EXPECT_EQ(flat.check(subject, "m", 0), 10);
  EXPECT_EQ(flat.check(subject, "m", 4000), 6);
  EXPECT_EQ(flat.check(subject, "m", 4000), 6);
  EXPECT_EQ(flat.counters().at(0).requests_during_wait, 2u);
}

TEST(SimOptions, ParsesLatency) {
  const auto fixed = sim::parse_latency("250");
  EXPECT_EQ(fixed.min_ms, 250);
  EXPECT_EQ(fixed.max_ms, 250);
  const auto range = sim::parse_latency("100-400");
  EXPECT_EQ(range.min_ms, 100);
  EXPECT_EQ(range.max_ms, 400);
  EXPECT_FALSE(sim::parse_latency("0").on());
  for (const char* bad : {"", "-3", "5-2", "abc", "10-", "700000", "1-2-3"})
    EXPECT_THROW(sim::parse_latency(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace mtpipe
