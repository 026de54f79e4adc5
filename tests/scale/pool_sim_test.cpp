// The request pipeline over a pool of logged-in accounts against the in-process sim: load spread within the
// concurrency limit, flood waits routed around with the sim counting no request during a wait, dead accounts
// retired, statistics DCs learned once (also across a restart), dead proxies left for healthy ones.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "../client/client_fixture.h"
#include "../net/socks5_test_server.h"
#include "client/login.h"
#include "scale/account_proxy.h"
#include "scale/dc_route_store.h"
#include "scale/rate_gate.h"
#include "scale/chain/lease_link.h"
#include "scale/chain/rate_link.h"
#include "scale/chain/route_link.h"
#include "scale/request_pipeline.h"
#include "sim/channels.h"
#include "tl/api.h"

namespace mtpipe::testing {
namespace {

namespace api = tl::api;
using scale::AccountPool;
using scale::PoolError;
using scale::RequestPipeline;

// Account i: +99966 D 1 00 i on DC D = 1 + i mod 3 (docs/SIM.md: the code is the DC digit five times).
std::string phone(int i) { return "+99966" + std::to_string(1 + i % 3) + "100" + std::to_string(i); }

struct Rig {
  explicit Rig(int accounts, sim::SimOptions sim_options = {}, scale::AccountPoolOptions pool_options = {})
      : sim(std::move(sim_options)) {
    std::vector<std::string> names;
    for (int i = 0; i < accounts; ++i) names.push_back("acc" + std::to_string(i));
    pool = std::make_unique<AccountPool>(names, pool_options);
    for (int i = 0; i < accounts; ++i) clients.push_back(make_client(names[i]));
    for (int i = 0; i < accounts; ++i) login(i);
  }
  std::unique_ptr<client::Client> make_client(const std::string& name) {
    auto o = options;
    if (proxies) o.proxy_source = std::make_shared<scale::AccountProxySource>(*proxies, name);
    return std::make_unique<client::Client>(io.get_executor(), o, client::SessionData{}, crypto::system_rng(),
                                            mtproto::system_clock());
  }
  void login(int i) {
    client::CodeLogin input;
    input.phone = phone(i);
    const std::string code(5, static_cast<char>('0' + 1 + i % 3));
    input.code = [code] { return code; };
    (void)run(io, client::login_with_code(*clients[i], options.api, std::move(input)));
  }
  // The pooled chain as the container builds it, without the links not asked for.
  RequestPipeline& pipeline(scale::RateGate* gate = nullptr, scale::DcRouter* router = nullptr) {
    std::vector<client::Client*> raw;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      raw.push_back(clients[i].get());
      names.push_back(pool->name(i));
    }
    pipe = std::make_unique<RequestPipeline>(names, raw);
    if (router) pipe->wrap<scale::RouteLink>(*router);
    if (gate) pipe->wrap<scale::RateLink>(*gate);
    pipe->wrap<scale::LeaseLink>(*pool, 3);
    return *pipe;
  }
  // Runs `count` requests of `make(i)` at once; returns what each threw (nullptr: answered).
  template <class Make>
  std::vector<std::exception_ptr> run_many(int count, Make make) {
    std::vector<std::exception_ptr> outcome(count);
    int next = 0;
    run_all(io, count, [&]() -> asio::awaitable<void> {
      const int i = next++;
      try {
        co_await make(i);
      } catch (...) {
        outcome[i] = std::current_exception();
      }
    });
    return outcome;
  }
  std::uint64_t requests_during_wait() { 
    std::uint64_t n = 0;
    for (const auto& c : sim.server().flood_counters()) n += c.requests_during_wait;
    return n;
  }

