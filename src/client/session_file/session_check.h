#pragma once

#include <string>
#include <vector>

#include "client/session_data.h"

namespace mtpipe::client::session_file {

// What keeps a session that loaded fine from being usable to collect with: no home DC, no key or address for
// it, a key that is not logged in or all zeros. Empty when there is nothing wrong. Never mentions key bytes.
std::vector<std::string> session_problems(const SessionData& session);

}  // namespace mtpipe::client::session_file
