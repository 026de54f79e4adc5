#include "client/dc_link.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

#include "client/client.h"
#include "net/route.h"
#include "obs/task_end.h"

namespace mtpipe::client {
namespace asio = boost::asio;
using mtproto::CallError;

DcLink::DcLink(asio::any_io_executor executor, std::int32_t dc, std::weak_ptr<LinkHost> host)
    : executor_(std::move(executor)), dc_(dc), host_(std::move(host)), backoff_(executor_) {}

asio::awaitable<std::shared_ptr<mtproto::Connection>> DcLink::connection(std::chrono::steady_clock::time_point deadline) {
  const auto self = shared_from_this();  // the link must outlive the wait even if its account closes
  for (;;) {
    if (connection_ && connection_->open()) co_return connection_;
    if (closed_) throw CallError(CallError::Kind::connection_lost, "the account's client is closed");
    const std::uint64_t attempts_before = attempts_;
    start_connecting();
    const bool woken = co_await changed_.wait_until(deadline);
    if (!woken) {
      throw CallError(CallError::Kind::timeout, "DC " + std::to_string(dc_) + " not reachable within the call's timeout" +
                                                    (last_error_.empty() ? "" : " (last attempt: " + last_error_ + ")"));
    }
    const bool up = connection_ && connection_->open();
    if (!up && attempts_ != attempts_before)
      throw CallError(CallError::Kind::connection_lost, "DC " + std::to_string(dc_) + ": " + last_error_);
  }
}

void DcLink::start_connecting() {
  if (connecting_) return;
  connecting_ = true;
  asio::co_spawn(executor_, connect(shared_from_this()), obs::log_task_end("client", "a connection attempt"));
}

void DcLink::dropped(const mtproto::Connection* which) {
  if (closed_ || connection_.get() != which) return;
  const auto host = host_.lock();
  // A refusal or a transport error (-404: the server forgot our key) is for the next call to act on.
  if (!host || !host->keeps_open(dc_) || connection_->refusal() || connection_->transport_error()) return;
  reopening_ = true;
  start_connecting();
}

asio::awaitable<void> DcLink::connect([[maybe_unused]] std::shared_ptr<DcLink> self) {  // self: kept alive
  auto host = host_.lock();
  // The first failure that moved the account to another proxy redials at once (failover); a second failure in a
  // row pauses as usual, so a pool of dead proxies is not dialled in a tight loop.
  const bool redial_now = rerouted_ && failures_ == 1;
  rerouted_ = false;
  if (host && failures_ > 0 && !redial_now) {
    const auto pause = backoff_delay(host->options().reconnect, failures_, host->rng());
    co_await backoff_.wait(std::chrono::steady_clock::now() + pause, "pausing before a reconnect");
  }
  std::string error;
  if (!host || closed_) {
    error = "the account's client is closed";
  } else {
    try {
      auto opened = co_await open(host);
      if (closed_) {
        opened->close("the account's client is closed");
        error = "the account's client is closed";
      } else {
        connection_ = std::move(opened);
        initialized_ = false;
        failures_ = 0;
        ++host->stats().connects;
        if (std::exchange(reopening_, false)) connection_->ping_now();
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!error.empty()) {
    ++failures_;
    if (host) ++host->stats().connect_failures;
  }
  last_error_ = error;
  connecting_ = false;
  ++attempts_;
  changed_.notify_all();
  // A connection that died with no call waiting is retried until it is back (paced by the backoff) or the
  // account stops wanting it.
  if (reopening_ && !error.empty()) {
    reopening_ = !closed_ && host && host->keeps_open(dc_);
    if (reopening_) start_connecting();
  }
}

asio::awaitable<std::shared_ptr<mtproto::Connection>> DcLink::open(std::shared_ptr<LinkHost> host) {
  const ClientOptions& options = host->options();
  const auto target = host->address(dc_);
  if (!target) throw std::runtime_error("no address known for DC " + std::to_string(dc_));
  const std::int32_t wire_dc = options.network.test_dcs ? dc_ + 10000 : dc_;
  const auto source = options.proxy_source;  // held: the choice is reported back to it
  ProxySource::Choice route{options.proxy, 0};
  if (source) route = source->choose();

  mtproto::ConnectionOptions copts;
  copts.transport = options.transport;
  copts.handshake.server_keys = options.network.server_keys;
  copts.handshake.dc = wire_dc;
  copts.handshake_timeout = options.connect_timeout;
  copts.keepalive = options.keepalive;
  copts.ack_delay = options.ack_delay;
  if (route.proxy && route.proxy->kind == net::ProxyUrl::Kind::mtproxy) {
    copts.proxy = route.proxy->secret;
    copts.proxy_dc = static_cast<std::int16_t>(wire_dc);
  }
  std::shared_ptr<mtproto::Connection> connection;
  std::optional<mtproto::HandshakeResult> key;
  const auto saved = host->saved_key(dc_);
  try {
    auto socket = co_await net::dial_route(executor_, route.proxy, *target, options.connect_timeout);
    connection = mtproto::Connection::create(std::move(socket), std::move(copts), host->rng(), host->clock());
    connection->on_push([weak = host_, dc = dc_](mtproto::Push push) {
      if (auto h = weak.lock()) h->pushed(dc, std::move(push));
    });
    connection->on_close([weak = weak_from_this(), which = connection.get()] {
      if (auto link = weak.lock()) link->dropped(which);
    });
    handshaking_ = connection;
    key = co_await connection->start(saved);
    handshaking_.reset();
  } catch (const net::DialError& e) {
    if (source) rerouted_ = source->failed(route.id, e);
    throw;
  } catch (const std::exception& e) {
    handshaking_.reset();
    // The handshake failed after the dial: through a proxy, most likely the proxy's doing (a wrong MTProxy
    // secret, a relay that drops the stream). One cut short by close() says nothing about the proxy.
    if (source && !closed_)
      rerouted_ = source->failed(route.id, net::DialError(net::DialError::Kind::network, e.what()));
    throw;
  }
  if (source) source->succeeded(route.id);
  if (!saved) {
    ++host->stats().handshakes;
    host->key_created(dc_, *key);
  }
  host->reached(dc_, *target);
  proxy_ = route.proxy;
  co_return connection;
}

void DcLink::lost(const std::shared_ptr<mtproto::Connection>& connection) {
  if (connection_ != connection) return;
  connection_->close("lost");
  connection_.reset();
}

bool DcLink::needs_init(const mtproto::Connection& connection) const noexcept {
  return connection_.get() != &connection || !initialized_;
}

void DcLink::answered(const mtproto::Connection& connection) noexcept {
  if (connection_.get() == &connection) initialized_ = true;
}

std::optional<mtproto::HandshakeResult> DcLink::resume_state() const {
  if (!connection_ || !connection_->session()) return std::nullopt;
  return connection_->session()->resume_state();
}

void DcLink::close() {
  closed_ = true;
  if (connection_) connection_->close("the account's client is closed");
  if (handshaking_) handshaking_->close("the account's client is closed");
  backoff_.wake();
  changed_.notify_all();
}

}  // namespace mtpipe::client
