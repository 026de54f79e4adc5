// `mtpipe sim`: runs the DC emulator until SIGTERM/SIGINT (docs/SIM.md).
#pragma once

#include <string>
#include <vector>

#include "sim/sim_options.h"

namespace mtpipe::app {

int run_sim(const sim::SimOptions& options);

// Adds the repeatable world flags (--mtproxy-secret HEX, --two-fa PHONE:PASSWORD, --flood-limit
// METHOD=COUNT/SECONDS) to `options`. Throws std::invalid_argument naming the flag; never echoes a secret or
// password.
void add_sim_world_flags(sim::SimOptions& options, const std::vector<std::string>& mtproxy_secrets,
                         const std::vector<std::string>& two_fa, const std::vector<std::string>& flood_limits);

}  // namespace mtpipe::app
