// Settings from the environment: defaults, every kind of bad value, all errors at once, secrets never shown.
#include "app/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "app/settings_values.h"
#include "../net/proxy_secret_cases.h"

namespace mtpipe::app {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using Env = std::map<std::string, std::string, std::less<>>;
namespace secret_cases = mtpipe::testing::secret_cases;

// Settings without an account are refused, so a test's environment names one unless it sets MTPROTO_ACCOUNTS.
EnvLookup lookup(const Env& env) {
  return [&env](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it != env.end()) return it->second;
    if (name == "MTPROTO_ACCOUNTS") return "main";
    return std::nullopt;
  };
}

Settings load(const Env& env) { return load_settings(lookup(env)); }

// The errors load_settings reports for `env` (none: the test fails).
std::vector<std::string> errors_of(const Env& env) {
  try {
    load(env);
  } catch (const SettingsError& e) {
    return e.errors();
  }
  ADD_FAILURE() << "no SettingsError";
  return {};
}

// The single error for `env`, which must name `name` and show `value` quoted.
std::string one_error(const Env& env, const std::string& name, const std::string& value) {
  const auto errors = errors_of(env);
  EXPECT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  if (errors.empty()) return {};
  EXPECT_THAT(errors[0], HasSubstr(name + "='" + value + "': expected "));
  return errors[0];
}

std::map<std::string, std::string> described(const Settings& s) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : describe(s)) out[name] = value;
  return out;
}