  SimFixture sim;
  asio::io_context io;
  client::ClientOptions options = client_options(sim);
  std::unique_ptr<scale::ProxyPool> proxies;
  std::unique_ptr<AccountPool> pool;
  std::vector<std::unique_ptr<client::Client>> clients;
  std::unique_ptr<RequestPipeline> pipe;
};

asio::awaitable<void> get_self(RequestPipeline& pipe, scale::RequestTrace* trace = nullptr) {
  api::users::getUsers get;
  get.id.push_back(std::make_unique<api::inputUserSelf>());
  (void)co_await pipe.invoke(get, {}, trace);
}

asio::awaitable<void> get_state(RequestPipeline& pipe) { (void)co_await pipe.invoke(api::updates::getState{}); }

std::unique_ptr<api::inputChannel> input_channel(const sim::SeededChannel& channel) {
  auto input = std::make_unique<api::inputChannel>();
  input->channel_id = channel.id;
  input->access_hash = channel.access_hash;
  return input;
}

std::size_t failures(const std::vector<std::exception_ptr>& outcome) {
  return static_cast<std::size_t>(std::count_if(outcome.begin(), outcome.end(), [](auto& e) { return e != nullptr; }));
}

TEST(PoolAgainstSim, RequestsSpreadOverEveryAccountAndAllAreAnswered) {
  Rig rig(8);
  auto& pipe = rig.pipeline();
  std::map<std::string, int> by_account;
  std::vector<scale::RequestTrace> traces(200);
  const auto outcome = rig.run_many(200, [&](int i) { return get_self(pipe, &traces[i]); });
  EXPECT_EQ(failures(outcome), 0u);
  for (const auto& t : traces) ++by_account[t.account];
  EXPECT_EQ(by_account.size(), 8u);
  EXPECT_EQ(pipe.counters().ok, 200u);
  EXPECT_EQ(rig.pool->in_flight(), 0);
  EXPECT_EQ(rig.pool->counters().granted, 200u);
}

TEST(PoolAgainstSim, AFloodWaitedAccountGetsNoMoreOfThatMethodAndTheSimCountsNoneDuringTheWait) {
  sim::SimOptions so;
  so.flood_limits.push_back({"updates.getState", 3, 600});
  scale::AccountPoolOptions po;
  po.max_concurrency = 1;  // one request per account at a time: none can be in flight when its wait starts
  Rig rig(4, so, po);
  auto& pipe = rig.pipeline();
  const auto outcome = rig.run_many(20, [&](int) { return get_state(pipe); });
  EXPECT_EQ(20 - failures(outcome), 12u);  // 4 accounts x 3 allowed
  for (const auto& e : outcome) {
    if (!e) continue;
    try {
      std::rethrow_exception(e);
    } catch (const PoolError& pe) {
      EXPECT_EQ(pe.reason(), PoolError::Reason::flood_waited);
      EXPECT_TRUE(pe.retry_at().has_value());
    } catch (const client::RpcError& re) {
      EXPECT_EQ(re.kind(), client::RpcErrorKind::flood_wait);
    }
  }
  EXPECT_EQ(rig.requests_during_wait(), 0u);
  EXPECT_EQ(rig.pool->counters().flood_waits, 4u);  // each account was told once
  // Another method still goes through every account.
  const auto other = rig.run_many(8, [&](int) { return get_self(pipe); });
  EXPECT_EQ(failures(other), 0u);
}

TEST(PoolAgainstSim, ARevokedAccountIsRetiredAndItsRequestIsAnsweredByAnother) {
  Rig rig(3);
  auto& pipe = rig.pipeline();
  const auto victim = rig.clients[0]->session().user_id.value();
  rig.sim.server().world().revoke_sessions(victim);
  const auto outcome = rig.run_many(12, [&](int) { return get_self(pipe); });
  EXPECT_EQ(failures(outcome), 0u);
  EXPECT_EQ(rig.pool->status(0).state, scale::AccountState::retired);
  EXPECT_EQ(rig.pool->status(0).retired_because, "SESSION_REVOKED");
  EXPECT_EQ(rig.pool->usable_count(), 2u);
}

TEST(PoolAgainstSim, AStatsMigrateIsFollowedOnceAndTheRouteIsRememberedAcrossARestart) {
  Rig rig(1);  // acc0 lives on DC 1
  const auto channels = sim::seeded_channels(rig.sim.server().cluster());
  const auto& channel = channels.at(0);  // statistics on DC 2
  ASSERT_NE(channel.stats_dc, rig.clients[0]->home_dc());
  const auto file = std::filesystem::temp_directory_path() / ("mtpipe-routes-" + std::to_string(::getpid()) + ".sqlite");
  std::filesystem::remove(file);

  const auto stats_once = [&](scale::DcRouter& router) {
    auto& pipe = rig.pipeline(nullptr, &router);
    scale::RequestTrace trace;
    run(rig.io, [&]() -> asio::awaitable<void> {
      api::stats::getBroadcastStats get;
      get.channel = input_channel(channel);
      scale::RequestOptions o;
      o.channel_id = channel.id;
      (void)co_await pipe.invoke(get, o, &trace);
    }());
    return trace;
  };
  const auto at_start = rig.clients[0]->stats().migrations;  // the login's PHONE_MIGRATE
  const auto migrations = [&] { return rig.clients[0]->stats().migrations - at_start; };
  {
    scale::DcRouter router;
    EXPECT_EQ(stats_once(router).dc, channel.stats_dc);
    EXPECT_EQ(migrations(), 1u);  // the first one meets STATS_MIGRATE
    EXPECT_EQ(stats_once(router).dc, channel.stats_dc);
    EXPECT_EQ(migrations(), 1u);  // the second goes straight there
    EXPECT_EQ(router.counters().migrations_avoided, 1u);
    scale::DcRouteStore store(file);
    store.save(router.records(scale::Clock::now(), std::chrono::system_clock::now()));
  }
  scale::DcRouter restarted;
  scale::DcRouteStore store(file);
  restarted.restore(store.load(), scale::Clock::now(), std::chrono::system_clock::now());
  EXPECT_EQ(stats_once(restarted).dc, channel.stats_dc);
  EXPECT_EQ(migrations(), 1u);  // no migrate round trip after the restart either
  EXPECT_EQ(restarted.counters().migrations_avoided, 1u);
  std::filesystem::remove(file);
}

TEST(PoolAgainstSim, ChannelFullTeachesTheStatsDcBeforeAnyMigrate) {
  Rig rig(1);
  const auto channel = sim::seeded_channels(rig.sim.server().cluster()).at(1);
  scale::DcRouter router;
  auto& pipe = rig.pipeline(nullptr, &router);
  run(rig.io, [&]() -> asio::awaitable<void> {
    api::channels::getFullChannel full;
    full.channel = input_channel(channel);
    (void)co_await pipe.invoke(full);
  }());
  EXPECT_EQ(router.route(channel.id, scale::Clock::now()), channel.stats_dc);
}

TEST(PoolAgainstSim, WhenAProxyDiesTheNextRequestGoesThroughAHealthyOne) {
  Rig rig(0);
  Socks5TestServer first(rig.io, "u", "p"), second(rig.io, "u", "p");
  std::vector<net::ProxyUrl> urls{net::parse_proxy_url("socks5://u:p@127.0.0.1:" + std::to_string(first.port())),
                                  net::parse_proxy_url("socks5://u:p@127.0.0.1:" + std::to_string(second.port()))};
  rig.proxies = std::make_unique<scale::ProxyPool>(urls, scale::ProxyPoolOptions{});
  rig.pool = std::make_unique<AccountPool>(std::vector<std::string>{"acc0"}, scale::AccountPoolOptions{});
  // A reconnect pause longer than any deadline: the request can only succeed if the redial through the healthy
  // proxy is not paced like a retry of the dead one.
  rig.options.reconnect.initial = rig.options.reconnect.max = std::chrono::hours(1);
  rig.clients.push_back(rig.make_client("acc0"));
  rig.login(0);
  auto& pipe = rig.pipeline();
  const std::size_t used = rig.proxies->status(0).accounts == 1 ? 0 : 1;
  Socks5TestServer& dying = used == 0 ? first : second;
  EXPECT_GE(rig.proxies->status(used).successes, 1u);

  dying.stop();
  const auto outcome = rig.run_many(1, [&](int) { return get_self(pipe); });
  EXPECT_EQ(failures(outcome), 0u);
  EXPECT_EQ(rig.proxies->status(used).accounts, 0u);  // the account left the dead proxy
  EXPECT_EQ(rig.proxies->status(1 - used).accounts, 1u);
  EXPECT_GE(rig.proxies->status(1 - used).successes, 1u);
  const auto dead_failures = rig.proxies->status(used).failures;
  const auto again = rig.run_many(5, [&](int) { return get_self(pipe); });
  EXPECT_EQ(failures(again), 0u);
  EXPECT_EQ(rig.proxies->status(used).failures, dead_failures);  // never tried again
}

}  // namespace
}  // namespace mtpipe::testing
