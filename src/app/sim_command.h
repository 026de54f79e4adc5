// `mtpipe sim`: runs the DC emulator until SIGTERM/SIGINT (docs/SIM.md).
#pragma once

#include "sim/sim_options.h"

namespace mtpipe::app {

int run_sim(const sim::SimOptions& options);

}  // namespace mtpipe::app
