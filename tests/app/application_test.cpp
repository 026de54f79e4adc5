// The application's stop: requests still running at GRACEFUL_SHUTDOWN_TIMEOUT_S are cut, the job's tasks are
// cancelled and waited for, and nothing of them outlives the application (run under ASan by `make asan`, where a
// frame destroyed after the container it points into is a use-after-free).
#include "app/application.h"

#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>
#include <filesystem>

#include "../client/client_fixture.h"
#include "client/wake_signal.h"
#include "tl/api.h"

namespace mtpipe::testing {
namespace {

struct TempSessions {
  TempSessions() {
    std::filesystem::remove_all(dir);
    client::session_file::ensure_sessions_dir(dir);
  }
  ~TempSessions() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("mtpipe-application-" + std::to_string(::getpid()));
};

TEST(ApplicationShutdown, AForcedStopCutsTheRequestsThatOutliveTheTimeoutAndLeavesNothingRunning) {
  sim::SimOptions so;
  so.latency = {600'000, 600'000};  // every API query is answered in ten minutes: the requests outlive the stop
  SimFixture sim(so);
  TempSessions sessions;
  const client::session_file::SessionStore store(sessions.dir);
  store.save("a", client::SessionData{});  // help.getNearestDc needs no login

  app::Settings settings;
  settings.mtproto.sessions_dir = sessions.dir;
  settings.pool.accounts = {"a"};
  settings.shutdown.graceful_timeout = std::chrono::milliseconds(300);
  constexpr int kRequests = 3;
  std::vector<std::exception_ptr> ends;
  int answered = 0;
  {
    app::Application application(settings, client_options(sim).network);
    const int rc = application.run([&](app::JobContext& job) -> asio::awaitable<void> {
      const auto request = [&]() -> asio::awaitable<void> {
        auto query = tl::serialize(tl::api::help::getNearestDc{});
        (void)co_await job.container().pipeline().call(std::move(query), {});
        ++answered;
      };
      for (int i = 0; i < kRequests; ++i) job.spawn(request(), [&](std::exception_ptr e) { ends.push_back(e); });
      while (job.container().pool().in_flight() < kRequests) co_await client::sleep_for(std::chrono::milliseconds(5));
      application.request_stop();
      // The job outlives its tasks, which a forced stop cancels together with it.
      co_await asio::this_coro::throw_if_cancelled(false);
      while (ends.size() < kRequests) {
        try {
          co_await client::sleep_for(std::chrono::milliseconds(5));
        } catch (const mtproto::CallError&) {
        }
      }
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(application.shutdown_report().requests_cut, kRequests);
    EXPECT_EQ(application.container().pool().in_flight(), 0);
  }  // destroyed here, with whatever the stop left behind
  EXPECT_EQ(answered, 0);
  ASSERT_EQ(ends.size(), static_cast<std::size_t>(kRequests));
  for (const auto& e : ends) EXPECT_TRUE(mtproto::is_cancellation(e)) << mtproto::describe(e);
}

TEST(ApplicationShutdown, ATaskIsNotStartedOnceAStopWasAskedFor) {
  SimFixture sim;
  TempSessions sessions;
  const client::session_file::SessionStore store(sessions.dir);
  store.save("a", client::SessionData{});
  app::Settings settings;
  settings.mtproto.sessions_dir = sessions.dir;
  settings.pool.accounts = {"a"};
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
  EXPECT_TRUE(mtproto::is_cancellation(end));
}

}  // namespace
}  // namespace mtpipe::testing
