#pragma once
// The request chain of a process: the pipeline is its front (a caller's request and options in, the answer out)
// and holds its links, each wrapping the next, down to the client call at the bottom. The container builds it
// from the settings (app/container.cpp); a pooled process gets
//   lease (chain/lease_link.h) -> rate admission (chain/rate_link.h) -> DC routing (chain/route_link.h) ->
//   fault injection (chain/fault_link.h) -> the account's client (client/client_invoker.h)
// and with every flag off the list of links is empty: a request goes straight to the one client.
//
// Lives on the executor of the pool and the clients; not thread-safe.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "async/event.h"
#include "client/client.h"
#include "scale/chain/link.h"
#include "tl/reader.h"
#include "tl/serialize.h"

namespace mtpipe::scale {

struct PipelineOptions {
  std::chrono::milliseconds request_timeout{30'000};  // the default deadline of a request, all attempts included
};

struct RequestOptions {
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::int64_t> channel_id;  // whose statistics a stats.* request asks for (DC routing)
  std::optional<std::int32_t> dc;          // send to this DC (stats.loadAsyncGraph: where its token came from)
  std::optional<std::string> account;      // only this account (its access hashes are in the request)
  bool resend_after_reconnect = true;      // false: never sent twice, so never retried on another account
};

// What happened to one request, for callers that route follow-ups (loadAsyncGraph) or report.
struct RequestTrace {
  std::string account;  // the account that answered (or failed last)
  std::int32_t dc = 0;  // the DC that answered
  int attempts = 0;
};

class RequestPipeline {
 public:
  // `accounts[i]` names account i (the pool's order) and `clients[i]` is its client; they must outlive the
  // pipeline.
  RequestPipeline(std::vector<std::string> accounts, std::vector<client::Client*> clients, PipelineOptions options = {});
  // With another bottom than the clients (tests).
  RequestPipeline(std::vector<std::string> accounts, std::unique_ptr<client::Invoker> bottom,
                  PipelineOptions options = {});
  ~RequestPipeline();
  RequestPipeline(const RequestPipeline&) = delete;
  RequestPipeline& operator=(const RequestPipeline&) = delete;

  // Puts a link on top of the chain, made as L(next, args...); links are added from the bottom up. What the
  // arguments refer to must outlive the pipeline.
  template <class L, class... Args>
  L& wrap(Args&&... args) {
    auto link = std::make_unique<L>(*head_, std::forward<Args>(args)...);
    L& added = *link;
    head_ = link.get();
    links_.push_back(std::move(link));
    return added;
  }
  std::size_t links() const noexcept { return links_.size(); }

  template <class F>
  boost::asio::awaitable<typename F::Result> invoke(const F& function, RequestOptions options = {},
                                                    RequestTrace* trace = nullptr) {
    return invoke_as<F>(tl::serialize(function), std::move(options), trace);
  }
  // The untyped form: a boxed TL function in, the boxed answer out. Throws what the links and the client throw
  // (PoolError when no account can take the request in time, RateRefused when the limits cannot admit it in
  // time), std::invalid_argument for an account not in the pool.
  boost::asio::awaitable<std::vector<std::uint8_t>> call(std::vector<std::uint8_t> query, RequestOptions options,
                                                         RequestTrace* trace = nullptr);

  PipelineCounters counters() const;
  // Requests between call() and their end, waiting ones included (a graceful stop lets them finish).
  int in_flight() const noexcept { return in_flight_; }
  // Notified whenever a request ends, however it ends: what a graceful stop waits on.
  async::Event& request_ended() noexcept { return request_ended_; }

 private:
  template <class F>
  boost::asio::awaitable<typename F::Result> invoke_as(std::vector<std::uint8_t> query, RequestOptions options,
                                                       RequestTrace* trace) {
    const auto answer = co_await call(std::move(query), std::move(options), trace);
    tl::Reader r(answer);
    co_return F::tl_read_result(r);
  }

  std::vector<std::string> accounts_;
  std::unique_ptr<client::Invoker> bottom_;
  std::vector<std::unique_ptr<Link>> links_;  // bottom up
  client::Invoker* head_;
  PipelineOptions options_;
  PipelineCounters counters_;  // the front's: requests, ok, failed
  int in_flight_ = 0;
  async::Event request_ended_;
};

}  // namespace mtpipe::scale
