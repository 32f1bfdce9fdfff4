// Limits of the loader: YAML nesting and size, expression depth and length, numbers beyond
// Decimal, invalid UTF-8; and the YAML features that are always refused.
#include <fmt/format.h>

#include <string>

#include <catch2/catch.hpp>

#include "support/package.hpp"

namespace entitle {
namespace {

using testing::first_with_code;
using testing::rule_file;

std::string repeat(std::string_view text, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += text;
  return out;
}

// The first `code` diagnostic of loading rules.yaml = `text` on the standard test package.
Diagnostic rejected(std::string text, std::string_view code, const Limits& limits = {}) {
  LoadResult loaded = testing::load({{"rules.yaml", std::move(text)}}, LoadOptions{limits});
  REQUIRE_FALSE(loaded.rules);
  return first_with_code(loaded.diagnostics, code);
}

// `when` written as a single-quoted YAML scalar.
std::string quoted_rule(std::string_view when) {
  return rule_file(fmt::format("'{}'", when));
}

TEST_CASE("YAML nesting deeper than max_yaml_depth is a limit error at the place", "[limits]") {
  Diagnostic d = rejected("rules: " + repeat("[", 100) + repeat("]", 100), codes::kLimitExceeded);
  CHECK(d.file == "rules.yaml");
  CHECK(d.line == 1);
  CHECK(d.column == 71);  // the 64th '[', at level 65 (the mapping is level 1)
  CHECK(d.message == "nesting deeper than 64 levels (limit max_yaml_depth)");

  std::string block;
  for (int i = 0; i < 100; ++i)
    block += std::string(2 * i, ' ') + "a:\n";
  CHECK(rejected(block, codes::kLimitExceeded).line == 65);
}

TEST_CASE("yaml-cpp's own recursion limit is never reached, whatever max_yaml_depth is",
          "[limits]") {
  // yaml-cpp 0.7 throws DeepRecursion ("bad file") near 500 levels; set_limit caps the limit
  // below that, and the nesting stops at the limit however deep the text goes.
  Limits limits;
  limits.max_yaml_depth = 256;
  for (int depth : {300, 600, 100'000}) {
    CAPTURE(depth);
    CHECK(rejected(repeat("[", depth), codes::kLimitExceeded, limits).message ==
          "nesting deeper than 256 levels (limit max_yaml_depth)");
  }
}

TEST_CASE("anchors, aliases and merge keys are refused, so aliases cannot multiply", "[limits]") {
  // "Billion laughs": nine levels of ten aliases each would expand to 10^9 nodes.
  std::string laughs = "a: &a [\"lol\"]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    char prev = static_cast<char>(c - 1);
    laughs += fmt::format("{0}: &{0} [{1}*{2}]\n", c, repeat(fmt::format("*{},", prev), 9), prev);
  }
  Diagnostic d = rejected(laughs, codes::kAliasOrMerge);
  CHECK(d.line == 1);
  CHECK(d.message == "YAML anchors (&name) are not allowed; write the value out");
  CHECK(rejected("rules:\n  <<: []\n", codes::kAliasOrMerge).line == 2);
  rejected("rules: *a\n", codes::kMalformedYaml);  // no such anchor
}

TEST_CASE("a policy file in memory obeys max_policy_file_bytes", "[limits]") {
  Limits limits;
  limits.max_policy_file_bytes = 4000;  // more than the test package's other files
  Diagnostic d =
      rejected(rule_file() + "#" + std::string(5000, '-') + "\n", codes::kLimitExceeded, limits);
  CHECK(d.file == "rules.yaml");
  CHECK(d.message.find("(max_policy_file_bytes)") != std::string::npos);
}

TEST_CASE("regress: a chain of operators counts towards max_expression_depth", "[limits]") {
  // a + a + a ... built a tree as deep as the text was long, with no recursion in the parser to
  // stop it, and the checker, compiler and evaluator then recursed that deep.
  std::string chain = fmt::format("size{} > 0", repeat(" + size", 100));
  Diagnostic d = rejected(quoted_rule(chain), codes::kLimitExceeded);
  CHECK(d.message == "expression nested deeper than 64 levels (limit max_expression_depth)");
  CHECK(d.line == 5);
  Limits limits;
  limits.max_expression_depth = 200;
  LoadResult loaded = testing::load({{"rules.yaml", quoted_rule(chain)}}, LoadOptions{limits});
  INFO(format_diagnostics(loaded.diagnostics));
  CHECK(loaded.rules != nullptr);

  rejected(quoted_rule(fmt::format("size{} > 0", repeat(" * 2", 100))), codes::kLimitExceeded);
}

TEST_CASE("nesting and length of one expression are limited", "[limits]") {
  rejected(quoted_rule(repeat("(", 100) + "size" + repeat(")", 100) + " > 0"),
           codes::kLimitExceeded);
  rejected(quoted_rule(repeat("not ", 100) + "flag"), codes::kLimitExceeded);

  // Structured conditions count their levels too (here with YAML nesting allowed that deep).
  Limits deep_yaml;
  deep_yaml.max_yaml_depth = 200;
  Diagnostic d = rejected(rule_file(repeat("{not: ", 70) + "flag" + repeat("}", 70)),
                          codes::kLimitExceeded, deep_yaml);
  CHECK(d.message == "conditions nested deeper than 64 levels (limit max_expression_depth)");

  d = rejected(quoted_rule(fmt::format("flag{}", repeat(" or flag", 1100))),  // 9,000 bytes
               codes::kLimitExceeded);
  CHECK(d.message == "expression longer than 8192 bytes (limit max_expression_length)");
}

TEST_CASE("numbers beyond the range of Decimal are limit errors naming the range", "[limits]") {
  const std::string range = "-922337203685477.5808 and 922337203685477.5807";
  Diagnostic d = rejected(quoted_rule("size > 9223372036854775808"), codes::kLimitExceeded);
  CHECK(d.message ==
        fmt::format("'9223372036854775808' is too large: exact numbers lie between {}", range));
  CHECK(d.column == 19);

  d = rejected(
      "parameters:\n  p:\n    type: money\n    description: {zh: p, en: p}\n"
      "    values: [{from: 2012-01-01, value: 1000000000000000}]\n",
      codes::kLimitExceeded);
  CHECK(d.message ==
        fmt::format("value of parameter 'p' (money) must be a number between {}", range));
  CHECK(d.line == 5);

  d = rejected(
      "schema:\n  household:\n    n: {type: integer, max: 99999999999999999999, "
      "description: {zh: n, en: n}}\n",
      codes::kLimitExceeded);
  CHECK(d.message == fmt::format("'max' must be a number between {}", range));
}

TEST_CASE("text that is not UTF-8 is refused at its place", "[limits]") {
  Diagnostic d = rejected(rule_file() + "# caf\xE9\n", codes::kInvalidUtf8);
  CHECK(d.line == 8);
  CHECK(d.column == 6);
}

TEST_CASE("regress: an error on every line of a file is reported in linear time", "[limits]") {
  // Each diagnostic's source line was found by scanning the file from its start: 100,000
  // unknown names in a 3.7 MB file took 44 s to report.
  std::string text = "definitions:\n  household:\n";
  for (int i = 0; i < 20'000; ++i)
    text += fmt::format("    d{}: {{expr: unknown_{} > 0}}\n", i, i);
  LoadResult loaded = testing::load({{"rules.yaml", text}});
  REQUIRE(testing::count_with_code(loaded.diagnostics, codes::kUnknownName) == 20'000);
  const Diagnostic& last = loaded.diagnostics.back();
  CHECK(last.line == 20'002);
  CHECK(last.source_line == "    d19999: {expr: unknown_19999 > 0}");
}

}  // namespace
}  // namespace entitle
