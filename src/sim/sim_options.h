#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtproto/handshake/faults.h"
#include "mtproto/session/server_session.h"

namespace mtpipe::sim {

// Server-side misbehaviour switched on by `--fault` (docs/SIM.md), for clients' negative tests.
struct SimFaults {
  mtproto::handshake::Faults handshake;
  mtproto::session::SessionFaults session = 0;
  bool transport_error_404 = false;  // answer every encrypted packet with transport error -404
};

// Adds the fault named `name` ("bad-dh-prime", "wrong-session-id", ...). False for an unknown name.
bool add_fault(SimFaults& faults, std::string_view name);
// Every name add_fault accepts, for help texts.
std::vector<std::string> fault_names();

struct SimOptions {
  std::vector<std::int32_t> dc_ids{1, 2, 3};
  std::string host = "127.0.0.1";
  std::uint16_t port_base = 0;  // 0: ephemeral ports
  std::string rsa_key_file;     // empty: a key generated for this run only
  std::string ready_file;
  int threads = 1;
  std::int32_t salt_period_s = 1800;
  std::uint64_t salt_rotate_after = 0;  // 0: off
  SimFaults faults;
};

}  // namespace mtpipe::sim
