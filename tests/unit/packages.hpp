// Small policy packages written inside tests and loaded from memory, for the tests of limits and
// hostile inputs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "entitle/diagnostic.hpp"
#include "entitle/ruleset.hpp"

namespace entitle::testing {

inline constexpr std::string_view kManifest =
    "package:\n  name: t\n  version: \"1\"\n  sources: [{id: s, title: t}]\n";

// A schema with household facts `x` (integer) and `flag` (bool) and member fact `age` (integer).
inline constexpr std::string_view kSchema =
    "schema:\n"
    "  household:\n"
    "    x: {type: integer, description: {zh: x, en: x}}\n"
    "    flag: {type: bool, description: {zh: f, en: f}}\n"
    "  member:\n"
    "    age: {type: integer, description: {zh: a, en: a}}\n";

// A rules section with one rule, granting a priority when `when` holds.
inline std::string rule(std::string_view when, std::string_view recipient = "household",
                        std::string_view id = "r") {
  return fmt::format(
      "rules:\n  - id: {}\n    title: {{zh: r, en: r}}\n    recipient: {}\n    when: '{}'\n"
      "    grant: {{kind: priority}}\n    basis: {{source: s, clause: c}}\n",
      id, recipient, when);
}

// package.yaml plus one file rules.yaml holding `text`.
inline LoadResult load_text(std::string text, const Limits& limits = {}) {
  return load_ruleset_from_files(
      {{"package.yaml", std::string(kManifest)}, {"rules.yaml", std::move(text)}},
      LoadOptions{limits});
}

// The errors with `code`.
inline std::vector<Diagnostic> with_code(const Diagnostics& diagnostics, std::string_view code) {
  std::vector<Diagnostic> out;
  for (const auto& d : diagnostics) {
    if (d.code == code) out.push_back(d);
  }
  return out;
}

// Requires that loading failed with at least one `code` error, and returns the first.
inline Diagnostic rejected_with(const LoadResult& loaded, std::string_view code) {
  INFO(format_diagnostics(loaded.diagnostics));
  REQUIRE(loaded.rules == nullptr);
  auto found = with_code(loaded.diagnostics, code);
  REQUIRE(!found.empty());
  return found.front();
}

}  // namespace entitle::testing
