#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace mtpipe::client {

// The method a request calls: its constructor id and its name from the schema table, found once per request and
// handed to every layer that decides by method (flood waits by id; method classes, rate queues, DC routing and
// fault injection by name). A value: two words, copied freely.
class Method {
 public:
  Method() = default;
  explicit Method(std::uint32_t id) noexcept;
  // The method a boxed TL function starts with.
  static Method of(std::span<const std::uint8_t> query) noexcept;
  // The method the schema names so; throws std::invalid_argument for a name it does not know.
  static Method named(std::string_view name);

  std::uint32_t id() const noexcept { return id_; }
  // The schema's name ("messages.getHistory"); kUnknown for an id the schema does not know, so every layer
  // treats such requests alike (the id still tells them apart where it matters: flood waits).
  std::string_view name() const noexcept { return name_; }
  // For messages: the name, or "method#<id>" for an unknown id.
  std::string text() const;

  friend bool operator==(const Method& a, const Method& b) noexcept { return a.id_ == b.id_; }

  static constexpr std::string_view kUnknown = "unknown method";

 private:
  std::uint32_t id_ = 0;
  std::string_view name_ = kUnknown;
};

}  // namespace mtpipe::client
