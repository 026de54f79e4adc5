#include "client/string_session.h"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "tl/base64.h"

namespace mtpipe::client {
namespace {

constexpr std::size_t kIpv4Chars = 352, kIpv6Chars = 368;  // base64 of 263 and 275 bytes

[[noreturn]] void refuse(const std::string& why) { throw std::invalid_argument("Telethon string session: " + why); }

// Telethon writes base64url with padding (Python's urlsafe_b64decode insists on it) and reads it back.
std::vector<std::uint8_t> base64url_decode(std::string_view text) {
  try {
    return tl::from_base64(text, tl::Base64Alphabet::url);
  } catch (const std::invalid_argument& e) {
    refuse(e.what());  // says where, never what: the text holds the auth key
  }
}

}  // namespace

bool TelethonStringSession::has_auth_key() const noexcept {
  return std::any_of(auth_key.begin(), auth_key.end(), [](std::uint8_t b) { return b != 0; });
}

TelethonStringSession parse_telethon_string_session(std::string_view text) {
  if (text.empty()) refuse("empty");
  if (text.front() != '1') refuse("unknown version '" + std::string(1, text.front()) + "' (expected '1')");
  text.remove_prefix(1);
  if (text.size() != kIpv4Chars && text.size() != kIpv6Chars)
    refuse(std::to_string(text.size() + 1) + " characters; a session with an IPv4 address has 353, with IPv6 369");
  const auto bytes = base64url_decode(text);
  const std::size_t ip_len = text.size() == kIpv4Chars ? 4 : 16;
  if (bytes.size() != 1 + ip_len + 2 + 256) refuse("decodes to the wrong number of bytes");
  TelethonStringSession s;
  s.dc_id = bytes[0];
  char ip[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip_len == 4 ? AF_INET : AF_INET6, bytes.data() + 1, ip, sizeof ip);
  s.ip = ip;
  s.port = static_cast<std::uint16_t>(bytes[1 + ip_len] << 8 | bytes[2 + ip_len]);
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(3 + ip_len), 256, s.auth_key.begin());
  return s;
}

std::string to_telethon_string_session(const TelethonStringSession& s) {
  if (s.dc_id < 0 || s.dc_id > 255) throw std::invalid_argument("Telethon string session: dc_id must fit one byte");
  std::uint8_t ip[16];
  std::size_t ip_len = 4;
  if (inet_pton(AF_INET, s.ip.c_str(), ip) != 1) {
    if (inet_pton(AF_INET6, s.ip.c_str(), ip) != 1)
      throw std::invalid_argument("Telethon string session: '" + s.ip + "' is not an IP address");
    ip_len = 16;
  }
  std::vector<std::uint8_t> bytes;
  bytes.push_back(static_cast<std::uint8_t>(s.dc_id));
  bytes.insert(bytes.end(), ip, ip + ip_len);
  bytes.push_back(static_cast<std::uint8_t>(s.port >> 8));
  bytes.push_back(static_cast<std::uint8_t>(s.port));
  bytes.insert(bytes.end(), s.auth_key.begin(), s.auth_key.end());
  return "1" + tl::to_base64(bytes, tl::Base64Alphabet::url, tl::Base64Padding::with);
}

}  // namespace mtpipe::client
