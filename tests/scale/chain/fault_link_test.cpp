// FaultLink: an injected failure stops the request before the client with the real failure's type; no fault drawn,
// the request goes on untouched.
#include "scale/chain/fault_link.h"

#include <gtest/gtest.h>

#include "base/describe.h"
#include "chain_fixture.h"
#include "mtproto/connection/call_error.h"

namespace mtpipe::scale {
namespace {
using testing::FakeNext;
using testing::failure_of;
using testing::holds;
using testing::request_for;

struct Harness {
  explicit Harness(const std::string& spec) : faults(FaultSettings{parse_fault_spec(spec), true, "test"}) {}
  std::exception_ptr send() {
    auto r = request_for("users.getUsers");
    return failure_of(io, link.invoke(r));
  }
  boost::asio::io_context io;
  FakeNext next;
  FaultInjector faults;
  FaultLink link{next, faults};
};

TEST(FaultLink, AnInjectedFailureNeverReachesTheClient) {
  Harness h("connection=1");
  const auto failure = h.send();
  ASSERT_TRUE(holds<mtproto::CallError>(failure));
  EXPECT_NE(mtpipe::describe(failure).find("users.getUsers"), std::string::npos);  // names the method
  EXPECT_TRUE(h.next.seen.empty());
  EXPECT_EQ(h.faults.counters().of(FaultKind::connection), 1u);
}

TEST(FaultLink, AnInjectedFloodWaitIsTheServersError) {
  Harness h("flood_wait=1,flood_wait_s=3-3");
  const auto failure = h.send();
  ASSERT_TRUE(holds<client::RpcError>(failure));
  try {
    std::rethrow_exception(failure);
  } catch (const client::RpcError& e) {
    EXPECT_EQ(e.kind(), client::RpcErrorKind::flood_wait);
    EXPECT_EQ(e.value(), 3);
  }
}

TEST(FaultLink, WithoutAFaultTheRequestGoesOn) {
  Harness h("connection=0");
  EXPECT_EQ(h.send(), nullptr);
  EXPECT_EQ(h.next.seen.size(), 1u);
  EXPECT_EQ(h.faults.counters().decisions, 1u);
}

}  // namespace
}  // namespace mtpipe::scale
