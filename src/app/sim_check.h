// The selfcheck step that runs our MTProto client against the embedded sim over every transport.
#pragma once

#include <string>

namespace mtpipe::app {

// Starts a sim on loopback, then over each transport: handshake, help.getNearestDc calls and upload.getFile
// parts checked byte by byte, with the sim changing salts under the client. Returns a one-line summary;
// throws on any failure.
std::string check_sim();

}  // namespace mtpipe::app
