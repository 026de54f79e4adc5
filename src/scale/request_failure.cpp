#include "scale/request_failure.h"

#include "async/cancelled.h"
#include "client/rpc_error.h"
#include "mtproto/connection/call_error.h"
#include "net/dial_error.h"
#include "scale/account_pool.h"
#include "scale/rate_gate.h"

namespace mtpipe::scale {
namespace {

std::string_view call_error_kind(mtproto::CallError::Kind kind) {
  switch (kind) {
    case mtproto::CallError::Kind::rpc_error: return "rpc_error";
    case mtproto::CallError::Kind::timeout: return "timeout";
    case mtproto::CallError::Kind::connection_lost: return "connection_lost";
    case mtproto::CallError::Kind::refused: return "refused";
  }
  return "unknown";
}

std::string_view pool_refusal(PoolError::Reason reason) {
  switch (reason) {
    case PoolError::Reason::exhausted: return "exhausted";
    case PoolError::Reason::deadline: return "deadline";
    case PoolError::Reason::no_usable_account: return "no_usable_account";
    case PoolError::Reason::flood_waited: return "flood_waited";
  }
  return "unknown";
}

}  // namespace

RequestFailure classify_failure(std::exception_ptr error) {
  RequestFailure f;
  try {
    std::rethrow_exception(error);
  } catch (const PoolError& e) {
    f.queue_drop = e.reason() == PoolError::Reason::exhausted;
    f.kind = "pool:" + std::string(pool_refusal(e.reason()));
  } catch (const RateRefused& e) {
    f.queue_drop = e.reason() == RateRefused::Reason::queue_full;
    f.kind = f.queue_drop ? "rate:queue_full" : "rate:deadline";
  } catch (const client::RpcError& e) {
    f.kind = "rpc:" + std::string(client::to_string(e.kind()));
  } catch (const mtproto::CallError& e) {
    f.kind = "call:" + std::string(call_error_kind(e.kind()));
  } catch (const async::Cancelled&) {
    f.kind = "call:cancelled";  // the name reports have always given a cancelled call
  } catch (const net::DialError& e) {
    f.kind = "dial:" + std::string(net::to_string(e.kind()));
  } catch (const std::exception&) {
    f.kind = "other";
  }
  return f;
}

}  // namespace mtpipe::scale
