#pragma once
// The sim's world: accounts, which auth keys are logged in as whom, login codes, 2FA, exported authorizations,
// flood limits, load counters, and the live connections updates are pushed to. One World is shared by every DC of a SimServer;
// connections on several worker threads use it, so one mutex guards it all (every operation is short).

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "mtproto/clock.h"
#include "sim/accounts.h"
#include "sim/cluster.h"
#include "sim/flood_limiter.h"
#include "sim/load_meter.h"
#include "sim/sim_options.h"

namespace mtpipe::sim {

// An auth key as the world knows it: the DC it was made on and its id (a bound temporary key's permanent key).
struct KeyRef {
  std::int32_t dc = 0;
  std::uint64_t key_id = 0;
  auto operator<=>(const KeyRef&) const = default;
};

// A live connection that can take pushed updates. Implemented by the DC connection, which posts to its executor.
class PushTarget {
 public:
  virtual ~PushTarget() = default;
  virtual void push(std::vector<std::uint8_t> updates) = 0;
  // Whether the client has hung up (called from any thread while the connection is attached).
  virtual bool peer_closed() const = 0;
};

struct Authorization {
  std::int64_t user_id = 0;
  bool revoked = false;   // revoke_sessions / auth.resetAuthorizations: every query answers SESSION_REVOKED
  bool imported = false;  // via auth.importAuthorization (a foreign DC's key)
};

// The 2FA state account.getPassword hands out; one live srp_id per account.
struct PasswordChallenge {
  std::vector<std::uint8_t> salt1, salt2;
  std::array<std::uint8_t, 256> B{};
  std::int64_t srp_id = 0;
};

// How the clients acknowledged the updates pushed to them (docs/SIM.md "Pushed updates"), over the whole run.
struct PushAcks {
  std::uint64_t pushed = 0;  // updates sent (each once, re-sends apart)
  std::uint64_t acked = 0;
  std::uint64_t resent = 0;  // re-sends for want of an ack
  std::uint64_t late = 0;    // unacknowledged for longer than SimOptions::push_ack_late_after_ms (each once)
  std::int64_t longest_wait_ms = 0;  // the longest an update waited for its ack (or, unacknowledged, was seen waiting)
  PushAcks& operator+=(const PushAcks& o) noexcept;
};

// Why a login step failed: an RPC error as the DC sends it.
struct WorldError {
  std::int32_t code = 0;
  std::string message;
};

class World {
 public:
  World(const Cluster& cluster, const SimOptions& options);
  ~World();

  const Cluster& cluster() const noexcept { return cluster_; }
  std::int64_t now_s() const noexcept;

  // --- accounts
  // The account of a phone number (nothing: PHONE_NUMBER_INVALID), created on first use.
  std::optional<AccountProfile> account_by_phone(std::string_view phone);
  std::optional<AccountProfile> account(std::int64_t user_id) const;

  // --- login
  // auth.sendCode: a fresh phone_code_hash.
  std::string send_code(const AccountProfile& account);
  // auth.signIn: the user on success; SESSION_PASSWORD_NEEDED leaves the key waiting for checkPassword.
  std::variant<AccountProfile, WorldError> sign_in(const KeyRef& key, std::string_view phone, std::string_view hash,
                                                   std::string_view code);
  // account.getPassword for the account `key` logs in as (or waits to); nothing without 2FA.
  std::optional<PasswordChallenge> password_challenge(std::int64_t user_id);
  // auth.checkPassword: the user on success.
  std::variant<AccountProfile, WorldError> check_password(const KeyRef& key, std::int64_t srp_id,
                                                          std::span<const std::uint8_t> A,
                                                          std::span<const std::uint8_t> M1);
  // The user a key waits to log in as (after SESSION_PASSWORD_NEEDED), or 0.
  std::int64_t awaiting_password(const KeyRef& key) const;
  std::variant<AccountProfile, WorldError> import_bot(const KeyRef& key, std::string_view token);
  // auth.exportAuthorization: (id, bytes) for DC `to`.
  std::pair<std::int64_t, std::vector<std::uint8_t>> export_authorization(std::int64_t user_id, std::int32_t to);
  std::variant<AccountProfile, WorldError> import_authorization(const KeyRef& key, std::int64_t id,
                                                                std::span<const std::uint8_t> bytes);
  std::optional<Authorization> authorization(const KeyRef& key) const;
  void log_out(const KeyRef& key);

