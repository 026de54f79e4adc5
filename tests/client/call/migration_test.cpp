// Migration: the account moves home on PHONE/USER/NETWORK_MIGRATE (its login carried over first), a single call
// goes elsewhere on FILE/STATS_MIGRATE, and no call follows more than max_migrations.
#include "client/call/migration.h"

#include <gtest/gtest.h>

#include "call_fixture.h"

namespace mtpipe::testing {
namespace {

struct Harness {
  FakeStep next;
  FakeAccount account;
  client::ClientStats stats;
  client::Migration migration{next, account, 2, stats};
};

TEST(Migration, AUserMigrateMovesTheAccountAfterCarryingItsLoginOver) {
  Harness h;
  h.next.outcomes = {rpc(303, "USER_MIGRATE_4"), client::Answer{1}};
  auto call = call_for();
  EXPECT_TRUE(answered(send(h.migration, call)));
  EXPECT_EQ(h.account.imports, std::vector<std::int32_t>{4});
  EXPECT_EQ(h.account.home, 4);
  EXPECT_FALSE(call.pinned_dc);  // sent again to the new home
  EXPECT_EQ(h.stats.migrations, 1u);
}

TEST(Migration, AnAccountWithoutLoginMovesWithoutImport) {
  Harness h;
  h.account.login = false;
  h.next.outcomes = {rpc(303, "PHONE_MIGRATE_1"), client::Answer{1}};
  auto call = call_for();
  EXPECT_TRUE(answered(send(h.migration, call)));
  EXPECT_TRUE(h.account.imports.empty());
  EXPECT_EQ(h.account.home, 1);
}

TEST(Migration, AStatsMigrateSendsOnlyThisCallElsewhereAndTracesIt) {
  Harness h;
  h.next.outcomes = {rpc(303, "STATS_MIGRATE_3"), client::Answer{1}};
  client::CallTrace trace;
  auto call = call_for();
  call.trace = &trace;
  EXPECT_TRUE(answered(send(h.migration, call)));
  EXPECT_EQ(h.account.home, 2);
  ASSERT_EQ(h.next.seen.size(), 2u);
  EXPECT_EQ(h.next.seen[1].pinned_dc, 3);
  EXPECT_EQ(trace.request_migrations, 1);
}

TEST(Migration, APinnedCallIsRePinnedNotMovedHome) {
  Harness h;
  h.next.outcomes = {rpc(303, "USER_MIGRATE_5"), client::Answer{1}};
  auto call = call_for();
  call.pinned_dc = 1;
  EXPECT_TRUE(answered(send(h.migration, call)));
  EXPECT_EQ(h.account.home, 2);
  EXPECT_EQ(call.pinned_dc, 5);
}

TEST(Migration, GivesUpAfterMaxMigrations) {
  Harness h;
  h.next.outcomes = {rpc(303, "FILE_MIGRATE_3")};  // forever
  auto call = call_for();
  EXPECT_EQ(kind_of(send(h.migration, call)), client::RpcErrorKind::file_migrate);
  EXPECT_EQ(h.next.seen.size(), 3u);  // the first send and two migrations
  EXPECT_EQ(h.stats.migrations, 2u);
}

}  // namespace
}  // namespace mtpipe::testing
