#pragma once
// Proxy health shared by the replicas (issue 5 point 6): each replica keeps its own ProxyPool, and this exchanges
// the bans through Redis every round, so a proxy one replica found dead is left by all of them at once instead
// of each paying MTPROTO_PROXY_FAIL_SCORE_LIMIT failed requests to learn it:
//   - a ban this replica made is published with the time it has left;
//   - a ban another replica published is adopted here until it ends (it does not count as one of ours, so it is
//     not published back, and when it ends this replica's health check decides, as for its own bans);
//   - a proxy this replica had banned that passed its health check is cleared for all.
// Proxies are named in Redis by ProxyUrl::identity() (scheme, host, port and a hash of the whole URL): two proxies
// on one host and port with other credentials or another secret are banned apart, and no credential reaches
// Redis. Log lines name them by their redacted URL.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <vector>

#include "scale/proxy_pool.h"
#include "scale/redis/shared_proxy_health.h"

namespace mtpipe::scale::redis {

struct ProxyBanSyncCounters {
  std::uint64_t rounds = 0, published = 0, adopted = 0, cleared = 0, failed_rounds = 0;
};

class ProxyBanSync {
 public:
  // Both must outlive it; runs on the pool's executor.
  ProxyBanSync(SharedProxyHealth& shared, ProxyPool& pool);

  // One exchange. Throws RedisError when Redis cannot be reached (the pool then goes on with its own bans).
  boost::asio::awaitable<void> round();
  // A round every `period` until cancelled; a failed round is logged and retried at the next one.
  boost::asio::awaitable<void> run(std::chrono::milliseconds period);

  const ProxyBanSyncCounters& counters() const noexcept { return counters_; }

 private:
  SharedProxyHealth& shared_;
  ProxyPool& pool_;
  std::vector<int> published_bans_;   // per proxy: its ban count when this replica last published a ban of it
  std::vector<bool> banned_before_;   // per proxy: banned here at the end of the last round
  ProxyBanSyncCounters counters_;
};

}  // namespace mtpipe::scale::redis
