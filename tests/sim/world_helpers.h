// Helpers for the world tests: raw API calls on our connection, the code login, and error capture.
#pragma once

#include <gtest/gtest.h>

#include "crypto/dh.h"
#include "crypto/srp.h"
#include "sim_fixture.h"
#include "tl/api.h"

namespace mtpipe::testing {

using namespace std::chrono_literals;
namespace api = tl::api;

inline mtproto::transport::TransportSpec plain_intermediate() { return {mtproto::transport::Framing::intermediate, false}; }

// The rpc_error a call got ("" when it succeeded), as "CODE MESSAGE".
template <class F>
std::string rpc_error_of(asio::io_context& io, mtproto::Connection& c, const F& function) {
  try {
    run(io, c.invoke(function, 10s));
    return "";
  } catch (const mtproto::CallError& e) {
    return std::to_string(e.rpc_code()) + " " + e.rpc_message();
  }
}

inline api::auth::sendCode send_code(std::string phone) {
  api::auth::sendCode req;
  req.phone_number = std::move(phone);
  req.api_id = 1;
  req.api_hash = "0123456789abcdef0123456789abcdef";
  req.settings = std::make_unique<api::codeSettings>();
  return req;
}

inline std::string code_hash(asio::io_context& io, mtproto::Connection& c, const std::string& phone) {
  const auto sent = run(io, c.invoke(send_code(phone), 10s));
  return dynamic_cast<const api::auth::sentCode&>(*sent).phone_code_hash;
}

inline api::auth::signIn sign_in(std::string phone, std::string hash, std::string code) {
  api::auth::signIn req;
  req.phone_number = std::move(phone);
  req.phone_code_hash = std::move(hash);
  req.phone_code = std::move(code);
  return req;
}

inline std::int64_t user_of(const tl::object_ptr<api::auth::Authorization>& answer) {
  const auto& a = dynamic_cast<const api::auth::authorization&>(*answer);
  return dynamic_cast<const api::user&>(*a.user).id;
}

// A connection to `dc` logged in as `phone` (no 2FA) with the code flow.
inline std::shared_ptr<mtproto::Connection> logged_in(SimFixture& sim, asio::io_context& io, const std::string& phone,
                                                      std::int32_t dc) {
  auto c = sim.connect(io, plain_intermediate(), dc);
  const auto hash = code_hash(io, *c, phone);
  run(io, c->invoke(sign_in(phone, hash, std::string(5, phone[5])), 10s));
  return c;
}

inline api::users::getUsers get_self() {
  api::users::getUsers req;
  req.id.push_back(std::make_unique<api::inputUserSelf>());
  return req;
}

}  // namespace mtpipe::testing
