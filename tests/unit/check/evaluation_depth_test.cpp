// max_evaluation_depth: nesting through definitions is bounded when a package is loaded, so that
// the evaluator's recursion is.
#include <fmt/format.h>

#include <string>

#include <catch2/catch.hpp>

#include "entitle/ruleset.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

using testing::count_with_code;
using testing::first_with_code;

LoadResult load_text(std::string text, const Limits& limits = {}) {
  return testing::load({{"rules.yaml", std::move(text)}}, LoadOptions{limits});
}

// A rules.yaml whose rule decides on `when` (an expression, quoted here).
std::string rule(std::string_view when) {
  return testing::rule_file(fmt::format("'{}'", when));
}

// Household definitions d0 = size + 1 and d<i> = d<next> + 1, where next is i - 1 (`forward`:
// each uses the one before it, checked in file order) or i + 1 (each uses the one after it, so
// checking d0 walks the whole chain), and a rule on the far end.
std::string chain(int n, bool forward) {
  std::string text = "definitions:\n  household:\n";
  for (int i = 0; i < n; ++i) {
    int next = forward ? i - 1 : i + 1;
    bool last = forward ? i == 0 : i == n - 1;
    text += last ? fmt::format("    d{}: {{expr: size + 1}}\n", i)
                 : fmt::format("    d{}: {{expr: d{} + 1}}\n", i, next);
  }
  return text + rule(fmt::format("d{} > 0", forward ? n - 1 : 0));
}

TEST_CASE("a chain of definitions deeper than max_evaluation_depth is refused once", "[limits]") {
  LoadResult loaded = load_text(chain(1000, true));
  REQUIRE_FALSE(loaded.rules);
  Diagnostic d = first_with_code(loaded.diagnostics, codes::kLimitExceeded);
  // d<k> nests 2k + 2 levels (each link adds the name and the +); the first definition past 256
  // is reported, and none of those that use it.
  CHECK(d.message ==
        "definition 'd128' nests 258 levels deep with the definitions it uses, more than the "
        "limit of 256 (max_evaluation_depth)");
  CHECK(d.line == 131);
  CHECK(count_with_code(loaded.diagnostics, codes::kLimitExceeded) == 1);

  Limits limits;
  limits.max_evaluation_depth = 2100;
  loaded = load_text(chain(1000, true), limits);
  INFO(format_diagnostics(loaded.diagnostics));
  CHECK(loaded.rules != nullptr);
}

TEST_CASE("regress: a long chain of definitions neither overflows the stack nor takes minutes",
          "[limits]") {
  // Checked from its far end, the chain made the checker recurse once per definition; checked
  // in order, it took time quadratic in its length to resolve names (88 s for 100,000; 20,000
  // overflowed an 8 MiB stack).
  for (bool forward : {false, true}) {
    CAPTURE(forward);
    LoadResult loaded = load_text(chain(20'000, forward));
    REQUIRE_FALSE(loaded.rules);
    Diagnostic d = first_with_code(loaded.diagnostics, codes::kLimitExceeded);
    CHECK(d.message.find("max_evaluation_depth") != std::string::npos);
    CHECK(count_with_code(loaded.diagnostics, codes::kLimitExceeded) == 1);
  }
}

TEST_CASE("a rule is measured with the definitions it uses", "[limits]") {
  Limits limits;
  limits.max_evaluation_depth = 6;
  // d0 = size + 1 is 2 levels; d1 = d0 + 1 is 4; the rule's `d1 > 0` is 6, `d1 + 1 > 0` 7.
  std::string defs =
      "definitions:\n  household:\n    d0: {expr: size + 1}\n    d1: {expr: d0 + 1}\n";
  LoadResult loaded = load_text(defs + rule("d1 > 0"), limits);
  CHECK(loaded.rules != nullptr);
  loaded = load_text(defs + rule("d1 + 1 > 0"), limits);
  REQUIRE_FALSE(loaded.rules);
  Diagnostic d = first_with_code(loaded.diagnostics, codes::kLimitExceeded);
  CHECK(d.message ==
        "rule 'r' nests 7 levels deep with the definitions it uses, more than the limit of 6 "
        "(max_evaluation_depth)");
}

TEST_CASE("the Wuhan package nests 13 levels deep", "[limits]") {
  LoadOptions options;
  options.limits.max_evaluation_depth = 13;
  CHECK(load_ruleset(ENTITLE_SOURCE_DIR "/rules/wuhan-2012", options).rules != nullptr);
  options.limits.max_evaluation_depth = 12;
  CHECK(load_ruleset(ENTITLE_SOURCE_DIR "/rules/wuhan-2012", options).rules == nullptr);
}

}  // namespace
}  // namespace entitle
