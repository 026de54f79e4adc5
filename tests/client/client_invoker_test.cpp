// ClientInvoker: the bottom of the request chain hands the request to its account's client, with what is left
// of the deadline and the DC a link chose. Clients without any DC address fail every call at once, before the
// network, which is all these tests need to see who got the call.
#include "client/client_invoker.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "base/describe.h"
#include "mtproto/connection/call_error.h"

namespace mtpipe::client {
namespace {
namespace asio = boost::asio;

struct Harness {
  Harness() {
    for (int i = 0; i < 2; ++i)
      clients.push_back(std::make_unique<Client>(io.get_executor(), ClientOptions{}, SessionData{},
                                                 crypto::system_rng(), mtproto::system_clock()));
    invoker = std::make_unique<ClientInvoker>(std::vector<Client*>{clients[0].get(), clients[1].get()});
  }
  std::string send(Request& request) {
    std::string what;
    asio::co_spawn(io, invoker->invoke(request), [&](std::exception_ptr e, Answer) { what = mtpipe::describe(e); });
    io.restart();
    io.run();
    return what;
  }
  static Request request() {
    Request r;
    r.query = {0xc5, 0xe6, 0x23, 0x44};
    r.method = Method::of(r.query);
    r.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    return r;
  }
  asio::io_context io;
  std::vector<std::unique_ptr<Client>> clients;
  std::unique_ptr<ClientInvoker> invoker;
};

TEST(ClientInvoker, SendsThroughTheRequestsAccountToTheChosenDc) {
  Harness h;
  auto r = Harness::request();
  r.account = 1;
  r.dc = 4;
  EXPECT_EQ(h.send(r), "no address known for DC 4");  // the DC a link chose, not the home DC
  EXPECT_EQ(h.clients[0]->stats().calls, 0u);
  EXPECT_EQ(h.clients[1]->stats().calls, 1u);
}

TEST(ClientInvoker, WithoutAChosenAccountTheFirstOneSendsAndIsRecorded) {
  Harness h;
  auto r = Harness::request();
  EXPECT_EQ(h.send(r), "no address known for DC 2");  // the home DC of a new session
  EXPECT_EQ(h.clients[0]->stats().calls, 1u);
  EXPECT_EQ(r.account, 0u);
}

}  // namespace
}  // namespace mtpipe::client
