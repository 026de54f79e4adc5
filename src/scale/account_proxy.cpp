#include "scale/account_proxy.h"

#include <boost/asio/this_coro.hpp>

#include "async/sleep.h"
#include "net/route.h"
#include "obs/log.h"

namespace mtpipe::scale {
namespace asio = boost::asio;

AccountProxySource::AccountProxySource(ProxyPool& pool, std::string account, std::function<Clock::time_point()> now)
    : pool_(pool), account_(std::move(account)), now_(std::move(now)) {}

client::ProxySource::Choice AccountProxySource::choose() {
  const auto proxy = pool_.pick(account_, now_());
  if (!proxy)
    throw net::DialError(net::DialError::Kind::proxy_refused,
                         "no usable proxy: all " + std::to_string(pool_.size()) + " are banned until a health check passes");
  return Choice{pool_.url(*proxy), *proxy};
}

void AccountProxySource::succeeded(std::size_t id) { pool_.on_success(id); }

bool AccountProxySource::failed(std::size_t id, const net::DialError& error) {
  if (pool_.on_failure(id, error, now_(), account_))
    obs::log(obs::Level::warn, "proxy", "proxy " + pool_.url(id).redacted() + " banned after repeated failures: " +
                                            error.what());
  return blame(error) == Blame::proxy && pool_.usable_besides(id);
}

asio::awaitable<void> check_banned_proxies(ProxyPool& pool, net::Endpoint target, std::chrono::milliseconds period,
                                           std::chrono::milliseconds timeout) {
  const auto executor = co_await asio::this_coro::executor;
  for (;;) {
    co_await async::sleep_for(period);
    for (const std::size_t proxy : pool.due_for_check(Clock::now())) {
      bool ok = false;
      try {
        auto socket = co_await net::dial_route(executor, pool.url(proxy), target, timeout);
        ok = true;
      } catch (const net::DialError& e) {
        // A proxy that reaches no DC is as useless as a dead one while the check runs.
        obs::log(obs::Level::info, "proxy", "health check of " + pool.url(proxy).redacted() + " failed: " + e.what());
      }
      pool.on_check(proxy, ok, Clock::now());
      if (ok) obs::log(obs::Level::info, "proxy", "proxy " + pool.url(proxy).redacted() + " passed its health check");
    }
  }
}

}  // namespace mtpipe::scale
