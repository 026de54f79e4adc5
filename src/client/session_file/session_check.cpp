#include "client/session_file/session_check.h"

#include <algorithm>

namespace mtpipe::client::session_file {

std::vector<std::string> session_problems(const SessionData& s) {
  std::vector<std::string> problems;
  for (const auto& [dc, auth] : s.dcs) {
    if (std::all_of(auth.key.bytes.begin(), auth.key.bytes.end(), [](std::uint8_t b) { return b == 0; }))
      problems.push_back("the auth key of DC " + std::to_string(dc) + " is all zeros");
  }
  if (s.home_dc == 0) {
    problems.push_back("no home DC (the account never logged in)");
    return problems;
  }
  const auto home = std::to_string(s.home_dc);
  const auto key = s.dcs.find(s.home_dc);
  if (key == s.dcs.end())
    problems.push_back("no auth key for the home DC " + home);
  else if (!key->second.authorized)
    problems.push_back("the auth key of the home DC " + home + " is not logged in");
  if (s.address(s.home_dc) == nullptr) problems.push_back("no address for the home DC " + home);
  return problems;
}

}  // namespace mtpipe::client::session_file
