#pragma once
// Proxy URLs holding a known password or MTProxy secret, written every way a user may write one, well-formed or
// not, and the check that a text shows none of it: shared by the proxy URL tests and the settings tests.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tl/base64.h"
#include "tl/hex.h"

namespace mtpipe::testing::secret_cases {

inline const std::string kUser = "alice";

// Passwords as written in a URL. One holds a ',': in MTPROTO_PROXIES it cuts its URL in two items.
inline const std::vector<std::string> kPasswords = {
    "Sup3rS3cretPw", "Hunter7x,Zebra9q", "Quokka3r@Walrus5t", "Lynx4k/Otter8m", "Puma2z:Heron6w", "Bison1b&Camel4c",
    "Tapir5n%2CGecko7v", "Koala8d%40Moose2e"};

// The MTProxy key: simple, padded (dd) and fake-TLS (ee + domain) secrets are built from it.
inline std::vector<std::uint8_t> key_bytes() {
  return {0x5f, 0x3a, 0x9c, 0x27, 0xe1, 0xb0, 0x4d, 0x68, 0xa2, 0xc7, 0xf0, 0x9e, 0x3b, 0x6d, 0x1a, 0x45};
}

inline std::vector<std::vector<std::uint8_t>> secret_bytes() {
  std::vector<std::vector<std::uint8_t>> out;
  out.push_back(key_bytes());
  auto padded = key_bytes();
  padded.insert(padded.begin(), 0xdd);
  out.push_back(padded);
  auto fake_tls = key_bytes();
  fake_tls.insert(fake_tls.begin(), 0xee);
  for (const char c : std::string("example.com")) fake_tls.push_back(static_cast<std::uint8_t>(c));
  out.push_back(fake_tls);
  return out;
}

inline std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
  return s;
}

// Every secret in every form a URL may carry it: hex in both cases, base64 and base64url, padded or not.
inline std::vector<std::string> secret_forms() {
  std::vector<std::string> out;
  for (const auto& bytes : secret_bytes()) {
    out.push_back(tl::to_hex(bytes));
    out.push_back(upper(tl::to_hex(bytes)));
    out.push_back(tl::to_base64(bytes));
    out.push_back(tl::to_base64(bytes, tl::Base64Alphabet::url, tl::Base64Padding::without));
  }
  return out;
}

inline void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
}

// URLs with {P} (a password) or {S} (a secret): correct ones, and the mistakes people make.
inline const std::vector<std::string> kPasswordTemplates = {
    "socks5://alice:{P}@proxy.example:1080", "http://alice:{P}@proxy.example:3128", "socks5h://alice:{P}@10.0.0.1:1080",
    "SOCKS5://alice:{P}@proxy.example:1080",
    // no port, a bad port
    "socks5://alice:{P}@proxy.example", "http://alice:{P}@proxy.example:", "socks5://alice:{P}@proxy.example:0",
    "socks5://alice:{P}@proxy.example:70000", "socks5://alice:{P}@proxy.example:99999999999999999999",
    "socks5://alice:{P}@proxy.example:http",
    // no '@', or no host at all
    "socks5://alice:{P}", "http://alice:{P}", "socks5://alice:{P}:proxy.example:1080", "socks5://alice:{P}/",
    // the parts swapped, a host that is not one, a path or query after the port
    "socks5://proxy.example:1080@alice:{P}", "socks5://alice:{P}@ho st:1080", "socks5://alice:{P}@[2001:db8::1",
    "socks5://alice:{P}@2001:db8::1:1080", "socks5://alice:{P}@proxy.example:1080/x?pass={P}",
    // a scheme mtpipe does not know, or none, or a misspelt one
    "ftp://alice:{P}@proxy.example:21", "https://alice:{P}@proxy.example:443", "alice:{P}@proxy.example:1080",
    "socks5:/alice:{P}@proxy.example:1080", "//alice:{P}@proxy.example:1080", "socks5//alice:{P}@proxy.example:1080",
    // an empty user, a user name too long, bad percent-encoding
    "socks5://:{P}@proxy.example:1080", "socks5://alice:{P}%zz@proxy.example:1080", "socks5://alice:{P}%@proxy.example:1080",
    // tg:// and t.me links
    "tg://socks?server=proxy.example&port=1080&user=alice&pass={P}", "tg://socks?pass={P}&server=proxy.example&port=1080&user=alice",
    "tg://socks?server=proxy.example&port=x&user=alice&pass={P}", "tg://socks?server=proxy.example&user=alice&pass={P}",
    "tg://socks?server=proxy.example&port=1080&pass={P}", "tg://socks?server=proxy.example&port=1080&user=alice&pass={P}&pass={P}",
    "https://t.me/socks?server=proxy.example&port=1080&user=alice&pass={P}", "t.me/socks?server=proxy.example&user=alice&pass={P}",
    "tg://socks?server=proxy.example&port=1080&user=alice&password={P}", "tg://socks?server=proxy.example&port=1080&user=alice&p%61ss={P}",
    "tg://sock?server=proxy.example&port=1080&user=alice&pass={P}",
    // the password where a path goes
    "socks5://proxy.example:1080/{P}", "http://proxy.example:3128/alice/{P}", "tg://socks/{P}?server=proxy.example&port=1080"};

