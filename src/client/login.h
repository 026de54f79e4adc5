#pragma once
// Logging an account in (issue 4 point 3): phone + code (+ 2FA password over SRP), or a bot token; and out.
// PHONE_MIGRATE is followed by the Client itself (it moves the home DC and sends the code request there).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "client/client.h"

namespace mtpipe::client {

struct LoginResult {
  std::int64_t user_id = 0;
  bool bot = false;
  std::string name;  // first and last name, or the bot's name, for a confirmation line
  std::int32_t home_dc = 0;
  bool used_password = false;
};

// Where the code and the password come from: a terminal prompt, a flag, an environment variable. Asked only
// when needed (the password only when the account has 2FA), on the client's executor; they may block.
struct CodeLogin {
  std::string phone;
  std::function<std::string()> code;
  std::function<std::string(const std::string& hint)> password;
};

// Throws client::RpcError for what the server refused (PHONE_CODE_INVALID, PASSWORD_HASH_INVALID, ...) and
// LoginError for what cannot go on (no password given for a 2FA account, sign-up needed, an unknown password
// algorithm).
boost::asio::awaitable<LoginResult> login_with_code(Client& client, const ApiIdentity& api, CodeLogin input);
boost::asio::awaitable<LoginResult> login_as_bot(Client& client, const ApiIdentity& api, std::string token);
// Asks the server who the account is (users.getUsers([inputUserSelf])) and records it: for sessions imported
// with a working key but no user id (Telethon's files do not keep it). Throws RpcError (AUTH_KEY_UNREGISTERED
// when the key is not logged in).
boost::asio::awaitable<LoginResult> identify(Client& client);
// auth.logOut; the client then forgets the login (the keys stay, unauthorized).
boost::asio::awaitable<void> logout(Client& client);

class LoginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mtpipe::client
