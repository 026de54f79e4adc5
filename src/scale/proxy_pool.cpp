#include "scale/proxy_pool.h"

#include <algorithm>
#include <cmath>

namespace mtpipe::scale {

Blame blame(const net::DialError& error) noexcept {
  return error.kind() == net::DialError::Kind::proxy_refused ? Blame::network : Blame::proxy;
}

// Recent outcomes decide: the share of successes, pulled toward 1 for a proxy with little history, so a new
// proxy is tried before one that failed often.
double ProxyPool::Proxy::health() const noexcept {
  return (static_cast<double>(successes) + 1.0) / (static_cast<double>(successes + failures) + 1.0) -
         0.1 * fail_score;
}

ProxyPool::ProxyPool(std::vector<net::ProxyUrl> proxies, ProxyPoolOptions options) : options_(options) {
  proxies_.reserve(proxies.size());
  for (auto& url : proxies) {
    Proxy p;
    p.id = url.identity(options_.identity_key);
    p.url = std::move(url);
    proxies_.push_back(std::move(p));
  }
}

// Health first; among equally healthy proxies, the one carrying fewer accounts. `avoid` (the proxy an account is
// rotating away from) is taken only when nothing else is usable.
std::optional<std::size_t> ProxyPool::best(std::optional<std::size_t> avoid) const {
  const auto scan = [&](bool skip_avoided) {
    std::optional<std::size_t> chosen;
    for (std::size_t i = 0; i < proxies_.size(); ++i) {
      const Proxy& p = proxies_[i];
      if (!usable(p) || (skip_avoided && avoid == i)) continue;
      if (!chosen) {
        chosen = i;
        continue;
      }
      const Proxy& c = proxies_[*chosen];
      const double diff = p.health() - c.health();
      if (diff > 1e-9 || (std::abs(diff) <= 1e-9 && p.accounts < c.accounts)) chosen = i;
    }
    return chosen;
  };
  const auto elsewhere = scan(true);
  return elsewhere ? elsewhere : scan(false);
}

std::optional<std::size_t> ProxyPool::pick(const std::string& account, Clock::time_point now) {
  auto it = sticky_.find(account);
  std::optional<std::size_t> previous;
  if (it != sticky_.end()) {
    const Assignment& a = it->second;
    const bool expired = options_.rotation.count() > 0 && now - a.since >= options_.rotation;
    if (usable(proxies_[a.proxy]) && !expired && !a.failed) return a.proxy;
    previous = a.proxy;
    --proxies_[a.proxy].accounts;
    sticky_.erase(it);
  }
  // A rotation or a failure moves the account elsewhere when anywhere else is usable.
  const auto chosen = best(previous);
  if (!chosen) return std::nullopt;
  ++proxies_[*chosen].accounts;
  sticky_.emplace(account, Assignment{*chosen, now});
  return chosen;
}

void ProxyPool::on_success(std::size_t proxy) {
  Proxy& p = proxies_.at(proxy);
  ++p.successes;
  p.fail_score = std::max(p.fail_score - 1, 0);
}

bool ProxyPool::on_failure(std::size_t proxy, const net::DialError& error, Clock::time_point now,
                           std::string_view account) {
  if (blame(error) != Blame::proxy) return false;
  if (const auto it = sticky_.find(account); it != sticky_.end() && it->second.proxy == proxy) it->second.failed = true;
  Proxy& p = proxies_.at(proxy);
  ++p.failures;
  if (!usable(p) || ++p.fail_score < options_.fail_score_limit) return false;
  ban(p, now);
  return true;
}

void ProxyPool::ban(Proxy& p, Clock::time_point now) {
  const auto factor = std::chrono::seconds::rep{1} << std::min(p.bans, 20);
  p.banned_until = now + std::min(options_.ban_initial * factor, options_.ban_max);
  ++p.bans;
}

void ProxyPool::adopt_ban(std::size_t proxy, Clock::time_point until) {
  Proxy& p = proxies_.at(proxy);
  if (!p.banned_until || *p.banned_until < until) p.banned_until = until;
}

std::vector<std::size_t> ProxyPool::due_for_check(Clock::time_point now) const {
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < proxies_.size(); ++i)
    if (proxies_[i].banned_until && *proxies_[i].banned_until <= now) due.push_back(i);
  return due;
}

void ProxyPool::on_check(std::size_t proxy, bool passed, Clock::time_point now) {
  Proxy& p = proxies_.at(proxy);
  if (!p.banned_until) return;
  if (passed) {
    p.banned_until.reset();
    p.fail_score = 0;
  } else {
    ban(p, now);  // a longer ban
  }
}

std::size_t ProxyPool::usable_count() const {
  return static_cast<std::size_t>(std::count_if(proxies_.begin(), proxies_.end(), [&](const Proxy& p) { return usable(p); }));
}

bool ProxyPool::usable_besides(std::size_t proxy) const {
  for (std::size_t i = 0; i < proxies_.size(); ++i)
    if (i != proxy && usable(proxies_[i])) return true;
  return false;
}

ProxyStatus ProxyPool::status(std::size_t proxy) const {
  const Proxy& p = proxies_.at(proxy);
  return ProxyStatus{p.url.redacted(), p.id, usable(p), p.fail_score, p.bans, p.banned_until, p.successes, p.failures,
                     p.accounts};
}

}  // namespace mtpipe::scale
