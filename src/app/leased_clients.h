#pragma once
// The accounts of a replica as its Redis leases drive them: each account's client and session file. An account is
// started from the session file its previous holder saved, and the file records the new holder's fencing token
// at once; every change of its session is saved while this replica holds the lease, with the token, so the
// session store refuses the save of a replica that lost the account to a newer holder (the store names the two
// tokens). A refused save means the account is someone else's now: `on_fenced` is told, and stops driving it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/session_file/session_store.h"
#include "scale/redis/leased_accounts.h"

namespace mtpipe::app {

class LeasedClients final : public scale::redis::LeasedAccounts {
 public:
  // `names[i]` and `clients[i]` are the pool's account i; all three outlive this object.
  LeasedClients(const client::session_file::SessionStore& store, const std::vector<std::string>& names,
                std::vector<client::Client*> clients, std::function<void(std::size_t, std::string)> on_fenced);

  void start(std::size_t account, std::int64_t token) override;
  void save(std::size_t account) override;
  void stop(std::size_t account) override;

  // The account's session changed (the client's on_session_changed): saved, fenced, while this replica drives
  // it; dropped otherwise. A failed save is logged, a fenced one reported to on_fenced.
  void session_changed(std::size_t account, const client::SessionData& session);
  bool driving(std::size_t account) const { return tokens_.at(account).has_value(); }

 private:
  const client::session_file::SessionStore& store_;
  const std::vector<std::string>& names_;
  std::vector<client::Client*> clients_;
  std::function<void(std::size_t, std::string)> on_fenced_;
  std::vector<std::optional<std::int64_t>> tokens_;  // the lease token of each account driven now
};

}  // namespace mtpipe::app
