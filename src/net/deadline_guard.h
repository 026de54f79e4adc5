#pragma once

// The guard lives with the MTProto connection (the lowest layer that runs Asio), which uses it for its handshake
// watchdog; dialing uses the same one.
#include "mtproto/connection/deadline_guard.h"

namespace mtpipe::net {

using mtproto::DeadlineGuard;

}  // namespace mtpipe::net
