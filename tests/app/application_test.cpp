// The application's stop: requests still running at GRACEFUL_SHUTDOWN_TIMEOUT_S are cut, the job's tasks are
// cancelled and waited for, and nothing of them outlives the application (run under ASan by `make asan`, where a
// frame destroyed after the container it points into is a use-after-free).
#include "app/application.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>

#include "../client/client_fixture.h"
#include "async/cancelled.h"
#include "async/event.h"
#include "async/sleep.h"
#include "base/describe.h"
#include "tl/api.h"

namespace mtpipe::testing {
namespace {

// One account "a" with an empty session (help.getNearestDc needs no login) in a scratch sessions directory, and
// settings that drive it alone.
struct OneAccount {
  OneAccount() {
    std::filesystem::remove_all(dir);
    client::session_file::ensure_sessions_dir(dir);
    client::session_file::SessionStore(dir).save("a", client::SessionData{});
    settings.mtproto.sessions_dir = dir;
    settings.pool.accounts = {"a"};
  }
  ~OneAccount() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("mtpipe-application-" + std::to_string(::getpid()));
  app::Settings settings;
};

TEST(ApplicationShutdown, AForcedStopCutsTheRequestsThatOutliveTheTimeoutAndLeavesNothingRunning) {
  sim::SimOptions so;
  so.latency = {600'000, 600'000};  // every API query is answered in ten minutes: the requests outlive the stop
  SimFixture sim(so);
  OneAccount account;
  app::Settings& settings = account.settings;
  settings.shutdown.graceful_timeout = std::chrono::milliseconds(300);
  constexpr int kRequests = 3;
  std::vector<std::exception_ptr> ends;
  async::Event ended;
  int answered = 0;
  {
    app::Application application(settings, client_options(sim).network);
    const int rc = application.run([&](app::JobContext& job) -> asio::awaitable<void> {
      const auto request = [&]() -> asio::awaitable<void> {
        auto query = tl::serialize(tl::api::help::getNearestDc{});
        (void)co_await job.container().pipeline().call(std::move(query), {});
        ++answered;
      };
      for (int i = 0; i < kRequests; ++i)
        job.spawn(request(), [&](std::exception_ptr e) {
          ends.push_back(e);
          ended.notify_all();
        });
      while (job.container().pipeline().in_flight() < kRequests) co_await async::sleep_for(std::chrono::milliseconds(5));
      application.request_stop();
      // The job outlives its tasks, which a forced stop cancels together with it.
      co_await asio::this_coro::throw_if_cancelled(false);
      while (ends.size() < kRequests) {
        try {
          co_await ended.wait();
        } catch (const async::Cancelled&) {
        }
      }
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(application.shutdown_report().requests_cut, kRequests);
    EXPECT_EQ(application.container().pipeline().in_flight(), 0);
  }  // destroyed here, with whatever the stop left behind
  EXPECT_EQ(answered, 0);
  ASSERT_EQ(ends.size(), static_cast<std::size_t>(kRequests));
  for (const auto& e : ends) EXPECT_TRUE(async::is_cancellation(e)) << mtpipe::describe(e);
}

// A task that does not end when cancelled is given up on after the grace and destroyed with the event loop's other
// leftovers - before the container it holds an account of (ASan sees the use-after-free the other order makes).
TEST(ApplicationShutdown, ATaskThatIgnoresItsCancellationIsDestroyedWhileTheContainerStillExists) {
  SimFixture sim;
  OneAccount account;
  app::Settings& settings = account.settings;
  settings.shutdown.graceful_timeout = std::chrono::milliseconds(100);
  struct Sentinel {
    bool& destroyed;
    ~Sentinel() { destroyed = true; }
  };
  bool destroyed = false, ended = false;
  const auto stubborn = [&](app::JobContext& job) -> asio::awaitable<void> {
    const Sentinel sentinel{destroyed};
    // A named request: a temporary inside co_await is destroyed twice by g++ 12.
    scale::LeaseRequest request{client::Method::named("help.getNearestDc"), scale::Clock::now() + std::chrono::hours(1), {}, {}};
    auto lease = co_await job.container().pool().lease(std::move(request));
    asio::steady_timer never(co_await asio::this_coro::executor, std::chrono::hours(1));
    co_await never.async_wait(asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable));
  };
  {
    app::Application application(settings, client_options(sim).network);
    const int rc = application.run([&](app::JobContext& job) -> asio::awaitable<void> {
      job.spawn(stubborn(job), [&](std::exception_ptr) { ended = true; });
      while (job.container().pool().in_flight() < 1) co_await async::sleep_for(std::chrono::milliseconds(5));
      application.request_stop();
    });
    EXPECT_EQ(rc, 0);
    EXPECT_FALSE(application.shutdown_report().in_time);
    EXPECT_FALSE(destroyed);  // still suspended when run() returned
  }
  EXPECT_TRUE(destroyed);  // destroyed with the application, its account handed back to a pool that still existed
  EXPECT_FALSE(ended);     // destroyed, not resumed
}

TEST(ApplicationShutdown, ATaskIsNotStartedOnceAStopWasAskedFor) {
  SimFixture sim;
  OneAccount account;
  const app::Settings& settings = account.settings;
  bool started = false;
  std::exception_ptr end;
  app::Application application(settings, client_options(sim).network);
  const auto task = [&]() -> asio::awaitable<void> {
    started = true;
    co_return;
  };
  const int rc = application.run([&](app::JobContext& job) -> asio::awaitable<void> {
    application.request_stop();
    job.spawn(task(), [&](std::exception_ptr e) { end = e; });
    co_return;
  });
  EXPECT_EQ(rc, 0);
  EXPECT_FALSE(started);
  EXPECT_TRUE(async::is_cancellation(end));
}

}  // namespace
}  // namespace mtpipe::testing
