#pragma once
// A stand-in for one proxy machine in `mtpipe perf`: a TCP relay on 127.0.0.1 in front of the sim's MTProxy
// port. It passes bytes both ways until it is killed (its listening socket and every connection closed at once,
// as when the machine dies); a flaky one also drops each of its connections with some probability every second.
// It runs on a thread of its own, as another machine would, so killing it is all the client side sees.

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

namespace mtpipe::app::perf {

struct RelayOptions {
  std::uint16_t target_port = 0;  // where the bytes go (the sim's MTProxy port)
  double drop_per_second = 0;     // chance that a connection is closed in a given second (0: never)
  std::uint64_t seed = 0;         // for the drops
};

class TcpRelay {
 public:
  // Listens at once on an ephemeral port. Throws boost::system::system_error when it cannot.
  explicit TcpRelay(RelayOptions options);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  // Closes the listening socket and every connection; returns once they are closed. Callable from any thread,
  // more than once.
  void kill();

  std::uint64_t accepted() const noexcept;  // connections taken
  std::uint64_t dropped() const noexcept;   // connections a flaky relay closed on purpose

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  std::atomic<bool> killed_{false};
  std::thread thread_;
};

// A loopback port nothing listens on (bound, then closed at once): a proxy that is dead from the start, whose
// dial is refused.
std::uint16_t refused_port();

}  // namespace mtpipe::app::perf
