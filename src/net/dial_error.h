#pragma once
// Why reaching a DC failed, as a kind a caller can act on: a dead proxy (refused, timeout, proxy_auth,
// proxy_protocol while talking to it) is retried differently from a DC the proxy could not reach
// (proxy_refused). Messages name the proxy only in its redacted form.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

namespace mtpipe::net {

class DialError : public std::runtime_error {
 public:
  enum class Kind : std::uint8_t {
    dns,             // the name did not resolve
    refused,         // nobody listens at the address (the DC's, or the proxy's when there is one)
    timeout,         // the deadline passed: connecting, or in the proxy's handshake
    network,         // another socket error: reset, unreachable, closed mid-handshake
    proxy_auth,      // the proxy wants credentials we do not have, or refused ours
    proxy_refused,   // the proxy answered but would not (or could not) connect to the target
    proxy_protocol,  // the proxy spoke something other than the protocol we expected
  };

  DialError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

std::string_view to_string(DialError::Kind kind) noexcept;

// The kind a socket or resolver error stands for (timed_out, connection_refused, host_not_found, ...).
DialError::Kind classify(const boost::system::error_code& ec) noexcept;

}  // namespace mtpipe::net