  // --- test hooks (docs/SIM.md)
  // Every later query of the user's keys other than `except` answers 401 SESSION_REVOKED.
  void revoke_sessions(std::int64_t user_id, std::optional<KeyRef> except = std::nullopt);
  // The account now lives on `dc`: its keys on other DCs answer USER_MIGRATE_<dc> where home matters.
  void move_home(std::int64_t user_id, std::int32_t dc);
  // The next auth.sendCode on a DC other than `dc` answers 303 NETWORK_MIGRATE_<dc> (the client's address
  // belongs to DC `dc`), once.
  void network_migrate_once(std::int32_t dc);
  // For auth.sendCode on `this_dc`: the DC to send the client to, consuming the pending redirect.
  std::optional<std::int32_t> take_network_migrate(std::int32_t this_dc);
  // Queues boxed Updates for every live connection logged in as the user; returns how many got it.
  std::size_t push_update(std::int64_t user_id, const std::vector<std::uint8_t>& updates);

  // --- flood limits
  std::int32_t flood_check(const FloodSubject& subject, std::string_view method);
  bool limits_floods() const noexcept { return !options_.flood_limits.empty(); }
  std::vector<FloodCounter> flood_counters() const;

  // --- load counters (docs/SIM.md "Load counters")
  // Counts an API query of `key` for `method` at the world's current second. Returns the user the key is logged
  // in as (0: none); unless `answered_now`, the caller ends its time in flight with query_answered(user) once
  // the answer is sent or dropped.
  std::int64_t query_arrived(const KeyRef& key, std::string_view method, bool answered_now);
  void query_answered(std::int64_t user_id);
  // Per user id: the most API queries ever in flight at once, and how many are in flight now.
  std::map<std::int64_t, std::uint64_t> max_in_flight() const;
  std::map<std::int64_t, std::uint64_t> current_in_flight() const;
  // Every load counter: per user and method, per method, per second.
  LoadSnapshot load() const;
  // What a connection saw of its sessions' pushed updates since it last reported (longest_wait_ms: the longest
  // it saw); push_acks() sums them.
  void count_push_acks(const PushAcks& seen);
  PushAcks push_acks() const;

  // --- live connections (pushes and AUTH_KEY_DUPLICATED)
  // A connection carries `session` of `key` from now on.
  void attach(const void* connection, const KeyRef& key, std::int64_t session, std::weak_ptr<PushTarget> target);
  // True when the connection's key is logged in and an older live connection carries it with another session:
  // its queries then answer 406 AUTH_KEY_DUPLICATED. Keys not logged in may be shared freely (benchmarks and
  // the capacity test run thousands of sessions on one key).
  bool duplicated(const void* connection) const;
  void detach(const void* connection);
  // The referee of "one account is driven from one place at a time": over the run, the most distinct session
  // ids that live connections carried at once on one auth key logged in as a user. A connection whose client
  // already hung up does not count (the same rule as AUTH_KEY_DUPLICATED); keys not logged in are not counted.
  std::size_t max_live_sessions_per_key() const;

 private:
  struct Account;
  struct LiveConnection {
    KeyRef key;
    std::int64_t session = 0;
    std::uint64_t order = 0;
    std::weak_ptr<PushTarget> target;
  };
  std::unique_ptr<Account> new_account(const AccountProfile& profile) const;
  void ensure_account(const AccountProfile& profile);
  Account& account_locked(const AccountProfile& profile);
  void authorize_locked(const KeyRef& key, std::int64_t user_id, bool imported);
  void unindex_locked(const void* connection, const KeyRef& key);
  void count_live_sessions_locked(const KeyRef& key);

  const Cluster& cluster_;
  const SimOptions& options_;
  const mtproto::Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::unique_ptr<Account>> accounts_;
  struct PendingCode {
    std::string phone;
    std::int64_t expires_s = 0;
  };
  std::unordered_map<std::string, PendingCode> codes_;  // by phone_code_hash
  std::map<KeyRef, Authorization> authorizations_;
  std::map<KeyRef, std::int64_t> awaiting_password_;
  struct Export {
    std::int64_t user_id = 0;
    std::int32_t to = 0;
    std::vector<std::uint8_t> bytes;
  };
  std::unordered_map<std::int64_t, Export> exports_;
  FloodLimiter flood_;
  LoadMeter load_;
  std::unordered_map<const void*, LiveConnection> live_;
  std::multimap<KeyRef, const void*> live_by_key_;
  std::uint64_t next_order_ = 0;
  std::size_t max_live_sessions_per_key_ = 0;
  PushAcks push_acks_;
  std::optional<std::int32_t> network_dc_;
};

}  // namespace mtpipe::sim
