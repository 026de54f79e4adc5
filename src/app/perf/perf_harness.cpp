#include "app/perf/perf_harness.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <random>

#include "client/client.h"
#include "client/login.h"
#include "client/session_file/session_store.h"
#include "crypto/random.h"
#include "mtproto/clock.h"
#include "tl/hex.h"
#include "tl/json_bridge.h"

namespace mtpipe::app::perf {
namespace asio = boost::asio;

namespace {

client::ApiIdentity api() {
  client::ApiIdentity a;
  a.api_id = 17349;  // the sim accepts any; a real-looking one keeps the wiring honest
  a.api_hash = "sim-api-hash";
  return a;
}

asio::awaitable<void> log_in(client::Client* account, client::ApiIdentity identity, std::string phone, std::string code,
                             client::LoginResult* result) {
  client::CodeLogin input;
  input.phone = std::move(phone);
  input.code = [code] { return code; };
  *result = co_await client::login_with_code(*account, identity, std::move(input));
}

// A dd (padded) MTProxy secret drawn from the run's seed, in hex.
std::string padded_secret_hex(std::uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x6d7470726f7879ULL);  // not for secrets: a loopback test proxy
  std::vector<std::uint8_t> bytes{0xdd};
  for (int i = 0; i < 16; ++i) bytes.push_back(static_cast<std::uint8_t>(rng()));
  return tl::to_hex(bytes);
}

}  // namespace

SimStage::SimStage(const PerfContext& context, const std::string& name, sim::SimOptions options)
    : dir_(context.dir / name), secret_hex_(padded_secret_hex(context.seed)), options_(std::move(options)) {
  std::filesystem::create_directories(dir_);
  client::session_file::ensure_sessions_dir(dir_ / "sessions");
  options_.port_base = 0;
  options_.mtproxy_secrets.push_back(sim::parse_mtproxy_secret(secret_hex_));
  server_ = std::make_unique<sim::SimServer>(options_, context.key);
  server_->start();
  for (std::size_t i = 0; i < kAccounts; ++i) names_.push_back("acc" + std::to_string(i));
  log_in_all(network());
}

SimStage::~SimStage() {
  server_->stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void SimStage::log_in_all(const client::Network& network) {
  asio::io_context io;
  client::ClientOptions o;
  o.network = network;
  o.api = api();
  std::vector<std::unique_ptr<client::Client>> clients;
  std::vector<client::LoginResult> results(kAccounts);
  std::exception_ptr first_error;
  std::size_t done = 0;
  for (std::size_t i = 0; i < kAccounts; ++i) {
    clients.push_back(std::make_unique<client::Client>(io.get_executor(), o, client::SessionData{}, crypto::system_rng(),
                                                       mtproto::system_clock()));
    const char dc = static_cast<char>('1' + i % 3);
    asio::co_spawn(io, log_in(clients.back().get(), o.api, "+99966" + std::string(1, dc) + "300" + std::to_string(i),
                              std::string(5, dc), &results[i]),
                   [&](std::exception_ptr e) {
                     if (e && !first_error) first_error = e;
                     if (++done == kAccounts) io.stop();
                   });
  }
  io.run();
  const client::session_file::SessionStore store(dir_ / "sessions");
  for (std::size_t i = 0; i < kAccounts; ++i) {
    clients[i]->close();
    if (first_error) continue;
    store.save(names_[i], clients[i]->session());
    home_dcs_.push_back(results[i].home_dc);
    user_ids_.push_back(results[i].user_id);
  }
  if (first_error) std::rethrow_exception(first_error);
}

client::Network SimStage::network() const {
  client::Network n;
  for (const auto& dc : server_->cluster().dcs) n.bootstrap.push_back({dc.id, server_->cluster().host, dc.port, false});
  n.server_keys.push_back(server_->key().public_key());
  n.default_dc = 2;
  return n;
}

Settings SimStage::settings() const {
  Settings s;
  s.environment = "test";
  s.mtproto.api_id = api().api_id;
  s.mtproto.api_hash = api().api_hash;
  s.mtproto.sessions_dir = dir_ / "sessions";
  s.mtproto.dc_routes = dir_ / "dc_routes.sqlite";
  s.pool.enabled = true;
  s.pool.accounts = names_;
  s.limits.account_rps = 0;  // no per-account limit
  s.limits.global_rps = 0;   // no global limit
  for (auto& c : s.limits.class_limits) c = scale::ClassLimit{10'000, 1'000};
  return s;
}

net::ProxyUrl SimStage::proxy_url(std::uint16_t port) const {
  return net::parse_proxy_url("mtproxy://" + secret_hex_ + "@127.0.0.1:" + std::to_string(port));
}

std::uint64_t SimStage::requests_during_wait() const {
  std::uint64_t n = 0;
  for (const auto& c : server_->flood_counters()) n += c.requests_during_wait;
  return n;
}

std::uint64_t SimStage::max_in_flight() const {
  std::uint64_t most = 0;
  for (const auto& [user, n] : server_->world().max_in_flight()) most = std::max(most, n);
  return most;
}

std::vector<std::uint64_t> SimStage::calls_by_account(std::string_view method) const {
  const auto load = server_->world().load();
  std::vector<std::uint64_t> out(kAccounts, 0);
  for (std::size_t i = 0; i < kAccounts; ++i) {
    const auto user = load.users.find(user_ids_[i]);
    if (user == load.users.end()) continue;
    const auto calls = user->second.requests.find(method);
    if (calls != user->second.requests.end()) out[i] = calls->second;
  }
  return out;
}

std::uint64_t SimStage::open_connections() const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < server_->cluster().dcs.size(); ++i) n += server_->dc(i).stats.open_connections.load();
  return n;
}

sim::SimOptions answering_in(std::int32_t min_ms, std::int32_t max_ms) {
  sim::SimOptions o;
  o.latency = {min_ms, max_ms};
  return o;
}

std::vector<std::uint8_t> get_self_query() {
  return tl::from_json(R"({"_": "users.getUsers", "id": [{"_": "inputUserSelf"}]})");
}

double milliseconds_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace mtpipe::app::perf
