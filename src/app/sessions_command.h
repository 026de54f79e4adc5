// `mtpipe sessions list|import|export|check`: the account session files in the sessions directory
// (src/client/session_file): see what is there, bring accounts over from Telethon, hand one back as a
// Telethon StringSession, and find out offline what is wrong with a file.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "client/session_data.h"

namespace mtpipe::app {

struct SessionsOptions {
  std::string sessions_dir = "./sessions";  // --sessions-dir, else MTPIPE_SESSIONS_DIR
  std::string account;
  bool json = false;                        // list
  std::string telethon_file;                // import sources: at most one; none means a StringSession on stdin
  std::string string_session;
  std::string string_session_env;
  bool force = false;                       // import over an existing account
};

// The online half of `check` (connect with the home DC's key and make one call), which needs the account
// Client. It gets a session that already passed the offline checks, prints what it found to `out` and returns
// 0 when the key works. Until the Client provides one, `check` is offline only.
using OnlineSessionCheck =
    std::function<int(const std::string& account, const client::SessionData& session, std::ostream& out)>;

// Each returns the process exit status: 0 fine, 1 a problem with a session file, 2 bad usage.
int sessions_list(const SessionsOptions& options);
int sessions_import(const SessionsOptions& options);
int sessions_export(const SessionsOptions& options);
int sessions_check(const SessionsOptions& options, const OnlineSessionCheck& online = {});

}  // namespace mtpipe::app
