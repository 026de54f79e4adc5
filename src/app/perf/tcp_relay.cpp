#include "app/perf/tcp_relay.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <random>
#include <vector>

#include "async/wakeup.h"
#include "obs/task_end.h"

namespace mtpipe::app::perf {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

const auto loopback = asio::ip::make_address_v4("127.0.0.1");

// One relayed connection: the client's side and ours towards the target. Closing either end ends both pumps.
struct Link {
  explicit Link(asio::io_context& io) : inbound(io), outbound(io) {}
  tcp::socket inbound, outbound;
  bool open = true;
  void close() {
    error_code ignored;
    open = false;
    inbound.close(ignored);
    outbound.close(ignored);
  }
};

asio::awaitable<void> pump(std::shared_ptr<Link> link, bool towards_target) {
  tcp::socket& from = towards_target ? link->inbound : link->outbound;
  tcp::socket& to = towards_target ? link->outbound : link->inbound;
  std::vector<std::uint8_t> chunk(32 * 1024);
  error_code ec;
  while (!ec) {
    const std::size_t n = co_await from.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    co_await asio::async_write(to, asio::buffer(chunk.data(), n), asio::redirect_error(asio::use_awaitable, ec));
  }
  link->close();
}

}  // namespace

// Everything below is touched on the relay's own thread only.
struct TcpRelay::Impl {
  explicit Impl(const RelayOptions& o) : options(o), acceptor(io, {loopback, 0}), drop_pause(io.get_executor()), rng(o.seed) {}

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto link = std::make_shared<Link>(io);
      error_code ec;
      co_await acceptor.async_accept(link->inbound, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // killed
      ++accepted;
      co_await link->outbound.async_connect({loopback, options.target_port}, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || killed) {
        link->close();
        continue;
      }
      links.push_back(link);
      asio::co_spawn(io, pump(link, true), obs::log_task_end("relay", "a pump"));
      asio::co_spawn(io, pump(link, false), obs::log_task_end("relay", "a pump"));
    }
  }

  // Once a second, each live connection is dropped with the configured chance.
  asio::awaitable<void> drop_loop() {
    std::bernoulli_distribution drop(options.drop_per_second);
    for (;;) {
      const auto end = co_await drop_pause.wait(std::chrono::steady_clock::now() + std::chrono::seconds(1),
                                                "waiting for the next drop round");
      if (end == async::Wakeup::End::woken || killed) co_return;  // woken: killed
      std::erase_if(links, [](const auto& l) { return !l->open; });
      for (auto& l : links) {
        if (!drop(rng)) continue;
        l->close();
        ++dropped;
      }
    }
  }

  void kill() {
    killed = true;
    error_code ignored;
    acceptor.close(ignored);
    drop_pause.wake();
    for (auto& l : links) l->close();
    links.clear();
  }

  RelayOptions options;
  asio::io_context io;
  tcp::acceptor acceptor;
  async::Wakeup drop_pause;
  std::mt19937_64 rng;  // not for secrets: reproducible drops
  std::vector<std::shared_ptr<Link>> links;
  bool killed = false;
  std::atomic<std::uint64_t> accepted{0}, dropped{0};  // read from other threads
};

TcpRelay::TcpRelay(RelayOptions options) : impl_(std::make_unique<Impl>(options)) {
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept_loop(), obs::log_task_end("relay", "the accept loop"));
  if (options.drop_per_second > 0) asio::co_spawn(impl_->io, impl_->drop_loop(), obs::log_task_end("relay", "the drop loop"));
  thread_ = std::thread([this] { impl_->io.run(); });
}

TcpRelay::~TcpRelay() {
  kill();
  thread_.join();
}

void TcpRelay::kill() {
  if (killed_.exchange(true)) return;
  std::promise<void> done;
  asio::post(impl_->io, [&] {
    impl_->kill();
    done.set_value();
  });
  done.get_future().wait();
}

std::uint64_t TcpRelay::accepted() const noexcept { return impl_->accepted.load(); }
std::uint64_t TcpRelay::dropped() const noexcept { return impl_->dropped.load(); }

std::uint16_t refused_port() {
  asio::io_context io;
  tcp::acceptor probe(io, {loopback, 0});
  return probe.local_endpoint().port();  // closed when `probe` goes
}

}  // namespace mtpipe::app::perf
