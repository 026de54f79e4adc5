#include "sim/sim_options.h"

#include <algorithm>

namespace mtpipe::sim {
namespace {

struct SessionFaultName {
  const char* name;
  mtproto::session::SessionFault fault;
};
constexpr SessionFaultName kSessionFaults[] = {
    {"bad-msg-key", mtproto::session::SessionFault::bad_msg_key},
    {"wrong-session-id", mtproto::session::SessionFault::wrong_session_id},
    {"old-msg-id", mtproto::session::SessionFault::old_msg_id},
    {"replay-msg-id", mtproto::session::SessionFault::replay_msg_id},
    {"foreign-auth-key-id", mtproto::session::SessionFault::foreign_auth_key_id},
};

// Flags are spelled with dashes; the handshake's fault names use underscores.
std::string with(std::string_view name, char from, char to) {
  std::string s(name);
  std::replace(s.begin(), s.end(), from, to);
  return s;
}

}  // namespace

bool add_fault(SimFaults& faults, std::string_view name) {
  if (name == "transport-error-404") {
    faults.transport_error_404 = true;
    return true;
  }
  for (const auto& f : kSessionFaults) {
    if (name == f.name) {
      faults.session |= mtproto::session::fault_bit(f.fault);
      return true;
    }
  }
  if (const auto f = mtproto::handshake::fault_from_string(with(name, '-', '_'))) {
    faults.handshake.set(*f);
    return true;
  }
  return false;
}

std::vector<std::string> fault_names() {
  std::vector<std::string> names;
  for (const auto f : mtproto::handshake::kAllFaults) names.push_back(with(mtproto::handshake::to_string(f), '_', '-'));
  for (const auto& f : kSessionFaults) names.emplace_back(f.name);
  names.emplace_back("transport-error-404");
  return names;
}

}  // namespace mtpipe::sim
