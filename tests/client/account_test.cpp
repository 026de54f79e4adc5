// One account against the sim's world: login (code, 2FA, migration, bot), every migrate kind, flood waits slept
// or surfaced (and the sim counting zero requests during them), revoked and duplicated keys, pushed updates.
#include <gtest/gtest.h>

#include "chaos_relay.h"
#include "client/login.h"
#include "client_fixture.h"
#include "sim/channels.h"
#include "tl/api.h"

namespace mtpipe::testing {
namespace {

namespace api = tl::api;
using client::Client;
using client::RpcErrorKind;

constexpr const char* kPhoneOnDc2 = "+9996621234";
constexpr const char* kPhoneOnDc3 = "+9996631234";
constexpr const char* kTwoFaPhoneOnDc2 = "+9996621239";  // ends in 9: 2FA password "sim-password-1239"

struct Account {
  explicit Account(sim::SimOptions options = {}) : sim(std::move(options)) {}
  SimFixture sim;
  asio::io_context io;
  client::ClientOptions options = client_options(sim);
  std::unique_ptr<Client> client = make({});

  // The account reaches DC 2 through `relay` from now on (a new client, no session yet).
  void through(const ChaosRelay& relay) {
    options = client_options(sim, {{2, relay.port()}});
    client = make({});
  }
  std::unique_ptr<Client> make(client::SessionData session) {
    return std::make_unique<Client>(io.get_executor(), options, std::move(session), crypto::system_rng(),
                                    mtproto::system_clock());
  }
  client::LoginResult login(const std::string& phone, const std::string& code, const std::string& password = {}) {
    client::CodeLogin input;
    input.phone = phone;
    input.code = [code] { return code; };
    if (!password.empty()) input.password = [password](const std::string&) { return password; };
    return run(io, client::login_with_code(*client, options.api, std::move(input)));
  }
  std::int64_t self_id() {
    return run(io, [&]() -> asio::awaitable<std::int64_t> {
      api::users::getUsers get;
      get.id.push_back(std::make_unique<api::inputUserSelf>());
      const auto users = co_await client->invoke(get);
      co_return dynamic_cast<const api::user&>(*users.at(0)).id;
    }());
  }
  std::exception_ptr nearest_dc_error(client::CallOptions o = {}) {
    return run_catching(io, [&]() -> asio::awaitable<void> { (void)co_await client->invoke(api::help::getNearestDc{}, o); }());
  }
  std::uint64_t requests_during_wait() const {
    std::uint64_t n = 0;
    for (const auto& c : const_cast<SimFixture&>(sim).server().flood_counters()) n += c.requests_during_wait;
    return n;
  }
};

TEST(Account, LogsInWithTheCodeAndARestartReusesTheSession) {
  Account a;
  const auto who = a.login(kPhoneOnDc2, "22222");
  EXPECT_GT(who.user_id, 0);
  EXPECT_EQ(who.home_dc, 2);
  EXPECT_FALSE(who.used_password);
  const auto saved = a.client->session();
  EXPECT_TRUE(saved.logged_in());
  EXPECT_TRUE(saved.dcs.at(2).authorized);

  a.client = a.make(saved);
  EXPECT_EQ(a.self_id(), who.user_id);
  EXPECT_EQ(a.client->stats().handshakes, 0u);
}

TEST(Account, AWrongCodeIsRefusedAsPhoneCodeInvalid) {
  Account a;
  try {
    a.login(kPhoneOnDc2, "11111");
    FAIL() << "logged in with a wrong code";
  } catch (const client::RpcError& e) {
    EXPECT_EQ(e.message(), "PHONE_CODE_INVALID");
  }
  EXPECT_FALSE(a.client->session().logged_in());
}

TEST(Account, LogsInWithTwoFactorPassword) {
  Account a;
  const auto who = a.login(kTwoFaPhoneOnDc2, "22222", "sim-password-1239");
  EXPECT_TRUE(who.used_password);
  EXPECT_EQ(a.self_id(), who.user_id);
}

TEST(Account, AWrongTwoFactorPasswordIsRefused) {
  Account a;
  try {
    a.login(kTwoFaPhoneOnDc2, "22222", "not-the-password");
    FAIL() << "logged in with a wrong password";
  } catch (const client::RpcError& e) {
    EXPECT_EQ(e.message(), "PASSWORD_HASH_INVALID");
  }
  EXPECT_FALSE(a.client->session().logged_in());
}

TEST(Account, PhoneMigrateMovesTheHomeDcDuringLogin) {
  Account a;  // starts on DC 2; the phone lives on DC 3
  const auto who = a.login(kPhoneOnDc3, "33333");
  EXPECT_EQ(who.home_dc, 3);
  EXPECT_EQ(a.client->home_dc(), 3);
  EXPECT_EQ(a.client->stats().migrations, 1u);
  EXPECT_EQ(a.self_id(), who.user_id);
}

// NETWORK_MIGRATE (the client's address belongs to DC 1) and then PHONE_MIGRATE (the number lives on DC 3).
TEST(Account, NetworkMigrateThenPhoneMigrateDuringLogin) {
  Account a;
  a.sim.server().world().network_migrate_once(1);
  const auto who = a.login(kPhoneOnDc3, "33333");
  EXPECT_EQ(who.home_dc, 3);
  EXPECT_EQ(a.client->stats().migrations, 2u);
  EXPECT_EQ(a.self_id(), who.user_id);
}

TEST(Account, LogsInAsABot) {
  Account a;
  const auto who = run(a.io, client::login_as_bot(*a.client, a.options.api, "4242:sim-bot-token-abc"));
  EXPECT_TRUE(who.bot);
  EXPECT_EQ(who.user_id, 4242);
}

TEST(Account, UserMigrateCarriesTheLoginToTheNewHome) {
  Account a;
  const auto who = a.login(kPhoneOnDc2, "22222");
  a.sim.server().world().move_home(who.user_id, 3);
  EXPECT_EQ(a.self_id(), who.user_id);
  EXPECT_EQ(a.client->home_dc(), 3);
  EXPECT_TRUE(a.client->session().dcs.at(3).authorized);
}

// upload.getFile for a file stored on DC 3 (bits 32..39 of the id, docs/SIM.md) goes there, authorized once.
TEST(Account, FileMigrateSendsTheRequestToTheFilesDcAndImportsTheLoginOnce) {
  Account a;
  a.login(kPhoneOnDc2, "22222");
  const auto get_part = [&](std::int64_t offset) {
    return run(a.io, [&, offset]() -> asio::awaitable<std::size_t> {
      api::upload::getFile get;
      auto location = std::make_unique<api::inputDocumentFileLocation>();
      location->id = (std::int64_t{3} << 32) | (std::int64_t{1} << 40) | 77;
      get.location = std::move(location);
      get.offset = offset;
      get.limit = 4096;
      const auto file = co_await a.client->invoke(get);
      co_return dynamic_cast<const api::upload::file&>(*file).bytes.size();
    }());
  };
  EXPECT_EQ(get_part(0), 4096u);
  EXPECT_EQ(get_part(4096), 4096u);
  EXPECT_EQ(a.client->stats().authorizations_imported, 1u);
  EXPECT_EQ(a.client->home_dc(), 2);  // FILE_MIGRATE moves the request, not the account
}

TEST(Account, StatsMigrateSendsTheRequestToTheChannelsStatsDc) {
  Account a;
  a.login(kPhoneOnDc2, "22222");
  const auto channels = sim::seeded_channels(a.sim.server().cluster());
  const auto& channel = channels.at(1);  // stats on DC 3
  ASSERT_NE(channel.stats_dc, 2);
  run(a.io, [&]() -> asio::awaitable<void> {
    api::stats::getBroadcastStats get;
    auto input = std::make_unique<api::inputChannel>();
    input->channel_id = channel.id;
    input->access_hash = channel.access_hash;
    get.channel = std::move(input);
    (void)co_await a.client->invoke(get);
  }());
  EXPECT_EQ(a.client->stats().migrations, 1u);
  EXPECT_EQ(a.client->home_dc(), 2);
}

sim::SimOptions flood_limited(std::int32_t count, std::int32_t seconds) {
  sim::SimOptions o;
  o.flood_limits.push_back({"help.getNearestDc", count, seconds});
  return o;
}

// A one-second wait is under MTPROTO_SLEEP_THRESHOLD (1.5 s): the client sleeps through it and succeeds.
TEST(Account, AShortFloodWaitIsSleptThrough) {
  Account a(flood_limited(1, 1));
  a.login(kPhoneOnDc2, "22222");
  EXPECT_FALSE(a.nearest_dc_error());
  EXPECT_FALSE(a.nearest_dc_error());  // over the limit: FLOOD_WAIT_1, slept, sent again
  EXPECT_GE(a.client->stats().flood_sleeps, 1u);
  EXPECT_EQ(a.requests_during_wait(), 0u);
}

// A long wait comes back with its deadline; the method is then held locally, so the sim sees nothing more.
TEST(Account, ALongFloodWaitIsSurfacedWithItsDeadlineAndNeverProvokedAgain) {
  Account a(flood_limited(1, 60));
  a.login(kPhoneOnDc2, "22222");
  EXPECT_FALSE(a.nearest_dc_error());
  const auto before = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    const auto error = a.nearest_dc_error();
    try {
      std::rethrow_exception(error);
    } catch (const client::RpcError& e) {
      EXPECT_EQ(e.kind(), RpcErrorKind::flood_wait);
      ASSERT_TRUE(e.retry_at());
      EXPECT_GT(*e.retry_at(), before + std::chrono::seconds(50));
      EXPECT_EQ(e.held_locally(), i > 0);
    }
  }
  EXPECT_EQ(a.client->stats().flood_surfaced, 1u);
  EXPECT_EQ(a.client->stats().flood_blocked_locally, 4u);
  EXPECT_EQ(a.requests_during_wait(), 0u);
}

TEST(Account, RevokedSessionsAnswerSessionRevoked) {
  Account a;
  const auto who = a.login(kPhoneOnDc2, "22222");
  a.sim.server().world().revoke_sessions(who.user_id);
  try {
    a.self_id();
    FAIL() << "a revoked session answered";
  } catch (const client::RpcError& e) {
    EXPECT_EQ(e.kind(), RpcErrorKind::session_revoked);
    EXPECT_TRUE(e.is_account_dead());
  }
}

TEST(Account, OneKeyUsedFromTwoPlacesAtOnceIsRefusedAsDuplicated) {
  Account a;
  a.login(kPhoneOnDc2, "22222");
  EXPECT_GT(a.self_id(), 0);  // the first client's connection stays up
  auto second = a.make(a.client->session());
  try {
    run(a.io, [&]() -> asio::awaitable<void> { (void)co_await second->invoke(api::help::getNearestDc{}); }());
    FAIL() << "a second place was served with the same key";
  } catch (const client::RpcError& e) {
    EXPECT_EQ(e.kind(), RpcErrorKind::auth_key_duplicated);
  }
}

// A logged-in account whose connection dies mid-request reconnects with a new session on the same key: that is a
// reconnect, not the key used in two places, so the re-sent request is answered (no AUTH_KEY_DUPLICATED).
TEST(Account, ALoggedInReconnectIsNotTakenForADuplicatedKey) {
  Account a;
  ChaosRelay relay(a.io, a.sim.port(2));
  a.through(relay);
  const auto who = a.login(kPhoneOnDc2, "22222");
  for (int i = 0; i < 3; ++i) {
    relay.set_mode(ChaosRelay::Mode::kill_next_answer);
    EXPECT_EQ(a.self_id(), who.user_id);
  }
  EXPECT_EQ(relay.kills(), 3);
  EXPECT_EQ(a.client->stats().resent_after_reconnect, 3u);
  EXPECT_EQ(a.sim.server().dc(1).stats.auth_key_duplicated, 0u);
}

// A server that lost the logged-in home key (-404) means the login is gone: the caller hears
// AUTH_KEY_UNREGISTERED and the session no longer claims a login.
TEST(Account, AHomeKeyTheServerForgotEndsTheLogin) {
  client::SessionData saved;
  {
    Account first;
    first.login(kPhoneOnDc2, "22222");
    saved = first.client->session();
  }
  Account second;
  second.client = second.make(saved);
  try {
    second.self_id();
    FAIL() << "a forgotten key was served";
  } catch (const client::RpcError& e) {
    EXPECT_EQ(e.kind(), RpcErrorKind::auth_key_unregistered);
  }
  EXPECT_FALSE(second.client->session().logged_in());
  EXPECT_EQ(second.client->session().dcs.count(2), 0u);
}

// An account that only waits for updates makes no calls that would notice its connection died: the home DC's
// link reconnects by itself, the new session is announced (new_session: updates may have been missed), and
// pushes reach the account again.
TEST(Account, AConnectionKeptForUpdatesIsReopenedWhenItDies) {
  Account a;
  ChaosRelay relay(a.io, a.sim.port(2));
  a.through(relay);
  const auto who = a.login(kPhoneOnDc2, "22222");
  int new_sessions = 0, updates = 0;
  a.client->on_update([&](client::PushedUpdate u) {
    if (u.push.kind == mtproto::Push::Kind::new_session) ++new_sessions;
    if (u.push.kind == mtproto::Push::Kind::update) ++updates;
  });
  relay.cut_open();
  ASSERT_TRUE(run_until(a.io, [&] { return new_sessions == 1; }));
  EXPECT_EQ(relay.accepted(), 2);
  // At least the new connection (the old one may not have been detached yet: its end is read on another thread).
  ASSERT_GE(a.sim.server().world().push_update(who.user_id, tl::serialize(api::updatesTooLong{})), 1u);
  ASSERT_TRUE(run_until(a.io, [&] { return updates == 1; }));
  EXPECT_EQ(a.sim.server().dc(1).stats.auth_key_duplicated, 0u);
}

TEST(Account, PushedUpdatesReachTheHandler) {
  Account a;
  const auto who = a.login(kPhoneOnDc2, "22222");
  std::vector<std::vector<std::uint8_t>> received;
  a.client->on_update([&](client::PushedUpdate u) {
    if (u.push.kind == mtproto::Push::Kind::update) received.push_back(std::move(u.push.body));
    a.io.stop();
  });
  api::updatesTooLong too_long;
  const auto bytes = tl::serialize(too_long);
  ASSERT_EQ(a.sim.server().world().push_update(who.user_id, bytes), 1u);
  a.io.restart();
  a.io.run_for(std::chrono::seconds(30));  // the handler stops it at once; the bound only keeps a failure from hanging
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0], bytes);
}

}  // namespace
}  // namespace mtpipe::testing
