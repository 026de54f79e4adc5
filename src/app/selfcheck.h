// `mtpipe selfcheck`: exercises the TL and crypto layers end to end (both sides of a handshake's
// cryptography, message encryption, 2FA, and every schema entry), then our MTProto client against the
// embedded sim, and prints a summary.
#pragma once

namespace mtpipe::app {

int selfcheck();

}  // namespace mtpipe::app
