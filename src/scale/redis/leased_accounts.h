#pragma once
// The account side that ReplicaLeases drives: what starts, saves and stops an account when this replica gains or
// loses its lease. The container implements it over the account clients and their session files; tests implement
// it to watch the lease manager. Every call is made on the lease manager's executor.

#include <cstddef>
#include <cstdint>

namespace mtpipe::scale::redis {

class LeasedAccounts {
 public:
  virtual ~LeasedAccounts() = default;
  // This replica now holds the account's lease under fencing token `token`: load the account's session as its
  // previous holder left it and accept calls.
  virtual void start(std::size_t account, std::int64_t token) = 0;
  // Saves the account's session, fenced by the token given to start(). Throws when the save was refused (a newer
  // holder's token is on the file) or failed.
  virtual void save(std::size_t account) = 0;
  // Stops driving the account: its connections close and calls still waiting on them fail.
  virtual void stop(std::size_t account) = 0;
};

}  // namespace mtpipe::scale::redis
