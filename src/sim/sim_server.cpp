#include "sim/sim_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <mutex>
#include <stdexcept>

#include "obs/log.h"
#include "sim/dc_connection.h"
#include "sim/ready_file.h"
#include "sim/stats_json.h"

namespace mtpipe::sim {
namespace asio = boost::asio;
using boost::system::error_code;

struct SimServer::Impl {
  explicit Impl(int threads) {
    for (int i = 0; i < std::max(threads, 1); ++i) workers.push_back(std::make_unique<asio::io_context>(1));
  }
  std::vector<std::unique_ptr<asio::io_context>> workers;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors;
  std::vector<std::thread> threads;
  std::size_t next_worker = 0;
  std::mutex mutex;
  bool stopped = false;

  // Accepts onto the workers in turn; the accept loop itself runs on worker 0.
  void accept(asio::ip::tcp::acceptor& acceptor, std::function<void(asio::ip::tcp::socket)> serve) {
    auto& worker = *workers[next_worker++ % workers.size()];
    acceptor.async_accept(worker, [this, &acceptor, serve = std::move(serve)](error_code ec, asio::ip::tcp::socket socket) mutable {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        socket.set_option(asio::ip::tcp::no_delay(true), ec);
        serve(std::move(socket));
      }
      accept(acceptor, std::move(serve));
    });
  }

  asio::ip::tcp::acceptor& listen(const asio::ip::address& address, std::uint16_t port, const std::string& what) {
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(*workers.front());
    error_code ec;
    const asio::ip::tcp::endpoint endpoint(address, port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error("sim: " + what + " cannot listen on " + address.to_string() + ":" + std::to_string(port) +
                               ": " + ec.message());
    acceptors.push_back(std::move(acceptor));
    return *acceptors.back();
  }
};

SimServer::SimServer(SimOptions options, crypto::RsaPrivateKey key)
    : options_(std::move(options)), key_(std::move(key)), impl_(std::make_unique<Impl>(options_.threads)) {
  cluster_.host = options_.host;
  world_ = std::make_unique<World>(cluster_, options_);
  for (const auto id : options_.dc_ids) {
    auto dc = std::make_unique<Dc>();
    dc->id = id;
    dc->cluster = &cluster_;
    dc->options = &options_;
    dc->world = world_.get();
    dc->handshake = std::make_shared<mtproto::handshake::ServerConfig>(std::vector{key_}, id, false);
    dcs_.push_back(std::move(dc));
  }
}

SimServer::~SimServer() { stop(); }

void SimServer::start() {
  const auto address = asio::ip::make_address(options_.host);
  for (std::size_t i = 0; i < dcs_.size(); ++i) {
    const std::uint16_t port = options_.port_base == 0 ? 0 : static_cast<std::uint16_t>(options_.port_base + i + 1);
    auto& acceptor = impl_->listen(address, port, "DC " + std::to_string(dcs_[i]->id));
    cluster_.dcs.push_back({dcs_[i]->id, acceptor.local_endpoint().port()});
  }
  for (std::size_t i = 0; i < dcs_.size(); ++i)
    impl_->accept(*impl_->acceptors[i], [dc = dcs_[i].get()](asio::ip::tcp::socket s) { serve_connection(std::move(s), *dc); });
  if (!options_.mtproxy_secrets.empty()) {
    auto& acceptor = impl_->listen(address, options_.port_base, "the MTProxy port");
    mtproxy_port_ = acceptor.local_endpoint().port();
    impl_->accept(acceptor, [this](asio::ip::tcp::socket s) {
      serve_mtproxy_connection(std::move(s), options_.mtproxy_secrets, [this](std::int32_t id) -> Dc* {
        for (auto& dc : dcs_)
          if (dc->id == id) return dc.get();
        return nullptr;
      });
    });
  }
  for (auto& w : impl_->workers) {
    impl_->guards.push_back(asio::make_work_guard(*w));
    impl_->threads.emplace_back([ctx = w.get()] { ctx->run(); });
  }
}

void SimServer::stop() {
  {
    const std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  for (auto& w : impl_->workers) w->stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
}

std::string SimServer::ready_json() const {
  ReadyFile ready{cluster_, key_.public_pem_pkcs1(), key_.public_key().fingerprint(), std::nullopt};
  if (mtproxy_port_ != 0) ready.mtproxy_port = mtproxy_port_;
  return ready.to_json();
}

std::string SimServer::stats_json() const { return sim::stats_json(dcs_, *world_); }

}  // namespace mtpipe::sim
