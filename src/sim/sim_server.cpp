#include "sim/sim_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <mutex>
#include <stdexcept>

#include "obs/log.h"
#include "sim/dc_connection.h"
#include "sim/ready_file.h"
#include "tl/json.h"

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
  void accept(asio::ip::tcp::acceptor& acceptor, Dc& dc) {
    auto& worker = *workers[next_worker++ % workers.size()];
    acceptor.async_accept(worker, [this, &acceptor, &dc](error_code ec, asio::ip::tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        socket.set_option(asio::ip::tcp::no_delay(true), ec);
        serve_connection(std::move(socket), dc);
      }
      accept(acceptor, dc);
    });
  }
};

SimServer::SimServer(SimOptions options, crypto::RsaPrivateKey key)
    : options_(std::move(options)), key_(std::move(key)), impl_(std::make_unique<Impl>(options_.threads)) {
  cluster_.host = options_.host;
  for (const auto id : options_.dc_ids) {
    auto dc = std::make_unique<Dc>();
    dc->id = id;
    dc->cluster = &cluster_;
    dc->options = &options_;
    dc->handshake = std::make_shared<mtproto::handshake::ServerConfig>(std::vector{key_}, id, false);
    dcs_.push_back(std::move(dc));
  }
}

SimServer::~SimServer() { stop(); }

void SimServer::start() {
  const auto address = asio::ip::make_address(options_.host);
  auto& main = *impl_->workers.front();
  for (std::size_t i = 0; i < dcs_.size(); ++i) {
    const std::uint16_t port = options_.port_base == 0 ? 0 : static_cast<std::uint16_t>(options_.port_base + i + 1);
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(main);
    error_code ec;
    const asio::ip::tcp::endpoint endpoint(address, port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error("sim: DC " + std::to_string(dcs_[i]->id) + " cannot listen on " + options_.host + ":" +
                               std::to_string(port) + ": " + ec.message());
    cluster_.dcs.push_back({dcs_[i]->id, acceptor->local_endpoint().port()});
    impl_->acceptors.push_back(std::move(acceptor));
  }
  for (std::size_t i = 0; i < dcs_.size(); ++i) impl_->accept(*impl_->acceptors[i], *dcs_[i]);
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
  return ReadyFile{cluster_, key_.public_pem_pkcs1(), key_.public_key().fingerprint()}.to_json();
}

std::string SimServer::stats_json() const {
  tl::json::Writer w;
  w.begin_object();
  w.key("dcs");
  w.begin_array();
  for (const auto& dc : dcs_) {
    const auto& s = dc->stats;
    w.begin_object();
    const std::pair<const char*, std::uint64_t> fields[] = {
        {"id", static_cast<std::uint64_t>(dc->id)},
        {"connections", s.connections.load()},
        {"open_connections", s.open_connections.load()},
        {"handshakes", s.handshakes.load()},
        {"auth_keys", dc->keys.size()},
        {"queries", s.queries.load()},
        {"bad_server_salts", s.bad_server_salts.load()},
        {"bad_msg_notifications", s.bad_msg_notifications.load()},
        {"transport_errors", s.transport_errors.load()},
        {"refused_packets", s.refused_packets.load()},
    };
    for (const auto& [k, v] : fields) {
      w.key(k);
      w.integer(static_cast<std::int64_t>(v));
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace mtpipe::sim
