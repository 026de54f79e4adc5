// The sim's accounts: the code login with PHONE_MIGRATE, 2FA over SRP, bots, and what logged-in calls answer.
#include "world_helpers.h"

namespace mtpipe {
namespace {

using namespace testing;

TEST(Login, CodeFlowOnTheHomeDcWithEveryRefusal) {
  SimFixture sim;
  asio::io_context io;
  auto c = sim.connect(io, plain_intermediate(), 2);
  EXPECT_EQ(rpc_error_of(io, *c, get_self()), "401 AUTH_KEY_UNREGISTERED");
  EXPECT_EQ(rpc_error_of(io, *c, send_code("9996612345")), "303 PHONE_MIGRATE_1");
  EXPECT_EQ(rpc_error_of(io, *c, send_code("9996672345")), "303 PHONE_MIGRATE_1") << "DC 7 is not ours: the first DC";
  EXPECT_EQ(rpc_error_of(io, *c, send_code("+1 555 0100")), "400 PHONE_NUMBER_INVALID");

  const std::string phone = "9996621234";
  const auto hash = code_hash(io, *c, phone);
  EXPECT_EQ(rpc_error_of(io, *c, sign_in(phone, "", "22222")), "400 PHONE_CODE_HASH_EMPTY");
  EXPECT_EQ(rpc_error_of(io, *c, sign_in(phone, "beef", "22222")), "400 PHONE_CODE_HASH_INVALID");
  EXPECT_EQ(rpc_error_of(io, *c, sign_in(phone, hash, "12345")), "400 PHONE_CODE_INVALID");
  const auto answer = run(io, c->invoke(sign_in(phone, hash, "22222"), 10s));
  EXPECT_EQ(user_of(answer), 1'000'021'234);
  EXPECT_EQ(rpc_error_of(io, *c, sign_in(phone, hash, "22222")), "400 PHONE_CODE_HASH_INVALID") << "a code serves once";

  const auto users = run(io, c->invoke(get_self(), 10s));
  ASSERT_EQ(users.size(), 1u);
  const auto& me = dynamic_cast<const api::user&>(*users[0]);
  EXPECT_TRUE(me.self);
  EXPECT_EQ(me.id, 1'000'021'234);
  EXPECT_EQ(me.username, "sim_user_21234");
  EXPECT_EQ(me.phone, phone);
  const auto state = run(io, c->invoke(api::updates::getState{}, 10s));
  EXPECT_NE(dynamic_cast<const api::updates::state*>(state.get()), nullptr);
  c->close();
}

// Signs in up to SESSION_PASSWORD_NEEDED and returns the account.password challenge.
tl::object_ptr<api::account::Password> password_step(asio::io_context& io, mtproto::Connection& c,
                                                     const std::string& phone) {
  const auto hash = code_hash(io, c, phone);
  EXPECT_EQ(rpc_error_of(io, c, sign_in(phone, hash, std::string(5, phone[5]))), "401 SESSION_PASSWORD_NEEDED");
  return run(io, c.invoke(api::account::getPassword{}, 10s));
}

api::auth::checkPassword srp_check(const api::account::Password& state, std::string_view password) {
  const auto& p = dynamic_cast<const api::account::password&>(state);
  const auto& algo = dynamic_cast<const api::passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow&>(*p.current_algo);
  const auto bytes = [](const std::string& s) { return std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
  const auto answer = crypto::srp_client_answer(bytes(std::string(password)), bytes(algo.salt1), bytes(algo.salt2), algo.g,
                                                bytes(algo.p), bytes(*p.srp_B), crypto::system_rng());
  auto srp = std::make_unique<api::inputCheckPasswordSRP>();
  srp->srp_id = *p.srp_id;
  srp->A.assign(answer.A.begin(), answer.A.end());
  srp->M1.assign(answer.M1.begin(), answer.M1.end());
  api::auth::checkPassword check;
  check.password = std::move(srp);
  return check;
}

TEST(Login, TwoFactorPasswordOverSrp) {
  sim::SimOptions o;
  o.two_fa["9996620000"] = "given-on-the-command-line";
  SimFixture sim(std::move(o));
  asio::io_context io;
  auto c = sim.connect(io, plain_intermediate(), 2);
  // Default rule: a number ending in 9 has "sim-password-<last 4 digits>".
  auto state = password_step(io, *c, "9996621239");
  const auto& p = dynamic_cast<const api::account::password&>(*state);
  EXPECT_TRUE(p.has_password);
  EXPECT_EQ(dynamic_cast<const api::passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow&>(*p.current_algo).g, 3);
  EXPECT_EQ(rpc_error_of(io, *c, srp_check(*state, "wrong")), "400 PASSWORD_HASH_INVALID");
  EXPECT_EQ(rpc_error_of(io, *c, srp_check(*state, "sim-password-1239")), "400 SRP_ID_INVALID") << "the challenge was used";
  auto stale = run(io, c->invoke(api::account::getPassword{}, 10s));
  auto fresh = run(io, c->invoke(api::account::getPassword{}, 10s));
  EXPECT_EQ(rpc_error_of(io, *c, srp_check(*stale, "sim-password-1239")), "400 SRP_ID_INVALID");
  const auto answer = run(io, c->invoke(srp_check(*fresh, "sim-password-1239"), 10s));
  EXPECT_EQ(user_of(answer), 1'000'021'239);
  EXPECT_EQ(rpc_error_of(io, *c, get_self()), "");

  auto other = sim.connect(io, plain_intermediate(), 2);
  auto given = password_step(io, *other, "9996620000");
  EXPECT_EQ(user_of(run(io, other->invoke(srp_check(*given, "given-on-the-command-line"), 10s))), 1'000'020'000);
  c->close();
  other->close();
}

TEST(Login, BotTokens) {
  SimFixture sim;
  asio::io_context io;
  const auto import = [](std::string token) {
    api::auth::importBotAuthorization req;
    req.api_id = 1;
    req.api_hash = "0123456789abcdef0123456789abcdef";
    req.bot_auth_token = std::move(token);
    return req;
  };
  auto on_two = sim.connect(io, plain_intermediate(), 2);
  EXPECT_EQ(rpc_error_of(io, *on_two, import("4242:AAAAAAAAAAAAAA")), "303 USER_MIGRATE_1") << "bots live on the first DC";
  on_two->close();
  auto c = sim.connect(io, plain_intermediate(), 1);
  EXPECT_EQ(rpc_error_of(io, *c, import("bot:AAAAAAAAAAAAAA")), "400 ACCESS_TOKEN_INVALID");
  EXPECT_EQ(rpc_error_of(io, *c, import("4242:short")), "400 ACCESS_TOKEN_INVALID");
  const auto answer = run(io, c->invoke(import("4242:AAAAAAAAAAAAAA"), 10s));
  const auto& bot = dynamic_cast<const api::user&>(*dynamic_cast<const api::auth::authorization&>(*answer).user);
  EXPECT_EQ(bot.id, 4242);
  EXPECT_TRUE(bot.bot);
  c->close();
}

}  // namespace
}  // namespace mtpipe
