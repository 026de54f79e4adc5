#pragma once

#include "scale/chain/link.h"
#include "scale/rate_admission.h"

namespace mtpipe::scale {

// Waits until the rate limits admit the request for its account and method, and slows that account's method
// class down when the server flood-waits it (not when the account held the request back itself: that wait was
// already counted when it was imposed). Throws RateRefused when the limits cannot admit it before the deadline.
class RateLink final : public Link {
 public:
  RateLink(client::Invoker& next, RateAdmission& gate) : Link(next), gate_(gate) {}

  boost::asio::awaitable<client::Answer> invoke(client::Request& request) override;

 private:
  RateAdmission& gate_;
};

}  // namespace mtpipe::scale
