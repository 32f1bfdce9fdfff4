// JSON households read on demand (simdjson) straight into Facts through FactsBuilder: no tree, no
// allocation per household in steady state. Numbers keep their exact text: money is never read
// through a double.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "entitle/diagnostic.hpp"
#include "entitle/facts.hpp"
#include "entitle/ruleset.hpp"

namespace entitle::facts {

// Readable bytes that must follow a household's text in memory for JsonBinder to read it in
// place; with fewer it copies the text first. The bytes may hold anything (the next line).
inline constexpr std::size_t kJsonPadding = 64;

// Reusable, one per thread: it keeps simdjson's parser and a padded buffer.
class JsonBinder {
 public:
  JsonBinder();
  ~JsonBinder();
  JsonBinder(const JsonBinder&) = delete;
  JsonBinder& operator=(const JsonBinder&) = delete;

  // Binds one household written as a JSON object. `readable_after` is how many bytes after
  // `text` may be read (see kJsonPadding). On error returns false with diagnostics naming
  // `source`; malformed JSON is one diagnostic with the line and column where simdjson stopped,
  // and nothing else. Rejects duplicate keys, invalid UTF-8 and text after the object; a
  // household larger than Limits::max_household_bytes is rejected before it is read. After a
  // failure facts.household_id() holds the household's id if it could be read.
  bool bind(const RuleSet& rules, std::string_view text, std::size_t readable_after,
            std::string_view source, Facts& facts, Diagnostics& diagnostics);

  // Whether the last bind() failed because the text is not well-formed JSON (rather than
  // because its facts do not bind).
  bool malformed() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace entitle::facts
