#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "client/client_options.h"
#include "client/method.h"

namespace mtpipe::client {

// One request on its way down the request chain. Links read it and set what they decide (the account, the DC). A
// link below one that tries again (the lease link) puts back what it changed, so each attempt starts from the
// request as it was handed down; what the lease link sets (the account, the attempt) stays, for the caller's trace.
struct Request {
  Method method;
  std::vector<std::uint8_t> query;  // the boxed TL function
  std::chrono::steady_clock::time_point deadline;  // for every attempt together
  std::optional<std::int64_t> channel_id;  // whose statistics a stats.* request asks for (DC routing)
  std::optional<std::int32_t> dc;          // send to this DC instead of the account's home DC
  std::optional<std::size_t> account;      // the account that carries it (the caller's, or the one lent to it)
  std::string_view account_name;           // that account's name, for the rate limits; outlives the request
  bool resend_after_reconnect = true;      // false: never sent twice, so never retried anywhere
  int attempt = 1;                         // accounts tried so far, this one included
  CallTrace trace;                         // what the account's client did on the last attempt
};

using Answer = std::vector<std::uint8_t>;  // the boxed answer

// A request in, an awaitable answer out: the client call at the bottom of the chain, and every link that wraps the
// next one (lease, rate admission, routing, fault injection). Throws what the layer below throws, and its own
// typed errors.
class Invoker {
 public:
  virtual ~Invoker() = default;
  virtual boost::asio::awaitable<Answer> invoke(Request& request) = 0;
};

}  // namespace mtpipe::client
