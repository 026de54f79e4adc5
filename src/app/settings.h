#pragma once
// mtpipe's settings (issue 5 point 7; DESIGN.md §5): every environment variable, typed, checked and grouped by
// the part of mtpipe that reads it. The names and defaults of the system mtpipe replaces are a contract;
// docs/SETTINGS.md lists every variable with its default and accepted values.
//
// load_settings reads them all and collects every bad value before it throws, so a user fixes everything in one
// go. An error names the variable, quotes the value (secrets masked: MTPROTO_API_HASH never appears, URLs show
// *** for passwords and MTProxy secrets) and says what was expected. A variable that is unset or blank takes
// its default.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/dial.h"
#include "net/proxy_url.h"
#include "scale/method_class.h"

namespace mtpipe::app {

struct Settings {
  std::string environment = "production";  // ENVIRONMENT: development, test, staging, production or another name

  struct Mtproto {
    bool enabled = true;                                // MTPROTO_ENABLED
    std::int32_t api_id = 0;                            // MTPROTO_API_ID; 0: not set
    std::string api_hash;                               // MTPROTO_API_HASH (a secret); empty: not set
    std::filesystem::path sessions_dir = "./sessions";  // MTPIPE_SESSIONS_DIR
    std::filesystem::path dc_routes;                    // MTPIPE_DC_ROUTES; default <sessions_dir>/dc_routes.sqlite
    std::vector<std::string> channels;                  // MTPIPE_CHANNELS: usernames (without '@') or numeric ids
    int retry_max = 5;                                  // MTPROTO_RETRY_MAX
    double retry_backoff = 2.0;                         // MTPROTO_RETRY_BACKOFF: the reconnect back-off factor
    double sleep_threshold_s = 1.5;                     // MTPROTO_SLEEP_THRESHOLD: flood waits slept through
  } mtproto;

  struct Pool {
    bool enabled = false;                         // MTPROTO_POOL_ENABLED
    std::vector<std::string> accounts;            // MTPROTO_ACCOUNTS: account (session file) names
    std::chrono::milliseconds lease_ttl{10'000};  // MTPIPE_LEASE_TTL_MS
    std::string replica_id;                       // MTPIPE_REPLICA_ID; default "<hostname>:<pid>"
  } pool;

  struct Proxy {
    bool enabled = false;                // MTPROTO_PROXY_ENABLED
    std::vector<net::ProxyUrl> proxies;  // MTPROTO_PROXIES (credentials inside: log only redacted())
    std::chrono::seconds rotation{300};  // MTPROTO_PROXY_ROTATION_SEC; 0: never rotate while healthy
    int fail_score_limit = 3;            // MTPROTO_PROXY_FAIL_SCORE_LIMIT
  } proxy;

  struct Limits {
    double account_rps = 0.7;             // MTPROTO_RPS_PER_ACCOUNT; 0: no per-account limit
    int max_concurrency_per_account = 2;  // MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT
    double global_rps = 2.5;              // MTPROTO_GLOBAL_RPS; 0: no global limit
    std::size_t max_waiters = 1000;       // MTPIPE_MAX_WAITERS: bound of each lease and rate queue
    // MTPIPE_CLASS_LIMITS: per account and method class, "CLASS=RATE/BURST,..." over the defaults
    std::array<scale::ClassLimit, scale::kMethodClasses> class_limits = scale::default_class_limits();
  } limits;

  struct Obs {
    bool prometheus_enabled = false;                      // OBS_PROMETHEUS_ENABLED
    std::uint16_t prometheus_port = 9108;                 // PROMETHEUS_PORT
    bool otel_enabled = false;                            // OBS_OTEL_ENABLED
    std::string otlp_endpoint = "http://localhost:4318";  // OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP)
    double sampler_ratio = 0.05;                          // OTEL_SAMPLER_RATIO
    net::Endpoint health_bind{"0.0.0.0", 8091};           // HEALTH_BIND
    bool debug = false;                                   // DEBUG: debug-level logs
  } obs;

  struct Shutdown {
    std::chrono::milliseconds graceful_timeout{25'000};  // GRACEFUL_SHUTDOWN_TIMEOUT_S
  } shutdown;

  struct Storage {
    enum class Backend : std::uint8_t { sqlite, postgresql };
    std::string database_url = "sqlite:mtpipe.sqlite";  // DATABASE_URL (may hold a password)
    Backend backend = Backend::sqlite;
    std::filesystem::path sqlite_path = "mtpipe.sqlite";  // the PATH of sqlite:PATH; empty for PostgreSQL
  } storage;

  struct Redis {
    std::string url;  // REDIS_URL (may hold a password); empty: no cross-process coordination
  } redis;

  struct Faults {
    bool enabled = false;  // FAULT_INJECTION_ENABLED (the injector itself refuses outside development/test)
    std::string spec;      // FAULT_INJECTION_SPEC (scale::parse_fault_spec), checked here, parsed by the container
  } faults;

  // The variables of kNotUsedYet the environment sets.
  std::vector<std::string> set_but_not_used;
};

// Variables read and checked, but that no part of mtpipe acts on yet: describe() marks each one that is set
// "(not used yet)", so nobody takes it for a setting in effect. The feature that starts reading one takes it off
// this list.
inline constexpr std::string_view kNotUsedYet[] = {
    "MTPIPE_CHANNELS", "OBS_PROMETHEUS_ENABLED", "PROMETHEUS_PORT", "OBS_OTEL_ENABLED", "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_SAMPLER_RATIO", "HEALTH_BIND", "DATABASE_URL"};
inline constexpr std::string_view kNotUsedYetNote = " (not used yet)";

// Every bad value found, one message per entry; what() holds them one per line.
class SettingsError : public std::runtime_error {
 public:
  explicit SettingsError(std::vector<std::string> errors);
  const std::vector<std::string>& errors() const noexcept { return errors_; }

 private:
  std::vector<std::string> errors_;
};

// The value of an environment variable, nothing when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Throws SettingsError listing every bad value and every failed cross check.
Settings load_settings(const EnvLookup& env);
// The same from the process environment.
Settings load_settings();

// Every setting by its environment name with its effective value, in the order of docs/SETTINGS.md, secrets
// masked (MTPROTO_API_HASH as ***, passwords and MTProxy secrets inside URLs as ***), and kNotUsedYetNote after
// the value of a variable that is set but not used yet: for /info and `mtpipe settings`.
std::vector<std::pair<std::string, std::string>> describe(const Settings& settings);

// `mtpipe settings`: NAME=value lines from the process environment on `out` and 0, or the errors on `err` and 2.
int print_settings(std::ostream& out, std::ostream& err);

}  // namespace mtpipe::app
