#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "async/event.h"
#include "async/wakeup.h"
#include "client/client_options.h"
#include "crypto/random.h"
#include "mtproto/auth_key.h"
#include "mtproto/clock.h"
#include "mtproto/connection/connection.h"
#include "net/dial.h"

namespace mtpipe::client {

struct ClientStats;

// What a DC link needs from the account that owns it.
class LinkHost {
 public:
  virtual ~LinkHost() = default;
  virtual const ClientOptions& options() const = 0;
  virtual crypto::Rng& rng() = 0;
  virtual const mtproto::Clock& clock() const = 0;
  virtual ClientStats& stats() = 0;
  // Where DC `dc` listens; nothing when no address is known.
  virtual std::optional<net::Endpoint> address(std::int32_t dc) const = 0;
  // The permanent key saved for `dc` (with its salt and time offset), if any.
  virtual std::optional<mtproto::HandshakeResult> saved_key(std::int32_t dc) const = 0;
  // A handshake made a new key for `dc`.
  virtual void key_created(std::int32_t dc, const mtproto::HandshakeResult& key) = 0;
  virtual void pushed(std::int32_t dc, mtproto::Push push) = 0;
  // A connection to `dc` at `address` is up (the session keeps the addresses that worked).
  virtual void reached(std::int32_t dc, const net::Endpoint& address) = 0;
  // Whether the account wants its connection to `dc` up even while it makes no calls (it waits for pushed
  // updates there): a link whose connection dies then opens a new one at once.
  virtual bool keeps_open(std::int32_t dc) const = 0;
};

// The connection of one account to one DC. connection() hands out the live connection, or opens one: a single
// attempt at a time, shared by every caller waiting for it, paced by exponential backoff with jitter after
// failures. A caller never waits past its own deadline. When the live connection dies on its own (the server
// hung up, its keep-alive pings went unanswered) and the account keeps this DC open, the link reconnects without
// waiting for a call, retrying with the same backoff, and pings the new connection at once so the server knows
// its session (and says new_session_created, the account's cue that updates may have been missed).
class DcLink : public std::enable_shared_from_this<DcLink> {
 public:
  DcLink(boost::asio::any_io_executor executor, std::int32_t dc, std::weak_ptr<LinkHost> host);

  // Throws mtproto::CallError: timeout at the deadline, connection_lost when an attempt made while waiting
  // failed (its reason in the message); async::Cancelled when the caller is cancelled.
  boost::asio::awaitable<std::shared_ptr<mtproto::Connection>> connection(std::chrono::steady_clock::time_point deadline);
  // A call on `connection` found it closed: the next caller reconnects.
  void lost(const std::shared_ptr<mtproto::Connection>& connection);
  // initConnection goes with every query on a connection until one of them was answered.
  bool needs_init(const mtproto::Connection& connection) const noexcept;
  void answered(const mtproto::Connection& connection) noexcept;
  // The live connection's session state (salt, time offset), for saving.
  std::optional<mtproto::HandshakeResult> resume_state() const;
  std::int32_t dc() const noexcept { return dc_; }
  // The proxy the live connection goes through (initConnection names an MTProxy to the server).
  const std::optional<net::ProxyUrl>& proxy() const noexcept { return proxy_; }
  // Closes the live connection and one whose handshake is under way, so nothing of the link waits on after it.
  void close();

 private:
  boost::asio::awaitable<void> connect(std::shared_ptr<DcLink> self);
  // Starts an attempt unless one runs.
  void start_connecting();
  // `which` closed; if it was the live connection and the account keeps this DC open, reconnect.
  void dropped(const mtproto::Connection* which);
  boost::asio::awaitable<std::shared_ptr<mtproto::Connection>> open(std::shared_ptr<LinkHost> host);

  boost::asio::any_io_executor executor_;
  std::int32_t dc_;
  std::weak_ptr<LinkHost> host_;
  std::shared_ptr<mtproto::Connection> connection_;
  std::shared_ptr<mtproto::Connection> handshaking_;  // the attempt's connection while its handshake runs
  std::optional<net::ProxyUrl> proxy_;  // of connection_
  bool initialized_ = false;  // connection_ has answered a query, so initConnection was accepted
  bool connecting_ = false;
  bool closed_ = false;
  bool reopening_ = false;  // the attempts under way replace a connection that died, with no call waiting
  int failures_ = 0;            // failed attempts in a row
  bool rerouted_ = false;       // the last attempt failed and the proxy source offers another proxy
  std::uint64_t attempts_ = 0;  // finished attempts
  std::string last_error_;
  async::Wakeup backoff_;  // the pause before the next attempt; close() ends it
  async::Event changed_;
};

}  // namespace mtpipe::client
