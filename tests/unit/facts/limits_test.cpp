// Limits of household binding: size, members, nesting, numbers beyond Decimal; and the YAML and
// JSON a household may not use.
#include <fmt/format.h>

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "entitle/facts.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

std::shared_ptr<const RuleSet> rules_with(const Limits& limits = {}) {
  return testing::load_rules(testing::rule_file(), LoadOptions{limits});
}

// Binds `text` as YAML and as JSON (when `json`) and returns the first diagnostic, requiring a
// rejection; both readers must agree on the code.
Diagnostic rejected(const RuleSet& rules, const std::string& text, bool json) {
  Facts facts;
  Diagnostics diagnostics;
  bool ok = json ? bind_json(rules, text, "h", facts, diagnostics)
                 : bind_yaml(rules, text, "h", facts, diagnostics);
  INFO(text.substr(0, 200));
  REQUIRE(!ok);
  REQUIRE(!diagnostics.empty());
  return diagnostics.front();
}

std::string members(std::size_t n, bool json) {
  std::string out = json ? R"({"id": "h", "members": [)" : "id: h\nmembers:\n";
  for (std::size_t i = 0; i < n; ++i) {
    out += json ? fmt::format(R"({}{{"id": "m{}"}})", i ? ", " : "", i)
                : fmt::format("  - {{id: m{}}}\n", i);
  }
  return out + (json ? "]}" : "");
}

TEST_CASE("a household larger than max_household_bytes is refused before parsing", "[limits]") {
  Limits limits;
  limits.max_household_bytes = 64;
  auto rules = rules_with(limits);
  for (bool json : {false, true}) {
    std::string text = members(10, json);
    Diagnostic d = rejected(*rules, text, json);
    CHECK(d.code == codes::kFactLimit);
    CHECK(d.message == fmt::format("the household is {} bytes, more than the limit of 64 "
                                   "(max_household_bytes)",
                                   text.size()));
  }
}

TEST_CASE("more members than max_members is a limit error at 'members'", "[limits]") {
  auto rules = rules_with();
  for (bool json : {false, true}) {
    Facts facts;
    Diagnostics diagnostics;
    CHECK(bind_household(*rules, members(256, json), "h", facts, diagnostics));
    Diagnostic d = rejected(*rules, members(257, json), json);
    CHECK(d.code == codes::kFactLimit);
    CHECK(d.path == "members");
    CHECK(d.message == "257 members is more than the limit of 256 (max_members)");
  }
}

TEST_CASE("household nesting deeper than max_yaml_depth is a limit error", "[limits]") {
  auto rules = rules_with();
  std::string deep(100, '[');
  Diagnostic d = rejected(*rules, "id: h\nlabel: " + deep, false);
  CHECK(d.code == codes::kFactLimit);
  CHECK(d.line == 2);
  CHECK(d.message == "nesting deeper than 64 levels (limit max_yaml_depth)");
  d = rejected(*rules, R"({"id": "h", "label": )" + deep + std::string(100, ']') + "}", true);
  CHECK(d.code == codes::kFactLimit);
  CHECK(d.message == "nesting deeper than 64 levels (limit max_yaml_depth)");
}

TEST_CASE("a number beyond Decimal is a limit error at its field path", "[limits]") {
  auto rules = rules_with();
  for (bool json : {false, true}) {
    std::string text =
        json ? R"({"id": "h", "size": 9223372036854775808})" : "id: h\nsize: 9223372036854775808\n";
    Diagnostic d = rejected(*rules, text, json);
    CHECK(d.code == codes::kFactLimit);
    CHECK(d.path == "size");
    CHECK(d.message ==
          "expected a number between -922337203685477.5808 and 922337203685477.5807, found "
          "'9223372036854775808'");
  }
}

TEST_CASE("regress: JSON numbers a double cannot hold are numbers, not malformed JSON",
          "[limits]") {
  // JSON allows 1e400; simdjson, asked for a double, called it malformed (F001). Not written as
  // an exact number, it is a value of the wrong type, like 1e4.
  auto rules = rules_with();
  for (const char* number : {"1e400", "1e4", "-0.5e-999"}) {
    CAPTURE(number);
    Diagnostic d = rejected(*rules, fmt::format(R"({{"id": "h", "size": {}}})", number), true);
    CHECK(d.code == codes::kFactType);
    CHECK(d.path == "size");
  }
  for (const char* bad : {"01", "1.", ".5", "-", "1e", "+1"}) {
    CAPTURE(bad);
    CHECK(rejected(*rules, fmt::format(R"({{"id": "h", "size": {}}})", bad), true).code ==
          codes::kMalformedFacts);
  }
}

TEST_CASE("aliases and invalid UTF-8 are refused in households", "[limits]") {
  auto rules = rules_with();
  Diagnostic d = rejected(*rules, "id: &a h\nmembers: [{id: *a}]\n", false);
  CHECK(d.code == codes::kMalformedFacts);
  CHECK(d.message == "YAML anchors (&name) are not allowed; write the value out");
  d = rejected(*rules, "id: h\n# \xC3\x28\n", false);
  CHECK(d.code == codes::kMalformedFacts);
  CHECK(d.line == 2);
  d = rejected(*rules, "{\"id\": \"h\xFF\"}", true);
  CHECK(d.code == codes::kMalformedFacts);
  CHECK(d.column == 10);
  // A lone surrogate escape decodes to no character at all.
  d = rejected(*rules, R"({"id": "h\ud800"})", true);
  CHECK(d.code == codes::kMalformedFacts);
}

TEST_CASE("regress: a control character in a YAML household is refused where it is", "[limits]") {
  // yaml-cpp 0.7 took `id: a<NUL>_b` and gave back an id that was not UTF-8 (found by
  // fuzz_household, regress-nul-in-scalar).
  auto rules = rules_with();
  using namespace std::string_literals;
  for (const auto& [text, column] : {std::pair{"id: milyh\0_b\n"s, 10},
                                     {"id: a\ab\n"s, 6},
                                     {"id: h\nmembers: [{id: \x7F}]\n"s, 16}}) {
    Diagnostic d = rejected(*rules, text, false);
    CHECK(d.code == codes::kMalformedFacts);
    CHECK(d.message.find("control character") != std::string::npos);
    CHECK(d.column == column);
  }
  // A tab is whitespace and a carriage return ends a line: both are still allowed.
  Facts facts;
  Diagnostics diagnostics;
  CHECK(bind_yaml(*rules, "id:\th\r\n", "h", facts, diagnostics));
  CHECK(facts.household_id() == "h");
}

}  // namespace
}  // namespace entitle
