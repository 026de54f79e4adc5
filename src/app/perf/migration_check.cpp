// 4. DC migration handling: stats.getBroadcastStats for each of the sim's three seeded channels, 20 times each,
// with the channel named in RequestOptions so the DC router may route it. The first request of a channel meets
// STATS_MIGRATE exactly when the account that carries it lives on another DC than the channel's statistics; from
// then on the router sends every request of that channel straight there, whichever account carries it. After a
// restart (a new Application whose router is restored from the route file the first one saved) no request
// migrates either. Migrations are counted by the clients (Client::stats().migrations).

#include "app/application.h"
#include "app/perf/checks.h"
#include "app/perf/load_driver.h"
#include "sim/channels.h"
#include "tl/json_bridge.h"

namespace mtpipe::app::perf {
namespace asio = boost::asio;

namespace {

constexpr int kPerChannel = 20;

std::vector<std::uint8_t> broadcast_stats(const sim::SeededChannel& channel) {
  return tl::from_json(R"({"_": "stats.getBroadcastStats", "channel": {"_": "inputChannel", "channel_id": )" +
                       std::to_string(channel.id) + R"(, "access_hash": )" + std::to_string(channel.access_hash) + "}}");
}

std::uint64_t migrations(Container& container) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < container.accounts(); ++i) n += container.client(i).stats().migrations;
  return n;
}

// Requests for every channel in turn, `count` of them, `concurrency` at a time.
LoadPlan round_robin(const std::vector<sim::SeededChannel>& channels, std::uint64_t count, int concurrency) {
  LoadPlan plan;
  std::vector<std::vector<std::uint8_t>> queries;  // built once, copied per request
  for (const auto& channel : channels) queries.push_back(broadcast_stats(channel));
  plan.query = [queries](std::uint64_t i) { return queries[i % queries.size()]; };
  plan.options = [channels](std::uint64_t i) {
    scale::RequestOptions o;
    o.channel_id = channels[i % channels.size()].id;
    return o;
  };
  plan.requests = count;
  plan.concurrency = concurrency;
  return plan;
}

}  // namespace

CheckResult check_migration(const PerfContext& context) {
  CheckResult r;
  SimStage stage(context, "migration", sim::SimOptions{});
  const Settings settings = stage.settings();
  const auto channels = sim::seeded_channels(stage.server().cluster());
  const std::uint64_t rest = static_cast<std::uint64_t>(kPerChannel - 1) * channels.size();

  int expected = 0;
  std::uint64_t first = 0, later = 0, after_restart = 0, routes_restored = 0, avoided = 0;
  std::vector<Outcome> outcomes;
  {
    Application app(settings, stage.network());
    const int rc = app.run([&](JobContext& job) -> asio::awaitable<void> {
      auto& container = job.container();
      const auto before = migrations(container);
      // One channel at a time, so the first request of each is the only one that can meet a migrate.
      for (const auto& channel : channels) {
        auto query = broadcast_stats(channel);
        scale::RequestOptions options;
        options.channel_id = channel.id;
        scale::RequestTrace trace;
        Outcome outcome;
        outcome.start = SteadyClock::now();
        try {
          (void)co_await container.pipeline().call(std::move(query), options, &trace);
          outcome.ok = true;
        } catch (...) {
          outcome = failed_outcome(std::current_exception());
        }
        outcome.end = SteadyClock::now();
        outcomes.push_back(outcome);
        const auto account = container.pool().find(trace.account);
        if (outcome.ok && account && stage.home_dc(*account) != channel.stats_dc) ++expected;
      }
      first = migrations(container) - before;
      LoadRun load(job, container.pipeline(), round_robin(channels, rest, 16));
      load.start();
      co_await load.finished();
      later = migrations(container) - before - first;
      outcomes.insert(outcomes.end(), load.outcomes().begin(), load.outcomes().end());
    });
    r.error = run_error(app, rc);
  }
  {
    Application app(settings, stage.network());  // the restart: sessions and routes from the files
    routes_restored = app.container().router() ? app.container().router()->size() : 0;
    const int rc = app.run([&](JobContext& job) -> asio::awaitable<void> {
      auto& container = job.container();
      const auto before = migrations(container);
      LoadRun load(job, container.pipeline(), round_robin(channels, static_cast<std::uint64_t>(kPerChannel) * channels.size(), 16));
      load.start();
      co_await load.finished();
      after_restart = migrations(container) - before;
      avoided = container.router()->counters().migrations_avoided;
      outcomes.insert(outcomes.end(), load.outcomes().begin(), load.outcomes().end());
    });
    if (r.error.empty()) r.error = run_error(app, rc);
  }

  const auto summary = summarize(outcomes);
  using K = Criterion::Kind;
  r.criteria.push_back(at_least(K::slo, "success_pct", "success", summary.success_pct, kSloSuccessPct, "%"));
  r.criteria.push_back(equal_to(K::goal, "first_migrations", "first-request migrations", static_cast<double>(first), expected));
  r.criteria.push_back(equal_to(K::goal, "later_migrations", "later migrations", static_cast<double>(later), 0));
  r.criteria.push_back(equal_to(K::goal, "restart_migrations", "migrations after restart", static_cast<double>(after_restart), 0));
  r.figure("expected_migrations", expected);
  r.figure("requests", static_cast<double>(summary.requests));
  r.figure("routes_restored", static_cast<double>(routes_restored));
  r.figure("migrations_avoided_after_restart", static_cast<double>(avoided));
  r.notes.push_back(std::to_string(expected) + " of " + std::to_string(channels.size()) +
                    " channels had their statistics elsewhere than the home DC of the account that asked first; " +
                    std::to_string(routes_restored) + " routes restored after the restart");
  if (!summary.failures.empty()) r.notes.push_back("failures: " + failures_text(summary));
  return r;
}

}  // namespace mtpipe::app::perf
