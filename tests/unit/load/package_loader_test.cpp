// Load errors of policy packages, each with its file:line:col and code (issue 2, "Checking at
// load"). Positions are 1-based; columns count bytes, as yaml-cpp's do.
#include "load/package_loader.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "compile/program.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

using testing::brief;
using testing::load_errors;
using testing::rule_file;
using Lines = std::vector<std::string>;

TEST_CASE("unknown keys are E003 with a did-you-mean hint", "[load][errors]") {
  auto d = load_errors({{"rules.yaml", rule_file("flag", "{kind: cash, amount: 100, period: once}",
                                                 "    efective: {from: 2012-08-01}\n")}});
  CHECK(brief(d) == Lines{"rules.yaml:8:5: E003 unknown key 'efective' in a rule; did you mean "
                          "'effective'?"});
  d = load_errors({{"rules.yaml", "rule:\n  - id: x\n"}});
  CHECK(brief(d) ==
        Lines{"rules.yaml:1:1: E003 unknown key 'rule' in a policy file; did you mean 'rules'?"});
  d = load_errors({{"p.yaml",
                    "parameters:\n  x:\n    type: integer\n    units: years\n"
                    "    description: {zh: x, en: x}\n    values: [{from: 2012-01-01, "
                    "value: 1}]\n"}});
  CHECK(brief(d) ==
        Lines{"p.yaml:4:5: E003 unknown key 'units' in parameter 'x'; did you mean 'unit'?"});
  // No close candidate: the message lists what is allowed.
  d = load_errors({{"s.yaml",
                    "schema:\n  household:\n    x: {type: bool, zzzzzz: 1, description: "
                    "{zh: x, en: x}}\n"}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "E003");
  CHECK(d[0].line == 3);
  CHECK(d[0].column == 21);
  CHECK(d[0].message.find("expected one of: type, values") != std::string::npos);
}

TEST_CASE("a known key in the wrong place is E003", "[load][errors]") {
  // `until` belongs in `effective`, not in the rule; `values` only to enum facts; `occasions`
  // only to per_occasion grants; `quantity` not to cash.
  auto d = load_errors({{"rules.yaml", rule_file("flag", "{kind: cash, amount: 100, period: once}",
                                                 "    until: 2020-01-01\n")}});
  CHECK(brief(d) ==
        Lines{"rules.yaml:8:5: E003 unknown key 'until' in a rule; expected one of: id, title, "
              "recipient, when, grant, effective, basis"});
  d = load_errors({{"s.yaml",
                    "schema:\n  member:\n    x: {type: bool, values: [a], description: "
                    "{zh: x, en: x}}\n"}});
  CHECK(brief(d) == Lines{"s.yaml:3:21: E003 'values' belongs only to enum facts"});
  d = load_errors(
      {{"rules.yaml", rule_file("flag", "{kind: cash, amount: 1, period: once, occasions: [a]}")}});
  CHECK(brief(d) == Lines{"rules.yaml:6:50: E003 'occasions' belongs only to per_occasion grants"});
  d = load_errors(
      {{"rules.yaml", rule_file("flag", "{kind: cash, amount: 1, period: once, quantity: 1}")}});
  CHECK(brief(d) == Lines{"rules.yaml:6:50: E003 a cash grant has no 'quantity'"});
  // A definitions section inside schema.
  d = load_errors({{"s.yaml", "schema:\n  definitions: {}\n"}});
  CHECK(brief(d) == Lines{"s.yaml:2:3: E003 unknown key 'definitions' in 'schema'; expected one "
                          "of: household, member"});
}

TEST_CASE("missing keys and bad values", "[load][errors]") {
  auto d = load_errors({{"rules.yaml",
                         "rules:\n  - id: r\n    recipient: household\n"
                         "    when: flag\n    grant: {kind: priority}\n"
                         "    basis: {source: src, clause: '1'}\n"}});
  CHECK(brief(d) == Lines{"rules.yaml:2:5: E004 a rule needs the key 'title'"});
  d = load_errors({{"rules.yaml", rule_file("flag", "{kind: gift}")}});
  CHECK(brief(d) == Lines{"rules.yaml:6:19: E005 unknown grant kind 'gift'; expected cash, "
                          "in_kind, priority or points"});
  d = load_errors({{"rules.yaml", rule_file("flag", "{kind: cash, amount: 1, period: weekly}")}});
  CHECK(brief(d) == Lines{"rules.yaml:6:44: E005 unknown period 'weekly'; expected once, daily, "
                          "monthly, yearly or per_occasion"});
  d = load_errors({{"rules.yaml", rule_file("flag", "{kind: cash, amount: 1, period: once}",
                                            "    effective: {from: 2012-02-30}\n")}});
  CHECK(brief(d) == Lines{"rules.yaml:8:23: E005 'from' must be a date YYYY-MM-DD between 1800 "
                          "and 2200"});
  d = load_errors({{"rules.yaml", rule_file("flag", "{kind: cash, amount: 1, period: once}",
                                            "    effective: {from: 2012-01-05x}\n")}});
  CHECK(brief(d) == Lines{"rules.yaml:8:23: E005 'from' must be a date YYYY-MM-DD between 1800 "
                          "and 2200"});
  d = load_errors({{"package.yaml",
                    "package:\n  name: x\n  version: 1\n  age_convention: "
                    "{birthday: on_the_day}\n"}});
  CHECK(brief(d) == Lines{"package.yaml:4:30: E005 'birthday' must be on_birthday or day_after"});
  d = load_errors({{"rules.yaml", "rules: {}\n"}});
  CHECK(brief(d) == Lines{"rules.yaml:1:8: E005 'rules' must be a list of rules"});
}

TEST_CASE("malformed YAML in a package file is E001 at its position", "[load][errors]") {
  auto d = load_errors({{"rules.yaml", "rules:\n  - id: [r\n"}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].file == "rules.yaml");
  CHECK(d[0].code == "E001");
  CHECK(d[0].line == 3);  // yaml-cpp finds the list unclosed at the end
  d = load_errors({{"rules.yaml", "rules: []\nrules: []\n"}});
  CHECK(brief(d) == Lines{"rules.yaml:2:1: E006 duplicate key 'rules'"});
}

TEST_CASE("parameter and fact values are parsed by type: YAML 1.1 scalars are rejected",
          "[load][errors][hazard]") {
  auto param = [](std::string_view type, std::string_view value) {
    return testing::load(
        {{"p.yaml", fmt::format("parameters:\n  p:\n    type: {}\n    description: {{zh: x, en: "
                                "x}}\n    values:\n      - from: 2012-01-01\n        value: {}\n",
                                type, value)}});
  };
  for (auto [type, value] :
       std::vector<std::pair<std::string, std::string>>{{"bool", "yes"},
                                                        {"bool", "on"},
                                                        {"bool", "y"},
                                                        {"bool", "True"},
                                                        {"bool", "\"true\""},
                                                        {"integer", "0x1F"},
                                                        {"integer", "1e3"},
                                                        {"integer", "1.0"},
                                                        {"integer", "\"12\""},
                                                        {"decimal", ".inf"},
                                                        {"decimal", ".nan"},
                                                        {"decimal", "1e3"},
                                                        {"decimal", "1.00001"},
                                                        {"money", ".inf"},
                                                        {"money", "+1"},
                                                        {"money", "1,000"},
                                                        {"date", "2024-01-05x"},
                                                        {"date", "2023-02-29"}}) {
    INFO(type << " " << value);
    auto loaded = param(type, value);
    REQUIRE(loaded.diagnostics.size() == 1);
    CHECK(loaded.diagnostics[0].code == "E005");
    CHECK(loaded.diagnostics[0].line == 7);
    CHECK(loaded.diagnostics[0].column == 16);
  }
  // A well-written number beyond Decimal is a limit (E002) that names the range.
  for (auto [type, value] : std::vector<std::pair<std::string, std::string>>{
           {"decimal", "922337203685477.5808"}, {"integer", "9223372036854775807"}}) {
    INFO(type << " " << value);
    auto loaded = param(type, value);
    REQUIRE(loaded.diagnostics.size() == 1);
    CHECK(loaded.diagnostics[0].code == "E002");
    CHECK(loaded.diagnostics[0].message.find("922337203685477.5807") != std::string::npos);
    CHECK(loaded.diagnostics[0].line == 7);
    CHECK(loaded.diagnostics[0].column == 16);
  }
  for (auto [type, value] :
       std::vector<std::pair<std::string, std::string>>{{"bool", "true"},
                                                        {"integer", "-12"},
                                                        {"decimal", "922337203685477.5807"},
                                                        {"decimal", "-922337203685477.5808"},
                                                        {"money", "\"1.005\""},
                                                        {"money", "1.005"},
                                                        {"date", "2024-01-05"}}) {
    INFO(type << " " << value);
    CHECK(param(type, value).diagnostics.empty());
  }
  // 1.005 is exact, not 1.00499999…
  auto rules =
      testing::load_ok({{"p.yaml",
                         "parameters:\n  p:\n    type: money\n    description: {zh: x, en: x}\n"
                         "    values: [{from: 2012-01-01, value: 1.005}]\n"}});
  CHECK(rules->impl().parameters.front().name == "p");
  CHECK(rules->impl().parameters.front().values[0].value.as_number() == *Decimal::parse("1.005"));
}

TEST_CASE("every problem is reported in one run, across files", "[load][errors]") {
  auto d = load_errors({
      {"a.yaml", "rules:\n  - id: [broken\n"},  // malformed YAML
      {"b.yaml", rule_file("flagg")},           // unknown name
      {"c.yaml", "schema:\n  household:\n    x: {type: bool, descripton: {zh: x, en: x}}\n"},
      {"d.yaml", "definitions:\n  household:\n    e: {expr: region == \"town\"}\n"},
  });
  std::vector<std::string> codes;
  for (const auto& x : d)
    codes.push_back(x.file + " " + x.code);
  // The malformed file may declare anything: unknown names are not reported while a file is
  // unreadable, but everything else is.
  CHECK(codes == Lines{"a.yaml E001", "c.yaml E003", "c.yaml E004", "d.yaml E013"});

  d = load_errors({
      {"b.yaml", rule_file("flagg")},
      {"c.yaml", "schema:\n  household:\n    x: {type: bool, descripton: {zh: x, en: x}}\n"},
      {"d.yaml", "definitions:\n  household:\n    e: {expr: region == \"town\"}\n"},
  });
  codes.clear();
  for (const auto& x : d)
    codes.push_back(x.file + " " + x.code);
  CHECK(codes == Lines{"c.yaml E003", "c.yaml E004", "d.yaml E013", "b.yaml E011"});
}

TEST_CASE("a load error is not reported again as an unknown name", "[load][errors]") {
  // A definition with a syntax error, used by a rule: one E010, no E011.
  auto d = load_errors({{"d.yaml", "definitions:\n  household:\n    bad: {expr: flag and and}\n"},
                        {"rules.yaml", rule_file("bad")}});
  CHECK(brief(d) == Lines{"d.yaml:3:26: E010 expected a value here, found 'and'"});
  // A parameter with a bad type, used by a rule.
  d = load_errors({{"p.yaml",
                    "parameters:\n  p:\n    type: text\n    description: {zh: x, en: "
                    "x}\n    values: [{from: 2012-01-01, value: 1}]\n"},
                   {"rules.yaml", rule_file("size > p")}});
  CHECK(brief(d) == Lines{"p.yaml:3:11: E005 unknown parameter type 'text'; expected integer, "
                          "decimal, money, bool or date"});
  // A parameter whose only value is bad: no E016 for the rule that reads it.
  d = load_errors({{"p.yaml",
                    "parameters:\n  p:\n    type: integer\n    description: {zh: x, "
                    "en: x}\n    values: [{from: 2012-01-01, value: yes}]\n"},
                   {"rules.yaml", rule_file("size > p", "{kind: priority}",
                                            "    effective: {from: 2012-01-01}\n")}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "E005");
  // A fact with a bad type, used by a rule.
  d = load_errors({{"s2.yaml",
                    "schema:\n  household:\n    x: {type: boolean, description: {zh: "
                    "x, en: x}}\n"},
                   {"rules.yaml", rule_file("x")}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "E005");
  // A broken manifest: no unknown-source errors for the rules.
  d = load_errors({{"package.yaml", "package:\n  name: x\n  version: 1\n  sources: [{id: src}]\n"},
                   {"rules.yaml", rule_file()}});
  CHECK(brief(d) == Lines{"package.yaml:4:13: E004 a source document needs the key 'title'"});
}

TEST_CASE("a package needs a manifest", "[load][errors]") {
  auto loaded = load_ruleset_from_files({{"rules.yaml", testing::standard_schema()}});
  REQUIRE_FALSE(loaded.rules);
  REQUIRE(loaded.diagnostics.size() == 1);
  CHECK(loaded.diagnostics[0].code == "E004");
}

TEST_CASE("load_ruleset reads a folder; an unreadable folder is E008", "[load]") {
  auto loaded = load_ruleset(testing::source_path("rules/wuhan-2012"));
  INFO(format_diagnostics(loaded.diagnostics));
  REQUIRE(loaded.rules);
  CHECK(loaded.rules->info().name == "wuhan-2012-family-support");
  CHECK(loaded.rules->info().digest.size() == 64);
  CHECK(loaded.rules->rule_count() > 10);
  auto missing = load_ruleset("/nonexistent/package");
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].code == "E008");
}

}  // namespace
}  // namespace entitle
