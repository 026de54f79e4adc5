// Reauthorization: another DC that forgot the imported login gets it imported again; the home DC's answer and an
// exhausted retry budget go up.
#include "client/call/reauthorization.h"

#include <gtest/gtest.h>

#include "call_fixture.h"

namespace mtpipe::testing {
namespace {

struct Harness {
  Harness() { account.authorized = {2, 4}; }
  FakeStep next;
  FakeAccount account;
  client::Reauthorization reauthorization{next, account, 2};
};

TEST(Reauthorization, AnotherDcThatForgotTheLoginIsAuthorizedAgain) {
  Harness h;
  h.next.outcomes = {rpc(401, "AUTH_KEY_UNREGISTERED"), client::Answer{1}};
  auto call = call_for();
  call.pinned_dc = 4;
  EXPECT_TRUE(answered(send(h.reauthorization, call)));
  EXPECT_FALSE(h.account.authorized_on(4));  // marked undone: the send below imports it again
  EXPECT_EQ(h.next.seen.size(), 2u);
  EXPECT_EQ(call.failures, 1);
}

TEST(Reauthorization, TheHomeDcsAnswerGoesUp) {
  Harness h;
  h.next.outcomes = {rpc(401, "AUTH_KEY_UNREGISTERED")};
  auto call = call_for();
  EXPECT_EQ(kind_of(send(h.reauthorization, call)), client::RpcErrorKind::auth_key_unregistered);
  EXPECT_EQ(h.next.seen.size(), 1u);
  EXPECT_TRUE(h.account.authorized_on(2));
}

TEST(Reauthorization, ADcWithoutAnImportedLoginOrALoggedOutAccountGoesUp) {
  Harness h;
  h.next.outcomes = {rpc(401, "AUTH_KEY_UNREGISTERED")};
  auto never_imported = call_for();
  never_imported.pinned_dc = 5;
  EXPECT_EQ(kind_of(send(h.reauthorization, never_imported)), client::RpcErrorKind::auth_key_unregistered);
  h.account.login = false;
  auto logged_out = call_for();
  logged_out.pinned_dc = 4;
  EXPECT_EQ(kind_of(send(h.reauthorization, logged_out)), client::RpcErrorKind::auth_key_unregistered);
  EXPECT_EQ(h.next.seen.size(), 2u);
}

TEST(Reauthorization, StopsWhenTheRetryBudgetIsSpent) {
  Harness h;
  h.next.outcomes = {rpc(401, "AUTH_KEY_UNREGISTERED")};
  auto call = call_for();
  call.pinned_dc = 4;
  call.failures = 2;  // spent by earlier re-sends
  EXPECT_EQ(kind_of(send(h.reauthorization, call)), client::RpcErrorKind::auth_key_unregistered);
  EXPECT_EQ(h.next.seen.size(), 1u);
}

}  // namespace
}  // namespace mtpipe::testing
