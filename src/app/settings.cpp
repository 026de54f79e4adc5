#include "app/settings.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <ostream>
#include <set>

#include "app/settings_values.h"
#include "client/session_file/account_name.h"
#include "net/url_redaction.h"
#include "scale/fault_spec.h"
#include "scale/redis/redis_url.h"

namespace mtpipe::app {
namespace {

constexpr double kUnbounded = std::numeric_limits<double>::max();
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int32_t>::max();
constexpr std::size_t kShownLimit = 200;

// How a value is quoted in an error: as written, masked as a URL or a list of proxy URLs (passwords, secrets ->
// ***), or not at all.
enum class Shown : std::uint8_t { plain, url, proxy_list, hidden };

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, kShownLimit)) out += c >= 0x20 && c < 0x7f ? c : '?';
  if (text.size() > kShownLimit) out += "...";
  return out;
}

std::string quoted(std::string_view value, Shown how) {
  switch (how) {
    case Shown::plain:
      return "'" + printable(value) + "'";
    case Shown::url:
      return "'" + printable(net::redact_url_text(value)) + "'";
    case Shown::proxy_list:  // item by item, and both halves of an item a ',' in a password cut in two
      return "'" + printable(net::redact_proxy_list(value)) + "'";
    case Shown::hidden:
      break;
  }
  return "<hidden, " + std::to_string(value.size()) + " characters>";
}

// `prefix` in lower case.
bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char t) { return p == ascii_lower(t); });
}

bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (ascii_lower(c) >= 'a' && ascii_lower(c) <= 'f'); });
}

