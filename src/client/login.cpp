#include "client/login.h"

#include "client/rpc_error.h"

#include "crypto/bytes.h"
#include "crypto/srp.h"
#include "tl/api.h"

namespace mtpipe::client {
namespace asio = boost::asio;
namespace api = tl::api;
using crypto::as_bytes;

namespace {

// Records who the account is and says so.
LoginResult record_user(Client& client, const api::User* any_user, bool used_password) {
  const auto* user = dynamic_cast<const api::user*>(any_user);
  if (!user) throw LoginError("the server's answer carries no user");
  client.set_logged_in(user->id, user->bot);
  LoginResult r;
  r.user_id = user->id;
  r.bot = user->bot;
  r.name = user->first_name.value_or("");
  if (user->last_name && !user->last_name->empty()) r.name += " " + *user->last_name;
  r.home_dc = client.home_dc();
  r.used_password = used_password;
  return r;
}

LoginResult logged_in(Client& client, const api::auth::Authorization& answer, bool used_password) {
  const auto* done = dynamic_cast<const api::auth::authorization*>(&answer);
  if (!done) throw LoginError("this phone number has no account: sign-up is not supported (register it in an official app first)");
  return record_user(client, done->user.get(), used_password);
}

asio::awaitable<LoginResult> check_password(Client& client, const CodeLogin& input) {
  const api::account::getPassword get_password;
  const auto state = co_await client.invoke(get_password);
  const auto* password = dynamic_cast<const api::account::password*>(state.get());
  if (!password || !password->has_password || !password->srp_B || !password->srp_id)
    throw LoginError("the server asked for a 2FA password but describes none");
  const auto* algo =
      dynamic_cast<const api::passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow*>(password->current_algo.get());
  if (!algo) throw LoginError("the account's 2FA uses a password algorithm this version does not know");
  if (!input.password) throw LoginError("the account has a 2FA password and none was given (--password or MTPIPE_2FA_PASSWORD)");
  const std::string secret = input.password(password->hint.value_or(""));
  const auto answer = crypto::srp_client_answer(as_bytes(secret), as_bytes(algo->salt1), as_bytes(algo->salt2), algo->g,
                                                as_bytes(algo->p), as_bytes(*password->srp_B), crypto::system_rng());
  auto srp = std::make_unique<api::inputCheckPasswordSRP>();
  srp->srp_id = *password->srp_id;
  srp->A.assign(answer.A.begin(), answer.A.end());
  srp->M1.assign(answer.M1.begin(), answer.M1.end());
  api::auth::checkPassword check;
  check.password = std::move(srp);
  const auto authorization = co_await client.invoke(check);
  co_return logged_in(client, *authorization, true);
}

}  // namespace

asio::awaitable<LoginResult> login_with_code(Client& client, const ApiIdentity& api_identity, CodeLogin input) {
  api::auth::sendCode send;
  send.phone_number = input.phone;
  send.api_id = api_identity.api_id;
  send.api_hash = api_identity.api_hash;
  send.settings = std::make_unique<api::codeSettings>();
  const auto sent_answer = co_await client.invoke(send);
  const auto* sent = dynamic_cast<const api::auth::sentCode*>(sent_answer.get());
  if (!sent) throw LoginError("the server did not send a login code (unexpected answer to auth.sendCode)");
  if (!input.code) throw LoginError("a login code is needed and none was given (--code or MTPIPE_LOGIN_CODE)");

  api::auth::signIn sign_in;
  sign_in.phone_number = input.phone;
  sign_in.phone_code_hash = sent->phone_code_hash;
  sign_in.phone_code = input.code();
  try {
    const auto authorization = co_await client.invoke(sign_in);
    co_return logged_in(client, *authorization, false);
  } catch (const RpcError& e) {
    if (e.message() != "SESSION_PASSWORD_NEEDED") throw;
  }
  // The account has 2FA (a coroutine cannot co_await inside a handler, so the password step comes here).
  co_return co_await check_password(client, input);
}

asio::awaitable<LoginResult> login_as_bot(Client& client, const ApiIdentity& api_identity, std::string token) {
  api::auth::importBotAuthorization import;
  import.api_id = api_identity.api_id;
  import.api_hash = api_identity.api_hash;
  import.bot_auth_token = std::move(token);
  const auto authorization = co_await client.invoke(import);
  co_return logged_in(client, *authorization, false);
}

asio::awaitable<LoginResult> identify(Client& client) {
  api::users::getUsers get;
  get.id.push_back(std::make_unique<api::inputUserSelf>());
  const auto users = co_await client.invoke(get);
  if (users.empty()) throw LoginError("users.getUsers([inputUserSelf]) answered no user");
  co_return record_user(client, users.front().get(), false);
}

asio::awaitable<void> logout(Client& client) {
  const api::auth::logOut log_out;
  (void)co_await client.invoke(log_out);
  client.set_logged_out();
}

}  // namespace mtpipe::client
