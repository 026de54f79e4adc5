#include "net/dial_error.h"

#include <boost/asio/error.hpp>

namespace mtpipe::net {

std::string_view to_string(DialError::Kind kind) noexcept {
  switch (kind) {
    case DialError::Kind::dns: return "dns";
    case DialError::Kind::refused: return "refused";
    case DialError::Kind::timeout: return "timeout";
    case DialError::Kind::network: return "network";
    case DialError::Kind::proxy_auth: return "proxy_auth";
    case DialError::Kind::proxy_refused: return "proxy_refused";
    case DialError::Kind::proxy_protocol: return "proxy_protocol";
  }
  return "unknown";
}

DialError::Kind classify(const boost::system::error_code& ec) noexcept {
  namespace error = boost::asio::error;
  if (ec == error::timed_out) return DialError::Kind::timeout;
  if (ec == error::connection_refused) return DialError::Kind::refused;
  if (ec.category() == error::get_netdb_category() || ec.category() == error::get_addrinfo_category())
    return DialError::Kind::dns;
  return DialError::Kind::network;
}

}  // namespace mtpipe::net
