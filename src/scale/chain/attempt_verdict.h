#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include "client/rpc_error.h"
#include "scale/token_bucket.h"

namespace mtpipe::scale {

// What a failed attempt says about the account that made it, and whether another account may try.
enum class Verdict : std::uint8_t {
  final,          // about the request itself (a bad argument, a private channel): the account is fine
  flood,          // this account must wait for this method: another account may go now
  dead_account,   // retire the account, try another
  account_fault,  // the account's connection or DC failed it: counts against its health, try another
  not_sent,       // the rate limits could not admit it in time: nothing another account changes, nothing learnt
};

struct Judgement {
  Verdict verdict = Verdict::final;
  Clock::time_point flood_until{};  // for flood: when the account may send the method again
  std::string reason;               // for dead_account: the server's error text
};

// The one place that judges a failed attempt. Rethrows what is no outcome of an attempt: the caller's
// cancellation, and errors that are not the chain's (a bug, a bad argument).
Judgement judge(const std::exception_ptr& failure, Clock::time_point now);

// A wait the server imposed on this account for this method (FLOOD_WAIT, FLOOD_PREMIUM_WAIT).
bool is_account_flood(const client::RpcError& error) noexcept;

}  // namespace mtpipe::scale
