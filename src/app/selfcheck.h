// `mtpipe selfcheck`: exercises the TL, crypto and MTProto layers end to end (every schema entry, our
// client and server handshakes against each other, message encryption, 2FA), then our client against the
// embedded sim, and prints a summary.
#pragma once

namespace mtpipe::app {

int selfcheck();

}  // namespace mtpipe::app
