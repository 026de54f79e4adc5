#include "scale/chain/attempt_verdict.h"

#include "mtproto/connection/call_error.h"
#include "net/dial_error.h"
#include "scale/rate_gate.h"

namespace mtpipe::scale {
using client::RpcError;
using client::RpcErrorKind;
using mtproto::CallError;

bool is_account_flood(const RpcError& e) noexcept {
  return e.kind() == RpcErrorKind::flood_wait || e.kind() == RpcErrorKind::flood_premium_wait;
}

Judgement judge(const std::exception_ptr& failure, Clock::time_point now) {
  try {
    std::rethrow_exception(failure);
  } catch (const RpcError& e) {
    if (e.is_account_dead()) return {Verdict::dead_account, {}, e.message()};
    if (is_account_flood(e))
      return {Verdict::flood, e.retry_at().value_or(now + std::chrono::seconds(e.value().value_or(1))), {}};
    if (e.is_internal() || e.kind() == RpcErrorKind::auth_key_duplicated) return {Verdict::account_fault, {}, {}};
    return {};
  } catch (const CallError&) {
    return {Verdict::account_fault, {}, {}};
  } catch (const net::DialError&) {
    return {Verdict::account_fault, {}, {}};
  } catch (const RateRefused&) {
    return {Verdict::not_sent, {}, {}};
  }
}

}  // namespace mtpipe::scale
