#include "sim/world.h"

#include <algorithm>
#include <set>
#include <utility>

#include "crypto/bytes.h"
#include "crypto/dh.h"
#include "crypto/random.h"
#include "crypto/srp.h"
#include "tl/hex.h"

namespace mtpipe::sim {
namespace {

using crypto::as_bytes;

constexpr std::int64_t kCodeLifetimeS = 300;

std::vector<std::uint8_t> random_bytes(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  crypto::system_rng().fill(out);
  return out;
}

std::int64_t random_id() {
  std::int64_t id = 0;
  while (id == 0) {
    const auto bytes = random_bytes(8);
    for (const auto b : bytes) id = (id << 8) | b;
  }
  return id;
}

}  // namespace

struct World::Account {
  AccountProfile profile;
  // 2FA: what the server keeps instead of the password (salts and v = g^x), fixed when the account is created.
  struct Password {
    std::vector<std::uint8_t> salt1, salt2;
    std::array<std::uint8_t, 256> verifier{};
    // The one live challenge: a fresh srp_id and b per account.getPassword, the older one is then invalid.
    std::int64_t srp_id = 0;
    std::vector<std::uint8_t> b;
    std::array<std::uint8_t, 256> B{};
  };
  std::optional<Password> password;
};

World::World(const Cluster& cluster, const SimOptions& options)
    : cluster_(cluster), options_(options),
      clock_(options.world_clock != nullptr ? *options.world_clock : mtproto::system_clock()),
      flood_(options.flood_limits, options.flood_penalty) {}

World::~World() = default;

std::int64_t World::now_s() const noexcept { return clock_.unix_ns() / 1'000'000'000; }

// An account's first appearance costs a 2FA verifier (PBKDF2 with 100,000 rounds and a modexp): made outside the
// lock, so one new 2FA account does not stall every DC's queries.
std::unique_ptr<World::Account> World::new_account(const AccountProfile& profile) const {
  auto account = std::make_unique<Account>();
  account->profile = profile;
  std::optional<std::string> password;
  if (!profile.phone.empty()) {
    const auto it = options_.two_fa.find(profile.phone);
    password = it != options_.two_fa.end() ? std::optional(it->second) : default_two_fa_password(profile.phone);
  }
  if (password) {
    Account::Password p;
    p.salt1 = random_bytes(40);
    p.salt2 = random_bytes(16);
    p.verifier = crypto::srp_verifier(as_bytes(*password), p.salt1, p.salt2, crypto::kTelegramDhG,
                                      crypto::kTelegramDhPrime);
    account->password = std::move(p);
  }
  return account;
}

void World::ensure_account(const AccountProfile& profile) {
  {
    const std::lock_guard lock(mutex_);
    if (accounts_.contains(profile.user_id)) return;
  }
  auto made = new_account(profile);
  const std::lock_guard lock(mutex_);
  accounts_.try_emplace(profile.user_id, std::move(made));
}

World::Account& World::account_locked(const AccountProfile& profile) {
  auto& slot = accounts_[profile.user_id];
  if (!slot) slot = new_account(profile);  // callers ensure_account first; this is the fallback
  return *slot;
}

std::optional<AccountProfile> World::account_by_phone(std::string_view phone) {
  auto profile = phone_account(phone, cluster_);
  if (!profile) return std::nullopt;
  ensure_account(*profile);
  const std::lock_guard lock(mutex_);
  return account_locked(*profile).profile;
}

std::optional<AccountProfile> World::account(std::int64_t user_id) const {
  const std::lock_guard lock(mutex_);
  const auto it = accounts_.find(user_id);
  if (it == accounts_.end()) return std::nullopt;
  return it->second->profile;
}

std::string World::send_code(const AccountProfile& account) {
  const std::string hash = tl::to_hex(random_bytes(8));
  const std::lock_guard lock(mutex_);
  codes_[hash] = PendingCode{account.phone, now_s() + kCodeLifetimeS};
  return hash;
}

std::variant<AccountProfile, WorldError> World::sign_in(const KeyRef& key, std::string_view phone,
                                                        std::string_view hash, std::string_view code) {
  if (hash.empty()) return WorldError{400, "PHONE_CODE_HASH_EMPTY"};
  if (code.empty()) return WorldError{400, "PHONE_CODE_EMPTY"};
  const auto profile = phone_account(phone, cluster_);
  if (!profile) return WorldError{400, "PHONE_NUMBER_INVALID"};
  ensure_account(*profile);
  const std::lock_guard lock(mutex_);
  const auto it = codes_.find(std::string(hash));
  if (it == codes_.end() || it->second.phone != profile->phone) return WorldError{400, "PHONE_CODE_HASH_INVALID"};
  if (it->second.expires_s <= now_s()) {
    codes_.erase(it);
    return WorldError{400, "PHONE_CODE_EXPIRED"};
  }
  if (code != login_code(*profile)) return WorldError{400, "PHONE_CODE_INVALID"};
  codes_.erase(it);
  Account& account = account_locked(*profile);
  if (account.password) {
    awaiting_password_[key] = account.profile.user_id;
    return WorldError{401, "SESSION_PASSWORD_NEEDED"};
  }
  authorize_locked(key, account.profile.user_id, false);
  return account.profile;
}

std::optional<PasswordChallenge> World::password_challenge(std::int64_t user_id) {
  const std::lock_guard lock(mutex_);
  const auto it = accounts_.find(user_id);
  if (it == accounts_.end() || !it->second->password) return std::nullopt;
  auto& p = *it->second->password;
  p.srp_id = random_id();
  p.b = random_bytes(256);
  p.B = crypto::srp_server_B(p.verifier, crypto::kTelegramDhG, crypto::kTelegramDhPrime, p.b);
  return PasswordChallenge{p.salt1, p.salt2, p.B, p.srp_id};
}

std::variant<AccountProfile, WorldError> World::check_password(const KeyRef& key, std::int64_t srp_id,
                                                               std::span<const std::uint8_t> A,
                                                               std::span<const std::uint8_t> M1) {
  const std::lock_guard lock(mutex_);
  const auto waiting = awaiting_password_.find(key);
  if (waiting == awaiting_password_.end()) return WorldError{401, "AUTH_KEY_UNREGISTERED"};
  auto& account = *accounts_.at(waiting->second);
  auto& p = *account.password;
  if (p.srp_id == 0 || srp_id != p.srp_id) return WorldError{400, "SRP_ID_INVALID"};
  const bool ok = crypto::srp_server_check_M1(p.verifier, crypto::kTelegramDhG, crypto::kTelegramDhPrime, p.b, p.B, A,
                                              p.salt1, p.salt2, M1);
  p.srp_id = 0;  // a challenge answers once, right or wrong
  if (!ok) return WorldError{400, "PASSWORD_HASH_INVALID"};
  awaiting_password_.erase(waiting);
  authorize_locked(key, account.profile.user_id, false);
  return account.profile;
}

std::int64_t World::awaiting_password(const KeyRef& key) const {
  const std::lock_guard lock(mutex_);
  const auto it = awaiting_password_.find(key);
  return it == awaiting_password_.end() ? 0 : it->second;
}

std::variant<AccountProfile, WorldError> World::import_bot(const KeyRef& key, std::string_view token) {
  const auto profile = bot_account(token, cluster_);
  if (!profile) return WorldError{400, "ACCESS_TOKEN_INVALID"};
  ensure_account(*profile);
  const std::lock_guard lock(mutex_);
  Account& account = account_locked(*profile);
  if (account.profile.home_dc != key.dc)
    return WorldError{303, "USER_MIGRATE_" + std::to_string(account.profile.home_dc)};
  authorize_locked(key, account.profile.user_id, false);
  return account.profile;
}

std::pair<std::int64_t, std::vector<std::uint8_t>> World::export_authorization(std::int64_t user_id, std::int32_t to) {
  const std::int64_t id = random_id();
  auto bytes = random_bytes(32);
  const std::lock_guard lock(mutex_);
  exports_[id] = Export{user_id, to, bytes};
  return {id, std::move(bytes)};
}

std::variant<AccountProfile, WorldError> World::import_authorization(const KeyRef& key, std::int64_t id,
                                                                     std::span<const std::uint8_t> bytes) {
  const std::lock_guard lock(mutex_);
  const auto it = exports_.find(id);
  if (it == exports_.end() || it->second.to != key.dc || !std::ranges::equal(it->second.bytes, bytes))
    return WorldError{400, "AUTH_BYTES_INVALID"};
  const std::int64_t user_id = it->second.user_id;
  exports_.erase(it);  // one use
  authorize_locked(key, user_id, true);
  return accounts_.at(user_id)->profile;
}

void World::authorize_locked(const KeyRef& key, std::int64_t user_id, bool imported) {
  authorizations_[key] = Authorization{user_id, false, imported};
  awaiting_password_.erase(key);
  count_live_sessions_locked(key);  // the key may already be carried by several connections
}

std::optional<Authorization> World::authorization(const KeyRef& key) const {
  const std::lock_guard lock(mutex_);
  const auto it = authorizations_.find(key);
  if (it == authorizations_.end()) return std::nullopt;
  return it->second;
}

void World::log_out(const KeyRef& key) {
  const std::lock_guard lock(mutex_);
  authorizations_.erase(key);
  awaiting_password_.erase(key);
}

void World::revoke_sessions(std::int64_t user_id, std::optional<KeyRef> except) {
  const std::lock_guard lock(mutex_);
  for (auto& [key, auth] : authorizations_)
    if (auth.user_id == user_id && key != except) auth.revoked = true;
}

void World::move_home(std::int64_t user_id, std::int32_t dc) {
  const std::lock_guard lock(mutex_);
  const auto it = accounts_.find(user_id);
  if (it != accounts_.end()) it->second->profile.home_dc = dc;
}

void World::network_migrate_once(std::int32_t dc) {
  const std::lock_guard lock(mutex_);
  network_dc_ = dc;
}

std::optional<std::int32_t> World::take_network_migrate(std::int32_t this_dc) {
  const std::lock_guard lock(mutex_);
  if (!network_dc_ || *network_dc_ == this_dc) return std::nullopt;
  return std::exchange(network_dc_, std::nullopt);
}

std::size_t World::push_update(std::int64_t user_id, const std::vector<std::uint8_t>& updates) {
  std::vector<std::shared_ptr<PushTarget>> targets;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [connection, live] : live_) {
      const auto auth = authorizations_.find(live.key);
      if (auth == authorizations_.end() || auth->second.user_id != user_id || auth->second.revoked) continue;
      if (auto target = live.target.lock()) targets.push_back(std::move(target));
    }
  }
  for (const auto& target : targets) target->push(updates);
  return targets.size();
}

