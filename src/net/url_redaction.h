#pragma once
// Showing URLs that may hold credentials (proxy URLs, REDIS_URL, DATABASE_URL) in error messages and setting
// listings, even when they do not parse: whatever could be a password, a secret or a piece of one becomes ***.
// The text is not understood yet, so the rules keep only what cannot be a credential:
//   - the scheme, when it looks like one (a letter, then up to 15 letters, digits, '+', '-', '.');
//   - before the last '@': USER:*** when there is a ':', else *** (a lone word may be a password whose user was
//     left out), and always *** for mtproxy:// and text without a scheme (there it is the secret);
//   - HOST[:PORT] when HOST is a host name or a bracketed IPv6 address and PORT is 1..65535; with a bad PORT,
//     neither they nor anything after them (with the '@' and host left out, "user:password" reads as HOST:PORT);
//     a HOST of more than 20 characters without a dot neither (an MTProxy secret written where the host goes),
//     nor a HOST without a port after user info (the rest of a password holding an '@', its host left out);
//   - of the path, only a number (REDIS_URL's /DB) and never in a proxy URL, which has none: a secret or password
//     may be written there; of a tg:// or t.me/ link only "proxy" or "socks";
//   - of the query, server=HOST, port=DIGITS and user=NAME; secret=, pass= and password= as NAME=***; any other
//     item as *** (a '&' inside a password cuts it in two, and the second half is no known name);
//   - at most 200 characters.

#include <string>
#include <string_view>
#include <vector>

namespace mtpipe::net {

// Any URL: a HOST without a port is shown ("redis://cache").
std::string redact_url_text(std::string_view text);
// A proxy URL: every proxy needs a port, so a HOST without one is hidden as well; it is more likely a secret
// whose host was left out ("mtproxy://SECRET") than a host.
std::string redact_proxy_text(std::string_view text);

// Whether a proxy URL may hold a password or a secret: whether redact_proxy_text hides any of it.
bool may_hold_credentials(std::string_view proxy_text);

// A comma list of proxy URLs (MTPROTO_PROXIES), split as parse_proxy_list splits it. A ',' inside a password or
// secret cuts that URL in two items; the second then starts with no proxy scheme. So an item without one after
// another item may be the tail of its neighbour's credentials, and the item before it their head: both are
// `suspect`.
struct ProxyListItem {
  std::string_view text;  // trimmed; empty for an empty item
  bool suspect = false;
};
std::vector<ProxyListItem> split_proxy_list(std::string_view list);

// How a list item shows in messages: a suspect item as *** (after its scheme, for a head), another as
// redact_proxy_text shows it.
std::string redact_proxy_item(const ProxyListItem& item);
// The whole list item by item, the commas and empty items kept where they were.
std::string redact_proxy_list(std::string_view list);

}  // namespace mtpipe::net