// A public username (4 to 32 of A-Z a-z 0-9 _, starting with a letter) or a numeric id (-100... for channels).
bool is_channel_ref(std::string_view ref) {
  const auto digits = ref.substr(!ref.empty() && ref.front() == '-' ? 1 : 0);
  if (!digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return true;
  const auto word = [](char c) { return ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z'; };
  return ref.size() >= 4 && ref.size() <= 32 && word(ref.front()) &&
         std::all_of(ref.begin(), ref.end(), [&](char c) { return word(c) || (c >= '0' && c <= '9') || c == '_'; });
}

// The first item listed twice (compared by `key`), if any.
template <class Key>
std::optional<std::string> repeated(const std::vector<std::string>& items, Key key) {
  std::set<std::string> seen;
  for (const auto& item : items)
    if (!seen.insert(key(item)).second) return item;
  return std::nullopt;
}

std::string default_replica_id() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0') return "mtpipe:" + std::to_string(getpid());
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

// Reads variables and collects what is wrong with them; a bad value leaves the default in place.
class Reader {
 public:
  explicit Reader(const EnvLookup& env) : env_(env) {}

  // The value without surrounding spaces; nothing when unset or blank (blank means "the default": compose files
  // often pass VAR= for an unset variable).
  std::optional<std::string> text(std::string_view name) const {
    const auto value = env_(name);
    if (!value || trim_value(*value).empty()) return std::nullopt;
    return std::string(trim_value(*value));
  }

  void fail(std::string_view name, std::string_view value, Shown how, std::string_view expected) {
    errors_.push_back(std::string(name) + "=" + quoted(value, how) + ": expected " + std::string(expected));
    failed_.emplace(name);
  }
  bool failed(std::string_view name) const { return failed_.count(std::string(name)) != 0; }

  void flag(std::string_view name, bool& out) {
    const auto value = text(name);
    if (!value) return;
    if (const auto b = parse_bool_value(*value))
      out = *b;
    else
      fail(name, *value, Shown::plain, "true or false (also 1/0, yes/no, on/off)");
  }

  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min, std::int64_t max,
                                      std::string_view expected) {
    const auto value = text(name);
    if (!value) return std::nullopt;
    const auto n = parse_integer_value(*value);
    if (n && *n >= min && *n <= max) return n;
    fail(name, *value, Shown::plain, expected);
    return std::nullopt;
  }

  template <class T>
  void integer(std::string_view name, T& out, std::int64_t min, std::int64_t max, std::string_view expected) {
    if (const auto n = integer(name, min, max, expected)) out = static_cast<T>(*n);
  }

  void number(std::string_view name, double& out, double min, double max, std::string_view expected) {
    const auto value = text(name);
    if (!value) return;
    const auto n = parse_number_value(*value);
    if (n && *n >= min && *n <= max)
      out = *n;
    else
      fail(name, *value, Shown::plain, expected);
  }

  // A comma list, each item checked by `problem`, which may normalise the item and says what is wrong with it.
  template <class Problem>
  void list(std::string_view name, std::vector<std::string>& out, std::string_view expected, Problem problem) {
    const auto value = text(name);
    if (!value) return;
    std::size_t empty_item = 0;
    auto items = parse_list_value(*value, empty_item);
    if (!items)
      return fail(name, *value, Shown::plain,
                  std::string(expected) + "; item " + std::to_string(empty_item) + " is empty");
    for (std::size_t i = 0; i < items->size(); ++i) {
      if (const auto why = problem((*items)[i]))
        return fail(name, *value, Shown::plain,
                    std::string(expected) + "; item " + std::to_string(i + 1) + ": " + *why);
    }
    out = *items;
  }

  std::vector<std::string> take_errors() { return std::move(errors_); }

 private:
  const EnvLookup& env_;
  std::vector<std::string> errors_;
  std::set<std::string, std::less<>> failed_;
};

void read_mtproto(Reader& r, Settings::Mtproto& m) {
  r.flag("MTPROTO_ENABLED", m.enabled);
  r.integer("MTPROTO_API_ID", m.api_id, 1, kMaxInt, "the api_id from my.telegram.org (a positive integer)");
  if (const auto hash = r.text("MTPROTO_API_HASH")) {
    if (hash->size() == 32 && is_hex(*hash))
      m.api_hash = *hash;
    else
      r.fail("MTPROTO_API_HASH", *hash, Shown::hidden, "the api_hash from my.telegram.org (32 hex digits)");
  }
  if (const auto dir = r.text("MTPIPE_SESSIONS_DIR")) m.sessions_dir = *dir;
  m.dc_routes = r.text("MTPIPE_DC_ROUTES").value_or((m.sessions_dir / "dc_routes.sqlite").string());
  r.list("MTPIPE_CHANNELS", m.channels, "a comma list of channel usernames (@name or name) or numeric ids",
         [](std::string& item) -> std::optional<std::string> {
           if (item.front() == '@') item.erase(0, 1);
           if (!is_channel_ref(item))
             return "'" + printable(item) +
                    "' is neither a username (4 to 32 of A-Z a-z 0-9 _, starting with a letter) nor a numeric id";
           return std::nullopt;
         });
  if (const auto twice = repeated(m.channels, ascii_lowercase)) {
    r.fail("MTPIPE_CHANNELS", *r.text("MTPIPE_CHANNELS"), Shown::plain,
           "each channel once; '" + *twice + "' is listed twice");
    m.channels.clear();
  }
  r.integer("MTPROTO_RETRY_MAX", m.retry_max, 0, 1000, "a number of re-sends from 0 to 1000");
  r.number("MTPROTO_RETRY_BACKOFF", m.retry_backoff, 1, 100, "a back-off factor from 1 (constant) to 100");
  r.number("MTPROTO_SLEEP_THRESHOLD", m.sleep_threshold_s, 0, 86400, "a number of seconds from 0 to 86400");
}

void read_pool(Reader& r, Settings::Pool& p) {
  r.flag("MTPROTO_POOL_ENABLED", p.enabled);
  r.list("MTPROTO_ACCOUNTS", p.accounts, "a comma list of account names",
         [](const std::string& item) -> std::optional<std::string> {
           try {
             client::session_file::validate_account_name(item);
             return std::nullopt;
           } catch (const std::invalid_argument& e) {
             return e.what();
           }
         });
  if (const auto twice = repeated(p.accounts, [](const std::string& s) { return s; })) {
    r.fail("MTPROTO_ACCOUNTS", *r.text("MTPROTO_ACCOUNTS"), Shown::plain,
           "each account once; '" + *twice + "' is listed twice");
    p.accounts.clear();
  }
  if (const auto ms = r.integer("MTPIPE_LEASE_TTL_MS", 100, 86'400'000,
                                "a lease time-to-live in milliseconds from 100 to 86400000"))
    p.lease_ttl = std::chrono::milliseconds(*ms);
  p.replica_id = default_replica_id();
  if (const auto id = r.text("MTPIPE_REPLICA_ID")) {
    const bool ok =
        id->size() <= 128 && std::all_of(id->begin(), id->end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (ok)
      p.replica_id = *id;
    else
      r.fail("MTPIPE_REPLICA_ID", *id, Shown::plain, "1 to 128 printable characters without spaces");
  }
}

void read_proxy(Reader& r, Settings::Proxy& p) {
  r.flag("MTPROTO_PROXY_ENABLED", p.enabled);
  if (const auto list = r.text("MTPROTO_PROXIES")) {
    constexpr std::string_view expected = "a comma list of socks5://, http://, mtproxy:// URLs or tg://proxy links";
    std::size_t empty_item = 0;
    if (!parse_list_value(*list, empty_item)) {
      r.fail("MTPROTO_PROXIES", *list, Shown::proxy_list,
             std::string(expected) + "; item " + std::to_string(empty_item) + " is empty");
    } else {
      try {
        p.proxies = net::parse_proxy_list(*list);
      } catch (const std::invalid_argument& e) {  // the message shows the URL redacted
        r.fail("MTPROTO_PROXIES", *list, Shown::proxy_list, std::string(expected) + "; " + e.what());
      }
    }
  }
  if (const auto s = r.integer("MTPROTO_PROXY_ROTATION_SEC", 0, kMaxInt, "a number of seconds >= 0 (0: never rotate)"))
    p.rotation = std::chrono::seconds(*s);
  r.integer("MTPROTO_PROXY_FAIL_SCORE_LIMIT", p.fail_score_limit, 1, kMaxInt, "a number of failures >= 1");
}

void read_limits(Reader& r, Settings::Limits& l) {
  r.number("MTPROTO_RPS_PER_ACCOUNT", l.account_rps, 0, kUnbounded, "requests per second > 0, or 0 for no limit");
  r.integer("MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT", l.max_concurrency_per_account, 1, kMaxInt,
            "a number of requests >= 1");
  r.number("MTPROTO_GLOBAL_RPS", l.global_rps, 0, kUnbounded, "requests per second > 0, or 0 for no limit");
  r.integer("MTPIPE_MAX_WAITERS", l.max_waiters, 1, kMaxInt, "a queue length >= 1");
  if (const auto spec = r.text("MTPIPE_CLASS_LIMITS")) {
    try {
      l.class_limits = scale::parse_class_limits(*spec);
    } catch (const std::invalid_argument& e) {
      r.fail("MTPIPE_CLASS_LIMITS", *spec, Shown::plain, e.what());
    }
  }
}

void read_obs(Reader& r, Settings::Obs& o) {
  r.flag("OBS_PROMETHEUS_ENABLED", o.prometheus_enabled);
  r.integer("PROMETHEUS_PORT", o.prometheus_port, 1, 65535, "a TCP port from 1 to 65535");
  r.flag("OBS_OTEL_ENABLED", o.otel_enabled);
  if (const auto url = r.text("OTEL_EXPORTER_OTLP_ENDPOINT")) {
    if (istarts_with(*url, "http://") || istarts_with(*url, "https://"))
      o.otlp_endpoint = *url;
    else
      r.fail("OTEL_EXPORTER_OTLP_ENDPOINT", *url, Shown::url, "an OTLP/HTTP URL (http://HOST:PORT or https://...)");
  }
  r.number("OTEL_SAMPLER_RATIO", o.sampler_ratio, 0, 1, "a ratio from 0 to 1");
  if (const auto bind = r.text("HEALTH_BIND")) {
    if (auto endpoint = net::parse_endpoint(*bind))
      o.health_bind = std::move(*endpoint);
    else
      r.fail("HEALTH_BIND", *bind, Shown::plain, "HOST:PORT (e.g. 0.0.0.0:8091, [::]:8091), port 1 to 65535");
  }
  r.flag("DEBUG", o.debug);
}

void read_storage(Reader& r, Settings::Storage& s) {
  const auto url = r.text("DATABASE_URL");
  if (!url) return;
  if (istarts_with(*url, "postgresql://") || istarts_with(*url, "postgres://")) {
    s.database_url = *url;
    s.backend = Settings::Storage::Backend::postgresql;
    s.sqlite_path.clear();
  } else if (istarts_with(*url, "sqlite:") && url->size() > 7 && url->compare(7, 2, "//") != 0) {
    s.database_url = *url;
    s.backend = Settings::Storage::Backend::sqlite;
    s.sqlite_path = url->substr(7);
  } else {
    r.fail("DATABASE_URL", *url, Shown::url,
           "sqlite:PATH (e.g. sqlite:mtpipe.sqlite, sqlite:/var/lib/mtpipe/db.sqlite) or "
           "postgresql://USER:PASSWORD@HOST/DB");
  }
}

}  // namespace

SettingsError::SettingsError(std::vector<std::string> errors)
    : std::runtime_error([&] {
        std::string text;
        for (const auto& e : errors) text += (text.empty() ? "" : "\n") + e;
        return text;
      }()),
      errors_(std::move(errors)) {}

Settings load_settings(const EnvLookup& env) {
  Settings s;
  Reader r(env);
  if (const auto environment = r.text("ENVIRONMENT")) s.environment = *environment;
  read_mtproto(r, s.mtproto);
  read_pool(r, s.pool);
  read_proxy(r, s.proxy);
  read_limits(r, s.limits);
  read_obs(r, s.obs);
  double shutdown_s = 25;
  r.number("GRACEFUL_SHUTDOWN_TIMEOUT_S", shutdown_s, 0, 86400, "a number of seconds from 0 to 86400");
  s.shutdown.graceful_timeout = std::chrono::milliseconds(std::llround(shutdown_s * 1000));
  read_storage(r, s.storage);
  if (const auto url = r.text("REDIS_URL")) {
    try {
      (void)scale::redis::parse_redis_url(*url);  // all of it now, rather than when the first replica connects
      s.redis.url = *url;
    } catch (const scale::redis::RedisUrlError& e) {
      r.fail("REDIS_URL", *url, Shown::url, "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]; " + e.reason());
    }
  }
  r.flag("FAULT_INJECTION_ENABLED", s.faults.enabled);
  s.faults.spec = r.text("FAULT_INJECTION_SPEC").value_or("");
  try {
    (void)scale::parse_fault_spec(s.faults.spec);
  } catch (const scale::FaultSpecError& e) {
    r.fail("FAULT_INJECTION_SPEC", s.faults.spec, Shown::plain,
           "a fault spec as docs/SETTINGS.md describes; " + std::string(e.what()));
  }

  // Cross checks, only where the variables themselves were fine (one mistake, one message).
  if (s.pool.enabled && s.pool.accounts.empty() && !r.failed("MTPROTO_ACCOUNTS"))
    r.fail("MTPROTO_POOL_ENABLED", r.text("MTPROTO_POOL_ENABLED").value_or(""), Shown::plain,
           "MTPROTO_ACCOUNTS to list the pool's accounts (it is empty)");
  // With the pool off mtpipe drives the first account of the list, so the list is needed either way (unless
  // MTPROTO_ENABLED=false: then nothing is driven).
  if (s.mtproto.enabled && !s.pool.enabled && s.pool.accounts.empty() && !r.failed("MTPROTO_ACCOUNTS") && !r.failed("MTPROTO_POOL_ENABLED"))
    r.fail("MTPROTO_ACCOUNTS", "", Shown::plain,
           "an account name (with MTPROTO_POOL_ENABLED off mtpipe drives the first account of the list; log one in "
           "with `mtpipe login --account NAME`)");
  if (s.proxy.enabled && s.proxy.proxies.empty() && !r.failed("MTPROTO_PROXIES"))
    r.fail("MTPROTO_PROXY_ENABLED", r.text("MTPROTO_PROXY_ENABLED").value_or(""), Shown::plain,
           "MTPROTO_PROXIES to list at least one proxy (it is empty)");

  for (const auto name : kNotUsedYet)
    if (r.text(name)) s.set_but_not_used.emplace_back(name);

  auto errors = r.take_errors();
  if (!errors.empty()) throw SettingsError(std::move(errors));
  return s;
}

Settings load_settings() {
  return load_settings([](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  });
}

int print_settings(std::ostream& out, std::ostream& err) {
  try {
    for (const auto& [name, value] : describe(load_settings())) out << name << '=' << value << '\n';
    return 0;
  } catch (const SettingsError& e) {
    err << "mtpipe: " << e.errors().size() << " bad setting(s):\n" << e.what() << '\n';
    return 2;
  }
}

}  // namespace mtpipe::app
