#include "client/string_session.h"

#include <gtest/gtest.h>

namespace mtpipe::client {
namespace {

// Made by Debian's python3-telethon 1.25.1:
//   s = StringSession(); s.set_dc(2, '127.0.0.1', 40002); s.auth_key = AuthKey(bytes(range(256))); s.save()
constexpr std::string_view kIpv4 =
    "1An8AAAGcQgABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2BhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp-goaKjpKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2-v8DBwsPExcbHyMnKy8zNzs_Q0dLT1NXW19jZ2tvc3d7f4OHi4-Tl5ufo6err7O3u7_Dx8vP09fb3-Pn6-_z9_v8=";
//   s.set_dc(4, '2001:db8::1', 443); s.auth_key = AuthKey(bytes((i * 7) % 256 for i in range(256)))
constexpr std::string_view kIpv6 =
    "1BCABDbgAAAAAAAAAAAAAAAEBuwAHDhUcIyoxOD9GTVRbYmlwd36FjJOaoaivtr3Ey9LZ4Ofu9fwDChEYHyYtNDtCSVBXXmVsc3qBiI-WnaSrsrnAx87V3OPq8fj_Bg0UGyIpMDc-RUxTWmFob3Z9hIuSmaCnrrW8w8rR2N_m7fT7AgkQFx4lLDM6QUhPVl1ka3J5gIeOlZyjqrG4v8bN1Nvi6fD3_gUMExohKC82PURLUllgZ251fIOKkZifpq20u8LJ0Nfe5ezz-gEIDxYdJCsyOUBHTlVcY2pxeH-GjZSboqmwt77FzNPa4ejv9v0ECxIZICcuNTxDSlFYX2ZtdHuCiZCXnqWss7rByM_W3eTr8vk=";

TEST(TelethonStringSession, ReadsWhatTelethonWroteAndWritesItBackIdentically) {
  const auto s = parse_telethon_string_session(kIpv4);
  EXPECT_EQ(s.dc_id, 2);
  EXPECT_EQ(s.ip, "127.0.0.1");
  EXPECT_EQ(s.port, 40002);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(s.auth_key[i], i);
  EXPECT_TRUE(s.has_auth_key());
  EXPECT_EQ(to_telethon_string_session(s), kIpv4);

  const auto v6 = parse_telethon_string_session(kIpv6);
  EXPECT_EQ(v6.dc_id, 4);
  EXPECT_EQ(v6.ip, "2001:db8::1");
  EXPECT_EQ(v6.port, 443);
  EXPECT_EQ(v6.auth_key[1], 7);
  EXPECT_EQ(to_telethon_string_session(v6), kIpv6);
}

TEST(TelethonStringSession, BadInputIsRefusedWithoutEchoingTheKey) {
  const std::string body(kIpv4.substr(1));
  for (const std::string& bad : {std::string(), "2" + body, "1" + body.substr(0, 100), "1" + body.substr(0, 351) + "!"}) {
    try {
      parse_telethon_string_session(bad);
      ADD_FAILURE() << "accepted a bad session string of " << bad.size() << " characters";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("Telethon string session"), std::string::npos);
      EXPECT_EQ(what.find(body.substr(20, 40)), std::string::npos) << "the message leaks the session";
    }
  }
}

TEST(TelethonStringSession, StandardBase64CharactersAreRefusedWithWhere) {
  // Telethon writes base64url; '+' or '/' means the string was mangled (or re-encoded) on its way here.
  std::string mangled(kIpv4);
  mangled[10] = '+';
  try {
    parse_telethon_string_session(mangled);
    ADD_FAILURE() << "accepted a '+' in a base64url session";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Telethon string session: a character that is not base64url (at offset 9)");
  }
}

}  // namespace
}  // namespace mtpipe::client
