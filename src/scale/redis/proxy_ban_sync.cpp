#include "scale/redis/proxy_ban_sync.h"

#include <algorithm>

#include "async/sleep.h"
#include "obs/log.h"
#include "scale/redis/redis_error.h"

namespace mtpipe::scale::redis {
namespace asio = boost::asio;
using std::chrono::milliseconds;

ProxyBanSync::ProxyBanSync(SharedProxyHealth& shared, ProxyPool& pool)
    : shared_(shared), pool_(pool), published_bans_(pool.size(), 0), banned_before_(pool.size(), false) {}

asio::awaitable<void> ProxyBanSync::round() {
  const auto bans = co_await shared_.banned();
  for (std::size_t i = 0; i < pool_.size(); ++i) {
    const ProxyStatus status = pool_.status(i);
    const auto shared_ban = bans.find(status.id);
    const auto now = Clock::now();
    bool banned_here = status.banned_until.has_value();
    if (banned_here && status.bans > published_bans_[i]) {
      const auto left = std::max(std::chrono::duration_cast<milliseconds>(*status.banned_until - now), milliseconds(1));
      co_await shared_.ban(status.id, left, "fail score limit reached");
      published_bans_[i] = status.bans;
      ++counters_.published;
    } else if (!banned_here && shared_ban != bans.end()) {
      if (banned_before_[i]) {  // banned here until a health check passed: the proxy works again
        co_await shared_.clear(status.id);
        ++counters_.cleared;
      } else {
        pool_.adopt_ban(i, now + shared_ban->second.remaining);
        banned_here = true;
        ++counters_.adopted;
        obs::log(obs::Level::info, "proxy", "proxy " + status.name + " banned by another replica (" +
                                                shared_ban->second.reason + ")");
      }
    }
    banned_before_[i] = banned_here;
  }
  ++counters_.rounds;
}

asio::awaitable<void> ProxyBanSync::run(milliseconds period) {
  bool failing = false;
  for (;;) {
    try {
      co_await round();
      failing = false;
    } catch (const RedisError& e) {
      ++counters_.failed_rounds;
      if (!failing) obs::log(obs::Level::warn, "proxy", std::string("sharing proxy bans through Redis failed: ") + e.what());
      failing = true;
    }
    co_await async::sleep_for(period);
  }
}

}  // namespace mtpipe::scale::redis
