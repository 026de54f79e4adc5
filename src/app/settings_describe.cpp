// describe(): the effective settings by name, for /info and `mtpipe settings`. Secrets are masked here, once,
// so no caller can print one by mistake. Values are written the way the variables are read back.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "app/settings.h"
#include "app/settings_values.h"
#include "net/dial.h"
#include "net/url_redaction.h"

namespace mtpipe::app {
namespace {

std::string yes_no(bool b) { return b ? "true" : "false"; }

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string proxies(const std::vector<net::ProxyUrl>& list) {
  std::vector<std::string> shown;
  for (const auto& proxy : list) shown.push_back(proxy.redacted());
  return joined(shown);
}

std::string seconds(std::chrono::milliseconds ms) { return format_number(static_cast<double>(ms.count()) / 1000); }

}  // namespace

// Every class as CLASS=RATE/BURST, the effective values.
std::string class_limits(const std::array<scale::ClassLimit, scale::kMethodClasses>& limits) {
  std::string out;
  for (int i = 0; i < scale::kMethodClasses; ++i)
    out += (out.empty() ? "" : ",") + std::string(scale::to_string(static_cast<scale::MethodClass>(i))) + "=" +
           format_number(limits[static_cast<std::size_t>(i)].rate_per_s) + "/" +
           format_number(limits[static_cast<std::size_t>(i)].burst);
  return out;
}

std::vector<std::pair<std::string, std::string>> describe(const Settings& s) {
  const auto& m = s.mtproto;
  const auto& o = s.obs;
  const bool sqlite = s.storage.backend == Settings::Storage::Backend::sqlite;
  std::vector<std::pair<std::string, std::string>> described{
      {"ENVIRONMENT", s.environment},
      {"MTPROTO_ENABLED", yes_no(m.enabled)},
      {"MTPROTO_API_ID", m.api_id == 0 ? "" : std::to_string(m.api_id)},
      {"MTPROTO_API_HASH", m.api_hash.empty() ? "" : "***"},
      {"MTPIPE_SESSIONS_DIR", m.sessions_dir.string()},
      {"MTPIPE_DC_ROUTES", m.dc_routes.string()},
      {"MTPIPE_CHANNELS", joined(m.channels)},
      {"MTPROTO_RETRY_MAX", std::to_string(m.retry_max)},
      {"MTPROTO_RETRY_BACKOFF", format_number(m.retry_backoff)},
      {"MTPROTO_SLEEP_THRESHOLD", format_number(m.sleep_threshold_s)},
      {"MTPROTO_POOL_ENABLED", yes_no(s.pool.enabled)},
      {"MTPROTO_ACCOUNTS", joined(s.pool.accounts)},
      {"MTPIPE_LEASE_TTL_MS", std::to_string(s.pool.lease_ttl.count())},
      {"MTPIPE_REPLICA_ID", s.pool.replica_id},
      {"MTPROTO_PROXY_ENABLED", yes_no(s.proxy.enabled)},
      {"MTPROTO_PROXIES", proxies(s.proxy.proxies)},
      {"MTPROTO_PROXY_ROTATION_SEC", std::to_string(s.proxy.rotation.count())},
      {"MTPROTO_PROXY_FAIL_SCORE_LIMIT", std::to_string(s.proxy.fail_score_limit)},
      {"MTPROTO_RPS_PER_ACCOUNT", format_number(s.limits.account_rps)},
      {"MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT", std::to_string(s.limits.max_concurrency_per_account)},
      {"MTPROTO_GLOBAL_RPS", format_number(s.limits.global_rps)},
      {"MTPIPE_MAX_WAITERS", std::to_string(s.limits.max_waiters)},
      {"MTPIPE_CLASS_LIMITS", class_limits(s.limits.class_limits)},
      {"OBS_PROMETHEUS_ENABLED", yes_no(o.prometheus_enabled)},
      {"PROMETHEUS_PORT", std::to_string(o.prometheus_port)},
      {"OBS_OTEL_ENABLED", yes_no(o.otel_enabled)},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", net::redact_url_text(o.otlp_endpoint)},
      {"OTEL_SAMPLER_RATIO", format_number(o.sampler_ratio)},
      {"HEALTH_BIND", net::format_endpoint(o.health_bind)},
      {"DEBUG", yes_no(o.debug)},
      {"GRACEFUL_SHUTDOWN_TIMEOUT_S", seconds(s.shutdown.graceful_timeout)},
      {"DATABASE_URL", sqlite ? s.storage.database_url : net::redact_url_text(s.storage.database_url)},
      {"REDIS_URL", net::redact_url_text(s.redis.url)},
      {"FAULT_INJECTION_ENABLED", yes_no(s.faults.enabled)},
      {"FAULT_INJECTION_SPEC", s.faults.spec},
  };
  for (auto& [name, value] : described)
    if (std::find(s.set_but_not_used.begin(), s.set_but_not_used.end(), name) != s.set_but_not_used.end())
      value += kNotUsedYetNote;
  return described;
}

}  // namespace mtpipe::app
