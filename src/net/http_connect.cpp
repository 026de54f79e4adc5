#include "net/http_connect.h"

#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "net/dial_error.h"
#include "net/proxy_io.h"
#include "tl/base64.h"

namespace mtpipe::net {
namespace asio = boost::asio;

namespace {

// Finds the blank line ending the header across reads: `matched` counts the bytes of "\r\n\r\n" seen so far.
// Returns how many bytes of `bytes` belong to the header, the terminator included (all of them if it has not
// ended yet), and sets `done` when it has.
std::size_t header_part(std::span<const std::uint8_t> bytes, int& matched, bool& done) {
  static constexpr std::string_view kEnd = "\r\n\r\n";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = static_cast<char>(bytes[i]);
    if (c == kEnd[static_cast<std::size_t>(matched)]) {
      ++matched;
    } else {
      matched = c == '\r' ? 1 : 0;
    }
    if (matched == 4) {
      done = true;
      return i + 1;
    }
  }
  return bytes.size();
}

// Reads the header only: peek at what arrived, then consume exactly the header's share of it.
asio::awaitable<std::string> read_header(asio::ip::tcp::socket& socket, const std::string& who) {
  std::string header;
  std::array<std::uint8_t, 1024> peeked{};
  int matched = 0;
  bool done = false;
  while (!done) {
    std::size_t n = 0;
    try {
      n = co_await socket.async_receive(asio::buffer(peeked), asio::socket_base::message_peek, asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
      throw DialError(classify(e.code()), who + ": reading the response to CONNECT: " + e.code().message());
    }
    if (n == 0) throw DialError(DialError::Kind::network, who + ": closed the connection before answering CONNECT");
    const std::size_t take = header_part(std::span(peeked.data(), n), matched, done);
    if (header.size() + take > kMaxHttpConnectHeader) {
      throw DialError(DialError::Kind::proxy_protocol,
                      who + ": response header longer than " + std::to_string(kMaxHttpConnectHeader) + " bytes");
    }
    co_await proxy_read(socket, std::span(peeked.data(), take), who, "reading the response to CONNECT");
    header.append(peeked.begin(), peeked.begin() + static_cast<std::ptrdiff_t>(take));
  }
  co_return header;
}

void check_status(const std::string& header, const HttpConnectRequest& request, const std::string& who) {
  const std::string status_line = header.substr(0, header.find("\r\n"));
  // "HTTP/1.1 200 Connection established"
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12 || status_line[8] != ' ') {
    throw DialError(DialError::Kind::proxy_protocol, who + ": answered CONNECT with something that is not HTTP");
  }
  const std::string code = status_line.substr(9, 3);
  if (code[0] == '2') return;
  // 407 is the standard answer; tinyproxy says 401 to a CONNECT it will not authorise.
  if (code == "407" || code == "401") {
    throw DialError(DialError::Kind::proxy_auth,
                    who + (request.username.empty()
                               ? ": proxy requires authentication we were not configured for ("
                               : ": username/password rejected for user '" + request.username + "' (") +
                        status_line + ")");
  }
  throw DialError(DialError::Kind::proxy_refused,
                  who + " refused the connection to " + format_endpoint(request.target) + ": " + status_line);
}

}  // namespace

std::string http_connect_request(const HttpConnectRequest& request) {
  const std::string target = format_endpoint(request.target);
  std::string text = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n";
  if (!request.username.empty())
    text += "Proxy-Authorization: Basic " + tl::to_base64(request.username + ":" + request.password) + "\r\n";
  return text + "\r\n";
}

asio::awaitable<void> http_connect(asio::ip::tcp::socket& socket, HttpConnectRequest request, std::string proxy_name) {
  const std::string who = "HTTP proxy " + proxy_name;
  const std::string text = http_connect_request(request);
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  co_await proxy_write(socket, bytes, who, "sending CONNECT");
  const std::string header = co_await read_header(socket, who);
  check_status(header, request, who);
}

}  // namespace mtpipe::net
