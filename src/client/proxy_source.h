#pragma once

#include <cstddef>
#include <optional>

#include "net/dial_error.h"
#include "net/proxy_url.h"

namespace mtpipe::client {

// Chooses the proxy for each new connection of an account and hears how it went, so a pool of proxies shared by
// many accounts (scale::ProxyPool) can keep each account on one proxy, move it when the proxy fails, and ban a
// proxy that keeps failing. Without one, every connection uses ClientOptions::proxy. Called on the account's
// executor.
class ProxySource {
 public:
  struct Choice {
    std::optional<net::ProxyUrl> proxy;  // nothing: connect directly
    std::size_t id = 0;                  // handed back in succeeded()/failed()
  };
  virtual ~ProxySource() = default;
  // Throws net::DialError when no proxy may be used now (all banned): connecting directly instead would show the
  // account's real address.
  virtual Choice choose() = 0;
  // The connection is up: the dial and the MTProto handshake through the proxy both worked.
  virtual void succeeded(std::size_t id) = 0;
  // The dial or the handshake failed; `error` says how (DialError kinds tell the proxy's fault from the DC's).
  // Returns true when the next choose() offers another proxy: the link then redials at once instead of pausing,
  // since the pause is there to spare a route that just failed, and the new one has not.
  virtual bool failed(std::size_t id, const net::DialError& error) = 0;
};

}  // namespace mtpipe::client
