#pragma once
// The request chain of a pooled process (issue 5): every request goes through
//   account pool (lease) -> rate gate (per account, method class, global) -> fault injection -> DC router ->
//   client::Client::call
// and its outcome flows back: the pool learns the account's health and flood waits, the gate cuts the rate of a
// flood-waited class, the router learns stats DCs from channelFull and STATS_MIGRATE. A request the server held
// back on one account (a flood wait, a dead account, a lost connection) is tried on another account while the
// deadline allows; an answer that is about the request itself (CHANNEL_PRIVATE, a bad argument) is not.
//
// Fault injection sits after the lease, not first as in DESIGN.md's list: an injected failure then lands on an
// account exactly as a real one would (its health, its flood waits), which is what the chaos tests must prove.
//
// Lives on the executor of the pool and the clients; not thread-safe.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"
#include "scale/account_pool.h"
#include "scale/dc_router.h"
#include "scale/fault_injector.h"
#include "scale/rate_admission.h"

namespace mtpipe::scale {

struct PipelineOptions {
  std::chrono::milliseconds request_timeout{30'000};  // the default deadline of a request, all attempts included
  int max_attempts = 3;                               // accounts tried per request
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

struct PipelineCounters {
  std::uint64_t requests = 0, ok = 0, failed = 0;
  std::uint64_t retried_on_another_account = 0;
  std::uint64_t flood_waits = 0, retirements = 0;
  std::uint64_t routed_by_cache = 0;
};

class RequestPipeline {
 public:
  // `clients[i]` is the client of the pool's account i. The gate, router and injector are optional (nullptr:
  // that link is off). Everything must outlive the pipeline.
  RequestPipeline(AccountPool& pool, std::vector<client::Client*> clients, RateAdmission* gate, DcRouter* router,
                  FaultInjector* faults, PipelineOptions options = {});

  template <class F>
  boost::asio::awaitable<typename F::Result> invoke(const F& function, RequestOptions options = {},
                                                    RequestTrace* trace = nullptr) {
    return invoke_as<F>(tl::serialize(function), std::move(options), trace);
  }
  // The untyped form: a boxed TL function in, the boxed answer out. Throws what Client::call throws, PoolError
  // when no account can take the request in time, RateRefused when the limits cannot admit it in time.
  boost::asio::awaitable<std::vector<std::uint8_t>> call(std::vector<std::uint8_t> query, RequestOptions options,
                                                         RequestTrace* trace = nullptr);

  const PipelineCounters& counters() const noexcept { return counters_; }

 private:
  template <class F>
  boost::asio::awaitable<typename F::Result> invoke_as(std::vector<std::uint8_t> query, RequestOptions options,
                                                       RequestTrace* trace) {
    const auto answer = co_await call(std::move(query), std::move(options), trace);
    tl::Reader r(answer);
    co_return F::tl_read_result(r);
  }
  std::optional<std::int32_t> route(std::string_view method, const RequestOptions& options);
  void learn(std::string_view method, const RequestOptions& options, std::optional<std::int32_t> routed,
             const client::CallTrace& trace, std::span<const std::uint8_t> answer);

  AccountPool& pool_;
  std::vector<client::Client*> clients_;
  RateAdmission* gate_;
  DcRouter* router_;
  FaultInjector* faults_;
  PipelineOptions options_;
  PipelineCounters counters_;
};

}  // namespace mtpipe::scale
