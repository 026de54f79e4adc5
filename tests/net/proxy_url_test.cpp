#include "net/proxy_url.h"

#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mtpipe::net {
namespace {
using Kind = ProxyUrl::Kind;
using SecretKind = mtproto::transport::MtproxySecret::Kind;

constexpr const char* kKey = "0123456789abcdef0123456789abcdef";
// "ee" + key + hex("example.com")
const std::string kEeHex = std::string("ee") + kKey + "6578616d706c652e636f6d";
// The same 28 bytes in base64url (no padding) and standard base64 with padding.
constexpr const char* kEeBase64Url = "7gEjRWeJq83vASNFZ4mrze9leGFtcGxlLmNvbQ";
constexpr const char* kEeBase64 = "7gEjRWeJq83vASNFZ4mrze9leGFtcGxlLmNvbQ==";

// The message of the std::invalid_argument that parse throws; fails the test if it does not throw.
std::string error_of(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument";
  return {};
}

std::string url_error(std::string_view text) {
  return error_of([&] { parse_proxy_url(text); });
}

void expect_key(const ProxyUrl& p) {
  ASSERT_TRUE(p.secret.has_value());
  const std::array<std::uint8_t, 16> key{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                         0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  EXPECT_EQ(p.secret->key, key);
}

TEST(ProxyUrl, Socks5WithoutAuth) {
  const auto p = parse_proxy_url("socks5://proxy.example.com:1080");
  EXPECT_EQ(p.kind, Kind::socks5);
  EXPECT_EQ(p.endpoint.host, "proxy.example.com");
  EXPECT_EQ(p.endpoint.port, 1080);
  EXPECT_TRUE(p.username.empty());
  EXPECT_TRUE(p.password.empty());
  EXPECT_FALSE(p.secret.has_value());
  EXPECT_EQ(p.redacted(), "socks5://proxy.example.com:1080");
}

TEST(ProxyUrl, Socks5WithAuthPercentDecoded) {
  const auto p = parse_proxy_url("  socks5://al%20ice:p%40ss%3Aw0rd@10.0.0.1:1080/ ");
  EXPECT_EQ(p.kind, Kind::socks5);
  EXPECT_EQ(p.username, "al ice");
  EXPECT_EQ(p.password, "p@ss:w0rd");
  EXPECT_EQ(p.endpoint.host, "10.0.0.1");
  EXPECT_EQ(p.redacted(), "socks5://al%20ice:***@10.0.0.1:1080");
}

TEST(ProxyUrl, UnescapedAtAndSlashInPasswordEndAtTheLastAt) {
  const auto p = parse_proxy_url("socks5://user:pa@ss/wd@host:1080");
  EXPECT_EQ(p.username, "user");
  EXPECT_EQ(p.password, "pa@ss/wd");
  EXPECT_EQ(p.endpoint.host, "host");
}

TEST(ProxyUrl, Socks5hIsSocks5AndSchemeIsCaseInsensitive) {
  EXPECT_EQ(parse_proxy_url("socks5h://h:1").kind, Kind::socks5);
  EXPECT_EQ(parse_proxy_url("SOCKS5://h:1").kind, Kind::socks5);
  EXPECT_EQ(parse_proxy_url("HTTP://h:1").kind, Kind::http);
}

TEST(ProxyUrl, UserWithoutPassword) {
  const auto p = parse_proxy_url("socks5://user@host:1080");
  EXPECT_EQ(p.username, "user");
  EXPECT_TRUE(p.password.empty());
  EXPECT_EQ(p.redacted(), "socks5://user@host:1080");
}

TEST(ProxyUrl, HttpWithBasicAuth) {
  const auto p = parse_proxy_url("http://bob:hunter2@proxy:3128");
  EXPECT_EQ(p.kind, Kind::http);
  EXPECT_EQ(p.username, "bob");
  EXPECT_EQ(p.password, "hunter2");
  EXPECT_EQ(p.endpoint.port, 3128);
  EXPECT_EQ(p.redacted(), "http://bob:***@proxy:3128");
}

TEST(ProxyUrl, Ipv6InBrackets) {
  const auto p = parse_proxy_url("socks5://u:p@[2001:db8::1]:1080");
  EXPECT_EQ(p.endpoint.host, "2001:db8::1");
  EXPECT_EQ(p.endpoint.port, 1080);
  EXPECT_EQ(p.redacted(), "socks5://u:***@[2001:db8::1]:1080");
}

TEST(ProxyUrl, MtproxySimpleHex) {
  const auto p = parse_proxy_url(std::string("mtproxy://") + kKey + "@1.2.3.4:443");
  EXPECT_EQ(p.kind, Kind::mtproxy);
  ASSERT_TRUE(p.secret.has_value());
  EXPECT_EQ(p.secret->kind, SecretKind::simple);
  expect_key(p);
  EXPECT_EQ(p.redacted(), "mtproxy://(secret hidden)@1.2.3.4:443");
}

TEST(ProxyUrl, MtproxyPaddedHexUpperCase) {
  const auto p = parse_proxy_url("mtproxy://DD0123456789ABCDEF0123456789ABCDEF@host:443");
  ASSERT_TRUE(p.secret.has_value());
  EXPECT_EQ(p.secret->kind, SecretKind::padded);
  expect_key(p);
  EXPECT_EQ(p.redacted(), "mtproxy://dd...(secret hidden)@host:443");
}

TEST(ProxyUrl, MtproxyFakeTlsHexAndBase64) {
  for (const std::string& secret : {kEeHex, std::string(kEeBase64Url), std::string(kEeBase64)}) {
    SCOPED_TRACE(secret);
    const auto p = parse_proxy_url("mtproxy://" + secret + "@host:443");
    ASSERT_TRUE(p.secret.has_value());
    EXPECT_EQ(p.secret->kind, SecretKind::fake_tls);
    EXPECT_EQ(p.secret->fake_tls_domain, "example.com");
    expect_key(p);
    EXPECT_EQ(p.redacted(), "mtproxy://ee...(secret hidden)@host:443");
  }
}

TEST(ProxyUrl, TgProxyLinkParametersInAnyOrder) {
  for (const std::string& link : {"tg://proxy?server=1.2.3.4&port=443&secret=dd" + std::string(kKey),
                                 "tg://proxy?secret=dd" + std::string(kKey) + "&port=443&server=1.2.3.4",
                                 "https://t.me/proxy?port=443&server=1.2.3.4&secret=dd" + std::string(kKey) + "&extra=1",
                                 "http://telegram.me/proxy?server=1.2.3.4&port=443&secret=dd" + std::string(kKey),
                                 "t.me/proxy?server=1.2.3.4&port=443&secret=dd" + std::string(kKey)}) {
    SCOPED_TRACE(link);
    const auto p = parse_proxy_url(link);
    EXPECT_EQ(p.kind, Kind::mtproxy);
    EXPECT_EQ(p.endpoint.host, "1.2.3.4");
    EXPECT_EQ(p.endpoint.port, 443);
    ASSERT_TRUE(p.secret.has_value());
    EXPECT_EQ(p.secret->kind, SecretKind::padded);
    expect_key(p);
  }
}

TEST(ProxyUrl, TgProxyLinkWithPercentEncodedBase64Secret) {
  const auto p = parse_proxy_url("tg://proxy?server=h&port=443&secret=7gEjRWeJq83vASNFZ4mrze9leGFtcGxlLmNvbQ%3D%3D");
  ASSERT_TRUE(p.secret.has_value());
  EXPECT_EQ(p.secret->kind, SecretKind::fake_tls);
  EXPECT_EQ(p.secret->fake_tls_domain, "example.com");
}

TEST(ProxyUrl, TgSocksLink) {
  const auto p = parse_proxy_url("tg://socks?server=h&port=1080&user=u&pass=p%26w");
  EXPECT_EQ(p.kind, Kind::socks5);
  EXPECT_EQ(p.username, "u");
  EXPECT_EQ(p.password, "p&w");
  EXPECT_EQ(parse_proxy_url("https://t.me/socks?server=h&port=1080").username, "");
}

TEST(ProxyUrl, LinkServerMayBeIpv6) {
  EXPECT_EQ(parse_proxy_url("tg://proxy?server=2001:db8::2&port=443&secret=" + std::string(kKey)).endpoint.host,
            "2001:db8::2");
  EXPECT_EQ(parse_proxy_url("tg://proxy?server=[2001:db8::2]&port=443&secret=" + std::string(kKey)).endpoint.host,
            "2001:db8::2");
}

TEST(ProxyUrl, UrlRoundTripsEveryKind) {
  for (const std::string& text :
       {std::string("socks5://h:1080"), std::string("socks5://a%20b:p%40ss@[::1]:1080"), std::string("http://u:p@h:8080"),
        std::string("mtproxy://") + kKey + "@h:443", std::string("mtproxy://dd") + kKey + "@h:443",
        "mtproxy://" + kEeHex + "@h:443"}) {
    SCOPED_TRACE(text);
    const auto p = parse_proxy_url(text);
    EXPECT_EQ(p.url(), text);
    const auto again = parse_proxy_url(p.url());
    EXPECT_EQ(again.kind, p.kind);
    EXPECT_EQ(again.endpoint.host, p.endpoint.host);
    EXPECT_EQ(again.endpoint.port, p.endpoint.port);
    EXPECT_EQ(again.username, p.username);
    EXPECT_EQ(again.password, p.password);
    ASSERT_EQ(again.secret.has_value(), p.secret.has_value());
    if (p.secret) {
      EXPECT_EQ(again.secret->kind, p.secret->kind);
      EXPECT_EQ(again.secret->key, p.secret->key);
      EXPECT_EQ(again.secret->fake_tls_domain, p.secret->fake_tls_domain);
    }
  }
  // base64 comes back as hex.
  EXPECT_EQ(parse_proxy_url(std::string("mtproxy://") + kEeBase64Url + "@h:443").url(), "mtproxy://" + kEeHex + "@h:443");
}

struct Refusal {
  std::string url;
  std::string message;  // the whole expected message
};

TEST(ProxyUrl, RefusalsSayWhatIsWrong) {
  const std::string key(kKey);
  const std::vector<Refusal> refusals = {
      {"", "proxy URL '': empty"},
      {"host:1080", "proxy URL 'host:1080': missing scheme (expected socks5://, http://, mtproxy:// or tg://proxy?...)"},
      {"ftp://u:secretpw@host:21", "proxy URL 'ftp://u:***@host:21': unknown scheme 'ftp' (expected socks5, http, mtproxy or tg://proxy)"},
      {"https://u:secretpw@host:443",
       "proxy URL 'https://u:***@host:443': unknown scheme 'https' (HTTPS proxies are not supported; https:// is accepted for t.me/proxy links only)"},
      {"socks5://u:secretpw@host",
       "proxy URL 'socks5://u:***@host': missing port (socks5 proxies have no default port; write host:PORT)"},
      {"http://host:", "proxy URL 'http://host:': missing port (http proxies have no default port; write host:PORT)"},
      {"mtproxy://" + key + "@host", "proxy URL 'mtproxy://***@host': missing port (mtproxy proxies have no default port; write host:PORT)"},
      {"socks5://host:70000", "proxy URL 'socks5://host:70000': port 70000 out of range (1-65535)"},
      {"socks5://host:0", "proxy URL 'socks5://host:0': port 0 out of range (1-65535)"},
      {"socks5://host:99999999999999999999999", "proxy URL 'socks5://host:99999999999999999999999': port 99999999999999999999 out of range (1-65535)"},
      {"socks5://host:http", "proxy URL 'socks5://host:http': port 'http' is not a number"},
      {"socks5://:1080", "proxy URL 'socks5://:1080': missing host"},
      {"socks5://", "proxy URL 'socks5://': missing host and port"},
      {"socks5://ho st:1080", "proxy URL 'socks5://ho st:1080': invalid character ' ' in host"},
      {"socks5://2001:db8::1:1080", "proxy URL 'socks5://2001:db8::1:1080': an IPv6 host must be written in brackets, e.g. [2001:db8::1]:1080"},
      {"socks5://[2001:db8::1:1080", "proxy URL 'socks5://[2001:db8::1:1080': unclosed '[' in IPv6 host"},
      {"socks5://[2001:db8::1]", "proxy URL 'socks5://[2001:db8::1]': missing port (socks5 proxies have no default port; write host:PORT)"},
      {"socks5://[2001:db8::1]x:1", "proxy URL 'socks5://[2001:db8::1]x:1': unexpected text after ']' (expected :PORT)"},
      {"socks5://[host]:1", "proxy URL 'socks5://[host]:1': host in brackets is not an IPv6 address"},
      {"socks5://host:1080/path", "proxy URL 'socks5://host:1080/path': unexpected path or query after host:port"},
      {"socks5://@host:1080", "proxy URL 'socks5://@host:1080': empty user name before '@'"},
      {"socks5://:secretpw@host:1080", "proxy URL 'socks5://:***@host:1080': password without a user name"},
      {"socks5://u:secret%zzpw@host:1080",
       "proxy URL 'socks5://u:***@host:1080': bad percent-encoding in password ('%' must be followed by two hex digits; write %25 for '%')"},
      {"socks5://u:secretpw%@host:1080",
       "proxy URL 'socks5://u:***@host:1080': bad percent-encoding in password ('%' must be followed by two hex digits; write %25 for '%')"},
      {"socks5://" + std::string(256, 'u') + "@host:1080", ""},  // message checked below (truncated)
      {"http://a%3Ab:secretpw@host:1080",
       "proxy URL 'http://a%3Ab:***@host:1080': HTTP proxy user name cannot contain ':' (basic auth separates user and password with it)"},
      {"mtproxy://host:443", "proxy URL 'mtproxy://host:443': missing secret (write mtproxy://SECRET@host:port)"},
      {"mtproxy://0123456789abcdef0123456789abcd@host:443",
       "proxy URL 'mtproxy://***@host:443': MTProxy secret must be 32 hex digits, dd + 32, or ee + 32 + domain (or the same bytes in base64); got 30 hex digits"},
      {"mtproxy://dd0123456789abcdef0123456789abcdef0@host:443",
       "proxy URL 'mtproxy://***@host:443': MTProxy secret must be 32 hex digits, dd + 32, or ee + 32 + domain (or the same bytes in base64); got 35 hex digits"},
      {"mtproxy://dd0123456789abcdef0123456789abcdef00@host:443",
       "proxy URL 'mtproxy://***@host:443': MTProxy secret must be 32 hex digits, dd + 32, or ee + 32 + domain (or the same bytes in base64); got 36 hex digits"},
      {"mtproxy://secret!!@host:443",
       "proxy URL 'mtproxy://***@host:443': MTProxy secret must be 32 hex digits, dd + 32, or ee + 32 + domain (or the same bytes in base64); got 8 characters that are neither hex nor base64"},
      {"mtproxy://c2VjcmV0@host:443",
       "proxy URL 'mtproxy://***@host:443': MTProxy secret must be 32 hex digits, dd + 32, or ee + 32 + domain (or the same bytes in base64); got 6 bytes in base64"},
      {"mtproxy://ab" + key + "@host:443",
       "proxy URL 'mtproxy://***@host:443': MTProxy secret must be 32 hex digits, dd + 32, or ee + 32 + domain (or the same bytes in base64); got 34 hex digits"},
      {"mtproxy://ee" + key + "@host:443", "proxy URL 'mtproxy://***@host:443': fake-TLS (ee) MTProxy secret has no domain after its 16-byte key"},
      {"mtproxy://ee" + key + "00ff@host:443",
       "proxy URL 'mtproxy://***@host:443': fake-TLS (ee) MTProxy secret: the bytes after its key are not a domain name"},
      {"tg://proxy?server=h&port=443", "proxy URL 'tg://proxy?server=h&port=443': missing secret parameter"},
      {"tg://proxy?port=443&secret=" + key, "proxy URL 'tg://proxy?port=443&secret=***': missing server parameter"},
      {"tg://proxy?server=h&secret=" + key, "proxy URL 'tg://proxy?server=h&secret=***': missing port parameter"},
      {"tg://proxy?server=h&port=&secret=" + key, "proxy URL 'tg://proxy?server=h&port=&secret=***': missing port parameter"},
      {"tg://proxy?server=h&port=99999&secret=" + key, "proxy URL 'tg://proxy?server=h&port=99999&secret=***': port 99999 out of range (1-65535)"},
      {"tg://proxy?server=h&port=1&port=2&secret=" + key, "proxy URL 'tg://proxy?server=h&port=1&port=2&secret=***': parameter 'port' given twice"},
      {"tg://proxy?server=h&port=1&secret=abc" + key, "proxy URL 'tg://proxy?server=h&port=1&secret=***': MTProxy secret must be 32 hex digits, dd + 32, or ee + 32 + domain (or the same bytes in base64); got 35 hex digits"},
      {"tg://socks?server=h&port=1&pass=secretpw", "proxy URL 'tg://socks?server=h&port=1&pass=***': password without a user name"},
      {"tg://join?invite=x", "proxy URL 'tg://join?invite=x': tg:// link must be tg://proxy?server=...&port=...&secret=... or tg://socks?server=...&port=..."},
      {"https://t.me/durov", "proxy URL 'https://t.me/durov': t.me/ link must be t.me/proxy?server=...&port=...&secret=... or t.me/socks?server=...&port=..."},
  };
  for (const auto& r : refusals) {
    SCOPED_TRACE(r.url);
    const std::string message = url_error(r.url);
    if (!r.message.empty()) {
      EXPECT_EQ(message, r.message);
    }
  }
  EXPECT_NE(url_error("socks5://" + std::string(256, 'u') + "@host:1080").find("SOCKS5 user name longer than 255 bytes"),
            std::string::npos);
  EXPECT_NE(url_error("socks5://u:" + std::string(256, 'p') + "@host:1080").find("SOCKS5 password longer than 255 bytes"),
            std::string::npos);
}

// Neither redacted() nor any error message ever shows a password or a byte of a secret.
TEST(ProxyUrl, RedactionNeverLeaksPasswordOrSecret) {
  const std::string password = "Sup3rS3cretPw";
  const std::vector<std::string> secrets = {kKey, std::string("dd") + kKey, kEeHex, kEeBase64Url, kEeBase64};
  std::vector<std::string> good = {"socks5://user:" + password + "@host:1080", "http://user:" + password + "@host:1080",
                                   "tg://socks?server=h&port=1&user=u&pass=" + password};
  std::vector<std::string> bad = {"socks5://user:" + password + "@host", "socks5://user:" + password + "@host:0",
                                  "ftp://user:" + password + "@host:1", "http://user:" + password + "@[::1:1",
                                  "socks5://user:" + password + "@host:1/x?pass=" + password,
                                  "tg://socks?server=h&pass=" + password + "&user=u",
                                  "https://user:" + password + "@host:443", "user:" + password + "@host:1080"};
  for (const auto& s : secrets) {
    good.push_back("mtproxy://" + s + "@host:443");
    good.push_back("tg://proxy?server=h&port=443&secret=" + s);
    good.push_back("https://t.me/proxy?secret=" + s + "&server=h&port=443");
    bad.push_back("mtproxy://" + s + "@host");
    bad.push_back("mtproxy://" + s + "@host:99999");
    bad.push_back("mtproxy://" + s + "ab@host:443");
    bad.push_back("mtproxy://" + s + "!@host:443");
    bad.push_back("tg://proxy?secret=" + s + "&port=443");
    bad.push_back("tg://proxy?server=h&port=x&secret=" + s);
    bad.push_back("t.me/proxy?server=h&secret=" + s);
    bad.push_back("ftp://" + s + "@host:1");
    bad.push_back(s + "@host:443");
  }
  const auto leaks = [&](const std::string& text) {
    if (text.find(password) != std::string::npos) return true;
    for (const auto& s : secrets)
      if (text.find(s) != std::string::npos) return true;
    // Not even the key alone, in either case.
    return text.find("0123456789abcdef") != std::string::npos || text.find("0123456789ABCDEF") != std::string::npos ||
           text.find("7gEjRWeJ") != std::string::npos;
  };
  for (const auto& text : good) {
    SCOPED_TRACE(text);
    const auto p = parse_proxy_url(text);
    EXPECT_FALSE(leaks(p.redacted())) << p.redacted();
  }
  for (const auto& text : bad) {
    SCOPED_TRACE(text);
    const std::string message = url_error(text);
    EXPECT_FALSE(message.empty());
    EXPECT_FALSE(leaks(message)) << message;
    EXPECT_FALSE(leaks(redact_proxy_text(text)));
    const std::string list_message = error_of([&] { parse_proxy_list("socks5://h:1, " + text); });
    EXPECT_FALSE(leaks(list_message)) << list_message;
  }
}

TEST(ProxyList, SkipsEmptyItemsAndSpaces) {
  const auto list = parse_proxy_list(" socks5://h:1080 ,, http://u:p@h:3128,\tmtproxy://" + std::string(kKey) + "@h:443 , ");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].kind, Kind::socks5);
  EXPECT_EQ(list[1].kind, Kind::http);
  EXPECT_EQ(list[2].kind, Kind::mtproxy);
  EXPECT_TRUE(parse_proxy_list("").empty());
  EXPECT_TRUE(parse_proxy_list(" , ,").empty());
}

TEST(ProxyList, ErrorNamesTheItem) {
  EXPECT_EQ(error_of([] { parse_proxy_list("socks5://h:1080,, socks5://u:pw@h"); }),
            "proxy list item 2: proxy URL 'socks5://u:***@h': missing port (socks5 proxies have no default port; write host:PORT)");
  EXPECT_EQ(error_of([] { parse_proxy_list("gopher://h:70"); }),
            "proxy list item 1: proxy URL 'gopher://h:70': unknown scheme 'gopher' (expected socks5, http, mtproxy or tg://proxy)");
}

}  // namespace
}  // namespace mtpipe::net
