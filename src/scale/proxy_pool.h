#pragma once
// The proxy pool: MTPROTO_PROXIES shared by the accounts of a process. Pure and
// single-threaded: the caller gives the time and reports outcomes; probing a banned proxy is the caller's I/O.
//   - sticky: an account keeps its proxy, so one auth key is not seen from many addresses at once; it moves
//     when the rotation period (MTPROTO_PROXY_ROTATION_SEC) ends or its proxy goes bad;
//   - a failure that is the proxy's adds to its fail score; at MTPROTO_PROXY_FAIL_SCORE_LIMIT the proxy is
//     banned for a back-off that doubles with each ban, and comes back only after a health check passes;
//   - among usable proxies, the one with the best health score and the fewest accounts is chosen.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/dial_error.h"
#include "net/proxy_url.h"
#include "scale/token_bucket.h"

namespace mtpipe::scale {

struct ProxyPoolOptions {
  std::chrono::seconds rotation{300};     // MTPROTO_PROXY_ROTATION_SEC; 0: never rotate while healthy
  int fail_score_limit = 3;               // MTPROTO_PROXY_FAIL_SCORE_LIMIT
  std::chrono::seconds ban_initial{30};   // the first ban; each later one doubles, up to ban_max
  std::chrono::seconds ban_max{3600};
  // The key of ProxyUrl::identity(): a secret every replica of the deployment shares (MTPROTO_API_HASH).
  std::string identity_key;
};

// Whose fault a failed attempt was, so that a dead proxy is not taken for a banned account and the reverse.
enum class Blame : std::uint8_t {
  proxy,    // the proxy is unreachable, refused us, wants other credentials or spoke nonsense
  network,  // the proxy works but could not reach the DC: not held against the proxy
};
Blame blame(const net::DialError& error) noexcept;

struct ProxyStatus {
  std::string name;  // redacted URL, for people: two proxies that differ only in credentials look the same in it
  std::string id;    // ProxyUrl::identity(), for keys shared with other processes: tells those two apart
  bool usable = false;
  int fail_score = 0;
  int bans = 0;
  std::optional<Clock::time_point> banned_until;  // banned until a check passes after this moment
  std::uint64_t successes = 0, failures = 0;
  std::size_t accounts = 0;
};

class ProxyPool {
 public:
  ProxyPool(std::vector<net::ProxyUrl> proxies, ProxyPoolOptions options);

  // The proxy `account` should use now, by index; nothing when no proxy is usable (all banned).
  std::optional<std::size_t> pick(const std::string& account, Clock::time_point now);
  const net::ProxyUrl& url(std::size_t proxy) const { return proxies_.at(proxy).url; }

  void on_success(std::size_t proxy);
  // A failed attempt through `proxy` by `account`, its DialError telling whose fault it was. When it was the
  // proxy's, the account leaves the proxy at its next pick (rotation on failure) and the proxy's fail score
  // grows. Returns true when the proxy was banned by it (its other accounts then move on their next pick).
  bool on_failure(std::size_t proxy, const net::DialError& error, Clock::time_point now,
                  std::string_view account = {});
  // Another replica banned `proxy` until `until` (shared through Redis): unusable here too until then, then
  // checked like any ban. Not counted as a ban of ours, so its back-off does not grow.
  void adopt_ban(std::size_t proxy, Clock::time_point until);
  // Banned proxies whose ban has run out: probe each (dial through it), then report with on_check.
  std::vector<std::size_t> due_for_check(Clock::time_point now) const;
  void on_check(std::size_t proxy, bool passed, Clock::time_point now);

  std::size_t usable_count() const;
  // Whether a proxy other than `proxy` is usable, so an account leaving `proxy` has somewhere to go.
  bool usable_besides(std::size_t proxy) const;
  ProxyStatus status(std::size_t proxy) const;
  std::size_t size() const noexcept { return proxies_.size(); }

 private:
  struct Proxy {
    net::ProxyUrl url;
    std::string id;  // url.identity(), hashed once
    int fail_score = 0;
    int bans = 0;
    std::optional<Clock::time_point> banned_until;  // set while banned; cleared by a passed check
    std::uint64_t successes = 0, failures = 0;
    std::size_t accounts = 0;
    double health() const noexcept;
  };
  struct Assignment {
    std::size_t proxy = 0;
    Clock::time_point since;
    bool failed = false;  // the account failed through it: it moves at its next pick
  };
  bool usable(const Proxy& p) const noexcept { return !p.banned_until.has_value(); }
  void ban(Proxy& p, Clock::time_point now);
  std::optional<std::size_t> best(std::optional<std::size_t> avoid) const;

  std::vector<Proxy> proxies_;
  ProxyPoolOptions options_;
  std::map<std::string, Assignment, std::less<>> sticky_;
};

}  // namespace mtpipe::scale
