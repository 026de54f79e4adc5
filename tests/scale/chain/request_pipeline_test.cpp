// RequestPipeline: the front of the chain. The request it hands down, links stacked in the order they were added,
// the caller's account pinned by name, and the counters of the front and every link together.
#include "scale/request_pipeline.h"

#include <gtest/gtest.h>

#include "chain_fixture.h"

namespace mtpipe::scale {
namespace {
using testing::FakeNext;
using testing::query_of;
using testing::run_task;

// A link that writes its name into a log on the way down, and counts itself as a routed request.
struct Marker final : Link {
  Marker(client::Invoker& next, std::vector<std::string>& log, std::string name)
      : Link(next), log_(log), name_(std::move(name)) {}
  boost::asio::awaitable<client::Answer> invoke(client::Request& request) override {
    log_.push_back(name_);
    co_return co_await next_.invoke(request);
  }
  void count(PipelineCounters& into) const override { ++into.routed_by_cache; }
  std::vector<std::string>& log_;
  std::string name_;
};

struct Harness {
  Harness() {
    auto fake = std::make_unique<FakeNext>();
    next = fake.get();
    pipeline = std::make_unique<RequestPipeline>(std::vector<std::string>{"alice", "bob"}, std::move(fake),
                                                 PipelineOptions{std::chrono::seconds(7)});
  }
  client::Answer call(std::string_view method, RequestOptions options = {}, RequestTrace* trace = nullptr) {
    return run_task(io, pipeline->call(query_of(method), std::move(options), trace));
  }
  boost::asio::io_context io;
  FakeNext* next;
  std::unique_ptr<RequestPipeline> pipeline;
};

TEST(RequestPipeline, WithoutLinksARequestGoesStraightToTheBottom) {
  Harness h;
  client::Request seen;
  h.next->answer = [&](client::Request& r, std::size_t) {
    seen = r;
    return client::Answer{5};
  };
  RequestOptions o;
  o.channel_id = 42;
  o.dc = 3;
  o.resend_after_reconnect = false;
  const auto before = std::chrono::steady_clock::now();
  RequestTrace trace;
  EXPECT_EQ(h.call("stats.getBroadcastStats", o, &trace), client::Answer{5});
  EXPECT_EQ(h.pipeline->links(), 0u);
  EXPECT_EQ(seen.method.name(), "stats.getBroadcastStats");
  EXPECT_EQ(seen.query, query_of("stats.getBroadcastStats"));
  EXPECT_EQ(seen.channel_id, 42);
  EXPECT_EQ(seen.dc, 3);
  EXPECT_FALSE(seen.resend_after_reconnect);
  EXPECT_FALSE(seen.account);  // nobody chose: the bottom takes the first account
  EXPECT_GE(seen.deadline, before + std::chrono::seconds(7));  // the pipeline's default timeout
  EXPECT_LE(seen.deadline, std::chrono::steady_clock::now() + std::chrono::seconds(7));
}

TEST(RequestPipeline, LinksRunInTheOrderTheyWrapAndCountTogether) {
  Harness h;
  std::vector<std::string> log;
  h.pipeline->wrap<Marker>(log, "bottom");
  h.pipeline->wrap<Marker>(log, "top");
  (void)h.call("users.getUsers");
  EXPECT_EQ(log, (std::vector<std::string>{"top", "bottom"}));
  const auto c = h.pipeline->counters();
  EXPECT_EQ(c.requests, 1u);
  EXPECT_EQ(c.ok, 1u);
  EXPECT_EQ(c.routed_by_cache, 2u);
}

TEST(RequestPipeline, PinsTheNamedAccountAndTracesIt) {
  Harness h;
  h.next->answer = [](client::Request& r, std::size_t) {
    r.trace.dc = 4;
    return client::Answer{1};
  };
  RequestOptions o;
  o.account = "bob";
  RequestTrace trace;
  (void)h.call("users.getUsers", o, &trace);
  EXPECT_EQ(h.next->seen[0].account, 1u);
  EXPECT_EQ(h.next->seen[0].account_name, "bob");
  EXPECT_EQ(trace.account, "bob");
  EXPECT_EQ(trace.dc, 4);
  EXPECT_EQ(trace.attempts, 1);

  o.account = "carol";
  EXPECT_THROW(h.call("users.getUsers", o), std::invalid_argument);
  EXPECT_EQ(h.next->seen.size(), 1u);
}

TEST(RequestPipeline, CountsTheRequestsInFlightUntilTheyEndHoweverTheyEnd) {
  Harness h;
  std::vector<int> during;
  h.next->answer = [&](client::Request&, std::size_t n) -> client::Answer {
    during.push_back(h.pipeline->in_flight());
    if (n == 1) throw std::runtime_error("down below");
    return {1};
  };
  (void)h.call("users.getUsers");
  EXPECT_EQ(h.pipeline->in_flight(), 0);
  EXPECT_THROW(h.call("users.getUsers"), std::runtime_error);
  EXPECT_EQ(h.pipeline->in_flight(), 0);
  EXPECT_EQ(during, (std::vector<int>{1, 1}));
}

TEST(RequestPipeline, CountsAFailureAndRethrowsIt) {
  Harness h;
  h.next->answer = [](client::Request&, std::size_t) -> client::Answer { throw std::runtime_error("down below"); };
  EXPECT_THROW(h.call("users.getUsers"), std::runtime_error);
  const auto c = h.pipeline->counters();
  EXPECT_EQ(c.requests, 1u);
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(c.ok, 0u);
}

}  // namespace
}  // namespace mtpipe::scale
