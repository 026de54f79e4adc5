#pragma once

#include <exception>
#include <string>

namespace mtpipe::scale {

// How a request through the pipeline failed, as one word for summaries and reports: "pool:exhausted",
// "rate:deadline", "rpc:flood_wait", "call:connection_lost", "dial:refused", "other".
struct RequestFailure {
  std::string kind;
  bool queue_drop = false;  // refused by a full queue (pool exhausted, rate queue full): back-pressure, not a failure of ours
};
RequestFailure classify_failure(std::exception_ptr error);

}  // namespace mtpipe::scale