std::int32_t World::flood_check(const FloodSubject& subject, std::string_view method) {
  if (options_.flood_limits.empty()) return 0;
  const std::lock_guard lock(mutex_);
  return flood_.check(subject, method, clock_.unix_ns() / 1'000'000);
}

std::vector<FloodCounter> World::flood_counters() const {
  const std::lock_guard lock(mutex_);
  return flood_.counters();
}

std::int64_t World::query_arrived(const KeyRef& key, std::string_view method, bool answered_now) {
  const std::lock_guard lock(mutex_);
  const auto auth = authorizations_.find(key);
  const std::int64_t user_id = auth == authorizations_.end() ? 0 : auth->second.user_id;
  load_.arrived(user_id, method, now_s(), answered_now);
  return user_id;
}

void World::query_answered(std::int64_t user_id) {
  const std::lock_guard lock(mutex_);
  load_.answered(user_id);
}

std::map<std::int64_t, std::uint64_t> World::max_in_flight() const {
  const std::lock_guard lock(mutex_);
  std::map<std::int64_t, std::uint64_t> out;
  for (const auto& [user_id, user] : load_.counters().users) out.emplace(user_id, user.max_in_flight);
  return out;
}

std::map<std::int64_t, std::uint64_t> World::current_in_flight() const {
  const std::lock_guard lock(mutex_);
  std::map<std::int64_t, std::uint64_t> out;
  for (const auto& [user_id, user] : load_.counters().users) out.emplace(user_id, user.in_flight);
  return out;
}

