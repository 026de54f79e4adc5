#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "sim/dc.h"

namespace mtpipe::sim {

// Serves one client connection of a DC until it closes: transport detection and framing, handshakes,
// encrypted sessions, and the API. Runs on the socket's executor.
void serve_connection(boost::asio::ip::tcp::socket socket, Dc& dc);

}  // namespace mtpipe::sim
