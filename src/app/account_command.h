// `mtpipe login`, `mtpipe logout` and `mtpipe call`: one account, its session file, and the account Client.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "client/session_data.h"

namespace mtpipe::app {

struct AccountOptions {
  std::string account;
  std::string server = "telegram";          // --server, MTPIPE_SERVER: telegram, telegram-test, sim:READY_FILE
  std::string sessions_dir = "./sessions";  // --sessions-dir, MTPIPE_SESSIONS_DIR
  std::int32_t api_id = 0;                  // MTPROTO_API_ID (the sim takes any)
  std::string api_hash;                     // MTPROTO_API_HASH
  std::string proxy;                        // --proxy URL (socks5://, http://, mtproxy://, tg://proxy?...)
  std::string transport = "intermediate";
  int timeout_s = 30;                       // per request
};

struct LoginOptions {
  std::string phone;      // --phone, MTPIPE_PHONE
  std::string code;       // --code, MTPIPE_LOGIN_CODE
  std::string password;   // --password, MTPIPE_2FA_PASSWORD
  std::string bot_token;  // --bot-token, MTPIPE_BOT_TOKEN
};

struct CallOptions {
  std::string method;              // e.g. users.getUsers
  std::string params = "{}";       // the method's fields as a JSON object
  std::int32_t dc = 0;             // 0: the home DC
  bool compact = false;
};

// Each returns the exit status: 0 done, 1 refused (by the server, or a session-file problem), 2 bad input.
int run_login(const AccountOptions& account, const LoginOptions& login);
int run_logout(const AccountOptions& account);
int run_call(const AccountOptions& account, const CallOptions& call);

// The online half of `mtpipe sessions check`: connects with the stored key and asks who the account is.
int check_session_online(const AccountOptions& account, const client::SessionData& session, std::ostream& out);

}  // namespace mtpipe::app