LoadSnapshot World::load() const {
  const std::lock_guard lock(mutex_);
  return load_.counters();
}

PushAcks& PushAcks::operator+=(const PushAcks& o) noexcept {
  pushed += o.pushed;
  acked += o.acked;
  resent += o.resent;
  late += o.late;
  longest_wait_ms = std::max(longest_wait_ms, o.longest_wait_ms);
  return *this;
}

void World::count_push_acks(const PushAcks& seen) {
  const std::lock_guard lock(mutex_);
  push_acks_ += seen;
}

PushAcks World::push_acks() const {
  const std::lock_guard lock(mutex_);
  return push_acks_;
}

void World::attach(const void* connection, const KeyRef& key, std::int64_t session, std::weak_ptr<PushTarget> target) {
  const std::lock_guard lock(mutex_);
  auto [it, added] = live_.try_emplace(connection);
  LiveConnection& self = it->second;
  if (!added && self.key == key && self.session == session) return;
  if (!added) unindex_locked(connection, self.key);
  self = LiveConnection{key, session, ++next_order_, std::move(target)};
  live_by_key_.emplace(key, connection);
  count_live_sessions_locked(key);
}

void World::count_live_sessions_locked(const KeyRef& key) {
  if (!authorizations_.contains(key)) return;
  std::set<std::int64_t> sessions;
  const auto [first, last] = live_by_key_.equal_range(key);
  for (auto i = first; i != last; ++i) {
    const LiveConnection& c = live_.at(i->second);
    const auto target = c.target.lock();
    if (target != nullptr && !target->peer_closed()) sessions.insert(c.session);
  }
  max_live_sessions_per_key_ = std::max(max_live_sessions_per_key_, sessions.size());
}

std::size_t World::max_live_sessions_per_key() const {
  const std::lock_guard lock(mutex_);
  return max_live_sessions_per_key_;
}

bool World::duplicated(const void* connection) const {
  const std::lock_guard lock(mutex_);
  const auto it = live_.find(connection);
  if (it == live_.end() || !authorizations_.contains(it->second.key)) return false;
  const LiveConnection& self = it->second;
  const auto [first, last] = live_by_key_.equal_range(self.key);
  return std::any_of(first, last, [&](const auto& other) {
    const LiveConnection& o = live_.at(other.second);
    if (other.second == connection || o.session == self.session || o.order >= self.order) return false;
    // An older connection whose client already hung up is a reconnect, not a second place.
    const auto target = o.target.lock();
    return target != nullptr && !target->peer_closed();
  });
}

void World::detach(const void* connection) {
  const std::lock_guard lock(mutex_);
  const auto it = live_.find(connection);
  if (it == live_.end()) return;
  unindex_locked(connection, it->second.key);
  live_.erase(it);
}

void World::unindex_locked(const void* connection, const KeyRef& key) {
  const auto [first, last] = live_by_key_.equal_range(key);
  for (auto i = first; i != last; ++i) {
    if (i->second == connection) {
      live_by_key_.erase(i);
      return;
    }
  }
}

}  // namespace mtpipe::sim
