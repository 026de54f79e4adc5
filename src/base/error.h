#pragma once
// The one base of mtpipe's errors. Every error names the part of the system it comes from (its domain: "rpc",
// "call", "dial", "pool", "rate", "redis", "async", ...) and what went wrong there as a short stable word (its
// kind: "flood_wait", "timeout", "cancelled", ...), so that reports, counters and the retry policy read one shape
// instead of catching each type in turn. Domain and kind are identifiers, never user data: they may become metric
// labels, so their set must stay small and free of secrets.

#include <stdexcept>
#include <string>
#include <utility>

namespace mtpipe {

class Error : public std::runtime_error {
 public:
  Error(std::string domain, std::string kind, const std::string& what)
      : std::runtime_error(what), domain_(std::move(domain)), kind_(std::move(kind)) {}

  const std::string& domain() const noexcept { return domain_; }
  const std::string& kind() const noexcept { return kind_; }
  // "domain:kind", the form summaries and reports print.
  std::string name() const { return domain_ + ":" + kind_; }

 private:
  std::string domain_;
  std::string kind_;
};

}  // namespace mtpipe