inline const std::vector<std::string> kSecretTemplates = {
    "mtproxy://{S}@proxy.example:443", "mtproxy://{S}@proxy.example", "mtproxy://{S}@proxy.example:99999",
    // the secret where a path goes
    "mtproxy://proxy.example:443/{S}", "tg://proxy/{S}?server=proxy.example&port=443", "https://t.me/proxy/{S}",
    "mtproxy://{S}", "mtproxy://{S}:443", "mtproxy://proxy.example:443@{S}", "mtproxy://{S}ab@proxy.example:443",
    "mtproxy://{S}!@proxy.example:443", "mtproxy://{S}%zz@proxy.example:443", "{S}@proxy.example:443", "{S}",
    "ftp://{S}@proxy.example:1", "socks5://alice:{S}@proxy.example:1080",
    "tg://proxy?server=proxy.example&port=443&secret={S}", "tg://proxy?secret={S}&port=443",
    "tg://proxy?server=proxy.example&port=x&secret={S}", "tg://proxy?server=proxy.example&port=443&secret={S}xx",
    "tg://proxy?server=proxy.example&port=443&s%65cret={S}", "tg://proxy?server=&port=443&secret={S}",
    "https://t.me/proxy?secret={S}&server=proxy.example&port=443", "t.me/proxy?server=proxy.example&secret={S}",
    "http://telegram.me/proxy?server=proxy.example&port=443&secret={S}&secret={S}"};

// Every template with `placeholder` replaced by every value.
inline std::vector<std::string> filled(const std::vector<std::string>& templates, const std::string& placeholder,
                                       const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& t : templates)
    for (const auto& value : values) {
      std::string url = t;
      replace_all(url, placeholder, value);
      out.push_back(url);
    }
  return out;
}

inline std::vector<std::string> password_urls() { return filled(kPasswordTemplates, "{P}", kPasswords); }
inline std::vector<std::string> secret_urls() { return filled(kSecretTemplates, "{S}", secret_forms()); }

// What must never be shown: each password whole, decoded, and every piece of it between the characters that
// split URLs; hex and base64 of it, and the Basic auth header value; of the secrets, any 12 characters in a row
// of any of their forms (the key alone in hex is 32).
inline std::vector<std::string> forbidden() {
  std::vector<std::string> out;
  const auto add_with_encodings = [&](const std::string& secret) {
    out.push_back(secret);
    out.push_back(tl::to_hex(std::span(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size())));
    out.push_back(tl::to_base64(secret));
    out.push_back(tl::to_base64(kUser + ":" + secret));
  };
  for (const auto& p : kPasswords) {
    add_with_encodings(p);
    std::string decoded = p;
    replace_all(decoded, "%2C", ",");
    replace_all(decoded, "%40", "@");
    add_with_encodings(decoded);
    std::string piece;
    for (const char c : p + ",") {
      if (std::string(",@/:&%?#").find(c) == std::string::npos) {
        piece += c;
        continue;
      }
      if (piece.size() >= 4) out.push_back(piece);
      piece.clear();
    }
  }
  for (const auto& form : secret_forms())
    for (std::size_t i = 0; i + 12 <= form.size(); ++i) out.push_back(form.substr(i, 12));
  return out;
}

// The first forbidden text `text` contains, if any.
inline std::optional<std::string> leak_in(const std::string& text) {
  static const auto pieces = forbidden();
  for (const auto& piece : pieces)
    if (text.find(piece) != std::string::npos) return piece;
  return std::nullopt;
}

}  // namespace mtpipe::testing::secret_cases
