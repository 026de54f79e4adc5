#include "client/rpc_error.h"

#include <gtest/gtest.h>

namespace mtpipe::client {
namespace {

struct Case {
  std::int32_t code;
  const char* text;
  RpcErrorKind kind;
  std::optional<std::int32_t> value;
};

class Classify : public ::testing::TestWithParam<Case> {};

TEST_P(Classify, ByTheTextAsTelegramSendsIt) {
  const auto e = RpcError::from_server(GetParam().code, GetParam().text);
  EXPECT_EQ(e.kind(), GetParam().kind) << GetParam().text << " -> " << to_string(e.kind());
  EXPECT_EQ(e.value(), GetParam().value) << GetParam().text;
  EXPECT_EQ(e.code(), GetParam().code);
  EXPECT_EQ(e.message(), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, Classify,
    ::testing::Values(Case{420, "FLOOD_WAIT_30", RpcErrorKind::flood_wait, 30},
                      Case{420, "FLOOD_WAIT_0", RpcErrorKind::flood_wait, 0},
                      Case{420, "FLOOD_PREMIUM_WAIT_5", RpcErrorKind::flood_premium_wait, 5},
                      Case{420, "SLOWMODE_WAIT_60", RpcErrorKind::slowmode_wait, 60},
                      Case{420, "FLOOD_TEST_PHONE_WAIT_7", RpcErrorKind::flood_test_phone_wait, 7},
                      Case{303, "PHONE_MIGRATE_4", RpcErrorKind::phone_migrate, 4},
                      Case{303, "USER_MIGRATE_2", RpcErrorKind::user_migrate, 2},
                      Case{303, "NETWORK_MIGRATE_1", RpcErrorKind::network_migrate, 1},
                      Case{303, "FILE_MIGRATE_5", RpcErrorKind::file_migrate, 5},
                      Case{303, "STATS_MIGRATE_3", RpcErrorKind::stats_migrate, 3},
                      Case{401, "AUTH_KEY_UNREGISTERED", RpcErrorKind::auth_key_unregistered, std::nullopt},
                      Case{406, "AUTH_KEY_DUPLICATED", RpcErrorKind::auth_key_duplicated, std::nullopt},
                      Case{401, "SESSION_REVOKED", RpcErrorKind::session_revoked, std::nullopt},
                      Case{401, "USER_DEACTIVATED", RpcErrorKind::user_deactivated, std::nullopt},
                      Case{401, "USER_DEACTIVATED_BAN", RpcErrorKind::user_deactivated_ban, std::nullopt},
                      Case{400, "CHANNEL_PRIVATE", RpcErrorKind::channel_private, std::nullopt},
                      Case{400, "USERNAME_NOT_OCCUPIED", RpcErrorKind::username_not_occupied, std::nullopt},
                      Case{500, "RPC_CALL_FAIL", RpcErrorKind::internal, std::nullopt},
                      Case{500, "SOMETHING_NEW", RpcErrorKind::internal, std::nullopt},
                      Case{-500, "No workers running", RpcErrorKind::internal, std::nullopt},
                      Case{-503, "Timeout", RpcErrorKind::timeout, std::nullopt},
                      Case{400, "PEER_ID_INVALID", RpcErrorKind::other, std::nullopt},
                      // Look-alikes that must not be read as waits or migrations.
                      Case{420, "FLOOD_WAIT_", RpcErrorKind::other, std::nullopt},
                      Case{420, "FLOOD_WAIT_X", RpcErrorKind::other, std::nullopt},
                      Case{420, "FLOOD_WAIT_-3", RpcErrorKind::other, std::nullopt},
                      Case{303, "FILE_MIGRATE_99999999999", RpcErrorKind::other, std::nullopt}),
    [](const auto& info) { return std::to_string(info.index); });

TEST(RpcError, GroupsAsTheAccountLayerNeedsThem) {
  EXPECT_TRUE(RpcError::from_server(420, "FLOOD_WAIT_3").is_wait());
  EXPECT_TRUE(RpcError::from_server(420, "SLOWMODE_WAIT_3").is_wait());
  EXPECT_FALSE(RpcError::from_server(303, "FILE_MIGRATE_3").is_wait());
  EXPECT_TRUE(RpcError::from_server(303, "FILE_MIGRATE_3").is_migrate());
  EXPECT_TRUE(RpcError::from_server(401, "USER_DEACTIVATED_BAN").is_account_dead());
  EXPECT_TRUE(RpcError::from_server(401, "SESSION_REVOKED").is_account_dead());
  EXPECT_FALSE(RpcError::from_server(406, "AUTH_KEY_DUPLICATED").is_account_dead());
  EXPECT_TRUE(RpcError::timed_out("no answer within 10 s").is_internal());
  EXPECT_FALSE(RpcError::from_server(400, "CHANNEL_PRIVATE").is_internal());
}

TEST(RpcError, DescriptionsComeFromRawErrorsWithTheNumberFilledIn) {
  EXPECT_EQ(RpcError::from_server(420, "FLOOD_WAIT_30").description(), "A wait of 30 seconds is required");
  EXPECT_FALSE(RpcError::from_server(400, "CHANNEL_PRIVATE").description().empty());
  EXPECT_TRUE(RpcError::from_server(400, "NO_SUCH_ERROR_ANYWHERE").description().empty());
  EXPECT_EQ(std::string(RpcError::from_server(420, "FLOOD_WAIT_30").what()), "420 FLOOD_WAIT_30");
}

}  // namespace
}  // namespace mtpipe::client
