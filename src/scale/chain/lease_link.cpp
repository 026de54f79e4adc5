#include "scale/chain/lease_link.h"

#include "scale/chain/attempt_verdict.h"

namespace mtpipe::scale {

LeaseLink::LeaseLink(client::Invoker& next, AccountPool& pool, int max_attempts)
    : Link(next), pool_(pool), max_attempts_(max_attempts) {}

boost::asio::awaitable<client::Answer> LeaseLink::invoke(client::Request& request) {
  const std::optional<std::size_t> only = request.account;
  std::vector<std::size_t> tried;
  for (int attempt = 1;; ++attempt) {
    LeaseRequest wanted{request.method, request.deadline, tried, only};
    AccountLease lease = co_await pool_.lease(std::move(wanted));
    request.account = lease.account();
    request.account_name = lease.name();
    request.attempt = attempt;
    std::exception_ptr failure;
    try {
      auto answer = co_await next_.invoke(request);
      lease.succeeded();
      co_return answer;
    } catch (...) {
      failure = std::current_exception();
    }
    const Judgement judgement = judge(failure, Clock::now());
    switch (judgement.verdict) {
      case Verdict::flood:
        lease.flood_wait(judgement.flood_until);
        ++flood_waits_;
        break;
      case Verdict::dead_account:
        lease.retire(judgement.reason);
        ++retirements_;
        break;
      case Verdict::account_fault: lease.failed(); break;
      case Verdict::final: lease.succeeded(); break;  // the server answered: the account works
      case Verdict::not_sent: break;
    }
    const bool retriable = judgement.verdict != Verdict::final && judgement.verdict != Verdict::not_sent;
    const bool again = retriable && attempt < max_attempts_ && !only &&
                       (request.resend_after_reconnect || judgement.verdict == Verdict::flood) &&
                       Clock::now() < request.deadline;
    if (!again) std::rethrow_exception(failure);
    tried.push_back(lease.account());
    ++retried_;
  }
}

void LeaseLink::count(PipelineCounters& into) const {
  into.retried_on_another_account += retried_;
  into.flood_waits += flood_waits_;
  into.retirements += retirements_;
}

}  // namespace mtpipe::scale
