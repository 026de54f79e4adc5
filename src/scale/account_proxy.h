#pragma once
// Connects one account's client to the process's proxy pool: each new connection of the account asks the pool
// for its proxy (sticky, rotated, never a banned one) and reports how the dial went, so a dead proxy is left by
// this account at once and banned for all after MTPROTO_PROXY_FAIL_SCORE_LIMIT failures.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "client/proxy_source.h"
#include "net/dial.h"
#include "scale/proxy_pool.h"

namespace mtpipe::scale {

class AccountProxySource : public client::ProxySource {
 public:
  // `pool` must outlive the source; `now` is the pool's clock.
  AccountProxySource(ProxyPool& pool, std::string account, std::function<Clock::time_point()> now = [] {
    return Clock::now();
  });
  // Throws net::DialError(proxy_refused) when every proxy is banned: the account never falls back to a direct
  // connection, which would show its real address.
  Choice choose() override;
  void succeeded(std::size_t id) override;
  bool failed(std::size_t id, const net::DialError& error) override;

 private:
  ProxyPool& pool_;
  std::string account_;
  std::function<Clock::time_point()> now_;
};

// The background health check of banned proxies: every `period`, each proxy whose ban has run out is dialled
// (through it, to `target`, a DC address) and passes when the route opens within `timeout`. Runs until the
// awaiting coroutine is cancelled; the pool must outlive it.
boost::asio::awaitable<void> check_banned_proxies(ProxyPool& pool, net::Endpoint target,
                                                  std::chrono::milliseconds period,
                                                  std::chrono::milliseconds timeout);
}  // namespace mtpipe::scale
