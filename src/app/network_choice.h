// Which Telegram an account command talks to (`--server`, MTPIPE_SERVER).
#pragma once

#include <string>

#include "client/client_options.h"

namespace mtpipe::app {

// "telegram" (production DCs and key), "telegram-test" (Telegram's test DCs), or "sim:READY_FILE" (a running
// `mtpipe sim`, found through the ready file it wrote). Throws std::invalid_argument saying what is accepted.
client::Network network_for(const std::string& server);

}  // namespace mtpipe::app
