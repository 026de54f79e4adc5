// Endpoint text both ways, and the HTTP CONNECT request built with it (IPv6 in brackets, Basic credentials).
#include <gtest/gtest.h>

#include "net/dial.h"
#include "net/http_connect.h"

namespace mtpipe::net {
namespace {

TEST(Endpoint, FormatsIpv6InBracketsAndParsesBack) {
  for (const Endpoint& e : {Endpoint{"149.154.167.51", 443}, Endpoint{"dc.example.com", 80}, Endpoint{"2001:db8::1", 1080},
                            Endpoint{"::1", 65535}}) {
    const std::string text = format_endpoint(e);
    const auto back = parse_endpoint(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(back->host, e.host);
    EXPECT_EQ(back->port, e.port);
  }
  EXPECT_EQ(format_endpoint({"149.154.167.51", 443}), "149.154.167.51:443");
  EXPECT_EQ(format_endpoint({"2001:db8::1", 1080}), "[2001:db8::1]:1080");
}

TEST(HttpConnect, RequestNamesTheTargetAndSendsBasicCredentials) {
  EXPECT_EQ(http_connect_request({{"2001:db8::1", 443}, "", ""}),
            "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n");
  // RFC 7617 §2's example: "Aladdin" / "open sesame".
  EXPECT_EQ(http_connect_request({{"1.2.3.4", 443}, "Aladdin", "open sesame"}),
            "CONNECT 1.2.3.4:443 HTTP/1.1\r\nHost: 1.2.3.4:443\r\n"
            "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
}

}  // namespace
}  // namespace mtpipe::net
