#include "net/socks5.h"

#include <array>
#include <boost/asio/ip/address.hpp>

#include "net/dial_error.h"
#include "net/proxy_io.h"

namespace mtpipe::net {
namespace asio = boost::asio;

namespace {

constexpr std::uint8_t kVersion = 5;
constexpr std::uint8_t kNoAuth = 0x00, kUserPass = 0x02, kNoAcceptable = 0xff;
constexpr std::uint8_t kConnect = 0x01;
constexpr std::uint8_t kIpv4 = 0x01, kDomain = 0x03, kIpv6 = 0x04;

void append_short_string(std::vector<std::uint8_t>& out, std::string_view text) {
  out.push_back(static_cast<std::uint8_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
}

// RFC 1929: VER=1 ULEN UNAME PLEN PASSWD.
std::vector<std::uint8_t> user_pass_request(const Socks5Request& r, const std::string& who) {
  if (r.username.size() > 255 || r.password.size() > 255)
    throw DialError(DialError::Kind::proxy_auth, who + ": username or password longer than 255 bytes");
  std::vector<std::uint8_t> out{0x01};
  append_short_string(out, r.username);
  append_short_string(out, r.password);
  return out;
}

asio::awaitable<void> authenticate(asio::ip::tcp::socket& socket, const Socks5Request& r, const std::string& who) {
  const std::vector<std::uint8_t> greeting =
      r.username.empty() ? std::vector<std::uint8_t>{kVersion, 1, kNoAuth}
                         : std::vector<std::uint8_t>{kVersion, 2, kNoAuth, kUserPass};
  co_await proxy_write(socket, greeting, who, "sending the greeting");
  std::array<std::uint8_t, 2> choice{};
  co_await proxy_read(socket, choice, who, "reading the chosen method");
  if (choice[0] != kVersion)
    throw DialError(DialError::Kind::proxy_protocol,
                    who + ": answered the greeting with version " + std::to_string(choice[0]) + ", not SOCKS5");
  if (choice[1] == kNoAuth) co_return;
  if (choice[1] == kNoAcceptable || choice[1] != kUserPass || r.username.empty()) {
    throw DialError(DialError::Kind::proxy_auth,
                    who + ": proxy requires authentication we were not configured for (method " +
                        std::to_string(choice[1]) + (r.username.empty() ? "; no username given)" : ")"));
  }
  const std::vector<std::uint8_t> credentials = user_pass_request(r, who);
  co_await proxy_write(socket, credentials, who, "sending username/password");
  std::array<std::uint8_t, 2> status{};
  co_await proxy_read(socket, status, who, "reading the username/password verdict");
  if (status[1] != 0) {
    throw DialError(DialError::Kind::proxy_auth, who + ": username/password rejected for user '" + r.username +
                                                     "' (status " + std::to_string(status[1]) + ")");
  }
}

// The reply's bound address, whose length depends on its type; read and dropped.
asio::awaitable<void> skip_bound_address(asio::ip::tcp::socket& socket, std::uint8_t type, const std::string& who) {
  std::size_t size = 0;
  if (type == kIpv4) {
    size = 4;
  } else if (type == kIpv6) {
    size = 16;
  } else if (type == kDomain) {
    std::array<std::uint8_t, 1> length{};
    co_await proxy_read(socket, length, who, "reading the bound address");
    size = length[0];
  } else {
    throw DialError(DialError::Kind::proxy_protocol,
                    who + ": reply to CONNECT has unknown address type " + std::to_string(type));
  }
  std::array<std::uint8_t, 255 + 2> rest{};
  co_await proxy_read(socket, std::span(rest.data(), size + 2), who, "reading the bound address");
}

}  // namespace

std::vector<std::uint8_t> socks5_connect_request(const Endpoint& target) {
  std::vector<std::uint8_t> out{kVersion, kConnect, 0x00};
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(target.host, ec);
  if (!ec && address.is_v4()) {
    out.push_back(kIpv4);
    const auto bytes = address.to_v4().to_bytes();
    out.insert(out.end(), bytes.begin(), bytes.end());
  } else if (!ec && address.is_v6()) {
    out.push_back(kIpv6);
    const auto bytes = address.to_v6().to_bytes();
    out.insert(out.end(), bytes.begin(), bytes.end());
  } else {
    if (target.host.empty() || target.host.size() > 255)
      throw DialError(DialError::Kind::proxy_protocol, "SOCKS5: host name '" + target.host + "' is empty or too long");
    out.push_back(kDomain);
    append_short_string(out, target.host);
  }
  out.push_back(static_cast<std::uint8_t>(target.port >> 8));
  out.push_back(static_cast<std::uint8_t>(target.port & 0xff));
  return out;
}

std::string_view socks5_reply_meaning(std::uint8_t code) noexcept {
  switch (code) {
    case 0: return "succeeded";
    case 1: return "general SOCKS server failure";
    case 2: return "connection not allowed by ruleset";
    case 3: return "network unreachable";
    case 4: return "host unreachable";
    case 5: return "connection refused by destination host";
    case 6: return "TTL expired";
    case 7: return "command not supported";
    case 8: return "address type not supported";
    default: return "unassigned reply code";
  }
}

asio::awaitable<void> socks5_connect(asio::ip::tcp::socket& socket, Socks5Request request, std::string proxy_name) {
  const std::string who = "SOCKS5 proxy " + proxy_name;
  co_await authenticate(socket, request, who);
  const std::vector<std::uint8_t> connect = socks5_connect_request(request.target);
  co_await proxy_write(socket, connect, who, "sending CONNECT");
  std::array<std::uint8_t, 4> head{};  // VER REP RSV ATYP
  co_await proxy_read(socket, head, who, "reading the reply to CONNECT");
  if (head[0] != kVersion)
    throw DialError(DialError::Kind::proxy_protocol,
                    who + ": reply to CONNECT has version " + std::to_string(head[0]) + ", not SOCKS5");
  if (head[1] != 0) {
    throw DialError(DialError::Kind::proxy_refused, who + " refused the connection to " + format_endpoint(request.target) +
                                                        ": " + std::string(socks5_reply_meaning(head[1])) +
                                                        " (reply " + std::to_string(head[1]) + ")");
  }
  co_await skip_bound_address(socket, head[3], who);
}

}  // namespace mtpipe::net