TEST(Settings, DefaultsAreTheContract) {
  const Settings s = load({});
  EXPECT_EQ(s.environment, "production");
  EXPECT_TRUE(s.mtproto.enabled);
  EXPECT_EQ(s.mtproto.api_id, 0);
  EXPECT_EQ(s.mtproto.api_hash, "");
  EXPECT_EQ(s.mtproto.sessions_dir, "./sessions");
  EXPECT_EQ(s.mtproto.dc_routes, "./sessions/dc_routes.sqlite");
  EXPECT_TRUE(s.mtproto.channels.empty());
  EXPECT_EQ(s.mtproto.retry_max, 5);
  EXPECT_EQ(s.mtproto.retry_backoff, 2.0);
  EXPECT_EQ(s.mtproto.sleep_threshold_s, 1.5);
  EXPECT_FALSE(s.pool.enabled);
  EXPECT_THAT(s.pool.accounts, ElementsAre("main"));  // lookup's account: MTPROTO_ACCOUNTS has no default
  EXPECT_EQ(s.pool.lease_ttl, std::chrono::milliseconds(10'000));
  EXPECT_EQ(s.pool.replica_id.substr(s.pool.replica_id.rfind(':') + 1), std::to_string(getpid()));
  EXPECT_FALSE(s.proxy.enabled);
  EXPECT_TRUE(s.proxy.proxies.empty());
  EXPECT_EQ(s.proxy.rotation, std::chrono::seconds(300));
  EXPECT_EQ(s.proxy.fail_score_limit, 3);
  EXPECT_EQ(s.limits.account_rps, 0.7);
  EXPECT_EQ(s.limits.max_concurrency_per_account, 2);
  EXPECT_EQ(s.limits.global_rps, 2.5);
  EXPECT_EQ(s.limits.max_waiters, 1000u);
  EXPECT_FALSE(s.obs.prometheus_enabled);
  EXPECT_EQ(s.obs.prometheus_port, 9108);
  EXPECT_FALSE(s.obs.otel_enabled);
  EXPECT_EQ(s.obs.sampler_ratio, 0.05);
  EXPECT_EQ(s.obs.health_bind.host, "0.0.0.0");
  EXPECT_EQ(s.obs.health_bind.port, 8091);
  EXPECT_FALSE(s.obs.debug);
  EXPECT_EQ(s.shutdown.graceful_timeout, std::chrono::seconds(25));
  EXPECT_EQ(s.storage.database_url, "sqlite:mtpipe.sqlite");
  EXPECT_EQ(s.storage.backend, Settings::Storage::Backend::sqlite);
  EXPECT_EQ(s.storage.sqlite_path, "mtpipe.sqlite");
  EXPECT_EQ(s.redis.url, "");
  EXPECT_FALSE(s.faults.enabled);
  EXPECT_EQ(s.faults.spec, "");
}

TEST(Settings, BlankValuesTakeTheDefault) {
  const Settings s = load({{"PROMETHEUS_PORT", ""}, {"DEBUG", "  "}, {"MTPIPE_CHANNELS", ""}});
  EXPECT_EQ(s.obs.prometheus_port, 9108);
  EXPECT_FALSE(s.obs.debug);
  EXPECT_TRUE(s.mtproto.channels.empty());
  EXPECT_TRUE(s.set_but_not_used.empty());
}

TEST(Settings, ValuesAreReadAndTrimmed) {
  const Settings s = load({{"MTPROTO_RPS_PER_ACCOUNT", " 1.25 "},
                           {"MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT", "8"},
                           {"MTPROTO_GLOBAL_RPS", "0"},
                           {"MTPROTO_PROXY_ROTATION_SEC", "0"},
                           {"PROMETHEUS_PORT", "65535"},
                           {"OTEL_SAMPLER_RATIO", "1"},
                           {"HEALTH_BIND", "[::1]:9000"},
                           {"GRACEFUL_SHUTDOWN_TIMEOUT_S", "2.5"},
                           {"MTPIPE_SESSIONS_DIR", "/var/lib/mtpipe"},
                           {"MTPIPE_LEASE_TTL_MS", "2500"},
                           {"MTPIPE_REPLICA_ID", "worker-7"},
                           {"MTPROTO_API_ID", "12345"},
                           {"MTPROTO_API_HASH", "0123456789abcdef0123456789ABCDEF"},
                           {"DATABASE_URL", "postgresql://mtpipe@db/mtpipe"},
                           {"REDIS_URL", "redis://cache:6379/0"},
                           {"FAULT_INJECTION_SPEC", "delay=0.05, timeout=0.01"}});
  EXPECT_EQ(s.limits.account_rps, 1.25);
  EXPECT_EQ(s.limits.max_concurrency_per_account, 8);
  EXPECT_EQ(s.limits.global_rps, 0);
  EXPECT_EQ(s.proxy.rotation, std::chrono::seconds(0));
  EXPECT_EQ(s.obs.prometheus_port, 65535);
  EXPECT_EQ(s.obs.sampler_ratio, 1);
  EXPECT_EQ(s.obs.health_bind.host, "::1");
  EXPECT_EQ(s.obs.health_bind.port, 9000);
  EXPECT_EQ(s.shutdown.graceful_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(s.mtproto.dc_routes, "/var/lib/mtpipe/dc_routes.sqlite");  // follows the sessions dir
  EXPECT_EQ(s.pool.lease_ttl, std::chrono::milliseconds(2500));
  EXPECT_EQ(s.pool.replica_id, "worker-7");
  EXPECT_EQ(s.mtproto.api_id, 12345);
  EXPECT_EQ(s.mtproto.api_hash, "0123456789abcdef0123456789ABCDEF");
  EXPECT_EQ(s.storage.backend, Settings::Storage::Backend::postgresql);
  EXPECT_EQ(s.redis.url, "redis://cache:6379/0");
  EXPECT_EQ(s.faults.spec, "delay=0.05, timeout=0.01");
}

TEST(Settings, DcRoutesCanBeSetApart) {
  EXPECT_EQ(load({{"MTPIPE_DC_ROUTES", "/tmp/routes.sqlite"}}).mtproto.dc_routes, "/tmp/routes.sqlite");
}

TEST(Settings, BooleansInEveryAcceptedSpelling) {
  for (const char* yes : {"true", "TRUE", "1", "yes", "Yes", "on", "ON"})
    EXPECT_TRUE(load({{"DEBUG", yes}}).obs.debug) << yes;
  for (const char* no : {"false", "False", "0", "no", "NO", "off", "Off"})
    EXPECT_FALSE(load({{"DEBUG", "true"}, {"OBS_OTEL_ENABLED", no}}).obs.otel_enabled) << no;
  EXPECT_FALSE(load({{"MTPROTO_ENABLED", "off"}}).mtproto.enabled);
}

TEST(Settings, BadBooleanIsRefused) {
  EXPECT_THAT(one_error({{"OBS_PROMETHEUS_ENABLED", "enabled"}}, "OBS_PROMETHEUS_ENABLED", "enabled"),
              HasSubstr("true or false"));
  one_error({{"DEBUG", "2"}}, "DEBUG", "2");
}

TEST(Settings, NotANumberIsRefused) {
  one_error({{"MTPROTO_GLOBAL_RPS", "fast"}}, "MTPROTO_GLOBAL_RPS", "fast");
  one_error({{"MTPROTO_GLOBAL_RPS", "2.5rps"}}, "MTPROTO_GLOBAL_RPS", "2.5rps");
  one_error({{"MTPROTO_GLOBAL_RPS", "nan"}}, "MTPROTO_GLOBAL_RPS", "nan");
  one_error({{"MTPROTO_GLOBAL_RPS", "1e999"}}, "MTPROTO_GLOBAL_RPS", "1e999");
  one_error({{"MTPROTO_RETRY_MAX", "5.5"}}, "MTPROTO_RETRY_MAX", "5.5");
}

TEST(Settings, NegativeRateIsRefusedAndZeroMeansNoLimit) {
  EXPECT_THAT(one_error({{"MTPROTO_RPS_PER_ACCOUNT", "-0.5"}}, "MTPROTO_RPS_PER_ACCOUNT", "-0.5"),
              HasSubstr("0 for no limit"));
  EXPECT_EQ(load({{"MTPROTO_RPS_PER_ACCOUNT", "0"}}).limits.account_rps, 0);
}

TEST(Settings, ConcurrencyBelowOneIsRefused) {
  EXPECT_THAT(one_error({{"MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT", "0"}}, "MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT", "0"),
              HasSubstr(">= 1"));
}

TEST(Settings, NegativeRotationIsRefused) {
  one_error({{"MTPROTO_PROXY_ROTATION_SEC", "-1"}}, "MTPROTO_PROXY_ROTATION_SEC", "-1");
}

TEST(Settings, FailScoreBelowOneIsRefused) {
  one_error({{"MTPROTO_PROXY_FAIL_SCORE_LIMIT", "0"}}, "MTPROTO_PROXY_FAIL_SCORE_LIMIT", "0");
}

TEST(Settings, PortOutOfRangeIsRefused) {
  EXPECT_THAT(one_error({{"PROMETHEUS_PORT", "0"}}, "PROMETHEUS_PORT", "0"), HasSubstr("1 to 65535"));
  one_error({{"PROMETHEUS_PORT", "65536"}}, "PROMETHEUS_PORT", "65536");
  one_error({{"PROMETHEUS_PORT", "99999999999999999999"}}, "PROMETHEUS_PORT", "99999999999999999999");
}

TEST(Settings, SamplerRatioOutsideZeroToOneIsRefused) {
  one_error({{"OTEL_SAMPLER_RATIO", "1.5"}}, "OTEL_SAMPLER_RATIO", "1.5");
  one_error({{"OTEL_SAMPLER_RATIO", "-0.1"}}, "OTEL_SAMPLER_RATIO", "-0.1");
}

TEST(Settings, HealthBindWithoutHostPortIsRefused) {
  EXPECT_THAT(one_error({{"HEALTH_BIND", "8091"}}, "HEALTH_BIND", "8091"), HasSubstr("HOST:PORT"));
  one_error({{"HEALTH_BIND", "0.0.0.0:0"}}, "HEALTH_BIND", "0.0.0.0:0");
}

TEST(Settings, OtherRangesAreChecked) {
  one_error({{"MTPROTO_RETRY_MAX", "-1"}}, "MTPROTO_RETRY_MAX", "-1");
  one_error({{"MTPROTO_RETRY_BACKOFF", "0.5"}}, "MTPROTO_RETRY_BACKOFF", "0.5");
  one_error({{"MTPROTO_SLEEP_THRESHOLD", "-1"}}, "MTPROTO_SLEEP_THRESHOLD", "-1");
  one_error({{"GRACEFUL_SHUTDOWN_TIMEOUT_S", "-3"}}, "GRACEFUL_SHUTDOWN_TIMEOUT_S", "-3");
  one_error({{"MTPIPE_LEASE_TTL_MS", "10"}}, "MTPIPE_LEASE_TTL_MS", "10");
  one_error({{"MTPIPE_MAX_WAITERS", "0"}}, "MTPIPE_MAX_WAITERS", "0");
  one_error({{"MTPROTO_API_ID", "0"}}, "MTPROTO_API_ID", "0");
  one_error({{"MTPIPE_REPLICA_ID", "two words"}}, "MTPIPE_REPLICA_ID", "two words");
}

TEST(Settings, ListsAreTrimmedAndEmptyItemsRefused) {
  EXPECT_THAT(load({{"MTPROTO_ACCOUNTS", " alice , bob.2,carol_3 "}}).pool.accounts,
              ElementsAre("alice", "bob.2", "carol_3"));
  EXPECT_THAT(one_error({{"MTPROTO_ACCOUNTS", "alice,,bob"}}, "MTPROTO_ACCOUNTS", "alice,,bob"),
              HasSubstr("item 2 is empty"));
  EXPECT_THAT(one_error({{"MTPROTO_ACCOUNTS", "alice,"}}, "MTPROTO_ACCOUNTS", "alice,"), HasSubstr("item 2 is empty"));
  EXPECT_THAT(one_error({{"MTPIPE_CHANNELS", "durov, ,telegram"}}, "MTPIPE_CHANNELS", "durov, ,telegram"),
              HasSubstr("item 2 is empty"));
}

TEST(Settings, BadAccountNamesAndRepeatsAreRefused) {
  EXPECT_THAT(one_error({{"MTPROTO_ACCOUNTS", "alice,../etc"}}, "MTPROTO_ACCOUNTS", "alice,../etc"),
              HasSubstr("item 2"));
  EXPECT_THAT(one_error({{"MTPROTO_ACCOUNTS", "alice,bob,alice"}}, "MTPROTO_ACCOUNTS", "alice,bob,alice"),
              HasSubstr("'alice' is listed twice"));
}

TEST(Settings, ChannelsAreUsernamesOrIds) {
  EXPECT_THAT(load({{"MTPIPE_CHANNELS", "@durov, telegram ,-1001234567890,777"}}).mtproto.channels,
              ElementsAre("durov", "telegram", "-1001234567890", "777"));
  EXPECT_THAT(one_error({{"MTPIPE_CHANNELS", "durov,t.me/x"}}, "MTPIPE_CHANNELS", "durov,t.me/x"),
              HasSubstr("item 2: 't.me/x' is neither a username"));
  one_error({{"MTPIPE_CHANNELS", "-abcd"}}, "MTPIPE_CHANNELS", "-abcd");
  EXPECT_THAT(one_error({{"MTPIPE_CHANNELS", "Durov,@durov"}}, "MTPIPE_CHANNELS", "Durov,@durov"),
              HasSubstr("listed twice"));
}

TEST(Settings, ProxiesAreParsed) {
  const Settings s =
      load({{"MTPROTO_PROXY_ENABLED", "true"}, {"MTPROTO_PROXIES", "socks5://u:pw@127.0.0.1:1080, http://proxy:3128"}});
  ASSERT_EQ(s.proxy.proxies.size(), 2u);
  EXPECT_EQ(s.proxy.proxies[0].password, "pw");
  EXPECT_EQ(s.proxy.proxies[1].kind, net::ProxyUrl::Kind::http);
}

TEST(Settings, BadProxyIsRefusedWithoutItsPassword) {
  const auto error = one_error({{"MTPROTO_PROXIES", "socks5://u:hunter2@good:1080,socks5://v:sekrit@bad"}},
                               "MTPROTO_PROXIES", "socks5://u:***@good:1080,socks5://v:***@***");
  EXPECT_THAT(error, HasSubstr("item 2"));
  EXPECT_THAT(error, HasSubstr("port"));
  EXPECT_THAT(error, Not(HasSubstr("hunter2")));
  EXPECT_THAT(error, Not(HasSubstr("sekrit")));
  one_error({{"MTPROTO_PROXIES", ",socks5://u:pw@h:1"}}, "MTPROTO_PROXIES", ",socks5://u:***@h:1");
  EXPECT_THAT(
      one_error({{"MTPROTO_PROXIES", "socks5://h:1,,http://h:2"}}, "MTPROTO_PROXIES", "socks5://h:1,,http://h:2"),
      HasSubstr("item 2 is empty"));
}

TEST(Settings, UrlSchemesAreChecked) {
  const auto redis = one_error({{"REDIS_URL", "http://:topsecret@cache:6379"}}, "REDIS_URL", "http://:***@cache:6379");
  EXPECT_THAT(redis, HasSubstr("expected redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]; unknown scheme"));
  EXPECT_THAT(redis, Not(HasSubstr("topsecret")));
  const auto db = one_error({{"DATABASE_URL", "mysql://root:topsecret@db/x"}}, "DATABASE_URL", "mysql://root:***@***");
  EXPECT_THAT(db, Not(HasSubstr("topsecret")));
  one_error({{"DATABASE_URL", "sqlite://x.db"}}, "DATABASE_URL", "sqlite://x.db");
  one_error({{"DATABASE_URL", "sqlite:"}}, "DATABASE_URL", "***");  // no "://": it might be "user:password"
  one_error({{"OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"}}, "OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318");
}

TEST(Settings, ABadFaultSpecIsRefusedWithTheBadPartNamed) {
  EXPECT_THAT(one_error({{"FAULT_INJECTION_SPEC", "timeout=0.1,explode=0.1"}}, "FAULT_INJECTION_SPEC",
                        "timeout=0.1,explode=0.1"),
              HasSubstr("unknown name \"explode\""));
  EXPECT_THAT(one_error({{"FAULT_INJECTION_SPEC", "flood_wait_s=30-1"}}, "FAULT_INJECTION_SPEC", "flood_wait_s=30-1"),
              HasSubstr("not a range"));
  EXPECT_EQ(load({{"FAULT_INJECTION_SPEC", "timeout=0.1,seed=3"}}).faults.spec, "timeout=0.1,seed=3");
}

TEST(Settings, ApiHashIsNeverQuoted) {
  const auto errors = errors_of({{"MTPROTO_API_HASH", "0123456789abcdef0123456789abcdeZ"}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("MTPROTO_API_HASH=<hidden, 32 characters>: expected"));
  EXPECT_THAT(errors[0], Not(HasSubstr("0123456789")));
}

TEST(Settings, CrossChecksNeedTheLists) {
  EXPECT_THAT(one_error({{"MTPROTO_POOL_ENABLED", "yes"}, {"MTPROTO_ACCOUNTS", ""}}, "MTPROTO_POOL_ENABLED", "yes"),
              HasSubstr("MTPROTO_ACCOUNTS"));
  EXPECT_THAT(one_error({{"MTPROTO_PROXY_ENABLED", "1"}}, "MTPROTO_PROXY_ENABLED", "1"), HasSubstr("MTPROTO_PROXIES"));
  // A bad list is reported once, not again as missing.
  EXPECT_EQ(errors_of({{"MTPROTO_POOL_ENABLED", "true"}, {"MTPROTO_ACCOUNTS", "a,,b"}}).size(), 1u);
  EXPECT_TRUE(load({{"MTPROTO_POOL_ENABLED", "true"}, {"MTPROTO_ACCOUNTS", "a"}}).pool.enabled);
}

TEST(Settings, FaultInjectionOutsideDevelopmentIsKeptForTheInjectorToRefuse) {
  const Settings s = load({{"FAULT_INJECTION_ENABLED", "true"}, {"ENVIRONMENT", "production"}});
  EXPECT_TRUE(s.faults.enabled);
  EXPECT_EQ(s.environment, "production");
}

TEST(Settings, EveryErrorIsReportedTogether) {
  try {
    load({{"PROMETHEUS_PORT", "http"},
          {"OTEL_SAMPLER_RATIO", "5"},
          {"DEBUG", "maybe"},
          {"MTPROTO_ACCOUNTS", ",x"},
          {"MTPROTO_PROXY_ENABLED", "true"}});
    FAIL() << "no SettingsError";
  } catch (const SettingsError& e) {
    ASSERT_EQ(e.errors().size(), 5u) << e.what();
    std::string lines;
    for (const auto& line : e.errors()) lines += (lines.empty() ? "" : "\n") + line;
    EXPECT_EQ(e.what(), lines);
    for (const char* name :
         {"PROMETHEUS_PORT=", "OTEL_SAMPLER_RATIO=", "DEBUG=", "MTPROTO_ACCOUNTS=", "MTPROTO_PROXY_ENABLED="})
      EXPECT_THAT(e.what(), HasSubstr(name));
  }
}

TEST(Settings, ControlCharactersAreNotEchoed) {
  const auto error = one_error({{"DEBUG", "a\x1b[2Jb"}}, "DEBUG", "a?[2Jb");
  EXPECT_THAT(error, Not(HasSubstr("\x1b")));
}

TEST(Settings, DescribeNamesEverySettingOnce) {
  const auto pairs = describe(load({}));
  std::map<std::string, int> seen;
  for (const auto& [name, value] : pairs) ++seen[name];
  EXPECT_EQ(seen.size(), pairs.size());
  for (const char* name : {"ENVIRONMENT",
                           "DEBUG",
                           "MTPROTO_ENABLED",
                           "MTPROTO_API_ID",
                           "MTPROTO_API_HASH",
                           "MTPIPE_SESSIONS_DIR",
                           "MTPIPE_DC_ROUTES",
                           "MTPIPE_CHANNELS",
                           "MTPROTO_RETRY_MAX",
                           "MTPROTO_RETRY_BACKOFF",
                           "MTPROTO_SLEEP_THRESHOLD",
                           "MTPROTO_POOL_ENABLED",
                           "MTPROTO_ACCOUNTS",
                           "MTPIPE_LEASE_TTL_MS",
                           "MTPIPE_REPLICA_ID",
                           "MTPROTO_PROXY_ENABLED",
                           "MTPROTO_PROXIES",
                           "MTPROTO_PROXY_ROTATION_SEC",
                           "MTPROTO_PROXY_FAIL_SCORE_LIMIT",
                           "MTPROTO_RPS_PER_ACCOUNT",
                           "MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT",
                           "MTPROTO_GLOBAL_RPS",
                           "MTPIPE_MAX_WAITERS",
                           "OBS_PROMETHEUS_ENABLED",
                           "PROMETHEUS_PORT",
                           "OBS_OTEL_ENABLED",
                           "OTEL_EXPORTER_OTLP_ENDPOINT",
                           "OTEL_SAMPLER_RATIO",
                           "HEALTH_BIND",
                           "GRACEFUL_SHUTDOWN_TIMEOUT_S",
                           "DATABASE_URL",
                           "REDIS_URL",
                           "FAULT_INJECTION_ENABLED",
                           "FAULT_INJECTION_SPEC"})
    EXPECT_EQ(seen[name], 1) << name;
  const auto d = described(load({}));
  EXPECT_EQ(d.at("MTPROTO_RPS_PER_ACCOUNT"), "0.7");
  EXPECT_EQ(d.at("MTPROTO_GLOBAL_RPS"), "2.5");
  EXPECT_EQ(d.at("OTEL_SAMPLER_RATIO"), "0.05");
  EXPECT_EQ(d.at("GRACEFUL_SHUTDOWN_TIMEOUT_S"), "25");
  EXPECT_EQ(d.at("HEALTH_BIND"), "0.0.0.0:8091");
  EXPECT_EQ(d.at("MTPROTO_POOL_ENABLED"), "false");
  EXPECT_EQ(d.at("DATABASE_URL"), "sqlite:mtpipe.sqlite");
  EXPECT_EQ(d.at("MTPIPE_DC_ROUTES"), "./sessions/dc_routes.sqlite");
  EXPECT_EQ(d.at("MTPROTO_API_HASH"), "");
}

TEST(Settings, DescribeReadsBack) {
  const Env env{{"MTPROTO_ACCOUNTS", "a,b"},   {"MTPROTO_POOL_ENABLED", "on"},
                {"HEALTH_BIND", "[::]:81"},    {"GRACEFUL_SHUTDOWN_TIMEOUT_S", "0.25"},
                {"MTPIPE_CHANNELS", "@durov"}, {"MTPROTO_GLOBAL_RPS", "0.1"}};
  // Read back, every variable is set, so more of them carry the "not used yet" note: compared without it.
  const auto without_notes = [](std::vector<std::pair<std::string, std::string>> described) {
    for (auto& [name, value] : described)
      if (value.ends_with(kNotUsedYetNote)) value.resize(value.size() - kNotUsedYetNote.size());
    return described;
  };
  const auto first = without_notes(describe(load(env)));
  Env again(first.begin(), first.end());
  EXPECT_EQ(without_notes(describe(load(again))), first);
}

TEST(Settings, DescribeMasksEverySecret) {
  const Settings s =
      load({{"MTPROTO_API_HASH", "0123456789abcdef0123456789abcdef"},
            {"MTPROTO_PROXIES", "socks5://u:hunter2@h:1080,mtproxy://dd0123456789abcdef0123456789abcdef@m:443"},
            {"REDIS_URL", "redis://:redispass@cache:6379"},
            {"DATABASE_URL", "postgresql://mtpipe:dbpass@db:5432/mtpipe?password=dbpass2"},
            {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://user:otelpass@collector"}});
  const auto d = described(s);
  EXPECT_EQ(d.at("MTPROTO_API_HASH"), "***");
  EXPECT_EQ(d.at("MTPROTO_PROXIES"), "socks5://u:***@h:1080,mtproxy://dd...(secret hidden)@m:443");
  EXPECT_EQ(d.at("REDIS_URL"), "redis://:***@cache:6379");
  EXPECT_EQ(d.at("DATABASE_URL"), "postgresql://mtpipe:***@db:5432/***?password=***" + std::string(kNotUsedYetNote));
  for (const auto& [name, value] : d) {
    for (const char* secret : {"0123456789abcdef", "hunter2", "redispass", "dbpass", "otelpass"})
      EXPECT_THAT(value, Not(HasSubstr(secret))) << name;
  }
}

TEST(Settings, AnEmptyAccountListIsRefusedWithThePoolOff) {
  for (const Env& env : {Env{{"MTPROTO_ACCOUNTS", ""}}, Env{{"MTPROTO_ACCOUNTS", " "}, {"MTPROTO_ENABLED", "true"}}}) {
    const auto errors = errors_of(env);
    ASSERT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
    EXPECT_THAT(errors[0], HasSubstr("MTPROTO_ACCOUNTS='': expected an account name"));
    EXPECT_THAT(errors[0], HasSubstr("mtpipe login --account NAME"));
  }
  EXPECT_THAT(load({{"MTPROTO_ACCOUNTS", "solo"}}).pool.accounts, ElementsAre("solo"));
  // With MTPROTO_ENABLED=false nothing is driven, so nothing is missing.
  EXPECT_TRUE(load({{"MTPROTO_ACCOUNTS", ""}, {"MTPROTO_ENABLED", "false"}}).pool.accounts.empty());
}

TEST(Settings, RedisUrlIsParsedWhole) {
  EXPECT_THAT(one_error({{"REDIS_URL", "redis://:topsecret@cache:99999"}}, "REDIS_URL", "redis://:***@***"),
              HasSubstr("expected redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]; port out of range (1-65535)"));
  EXPECT_THAT(one_error({{"REDIS_URL", "redis://cache/x"}}, "REDIS_URL", "redis://cache/***"),
              HasSubstr("; database is not a number"));
  EXPECT_THAT(one_error({{"REDIS_URL", "rediss://cache"}}, "REDIS_URL", "rediss://cache"), HasSubstr("TLS"));
  EXPECT_THAT(one_error({{"REDIS_URL", "redis://alice@cache"}}, "REDIS_URL", "redis://***@***"),
              HasSubstr("user name without a password"));
  // With the '@' and host left out, the password stands where a port would be: it is not quoted.
  const auto error = one_error({{"REDIS_URL", "redis://alice:topsecret"}}, "REDIS_URL", "redis://***");
  EXPECT_THAT(error, HasSubstr("port is not a number"));
  EXPECT_THAT(error, Not(HasSubstr("topsecret")));
  EXPECT_EQ(load({{"REDIS_URL", " redis://[::1]:7000/2 "}}).redis.url, "redis://[::1]:7000/2");
}

TEST(Settings, VariablesNothingReadsYetAreMarkedWhenSet) {
  EXPECT_TRUE(load({}).set_but_not_used.empty());
  const Settings s = load({{"PROMETHEUS_PORT", "9200"}, {"DATABASE_URL", "sqlite:x.db"}, {"MTPROTO_GLOBAL_RPS", "3"}});
  const auto d = described(s);
  EXPECT_EQ(d.at("PROMETHEUS_PORT"), "9200 (not used yet)");
  EXPECT_EQ(d.at("DATABASE_URL"), "sqlite:x.db (not used yet)");
  EXPECT_EQ(d.at("HEALTH_BIND"), "0.0.0.0:8091");  // not set: the default, unmarked
  EXPECT_EQ(d.at("MTPROTO_GLOBAL_RPS"), "3");      // in use
  Env every;
  const Env values{{"MTPIPE_CHANNELS", "durov"},       {"OBS_PROMETHEUS_ENABLED", "true"}, {"PROMETHEUS_PORT", "9200"},
                   {"OBS_OTEL_ENABLED", "true"},        {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"},
                   {"OTEL_SAMPLER_RATIO", "0.5"},       {"HEALTH_BIND", "127.0.0.1:9000"},
                   {"DATABASE_URL", "sqlite:x.db"}};
  for (const auto name : kNotUsedYet) every[std::string(name)] = values.at(std::string(name));
  std::size_t marked = 0;
  for (const auto& [name, value] : describe(load(every))) {
    const bool listed = std::find(std::begin(kNotUsedYet), std::end(kNotUsedYet), name) != std::end(kNotUsedYet);
    EXPECT_EQ(value.ends_with(" (not used yet)"), listed) << name << "=" << value;
    marked += listed ? 1 : 0;
  }
  EXPECT_EQ(marked, std::size(kNotUsedYet));
}

// No error and no described value shows a proxy password or secret, however the URL is written: as a proxy, a
// proxy list item (a ',' in a password cuts an item in two), or in another URL setting by mistake.
TEST(Settings, NoErrorOrDescriptionShowsAProxyPasswordOrSecret) {
  auto urls = secret_cases::password_urls();
  const auto secret_urls = secret_cases::secret_urls();
  urls.insert(urls.end(), secret_urls.begin(), secret_urls.end());
  for (const auto& url : urls) {
    SCOPED_TRACE(url);
    for (const Env& env : {Env{{"MTPROTO_PROXIES", url}}, Env{{"MTPROTO_PROXIES", "socks5://h.example:1, " + url + ",http://h.example:2"}},
                           Env{{"MTPROTO_PROXIES", url + ",,socks5://h.example:1"}}, Env{{"REDIS_URL", url}},
                           Env{{"DATABASE_URL", url}}, Env{{"OTEL_EXPORTER_OTLP_ENDPOINT", url}}}) {
      std::vector<std::string> outputs;
      try {
        for (const auto& [name, value] : describe(load(env))) outputs.push_back(value);
      } catch (const SettingsError& e) {
        outputs.emplace_back(e.what());
      }
      for (const auto& output : outputs) {
        const auto leak = secret_cases::leak_in(output);
        EXPECT_FALSE(leak.has_value()) << "'" << *leak << "' shown in: " << output;
      }
    }
  }
}

TEST(SettingsValues, Parsers) {
  EXPECT_EQ(parse_integer_value(" -12 "), -12);
  EXPECT_EQ(parse_integer_value("+1"), std::nullopt);
  EXPECT_EQ(parse_integer_value(""), std::nullopt);
  EXPECT_EQ(parse_number_value("1.5e1"), 15.0);
  EXPECT_EQ(parse_number_value("inf"), std::nullopt);
  EXPECT_EQ(parse_bool_value("maybe"), std::nullopt);
  std::size_t empty_item = 0;
  EXPECT_THAT(*parse_list_value("  ", empty_item), ElementsAre());
  EXPECT_EQ(parse_list_value(",a", empty_item), std::nullopt);
  EXPECT_EQ(empty_item, 1u);
  EXPECT_THAT(split_commas(",a,,b "), ElementsAre("", "a", "", "b "));
  EXPECT_EQ(format_number(0.7), "0.7");
  EXPECT_EQ(format_number(25), "25");
}

}  // namespace
}  // namespace mtpipe::app
