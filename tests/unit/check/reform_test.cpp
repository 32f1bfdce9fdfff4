// Reform packages: what each kind of change does to the merged rule set, and every reform error
// at the file:line:col of the reform file that causes it.
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "entitle/ruleset.hpp"

namespace entitle {
namespace {

const std::string kBase = std::string(ENTITLE_SOURCE_DIR) + "/rules/wuhan-2012";

using Files = std::vector<std::pair<std::string, std::string>>;

// A reform of the Wuhan package held in memory: its package.yaml and `reform.yaml`.
LoadResult reform(const std::string& body, const std::string& manifest_extra = "") {
  std::string manifest = "package:\n  name: test-reform\n  version: 0.1.0\n  extends: " + kBase +
                         "\n  sources:\n    - {id: what-if, title: A what-if}\n" + manifest_extra;
  return load_ruleset_from_files(
      Files{{"reform/package.yaml", manifest}, {"reform/reform.yaml", body}});
}

std::string all_diagnostics(const LoadResult& loaded) {
  return format_diagnostics(loaded.diagnostics);
}

const Diagnostic& only_error(const LoadResult& loaded) {
  INFO(all_diagnostics(loaded));
  REQUIRE(loaded.diagnostics.size() == 1);
  return loaded.diagnostics.front();
}

// A shidu couple aged 72 and 70, living in difficulty.
const char* kShiduCouple = R"(
id: h1
living_difficulty: true
members:
  - {id: father, role: parent, sex: male, birth_date: 1941-05-01, hukou: rural}
  - {id: mother, role: parent, sex: female, birth_date: 1944-01-01, hukou: rural}
  - {id: son, role: child, sex: male, birth_date: 1968-02-02, hukou: rural, deceased: true}
)";

// The outcomes of `rule` for the couple as of `day`, as "member:amount" or "member:-".
std::vector<std::string> granted(const std::shared_ptr<const RuleSet>& rules, std::string_view rule,
                                 const char* day) {
  Facts facts;
  Diagnostics problems;
  REQUIRE(bind_yaml(*rules, kShiduCouple, "h1", facts, problems));
  Evaluator evaluator(rules);
  const Result& result = evaluator.evaluate(facts, *Date::parse(day));
  std::vector<std::string> out;
  int index = rules->find_rule(rule);
  REQUIRE(index >= 0);
  for (const auto& o : result.outcomes) {
    if (o.rule != static_cast<std::uint32_t>(index) || o.outcome != Outcome::kGranted) continue;
    std::string who = o.member < 0 ? "household" : std::string(facts.member_id(o.member));
    out.push_back(who + ":" + (o.has_amount ? o.amount.to_string(2) : "-"));
  }
  return out;
}

TEST_CASE("reform: new parameter values hold from their date; the base's before it") {
  auto loaded = reform(R"(
reform:
  parameters:
    care_allowance_70_amount:
      - {from: 2014-01-01, value: "200.00", reference: {source: what-if}}
)");
  INFO(all_diagnostics(loaded));
  REQUIRE(loaded.rules);
  CHECK(loaded.rules->info().name == "test-reform");
  CHECK(loaded.rules->info().currency == "CNY");
  // The mother turns 70 on 2014-01-01, the day the new amount begins.
  CHECK(granted(loaded.rules, "care_allowance_70", "2013-12-31") ==
        std::vector<std::string>{"father:100.00"});
  CHECK(granted(loaded.rules, "care_allowance_70", "2014-01-01") ==
        std::vector<std::string>{"father:200.00", "mother:200.00"});
  auto base = load_ruleset(kBase);
  REQUIRE(base.rules);
  CHECK(base.rules->info().digest != loaded.rules->info().digest);
  CHECK(base.rules->rule_count() == loaded.rules->rule_count());
}

TEST_CASE("reform: base values from the reform's first date on are dropped") {
  // Two new values: 65 from 2014, 68 from 2015; the base's 70 holds before 2014.
  auto loaded = reform(R"(
reform:
  parameters:
    care_allowance_age:
      - {from: 2014-01-01, value: 72}
      - {from: 2015-01-01, value: 70}
)");
  INFO(all_diagnostics(loaded));
  REQUIRE(loaded.rules);
  // mother turns 70 on 2014-01-01, father is 72 from 2013-05-01.
  CHECK(granted(loaded.rules, "care_allowance_70", "2013-12-31").size() == 1);
  CHECK(granted(loaded.rules, "care_allowance_70", "2014-06-01") ==
        std::vector<std::string>{"father:100.00"});
  CHECK(granted(loaded.rules, "care_allowance_70", "2015-01-01").size() == 2);
}

TEST_CASE("reform: rules replaced in place, removed, added after the base's, re-dated") {
  auto loaded = reform(R"(
rules:
  - id: rural_lump_sum
    title: {zh: 农村, en: rural}
    recipient: member where is_parent and alive
    when: household.is_shidu and hukou == "rural"
    grant: {kind: cash, amount: 7000, period: once}
    effective: {from: 2014-01-01}
    basis: {source: what-if, clause: "1"}
reform:
  replace_rules:
    - id: care_allowance_70
      title: {zh: 补贴, en: allowance without the difficulty test}
      recipient: member where is_parent and alive
      when: household.is_shidu and age >= care_allowance_age
      grant: {kind: cash, amount: 150, period: monthly}
      effective: {from: 2012-08-01}
      basis: {source: what-if, clause: "2"}
  remove_rules: [girl_zhongkao_bonus]
  effective:
    festival_visits: {until: 2013-12-31}
)");
  INFO(all_diagnostics(loaded));
  REQUIRE(loaded.rules);
  auto base = load_ruleset(kBase);
  REQUIRE(base.rules);
  const RuleSet& r = *loaded.rules;
  CHECK(r.rule_count() == base.rules->rule_count());  // one removed, one added
  CHECK(r.find_rule("girl_zhongkao_bonus") == -1);
  CHECK(r.find_rule("rural_lump_sum") == static_cast<int>(r.rule_count()) - 1);
  CHECK(r.find_rule("care_allowance_70") == base.rules->find_rule("care_allowance_70"));
  const RuleInfo& replaced = r.rule(static_cast<std::size_t>(r.find_rule("care_allowance_70")));
  CHECK(replaced.title.en == "allowance without the difficulty test");
  CHECK(replaced.file == "reform/reform.yaml");
  const RuleInfo& festival = r.rule(static_cast<std::size_t>(r.find_rule("festival_visits")));
  CHECK(festival.effective_from == Date::parse("2012-08-01"));
  CHECK(festival.effective_until == Date::parse("2013-12-31"));
  CHECK(granted(loaded.rules, "care_allowance_70", "2014-06-01") ==
        std::vector<std::string>{"father:150.00", "mother:150.00"});
  CHECK(granted(loaded.rules, "rural_lump_sum", "2014-06-01") ==
        std::vector<std::string>{"father:7000.00", "mother:7000.00"});
  CHECK(granted(loaded.rules, "rural_lump_sum", "2013-06-01").empty());
  CHECK(granted(loaded.rules, "festival_visits", "2013-06-01").size() == 1);
  CHECK(granted(loaded.rules, "festival_visits", "2014-06-01").empty());
}

TEST_CASE("reform: a definition with a new expression") {
  auto loaded = reform(R"(
reform:
  definitions:
    member:
      is_parent:
        expr: role == "parent" and hukou == "urban"
        note: only urban parents count
)");
  INFO(all_diagnostics(loaded));
  REQUIRE(loaded.rules);
  CHECK(granted(loaded.rules, "care_allowance_70", "2014-06-01").empty());
}

TEST_CASE("reform: a change naming what the base lacks is an error at its key, with a hint") {
  auto loaded = reform(R"(reform:
  parameters:
    care_alowance_70_amount:
      - {from: 2014-01-01, value: "200.00"}
)");
  const Diagnostic& d = only_error(loaded);
  CHECK_FALSE(loaded.rules);
  CHECK(d.code == "E011");
  CHECK(d.file == "reform/reform.yaml");
  CHECK(d.line == 3);
  CHECK(d.column == 5);
  CHECK(d.message ==
        "the base package 'wuhan-2012-family-support' has no parameter "
        "'care_alowance_70_amount'; did you mean 'care_allowance_70_amount'?");
}

TEST_CASE("reform: unknown rules and definitions in every kind of change") {
  struct Case {
    const char* body;
    int line, column;
    const char* message;
  };
  const Case cases[] = {
      {"reform:\n  remove_rules: [home_cre]\n", 2, 18,
       "the base package 'wuhan-2012-family-support' has no rule 'home_cre'; did you mean "
       "'home_care'?"},
      {"reform:\n  effective:\n    festival_visit: {until: 2014-01-01}\n", 3, 5,
       "the base package 'wuhan-2012-family-support' has no rule 'festival_visit'; did you mean "
       "'festival_visits'?"},
      {"reform:\n  replace_rules:\n    - id: no_such_rule\n      title: {zh: a, en: b}\n"
       "      recipient: household\n      when: is_shidu\n"
       "      grant: {kind: cash, amount: 5, period: once}\n"
       "      basis: {source: what-if, clause: x}\n",
       3, 7, "the base package 'wuhan-2012-family-support' has no rule 'no_such_rule'"},
      {"reform:\n  definitions:\n    household:\n      is_shidoo: {expr: \"true\"}\n", 4, 7,
       "the base package 'wuhan-2012-family-support' has no household definition 'is_shidoo'; "
       "did you mean 'is_shidu'?"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto loaded = reform(c.body);
    const Diagnostic& d = only_error(loaded);
    CHECK(d.code == "E011");
    CHECK(d.file == "reform/reform.yaml");
    CHECK(d.line == c.line);
    CHECK(d.column == c.column);
    CHECK(d.message == c.message);
  }
}

TEST_CASE("reform: conflicting and duplicate changes") {
  struct Case {
    const char* body;
    int line, column;
    const char* code;
    const char* message;
  };
  const Case cases[] = {
      {"reform:\n  remove_rules: [home_care, home_care]\n", 2, 29, "E014",
       "rule 'home_care' is removed twice"},
      {"reform:\n  remove_rules: [home_care]\n  effective:\n    home_care: {from: 2014-01-01}\n", 4,
       5, "E005", "rule 'home_care' is removed; it has no effective period to change"},
      {"reform:\n  effective:\n    home_care: {until: 2012-01-01}\n", 3, 5, "E005",
       "rule 'home_care' would be in effect from 2012-08-01 until 2012-01-01, which ends before "
       "it starts"},
      {"reform:\n  parameters:\n    elderly_age:\n      - {from: 2014-01-01, value: \"6x\"}\n", 4,
       35, "E005", "new value of parameter 'elderly_age' (integer) must be a whole number"},
      {"reform:\n  parameters:\n    elderly_age: [{from: 2014-01-01, value: 65}]\n"
       "    elderly_age: [{from: 2015-01-01, value: 66}]\n",
       4, 5, "E006", nullptr},
      {"parameters:\n  elderly_age:\n    type: integer\n    description: {zh: a, en: b}\n"
       "    values: [{from: 2012-01-01, value: 3}]\n",
       2, 3, "E014",
       "parameter 'elderly_age' is in the base package 'wuhan-2012-family-support'; give it new "
       "dated values under reform.parameters"},
      {"schema:\n  member:\n    hukou: {type: bool, description: {zh: a, en: b}}\n", 3, 5, "E014",
       "member fact 'hukou' is declared by the base package 'wuhan-2012-family-support'; a "
       "reform can add facts but not change them"},
      {"rules:\n  - id: home_care\n    title: {zh: a, en: b}\n    recipient: household\n"
       "    when: is_shidu\n    grant: {kind: cash, amount: 5, period: once}\n"
       "    basis: {source: what-if, clause: x}\n",
       2, 5, "E014",
       "rule 'home_care' is in the base package 'wuhan-2012-family-support'; change it under "
       "reform.replace_rules"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto loaded = reform(c.body);
    const Diagnostic& d = only_error(loaded);
    CHECK(d.code == c.code);
    CHECK(d.file == "reform/reform.yaml");
    CHECK(d.line == c.line);
    CHECK(d.column == c.column);
    if (c.message) CHECK(d.message == c.message);
  }
}

TEST_CASE("reform: mistakes inside replaced and added rules are checked at the reform's lines") {
  auto loaded = reform(R"(reform:
  replace_rules:
    - id: home_care
      title: {zh: a, en: b}
      recipient: member where is_parent
      when: household.is_shidu and age >= eldery_age
      grant: {kind: in_kind}
      basis: {source: what-if, clause: x}
)");
  const Diagnostic& d = only_error(loaded);
  CHECK(d.code == "E011");
  CHECK(d.file == "reform/reform.yaml");
  CHECK(d.line == 6);
  CHECK(d.column == 43);
  CHECK(d.message ==
        "unknown name 'eldery_age' in a member expression; did you mean 'elderly_age'?");
}

TEST_CASE("reform: manifest mistakes") {
  SECTION("a reform takes the currency from its base") {
    auto loaded = reform("rules: []\n", "  currency: USD\n");
    const Diagnostic& d = only_error(loaded);
    CHECK(d.code == "E003");
    CHECK(d.file == "reform/package.yaml");
    CHECK(d.line == 7);
    CHECK(d.column == 3);
    CHECK(d.message == "a reform takes 'currency' from the package it extends");
  }
  SECTION("the base folder does not exist") {
    auto loaded = load_ruleset_from_files(
        Files{{"reform/package.yaml",
               "package:\n  name: r\n  version: '1'\n  extends: ../no-such-package\n"}});
    const Diagnostic& d = only_error(loaded);
    CHECK(d.code == "E008");
    CHECK(d.line == 4);
    CHECK(d.column == 12);
    CHECK(d.message ==
          "'extends' names no-such-package, which is not a policy package (no package.yaml)");
  }
  SECTION("a base that is itself a reform") {
    std::string first = std::string(ENTITLE_SOURCE_DIR) + "/examples/reforms/care-allowance-200";
    auto loaded = load_ruleset_from_files(
        Files{{"reform/package.yaml",
               "package:\n  name: r\n  version: '1'\n  extends: " + first + "\n"}});
    const Diagnostic& d = only_error(loaded);
    CHECK(d.code == "E005");
    CHECK(d.line == 4);
    CHECK(d.message ==
          "package 'wuhan-2012-care-allowance-200' is itself a reform; a reform extends an "
          "ordinary package (write the changes of both in one reform)");
  }
  SECTION("a reform section in an ordinary package") {
    auto loaded =
        load_ruleset_from_files(Files{{"p/package.yaml", "package:\n  name: p\n  version: '1'\n"},
                                      {"p/a.yaml", "reform:\n  remove_rules: [x]\n"}});
    const Diagnostic& d = only_error(loaded);
    CHECK(d.code == "E003");
    CHECK(d.file == "p/a.yaml");
    CHECK(d.line == 1);
    CHECK(d.column == 1);
  }
}

TEST_CASE("reform: every example reform loads without a diagnostic") {
  for (const char* name : {"care-allowance-200", "care-allowance-age-65", "lump-sum-rural",
                           "festival-visits-300", "two-child-adjustment"}) {
    INFO(name);
    auto loaded = load_ruleset(std::string(ENTITLE_SOURCE_DIR) + "/examples/reforms/" + name);
    CHECK(loaded.diagnostics.empty());
    REQUIRE(loaded.rules);
  }
}

}  // namespace
}  // namespace entitle
