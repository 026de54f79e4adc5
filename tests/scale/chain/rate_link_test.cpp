// RateLink: a token for the request's account and method before it goes on, and a slower class after a flood wait
// the server imposed.
#include "scale/chain/rate_link.h"

#include <gtest/gtest.h>

#include "chain_fixture.h"
#include "scale/rate_gate.h"

namespace mtpipe::scale {
namespace {
using client::RpcError;
using testing::FakeNext;
using testing::failure_of;
using testing::holds;
using testing::request_for;

// Records what it was asked; refuses when told to.
struct FakeGate final : RateAdmission {
  std::vector<std::pair<std::string, std::string>> acquired, flood_waited;
  bool refuse = false;
  boost::asio::awaitable<void> acquire(std::string account, std::string method, Clock::time_point) override {
    if (refuse) throw RateQueueFull(Limit::account, {}, "full");
    acquired.emplace_back(std::move(account), std::move(method));
    co_return;
  }
  void on_flood_wait(const std::string& account, const std::string& method) override {
    flood_waited.emplace_back(account, method);
  }
};

struct Harness {
  std::exception_ptr send(client::Request& request) { return failure_of(io, link.invoke(request)); }
  client::Request request() {
    auto r = request_for("messages.getHistory");
    r.account = 1;
    r.account_name = "acc1";
    return r;
  }
  boost::asio::io_context io;
  FakeNext next;
  FakeGate gate;
  RateLink link{next, gate};
};

TEST(RateLink, TakesATokenForTheAccountAndMethodBeforeSending) {
  Harness h;
  auto r = h.request();
  EXPECT_EQ(h.send(r), nullptr);
  ASSERT_EQ(h.gate.acquired.size(), 1u);
  EXPECT_EQ(h.gate.acquired[0], std::make_pair(std::string("acc1"), std::string("messages.getHistory")));
  EXPECT_EQ(h.next.seen.size(), 1u);
  EXPECT_TRUE(h.gate.flood_waited.empty());
}

TEST(RateLink, ARefusedRequestIsNotSent) {
  Harness h;
  h.gate.refuse = true;
  auto r = h.request();
  EXPECT_TRUE(holds<RateQueueFull>(h.send(r)));
  EXPECT_TRUE(h.next.seen.empty());
}

TEST(RateLink, AServerFloodWaitSlowsTheClassDown) {
  Harness h;
  h.next.answer = [](client::Request&, std::size_t) -> client::Answer { throw RpcError::from_server(420, "FLOOD_WAIT_7"); };
  auto r = h.request();
  EXPECT_TRUE(holds<RpcError>(h.send(r)));
  ASSERT_EQ(h.gate.flood_waited.size(), 1u);
  EXPECT_EQ(h.gate.flood_waited[0], std::make_pair(std::string("acc1"), std::string("messages.getHistory")));
}

TEST(RateLink, AWaitTheAccountHeldLocallyOrAnotherErrorDoesNot) {
  Harness h;
  h.next.answer = [](client::Request&, std::size_t n) -> client::Answer {
    if (n == 0) {
      auto held = RpcError::from_server(420, "FLOOD_WAIT_7");
      held.set_held_locally();
      throw held;
    }
    throw RpcError::from_server(400, "SLOWMODE_WAIT_5");  // per chat, not the account's pace
  };
  auto first = h.request(), second = h.request();
  EXPECT_TRUE(holds<RpcError>(h.send(first)));
  EXPECT_TRUE(holds<RpcError>(h.send(second)));
  EXPECT_TRUE(h.gate.flood_waited.empty());
}

}  // namespace
}  // namespace mtpipe::scale
