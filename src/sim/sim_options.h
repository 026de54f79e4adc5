#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtproto/clock.h"
#include "mtproto/handshake/faults.h"
#include "mtproto/session/server_session.h"
#include "mtproto/transport/mtproxy_secret.h"

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

// `--flood-limit METHOD=COUNT/SECONDS`: an account may call METHOD COUNT times in any SECONDS-long window.
struct FloodRule {
  std::string method;  // TL name, e.g. "help.getNearestDc"
  std::int32_t count = 0;
  std::int32_t seconds = 0;
};

// Parses "help.getNearestDc=5/10". Throws std::invalid_argument saying what is wrong.
FloodRule parse_flood_rule(std::string_view text);

// `--latency MS` or `--latency MIN-MAX`: every API query is answered that long after it arrived (a uniform draw
// from [min_ms, max_ms] per query). 0-0: answered at once.
struct Latency {
  std::int32_t min_ms = 0;
  std::int32_t max_ms = 0;
  bool on() const noexcept { return max_ms > 0; }
};

// Parses "250" or "100-400" (milliseconds, at most 600000). Throws std::invalid_argument saying what is wrong.
Latency parse_latency(std::string_view text);
// Parses an MTProxy secret in hex (16 bytes, dd + 16, ee + 16 + domain). Throws std::invalid_argument; the
// message never repeats the secret.
mtproto::transport::MtproxySecret parse_mtproxy_secret(std::string_view hex);
// Parses "PHONE:PASSWORD" into `passwords`. Throws std::invalid_argument (without the password).
void add_two_fa(std::map<std::string, std::string>& passwords, std::string_view phone_colon_password);

struct SimOptions {
  std::vector<std::int32_t> dc_ids{1, 2, 3};
  std::string host = "127.0.0.1";
  std::uint16_t port_base = 0;  // 0: ephemeral ports
  std::string rsa_key_file;     // empty: a key generated for this run only
  std::string ready_file;
  int threads = 1;
  std::int32_t salt_period_s = 1800;
  std::uint64_t salt_rotate_after = 0;  // 0: off
  // Fault: every Nth query a DC receives is not answered; its connection is closed instead (0: off). Clients
  // must re-send or fail each request in flight, never hang.
  std::uint64_t kill_every = 0;
  SimFaults faults;
  // One extra port, only for obfuscated connections keyed with one of these; each is served by the DC its
  // header names. Empty: no MTProxy port.
  std::vector<mtproto::transport::MtproxySecret> mtproxy_secrets;
  std::map<std::string, std::string> two_fa;  // phone -> 2FA password, besides the default rule (docs/SIM.md)
  std::vector<FloodRule> flood_limits;        // none by default
  // A call that arrives during its flood wait doubles what is left of the wait (up to an hour); off: the wait
  // stays as it was (every such call is counted either way).
  bool flood_penalty = false;
  Latency latency;
  // Updates a client has not acknowledged this long after they were last sent go out again, under their own
  // msg_id inside a container (0: only when the session moves to another connection). An update unacknowledged
  // for longer than `push_ack_late_after_ms` counts as late in the stats (docs/SIM.md "Pushed updates").
  std::int32_t push_resend_after_ms = 10'000;
  std::int32_t push_ack_late_after_ms = 1'000;
  // Where to write every counter as JSON (each second while running and once more on SIGTERM/SIGINT); empty:
  // nowhere. Read by `mtpipe sim` (app/sim_command.cpp), not by the server itself.
  std::string stats_file;
  // The world's clock (flood windows, login-code expiry); tests pass a ManualClock. Null: the system clock.
  const mtproto::Clock* world_clock = nullptr;
};

}  // namespace mtpipe::sim
