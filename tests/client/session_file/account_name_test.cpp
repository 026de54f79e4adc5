#include "client/session_file/account_name.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace mtpipe::client::session_file {
namespace {

TEST(AccountName, AcceptsTheAllowedCharactersUpToSixtyFour) {
  for (const std::string& name : std::vector<std::string>{"a", "main", "acc-1.backup_2", "A.B-C_d9", std::string(64, 'x')}) {
    EXPECT_TRUE(is_valid_account_name(name)) << name;
    EXPECT_NO_THROW(validate_account_name(name)) << name;
  }
  EXPECT_EQ(session_path("/s", "main"), std::filesystem::path("/s/main.session"));
}

TEST(AccountName, RefusesWhatCouldEscapeTheDirectoryOrHide) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "is empty"},
      {std::string(65, 'x'), "longer than 64"},
      {".hidden", "starts with a dot"},
      {"..", "starts with a dot"},
      {"../etc", "starts with a dot"},
      {"a/b", "character outside"},
      {"a b", "character outside"},
      {"é", "character outside"},
      {std::string("a\0b", 3), "character outside"},
  };
  for (const auto& [name, why] : cases) {
    EXPECT_FALSE(is_valid_account_name(name)) << name;
    try {
      session_path("/s", name);
      ADD_FAILURE() << "accepted '" << name << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("bad account name"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace mtpipe::client::session_file
