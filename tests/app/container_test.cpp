// The container with every flag off is a single client (the rule: with every flag off, behaviour equals a
// single client's): the same requests, through app::Container and through a bare client::Client, end the same
// way - answers, a surfaced FLOOD_WAIT, a followed STATS_MIGRATE - and cost the sim the same requests.
#include "app/container.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "../client/client_fixture.h"
#include "client/login.h"
#include "sim/channels.h"
#include "tl/api.h"

namespace mtpipe::testing {
namespace {

namespace api = tl::api;

struct Outcome {
  std::vector<std::string> results;  // "ok" or the RpcError kind, per request
  std::uint64_t migrations = 0;
  bool operator==(const Outcome&) const = default;
};

// Sends the scenario through `send` (boxed query in, boxed answer out).
template <class Send>
asio::awaitable<Outcome> scenario(const sim::SeededChannel& channel, Send send) {
  std::vector<std::vector<std::uint8_t>> queries;
  api::users::getUsers self;
  self.id.push_back(std::make_unique<api::inputUserSelf>());
  queries.push_back(tl::serialize(self));
  for (int i = 0; i < 3; ++i) queries.push_back(tl::serialize(api::updates::getState{}));  // the third: FLOOD_WAIT
  api::stats::getBroadcastStats stats;
  auto input = std::make_unique<api::inputChannel>();
  input->channel_id = channel.id;
  input->access_hash = channel.access_hash;
  stats.channel = std::move(input);
  queries.push_back(tl::serialize(stats));
  Outcome out;
  for (auto& q : queries) {
    std::string result = "ok";
    try {
      (void)co_await send(std::move(q));
    } catch (const client::RpcError& e) {
      result = std::string(client::to_string(e.kind()));
    }
    out.results.push_back(result);
  }
  co_return out;
}

TEST(ContainerFlagsOff, BehavesExactlyAsASingleClient) {
  sim::SimOptions so;
  so.flood_limits.push_back({"updates.getState", 2, 600});
  SimFixture sim(so);
  asio::io_context io;
  const auto options = client_options(sim);
  const auto dir = std::filesystem::temp_directory_path() / ("mtpipe-container-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  client::session_file::ensure_sessions_dir(dir);
  const client::session_file::SessionStore store(dir);
  for (const auto& [name, phone, code] : {std::tuple{"bare", "+9996626001", "22222"}, {"pooled", "+9996626002", "22222"}}) {
    client::Client c(io.get_executor(), options, {}, crypto::system_rng(), mtproto::system_clock());
    client::CodeLogin input;
    input.phone = phone;
    input.code = [code = std::string(code)] { return code; };
    (void)run(io, client::login_with_code(c, options.api, std::move(input)));
    store.save(name, c.session());
    c.close();
  }
  const auto channel = sim::seeded_channels(sim.server().cluster()).at(1);  // statistics on DC 3, accounts on DC 2

  client::Client bare(io.get_executor(), options, store.load("bare"), crypto::system_rng(), mtproto::system_clock());
  Outcome direct = run(io, scenario(channel, [&](std::vector<std::uint8_t> q) { return bare.call(std::move(q)); }));
  direct.migrations = bare.stats().migrations;

  app::Settings settings;  // every flag off
  settings.mtproto.sessions_dir = dir;
  settings.pool.accounts = {"pooled"};
  app::Container container(io.get_executor(), settings, options.network);
  EXPECT_TRUE(container.features().empty());
  EXPECT_EQ(container.pipeline().links(), 0u);  // straight to the one client
  Outcome through = run(io, scenario(channel, [&](std::vector<std::uint8_t> q) {
    return container.pipeline().call(std::move(q), {});
  }));
  through.migrations = container.client(0).stats().migrations;

  EXPECT_EQ(direct.results, (std::vector<std::string>{"ok", "ok", "ok", "flood_wait", "ok"}));
  EXPECT_EQ(through, direct);
  std::uint64_t flood_calls_bare = 0, flood_calls_pooled = 0;
  for (const auto& c : sim.server().flood_counters())
    (c.subject.user_id == *store.load("bare").user_id ? flood_calls_bare : flood_calls_pooled) += c.calls;
  EXPECT_EQ(flood_calls_pooled, flood_calls_bare);  // the same requests reached the server
  container.close();
  bare.close();
  std::filesystem::remove_all(dir);
}

// Readiness (what /readyz will serve): ready while a lease can be served, that is while an account is usable and,
// with proxies on, a proxy is; each component says how many of its parts are usable.
TEST(ContainerHealth, ReadinessFollowsTheUsableAccountsAndProxies) {
  const auto dir = std::filesystem::temp_directory_path() / ("mtpipe-health-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  client::session_file::ensure_sessions_dir(dir);
  const client::session_file::SessionStore store(dir);
  for (const char* name : {"a", "b"}) store.save(name, client::SessionData{});
  app::Settings settings;
  settings.mtproto.sessions_dir = dir;
  settings.mtproto.dc_routes = dir / "dc_routes.sqlite";
  settings.pool.enabled = true;
  settings.pool.accounts = {"a", "b"};
  settings.proxy.enabled = true;
  settings.proxy.proxies = {net::parse_proxy_url("socks5://u:secret@127.0.0.1:1"),
                            net::parse_proxy_url("socks5://u:secret@127.0.0.1:2")};
  asio::io_context io;
  app::Container container(io.get_executor(), settings, client::Network{});
  EXPECT_EQ(container.pipeline().links(), 3u);  // lease, rate admission, DC routing
  const auto health = [&] {
    std::map<std::string, std::pair<bool, std::string>> out;
    for (const auto& h : container.health()) out[h.component] = {h.ready, h.detail};
    return out;
  };
  EXPECT_EQ(health(), (std::map<std::string, std::pair<bool, std::string>>{
                          {"accounts", {true, "2 of 2 accounts usable"}}, {"proxies", {true, "2 of 2 proxies usable"}}}));

  container.pool().set_available(0, false);
  EXPECT_EQ(health().at("accounts"), std::pair(true, std::string("1 of 2 accounts usable")));
  container.pool().set_available(1, false);
  EXPECT_EQ(health().at("accounts"), std::pair(false, std::string("0 of 2 accounts usable")));

  const net::DialError dead(net::DialError::Kind::refused, "refused");
  for (std::size_t proxy = 0; proxy < 2; ++proxy)
    for (int i = 0; i < settings.proxy.fail_score_limit; ++i) container.proxies()->on_failure(proxy, dead, scale::Clock::now());
  EXPECT_EQ(health().at("proxies"), std::pair(false, std::string("0 of 2 proxies usable")));
  for (const auto& h : container.health()) EXPECT_EQ(h.detail.find("secret"), std::string::npos);
  container.close();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mtpipe::testing
