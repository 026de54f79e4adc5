#include "net/proxy_url.h"

#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/url_redaction.h"
#include "proxy_secret_cases.h"

namespace mtpipe::net {
namespace {
using Kind = ProxyUrl::Kind;
using SecretKind = mtproto::transport::MtproxySecret::Kind;
namespace secret_cases = testing::secret_cases;

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
      {"ftp://u:secretpw@host:21", "proxy URL 'ftp://u:***@host:21': unknown scheme (expected socks5://, http://, mtproxy:// or tg://proxy?...)"},
      {"https://u:secretpw@host:443",
       "proxy URL 'https://u:***@host:443': unknown scheme 'https' (HTTPS proxies are not supported; https:// is accepted for t.me/proxy links only)"},
      {"socks5://u:secretpw@host",
       "proxy URL 'socks5://u:***@***': missing port (socks5 proxies have no default port; write host:PORT)"},
      {"http://host:", "proxy URL 'http://***': missing port (http proxies have no default port; write host:PORT)"},
      {"mtproxy://" + key + "@host", "proxy URL 'mtproxy://***@***': missing port (mtproxy proxies have no default port; write host:PORT)"},
      {"socks5://host:70000", "proxy URL 'socks5://***': port out of range (1-65535)"},
      {"socks5://host:0", "proxy URL 'socks5://***': port out of range (1-65535)"},
      {"socks5://host:99999999999999999999999", "proxy URL 'socks5://***': port out of range (1-65535)"},
      {"socks5://host:http", "proxy URL 'socks5://***': port is not a number"},
      {"socks5://:1080", "proxy URL 'socks5://***': missing host"},
      {"socks5://", "proxy URL 'socks5://***': missing host and port"},
      {"socks5://ho st:1080",
       "proxy URL 'socks5://***': invalid character at position 3 of the host (a host name has letters, digits, '-', '.' and '_')"},
      {"socks5://[2001:db8::g]:1080",
       "proxy URL 'socks5://***': invalid character at position 11 of the host (an IPv6 address has hex digits, ':' and '.')"},
      {"socks5://2001:db8::1:1080", "proxy URL 'socks5://***': an IPv6 host must be written in brackets, e.g. [2001:db8::1]:1080"},
      {"socks5://[2001:db8::1:1080", "proxy URL 'socks5://***': unclosed '[' in IPv6 host"},
      {"socks5://[2001:db8::1]", "proxy URL 'socks5://***': missing port (socks5 proxies have no default port; write host:PORT)"},
      {"socks5://[2001:db8::1]x:1", "proxy URL 'socks5://***': unexpected text after ']' (expected :PORT)"},
      {"socks5://[host]:1", "proxy URL 'socks5://***': host in brackets is not an IPv6 address"},
      {"socks5://host:1080/path", "proxy URL 'socks5://host:1080/***': unexpected path or query after host:port"},
      {"socks5://@host:1080", "proxy URL 'socks5://***@host:1080': empty user name before '@'"},
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
      {"tg://proxy?server=h&port=99999&secret=" + key, "proxy URL 'tg://proxy?server=h&port=99999&secret=***': port out of range (1-65535)"},
      {"tg://proxy?server=h&port=1&port=2&secret=" + key, "proxy URL 'tg://proxy?server=h&port=1&port=2&secret=***': parameter 'port' given twice"},
      {"tg://proxy?server=h&port=1&secret=abc" + key, "proxy URL 'tg://proxy?server=h&port=1&secret=***': MTProxy secret must be 32 hex digits, dd + 32, or ee + 32 + domain (or the same bytes in base64); got 35 hex digits"},
      {"tg://socks?server=h&port=1&pass=secretpw", "proxy URL 'tg://socks?server=h&port=1&pass=***': password without a user name"},
      {"tg://join?invite=x", "proxy URL 'tg://***?***': tg:// link must be tg://proxy?server=...&port=...&secret=... or tg://socks?server=...&port=..."},
      {"https://t.me/durov", "proxy URL 'https://t.me/***': t.me/ link must be t.me/proxy?server=...&port=...&secret=... or t.me/socks?server=...&port=..."},
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

// Neither redacted() nor any error message nor any redaction ever shows a password or a piece of a secret, for
// every way of writing a proxy URL, right or wrong, alone or inside a list.
TEST(ProxyUrl, NoOutputShowsAPasswordOrSecret) {
  auto urls = secret_cases::password_urls();
  const auto secret_urls = secret_cases::secret_urls();
  urls.insert(urls.end(), secret_urls.begin(), secret_urls.end());
  std::size_t refused = 0;
  for (const auto& text : urls) {
    SCOPED_TRACE(text);
    std::vector<std::string> outputs{redact_proxy_text(text), redact_url_text(text), redact_proxy_list(text)};
    try {
      outputs.push_back(parse_proxy_url(text).redacted());
    } catch (const std::invalid_argument& e) {
      outputs.emplace_back(e.what());
      ++refused;
    }
    for (const std::string& list : {text, "socks5://h.example:1, " + text + " ,http://h.example:2", text + ",socks5://h.example:1"}) {
      outputs.push_back(redact_proxy_list(list));
      try {
        for (const auto& p : parse_proxy_list(list)) outputs.push_back(p.redacted());
      } catch (const std::invalid_argument& e) {
        outputs.emplace_back(e.what());
      }
    }
    for (const auto& output : outputs) {
      const auto leak = secret_cases::leak_in(output);
      EXPECT_FALSE(leak.has_value()) << "'" << *leak << "' shown in: " << output;
    }
  }
  EXPECT_GT(refused, urls.size() / 2) << "the table should be mostly mistakes";
}

TEST(ProxyList, ACommaInsideAPasswordHidesBothHalves) {
  const std::string list = "socks5://h:1080, socks5://alice:Hunter7x,Zebra9q@proxy.example:1080";
  EXPECT_EQ(error_of([&] { parse_proxy_list(list); }),
            "proxy list item 2: proxy URL 'socks5://***': port is not a number (a ',' inside a password or secret "
            "splits the list: write it as %2C)");
  EXPECT_EQ(redact_proxy_list(list), "socks5://h:1080,socks5://***,***");
  // The same password written with %2C is one item, and works.
  const auto parsed = parse_proxy_list("socks5://alice:Hunter7x%2CZebra9q@proxy.example:1080");
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].password, "Hunter7x,Zebra9q");
  // A head that parses (the password's first half looks like a port) leaves the error to the tail, hidden whole.
  EXPECT_EQ(error_of([] { parse_proxy_list("socks5://alice:1234,Zebra9q@proxy.example:1080"); }),
            "proxy list item 2: proxy URL '***': missing scheme (expected socks5://, http://, mtproxy:// or "
            "tg://proxy?...) (a ',' inside a password or secret splits the list: write it as %2C)");
}

