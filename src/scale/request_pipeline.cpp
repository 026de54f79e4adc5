#include "scale/request_pipeline.h"

#include "mtproto/connection/call_error.h"
#include "mtproto/session/message_unpack.h"
#include "scale/rate_gate.h"
#include "scale/stats_dc_answer.h"
#include "tl/schema_table.h"

namespace mtpipe::scale {
namespace asio = boost::asio;
using client::RpcError;
using client::RpcErrorKind;
using mtproto::CallError;

namespace {

// What a failed attempt says about the account that made it, and whether another account may try.
enum class Verdict : std::uint8_t {
  final,         // about the request itself (a bad argument, a private channel): the account is fine
  flood,         // this account must wait for this method: another account may go now
  dead_account,  // retire the account, try another
  account_fault  // the account's connection or DC failed it: counts against its health, try another
};

Verdict judge(const RpcError& e) {
  if (e.is_account_dead()) return Verdict::dead_account;
  if (e.kind() == RpcErrorKind::flood_wait || e.kind() == RpcErrorKind::flood_premium_wait) return Verdict::flood;
  if (e.is_internal() || e.kind() == RpcErrorKind::auth_key_duplicated) return Verdict::account_fault;
  return Verdict::final;
}

}  // namespace

RequestPipeline::RequestPipeline(AccountPool& pool, std::vector<client::Client*> clients, RateAdmission* gate,
                                 DcRouter* router, FaultInjector* faults, PipelineOptions options)
    : pool_(pool), clients_(std::move(clients)), gate_(gate), router_(router), faults_(faults), options_(options) {
  if (clients_.size() != pool_.size())
    throw std::invalid_argument("the pipeline needs one client per pool account");
}

asio::awaitable<std::vector<std::uint8_t>> RequestPipeline::call(std::vector<std::uint8_t> query,
                                                                 RequestOptions options, RequestTrace* trace) {
  const std::string method = tl::schema::name_of(mtproto::session::constructor_of(query));
  const auto deadline = Clock::now() + options.timeout.value_or(options_.request_timeout);
  std::optional<std::size_t> only;
  if (options.account) {
    only = pool_.find(*options.account);
    if (!only) throw std::invalid_argument("no account named " + *options.account + " in the pool");
  }
  ++counters_.requests;
  std::vector<std::size_t> tried;
  for (int attempt = 1;; ++attempt) {
    LeaseRequest wanted{method, deadline, tried, only};
    AccountLease lease = co_await pool_.lease(std::move(wanted));
    if (trace) {
      trace->account = lease.name();
      trace->attempts = attempt;
    }
    const auto routed = route(method, options);
    client::CallTrace call_trace;
    std::exception_ptr failure;
    Verdict verdict = Verdict::final;
    try {
      if (gate_) co_await gate_->acquire(lease.name(), method, deadline);
      client::CallOptions call_options;
      call_options.timeout = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      call_options.dc = routed;
      call_options.resend_after_reconnect = options.resend_after_reconnect;
      call_options.trace = &call_trace;
      if (faults_) {
        auto fault = faults_->decide(method);
        co_await FaultInjector::apply(std::move(fault));
      }
      auto answer = co_await clients_[lease.account()]->call(query, call_options);
      lease.succeeded();
      learn(method, options, routed, call_trace, answer);
      if (trace) trace->dc = call_trace.dc;
      ++counters_.ok;
      co_return answer;
    } catch (const RpcError& e) {
      failure = std::current_exception();
      verdict = judge(e);
      if (verdict == Verdict::flood) {
        lease.flood_wait(e.retry_at().value_or(Clock::now() + std::chrono::seconds(e.value().value_or(1))));
        if (gate_ && !e.held_locally()) gate_->on_flood_wait(lease.name(), method);
        ++counters_.flood_waits;
      } else if (verdict == Verdict::dead_account) {
        lease.retire(e.message());
        ++counters_.retirements;
      } else if (verdict == Verdict::account_fault) {
        lease.failed();
      } else {
        lease.succeeded();  // the server answered: the account works
      }
      if (routed && options.channel_id && router_ && !e.is_migrate())
        router_->failed(*options.channel_id, *routed, Clock::now());
    } catch (const CallError& e) {
      failure = std::current_exception();
      verdict = Verdict::account_fault;
      lease.failed();
    } catch (const net::DialError&) {
      failure = std::current_exception();
      verdict = Verdict::account_fault;
      lease.failed();
    } catch (const RateRefused&) {
      failure = std::current_exception();  // the limits cannot admit it in time: nothing another account changes
    }
    const bool again = verdict != Verdict::final && attempt < options_.max_attempts && !only &&
                       (options.resend_after_reconnect || verdict == Verdict::flood) && Clock::now() < deadline;
    if (!again) {
      ++counters_.failed;
      std::rethrow_exception(failure);
    }
    tried.push_back(lease.account());
    ++counters_.retried_on_another_account;
  }
}

std::optional<std::int32_t> RequestPipeline::route(std::string_view method, const RequestOptions& options) {
  if (options.dc) return options.dc;
  if (!router_ || !options.channel_id || stats_route_of(method) != StatsRoute::channel_dc) return std::nullopt;
  const auto dc = router_->route(*options.channel_id, Clock::now());
  if (dc) ++counters_.routed_by_cache;
  return dc;
}

void RequestPipeline::learn(std::string_view method, const RequestOptions& options,
                            std::optional<std::int32_t> routed, const client::CallTrace& trace,
                            std::span<const std::uint8_t> answer) {
  if (!router_) return;
  const auto now = Clock::now();
  if (method == "channels.getFullChannel") {
    if (const auto fact = stats_dc_of_answer(answer))
      router_->learned(fact->channel_id, fact->stats_dc, RouteSource::full_channel, now);
    return;
  }
  if (!options.channel_id || stats_route_of(method) != StatsRoute::channel_dc) return;
  if (trace.request_migrations > 0)
    router_->learned(*options.channel_id, trace.dc, RouteSource::migrate, now);
  else if (routed)
    router_->succeeded(*options.channel_id, *routed, now);
  else
    router_->learned(*options.channel_id, trace.dc, RouteSource::answered, now);
}

}  // namespace mtpipe::scale
