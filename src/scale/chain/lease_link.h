#pragma once

#include "scale/account_pool.h"
#include "scale/chain/link.h"

namespace mtpipe::scale {

// Lends the request an account of the pool and tells the pool how the attempt went (health, flood waits,
// retirement). An attempt the server held back on one account (a flood wait, a dead account, a lost connection)
// is tried on another while the deadline and `max_attempts` allow; an answer about the request itself is not, nor
// a request pinned to one account (request.account set on the way in: its access hashes are that account's), nor
// one that must not run twice unless the server said it never ran (a flood wait).
// Throws PoolError when no account can take the request in time, and whatever the last attempt threw.
class LeaseLink final : public Link {
 public:
  LeaseLink(client::Invoker& next, AccountPool& pool, int max_attempts);

  boost::asio::awaitable<client::Answer> invoke(client::Request& request) override;
  void count(PipelineCounters& into) const override;

 private:
  AccountPool& pool_;
  int max_attempts_;
  std::uint64_t retried_ = 0, flood_waits_ = 0, retirements_ = 0;
};

}  // namespace mtpipe::scale
