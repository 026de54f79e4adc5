#include "tl/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace mtpipe::tl::json {

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, val] : object())
    if (k == key) return &val;
  return nullptr;
}

const char* Value::kind() const {
  static constexpr const char* kinds[] = {"null", "a boolean", "an integer", "an integer",
                                          "a number", "a string", "an array", "an object"};
  return kinds[v.index()];
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Value document() {
    Value v = value(0);
    skip_ws();
    if (i_ != s_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 512;

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("JSON: " + what + " at offset " + std::to_string(i_));
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "'");
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  Value value(int depth) {
    if (depth > kMaxDepth) fail("nesting too deep");
    skip_ws();
    if (i_ >= s_.size()) fail("unexpected end of input");
    const char c = s_[i_];
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') return Value{str()};
    if (literal("true")) return Value{true};
    if (literal("false")) return Value{false};
    if (literal("null")) return Value{nullptr};
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    fail("unexpected character");
  }

  Value object(int depth) {
    ++i_;
    Object o;
    if (eat('}')) return Value{std::move(o)};
    do {
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string key");
      std::string k = str();
      expect(':');
      o.emplace_back(std::move(k), value(depth + 1));
    } while (eat(','));
    expect('}');
    return Value{std::move(o)};
  }

  Value array(int depth) {
    ++i_;
    Array a;
    if (eat(']')) return Value{std::move(a)};
    do a.push_back(value(depth + 1));
    while (eat(','));
    expect(']');
    return Value{std::move(a)};
  }

  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("truncated \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else fail("bad \\u escape");
    }
    return v;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  std::string str() {
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated escape");
      switch (const char e = s_[i_++]) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00) {
            if (!literal("\\u")) fail("lone high surrogate");
            const unsigned lo = hex4();
            if (lo < 0xdc00 || lo >= 0xe000) fail("bad low surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            fail("lone low surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
    if (!valid_utf8(out)) fail("string is not valid UTF-8");
    return out;
  }

  Value number() {
    const std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    bool integral = true;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c >= '0' && c <= '9') ++i_;
      else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') integral = false, ++i_;
      else break;
    }
    const char* b = s_.data() + start;
    const char* e = s_.data() + i_;
    if (integral) {
      std::int64_t iv;
      if (auto [p, ec] = std::from_chars(b, e, iv); ec == std::errc() && p == e) return Value{iv};
      std::uint64_t uv;
      if (auto [p, ec] = std::from_chars(b, e, uv); ec == std::errc() && p == e) return Value{uv};
    }
    double d;
    if (auto [p, ec] = std::from_chars(b, e, d); ec == std::errc() && p == e) return Value{d};
    i_ = start;
    fail("bad number");
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

Value parse(std::string_view text) { return Parser(text).document(); }

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    unsigned cp;
    if (c < 0x80) n = 0, cp = c;
    else if ((c & 0xe0) == 0xc0) n = 1, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0) n = 2, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0) n = 3, cp = c & 0x07;
    else return false;
    if (n > 0 && i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr unsigned min_cp[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[n] || (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff) return false;
    i += n + 1;
  }
  return true;
}

void Writer::newline() {
  if (!pretty_) return;
  out_ += '\n';
  out_.append(first_.size() * 2, ' ');
}

void Writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
    newline();
  }
}

void Writer::begin_object() {
  before_value();
  out_ += '{';
  first_.push_back(true);
}
void Writer::end_object() {
  const bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_ += '}';
}
void Writer::begin_array() {
  before_value();
  out_ += '[';
  first_.push_back(true);
}
void Writer::end_array() { end_object(), out_.back() = ']'; }
void Writer::key(std::string_view k) {
  before_value();
  quote(k);
  out_ += pretty_ ? ": " : ":";
  after_key_ = true;
}
void Writer::null() { before_value(), out_ += "null"; }
void Writer::boolean(bool b) { before_value(), out_ += b ? "true" : "false"; }
void Writer::integer(std::int64_t i) {
  before_value();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, i).ptr);
}
void Writer::number(double d) {
  if (std::isnan(d)) return string("NaN");
  if (std::isinf(d)) return string(d > 0 ? "Infinity" : "-Infinity");
  before_value();
  char buf[32];
  const std::string_view text(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
  out_ += text;
  // Keep a mark of a fraction so that 2.0 reads back as a double rather than an integer.
  if (text.find_first_of(".e") == std::string_view::npos) out_ += ".0";
}
void Writer::raw(std::string_view json) { before_value(), out_ += json; }
void Writer::string(std::string_view s) { before_value(), quote(s); }
void Writer::quote(std::string_view s) {
  out_ += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out_ += buf;
        } else {
          out_ += static_cast<char>(c);
        }
    }
  }
  out_ += '"';
}

void write(Writer& w, const Value& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) w.null();
        else if constexpr (std::is_same_v<T, bool>) w.boolean(x);
        else if constexpr (std::is_same_v<T, std::int64_t>) w.integer(x);
        else if constexpr (std::is_same_v<T, std::uint64_t>) w.raw(std::to_string(x));
        else if constexpr (std::is_same_v<T, double>) w.number(x);
        else if constexpr (std::is_same_v<T, std::string>) w.string(x);
        else if constexpr (std::is_same_v<T, Array>) {
          w.begin_array();
          for (const Value& e : x) write(w, e);
          w.end_array();
        } else {
          w.begin_object();
          for (const auto& [k, e] : x) w.key(k), write(w, e);
          w.end_object();
        }
      },
      v.v);
}

}  // namespace mtpipe::tl::json
