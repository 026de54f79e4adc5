#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <span>

#include "sim/dc.h"

namespace mtpipe::sim {

// Serves one client connection of a DC until it closes: transport detection and framing, handshakes,
// encrypted sessions, and the API. Runs on the socket's executor.
void serve_connection(boost::asio::ip::tcp::socket socket, Dc& dc);

// The same for a connection to the MTProxy port: it must be obfuscated with one of `secrets` (kept by reference,
// they outlive every connection), and is then served by the DC its header names, looked up with `find_dc`.
void serve_mtproxy_connection(boost::asio::ip::tcp::socket socket,
                              std::span<const mtproto::transport::MtproxySecret> secrets,
                              std::function<Dc*(std::int32_t)> find_dc);

}  // namespace mtpipe::sim
