// Errors the checker finds (names, types, enums, cycles, parameter coverage), each with its
// file:line:col and code. Positions are 1-based; columns count bytes, as yaml-cpp's do.
#include "check/checker.hpp"

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

TEST_CASE("unknown names are E011 with a did-you-mean hint", "[load][errors][check]") {
  auto d = load_errors({{"rules.yaml", rule_file("flagg and size > 1")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:11: E011 unknown name 'flagg' in a household expression; "
                          "did you mean 'flag'?"});
  d = load_errors({{"rules.yaml", rule_file("size > treshold")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:18: E011 unknown name 'treshold' in a household "
                          "expression; did you mean 'threshold'?"});
  d = load_errors({{"rules.yaml", rule_file("age(start) > 1 and agee(start) > 1")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:30: E011 unknown function 'agee'; did you mean 'age'?"});
  // A member fact from household scope; a household fact from member scope.
  d = load_errors({{"rules.yaml", rule_file("retired")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:11: E011 unknown name 'retired' in a household "
                          "expression; members are reached through count/any/all/sum/min/max("
                          "members where …)"});
  d = load_errors({{"rules.yaml", rule_file("household.retired")}});
  CHECK(d.size() == 1);
  CHECK(d[0].code == "E011");
  CHECK(d[0].column == 11);
  // Source documents.
  d = load_errors({{"rules.yaml",
                    "rules:\n  - id: r\n    title: {zh: x, en: x}\n    recipient: "
                    "household\n    when: flag\n    grant: {kind: priority}\n"
                    "    basis: {source: srcc, clause: '1'}\n"}});
  CHECK(brief(d) ==
        Lines{"rules.yaml:2:5: E011 unknown source document 'srcc'; did you mean 'src'?"});
}

TEST_CASE("type mismatches are E012", "[load][errors][check]") {
  auto d = load_errors({{"rules.yaml", rule_file("start > 5")}});
  CHECK(brief(d) ==
        Lines{"rules.yaml:5:11: E012 cannot order-compare date 'start' with integer '5'"});
  d = load_errors({{"rules.yaml", rule_file("income + flag > 0")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:11: E012 arithmetic needs numbers or money; found money "
                          "'income' and bool 'flag'"});
  d = load_errors({{"rules.yaml", rule_file("income * income > 0")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:11: E012 money times money has no meaning"});
  d = load_errors({{"rules.yaml", rule_file("size")}});
  CHECK(brief(d) ==
        Lines{"rules.yaml:5:11: E012 a rule's condition must be true or false, found integer "
              "'size'"});
  d = load_errors({{"rules.yaml", rule_file("flag", "{kind: cash, amount: start, period: once}")}});
  CHECK(brief(d) == Lines{"rules.yaml:6:33: E012 'amount' must be a number or money, found date"});
  d = load_errors({{"rules.yaml", rule_file("label > \"a\"")}});
  CHECK(d.size() == 1);
  CHECK(d[0].code == "E012");
  d = load_errors({{"rules.yaml", rule_file("(if flag then 1 else start) > 0")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:12: E012 'then' and 'else' must have the same type; "
                          "found integer and date"});
  d = load_errors({{"rules.yaml", rule_file("age(size) > 1")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:15: E012 argument 1 of age() must be a date, found "
                          "integer 'size'"});
  d = load_errors({{"rules.yaml", rule_file("any(members, grade) ")}});
  CHECK(d[0].code == "E012");
  d = load_errors({{"rules.yaml", rule_file("region == 1")}});
  CHECK(brief(d) ==
        Lines{"rules.yaml:5:11: E012 cannot compare enum region 'region' with integer '1'"});
}

TEST_CASE("an enum value not in the enum is E013", "[load][errors][check]") {
  auto d = load_errors({{"rules.yaml", rule_file("region == \"urbn\"")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:21: E013 'urbn' is not a value of region; expected one "
                          "of: urban, rural (did you mean 'urban'?)"});
  d = load_errors({{"rules.yaml", rule_file("region in [\"urban\", \"city\"]")}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "E013");
  CHECK(d[0].column == 31);
  d = load_errors({{"rules.yaml", rule_file("count(members where role == \"kid\") > 0")}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "E013");
  d = load_errors({{"s.yaml",
                    "schema:\n  member:\n    x: {type: enum, values: [a, b], default: "
                    "c, description: {zh: x, en: x}}\n"}});
  CHECK(brief(d) == Lines{"s.yaml:3:46: E005 default of 'x' must be one of: a, b"});
}

TEST_CASE("definition cycles are E015", "[load][errors][check]") {
  auto d = load_errors({{"d.yaml",
                         "definitions:\n  household:\n    a: {expr: b and flag}\n"
                         "    b: {expr: not c}\n    c: {expr: a}\n"}});
  CHECK(brief(d) == Lines{"d.yaml:5:15: E015 definitions refer to each other in a cycle: a → b "
                          "→ c → a"});
  d = load_errors({{"d.yaml", "definitions:\n  member:\n    a: {expr: a}\n"}});
  CHECK(brief(d) == Lines{"d.yaml:3:15: E015 definitions refer to each other in a cycle: a → a"});
}

TEST_CASE("a parameter without a value on a day a rule needs it is E016", "[load][errors][check]") {
  // threshold starts 2012-08-01; elderly_age ends 2030-12-31.
  auto d = load_errors({{"rules.yaml", rule_file("income > threshold", "{kind: priority}",
                                                 "    effective: {from: 2012-01-01}\n")}});
  CHECK(brief(d) == Lines{"rules.yaml:2:5: E016 rule 'r' is in effect on 2012-01-01 but "
                          "parameter 'threshold' has no value that day"});
  d = load_errors({{"rules.yaml", rule_file("size > elderly_age", "{kind: priority}",
                                            "    effective: {from: 2013-01-01}\n")}});
  CHECK(brief(d) == Lines{"rules.yaml:2:5: E016 rule 'r' is in effect on 2031-01-01 but "
                          "parameter 'elderly_age' has no value that day"});
  // Through a definition, and a gap between two values.
  d = load_errors({{"p.yaml",
                    "parameters:\n  gap:\n    type: integer\n    description: {zh: x, en: x}\n"
                    "    values:\n      - {from: 2012-01-01, until: 2012-12-31, value: 1}\n"
                    "      - {from: 2013-02-01, value: 2}\n"
                    "definitions:\n  household:\n    big: {expr: size > gap}\n"},
                   {"rules.yaml",
                    rule_file("big", "{kind: priority}", "    effective: {from: 2012-06-01}\n")}});
  CHECK(brief(d) == Lines{"rules.yaml:2:5: E016 rule 'r' is in effect on 2013-01-01 but "
                          "parameter 'gap' has no value that day"});
  // A rule whose effective period ends within the coverage is fine.
  testing::load_ok({{"rules.yaml", rule_file("size > elderly_age", "{kind: priority}",
                                             "    effective: {from: 2013-01-01, until: "
                                             "2030-12-31}\n")}});
}

TEST_CASE("duplicate rule ids, facts, parameters and definitions are E014", "[load][errors]") {
  std::string two_rules = rule_file() + rule_file().substr(7);  // second list item
  auto d = load_errors({{"rules.yaml", two_rules}});
  CHECK(brief(d) == Lines{"rules.yaml:8:5: E014 duplicate rule id 'r'"});
  d = load_errors({{"more.yaml",
                    "schema:\n  household:\n    flag: {type: bool, description: {zh: "
                    "x, en: x}}\n"}});
  CHECK(brief(d) == Lines{"schema.yaml:3:5: E014 household fact 'flag' is declared twice"});
  d = load_errors({{"more.yaml",
                    "parameters:\n  threshold:\n    type: integer\n    description: "
                    "{zh: x, en: x}\n    values: [{from: 2012-01-01, value: 1}]\n"}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "E014");
  CHECK(d[0].message == "parameter 'threshold' is declared twice");
  d = load_errors({{"d.yaml", "definitions:\n  household:\n    a: {expr: flag}\n"},
                   {"e.yaml", "definitions:\n  household:\n    a: {expr: flag}\n"}});
  CHECK(brief(d) == Lines{"e.yaml:3:5: E014 household definition 'a' is declared twice"});
  // The same name on household and member is two definitions.
  testing::load_ok({{"d.yaml",
                     "definitions:\n  household:\n    a: {expr: flag}\n  member:\n"
                     "    a: {expr: retired}\n"}});
  d = load_errors({{"d.yaml", "definitions:\n  household:\n    size: {expr: 1}\n"}});
  CHECK(brief(d) == Lines{"d.yaml:3:5: E014 definition 'size' has the name of a household fact"});
  d = load_errors({{"s.yaml",
                    "schema:\n  member:\n    id: {type: string, description: {zh: x, "
                    "en: x}}\n"}});
  CHECK(brief(d) == Lines{"s.yaml:3:5: E014 'id' is built in and cannot be declared"});
}

}  // namespace
}  // namespace entitle