TEST(UrlRedaction, ShowsWhatCannotBeACredential) {
  EXPECT_EQ(redact_url_text("redis://:pw@cache:6379/2"), "redis://:***@cache:6379/2");
  EXPECT_EQ(redact_url_text("redis://user:pw@cache"), "redis://user:***@***");
  EXPECT_EQ(redact_url_text("redis://cache"), "redis://cache");
  EXPECT_EQ(redact_proxy_text("socks5://user:pw@cache"), "socks5://user:***@***");
  EXPECT_EQ(redact_url_text("postgresql://mtpipe:pw@db:5432/mtpipe?password=pw2&sslmode=require"),
            "postgresql://mtpipe:***@db:5432/***?password=***&***");
  EXPECT_EQ(redact_url_text("redis://:password"), "redis://***");
  EXPECT_EQ(redact_url_text("redis://user:password"), "redis://***");
  EXPECT_EQ(redact_url_text("redis://[::1]:6379"), "redis://[::1]:6379");
  EXPECT_EQ(redact_url_text("https://t.me/proxy?server=1.2.3.4&port=443&secret=x&junk"),
            "https://t.me/proxy?server=1.2.3.4&port=443&secret=***&***");
  EXPECT_EQ(redact_url_text("tg://socks?server=h&port=1&user=bob&pass=a&b"), "tg://socks?server=h&port=1&user=bob&pass=***&***");
  EXPECT_EQ(redact_url_text("a%x://b"), "***");
  EXPECT_EQ(redact_url_text(""), "");
  EXPECT_EQ(redact_proxy_text("mtproxy://0123456789abcdef0123456789abcdef:443"), "mtproxy://***");
  EXPECT_EQ(redact_proxy_text("socks5://proxy:1080"), "socks5://proxy:1080");
  // A proxy has no path: whatever is written there may be its secret.
  EXPECT_EQ(redact_proxy_text("mtproxy://proxy.example:443/ee00112233"), "mtproxy://proxy.example:443/***");
  EXPECT_EQ(redact_proxy_text("tg://proxy/00112233?server=h&port=1"), "tg://***?server=h&port=1");
  EXPECT_LE(redact_url_text("http://h:1/" + std::string(500, 'a')).size(), 203u);
}

TEST(ProxyUrl, IdentityTellsProxiesApartByTheirCredentialsWithoutShowingThem) {
  const std::string key = "deployment key";
  const auto a = parse_proxy_url("socks5://alice:Sup3rS3cretPw@proxy.example:1080");
  const auto b = parse_proxy_url("socks5://alice:Other5ecretPw@proxy.example:1080");
  EXPECT_EQ(a.redacted(), b.redacted());
  EXPECT_NE(a.identity(key), b.identity(key));
  EXPECT_EQ(a.identity(key), parse_proxy_url(a.url()).identity(key));
  EXPECT_EQ(a.identity(key).rfind("socks5://proxy.example:1080#", 0), 0u) << a.identity(key);
  EXPECT_EQ(a.identity(key).size(), std::string("socks5://proxy.example:1080#").size() + 16);
  // Keyed: without the deployment's key the hash cannot be recomputed from a guessed password.
  EXPECT_NE(a.identity(key), a.identity("another deployment"));
  const auto s1 = parse_proxy_url("mtproxy://dd0123456789abcdef0123456789abcdef@m:443");
  const auto s2 = parse_proxy_url("mtproxy://dd0123456789abcdef0123456789abcdee@m:443");
  EXPECT_NE(s1.identity(key), s2.identity(key));
  for (const auto& p : {a, b, s1, s2}) {
    const std::string id = p.identity(key);
    EXPECT_EQ(id.find("alice"), std::string::npos);
    EXPECT_FALSE(secret_cases::leak_in(id).has_value());
    EXPECT_EQ(id.find("0123456789abcdef"), std::string::npos);
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
            "proxy list item 2: proxy URL 'socks5://u:***@***': missing port (socks5 proxies have no default port; write host:PORT)");
  EXPECT_EQ(error_of([] { parse_proxy_list("gopher://h:70"); }),
            "proxy list item 1: proxy URL 'gopher://h:70': unknown scheme (expected socks5://, http://, mtproxy:// or tg://proxy?...)");
}

}  // namespace
}  // namespace mtpipe::net
