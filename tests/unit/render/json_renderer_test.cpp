// render_json: the result contract other systems parse, checked field by field and against
// golden files of Wuhan example households.
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "entitle/render.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

std::string example(const std::string& name) {
  return testing::read_file(testing::source_path("examples/households/" + name));
}

struct Rendered {
  std::shared_ptr<const RuleSet> rules;
  Facts facts;
  std::string json;
};

std::string render(const std::shared_ptr<const RuleSet>& rules, std::string_view household,
                   std::string_view date, bool explain) {
  Facts facts;
  Diagnostics d;
  REQUIRE(bind_household(*rules, household, "h", facts, d));
  Evaluator evaluator(rules);
  RenderOptions options;
  options.explain = explain;
  std::string out;
  render_json(*rules, facts, evaluator.evaluate(facts, *Date::parse(date), {explain}), options,
              out);
  return out;
}

bool valid_json(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  return parser.parse(text).get(doc) == simdjson::SUCCESS;
}

TEST_CASE("golden JSON of Wuhan example households", "[render][json][golden]") {
  for (std::string name :
       {"urban-shidu-couple", "rural-two-daughters", "floating-rural-daughter-zhongkao"}) {
    INFO(name);
    std::string out = render(testing::wuhan(), example(name + ".yaml"), "2013-01-01", true);
    CHECK(valid_json(out));
    testing::check_golden(name + ".json", out + "\n");
  }
}

constexpr std::string_view kRules = R"(definitions:
  household:
    parents: {expr: count(members where role == "parent")}
rules:
  - id: cash
    title: {zh: 现金, en: "cash \"quoted\""}
    recipient: member where role == "parent"
    when: household.income < threshold
    grant: {kind: cash, amount: threshold - household.income, period: monthly}
    basis: {source: src, clause: "1", note: a note}
  - id: festival
    title: {zh: 节日, en: festival}
    recipient: household
    when: parents >= 1 and parents <= 2
    grant: {kind: cash, amount: 200, period: per_occasion, occasions: [new_year, mid_autumn]}
    basis: {source: src, clause: "2"}
  - id: hours
    title: {zh: 小时, en: hours}
    recipient: member where role == "child"
    when: age(birth_date) < 18
    grant: {kind: in_kind, quantity: 1.5, unit: hours/day}
    basis: {source: src, clause: "3"}
  - id: range
    title: {zh: 范围, en: range}
    recipient: household
    when: flag
    grant: {kind: cash, amount_min: 100, amount_max: 300, period: once}
    basis: {source: src, clause: "4"}
  - id: fault
    title: {zh: 错, en: fault}
    recipient: household
    when: income / size > 0
    grant: {kind: priority}
    basis: {source: src, clause: "5"}
  - id: later
    title: {zh: 后, en: later}
    recipient: household
    when: flag
    grant: {kind: priority}
    effective: {from: 2020-01-01}
    basis: {source: src, clause: "6"}
  - id: nobody
    title: {zh: 无, en: nobody}
    recipient: member where role == "other"
    when: "true"
    grant: {kind: priority}
    basis: {source: src, clause: "7"}
)";

constexpr std::string_view kHousehold = R"(id: "h \"1\""
income: "400.50"
size: 0
flag: true
members:
  - {id: p1, role: parent}
  - {id: p2, role: parent}
  - {id: c1, role: child}
  - {id: c2, role: child, birth_date: 2010-01-01}
)";

TEST_CASE("the JSON contract: fields, order, escaping, reasons, errors, totals", "[render][json]") {
  auto rules = testing::load_rules(kRules);
  std::string out = render(rules, kHousehold, "2013-01-01", false);
  REQUIRE(valid_json(out));
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(out);
  CHECK(std::string_view(doc["household"]) == "h \"1\"");
  CHECK(std::string_view(doc["as_of"]) == "2013-01-01");
  CHECK(std::string_view(doc["decision_id"]).size() == 32);
  CHECK(std::string_view(doc["ruleset"]["name"]) == "test-package");
  CHECK(std::string_view(doc["ruleset"]["digest"]).size() == 64);
  simdjson::dom::array granted = doc["entitlements"];
  REQUIRE(granted.size() == 5);
  auto e0 = granted.at(0);
  CHECK(std::string_view(e0["rule"]) == "cash");
  CHECK(std::string_view(e0["recipient"]) == "p1");
  CHECK(std::string_view(e0["kind"]) == "cash");
  CHECK(std::string_view(e0["amount"]) == "599.50");
  CHECK(std::string_view(e0["currency"]) == "CNY");
  CHECK(std::string_view(e0["period"]) == "monthly");
  CHECK(std::string_view(e0["title"]["en"]) == "cash \"quoted\"");
  CHECK(std::string_view(e0["basis"]["note"]) == "a note");
  CHECK(e0["trace"].error() == simdjson::NO_SUCH_FIELD);  // only with explain
  CHECK(std::string_view(granted.at(1)["recipient"]) == "p2");
  auto festival = granted.at(2);
  CHECK(std::string_view(festival["recipient"]) == "household");
  CHECK(std::string_view(festival["occasions"].at(1)) == "mid_autumn");
  auto hours = granted.at(3);
  CHECK(std::string_view(hours["recipient"]) == "c2");
  CHECK(std::string_view(hours["quantity"]) == "1.5");
  CHECK(std::string_view(hours["unit"]) == "hours/day");
  CHECK(hours["amount"].error() == simdjson::NO_SUCH_FIELD);
  auto range = granted.at(4);
  CHECK(std::string_view(range["amount_min"]) == "100.00");
  CHECK(std::string_view(range["amount_max"]) == "300.00");

  simdjson::dom::array undetermined = doc["undetermined"];
  REQUIRE(undetermined.size() == 1);
  CHECK(std::string_view(undetermined.at(0)["rule"]) == "hours");
  CHECK(std::string_view(undetermined.at(0)["recipient"]) == "c1");
  CHECK(std::string_view(undetermined.at(0)["missing"].at(0)) == "members[2].birth_date");

  simdjson::dom::array not_granted = doc["not_granted"];
  REQUIRE(not_granted.size() == 2);
  CHECK(std::string_view(not_granted.at(0)["rule"]) == "later");
  CHECK(std::string_view(not_granted.at(0)["reason"]) == "not_in_effect");
  CHECK(std::string_view(not_granted.at(0)["recipient"]) == "household");
  CHECK(std::string_view(not_granted.at(1)["reason"]) == "no_recipient");
  CHECK(not_granted.at(1)["recipient"].is_null());

  simdjson::dom::array errors = doc["errors"];
  REQUIRE(errors.size() == 1);
  CHECK(std::string_view(errors.at(0)["rule"]) == "fault");
  CHECK(std::string_view(errors.at(0)["error"]) == "division by zero");

  auto totals = doc["totals"];
  CHECK(std::string_view(totals["once"]) == "0.00");  // ranges are not in the totals
  CHECK(std::string_view(totals["monthly"]) == "1199.00");
  CHECK(std::string_view(totals["per_occasion"]) == "400.00");
  CHECK(std::string_view(totals["annual"]) == "14788.00");
  CHECK(std::string_view(totals["currency"]) == "CNY");
  CHECK(totals["overflow"].error() == simdjson::NO_SUCH_FIELD);

  // Deterministic: the same input renders the same bytes.
  CHECK(render(rules, kHousehold, "2013-01-01", false) == out);
  // not_granted can be left out.
  Facts facts;
  testing::bind_ok(*rules, kHousehold, facts);
  Evaluator evaluator(rules);
  RenderOptions options;
  options.not_granted = false;
  std::string brief;
  render_json(*rules, facts, evaluator.evaluate(facts, *Date::parse("2013-01-01")), options, brief);
  CHECK(brief.find("not_granted") == std::string::npos);
}

TEST_CASE("trace nodes: expression, location, member, value, parameter since",
          "[render][json][trace]") {
  auto rules = testing::load_rules(kRules);
  std::string out = render(rules, kHousehold, "2013-01-01", true);
  REQUIRE(valid_json(out));
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(out);
  auto trace = doc["entitlements"].at(0)["trace"];
  auto recipient = trace["recipient"];
  CHECK(std::string_view(recipient["expr"]) == "role == \"parent\"");
  CHECK(std::string_view(recipient["at"]) == "rules.yaml:7:29");
  CHECK(std::string_view(recipient["member"]) == "p1");
  CHECK(recipient["value"].get_bool().value() == true);
  CHECK(std::string_view(recipient["children"].at(0)["value"]) == "parent");  // enums by name
  auto when = trace["when"];
  CHECK(std::string_view(when["expr"]) == "household.income < threshold");
  CHECK(std::string_view(when["at"]) == "rules.yaml:8:11");
  auto income = when["children"].at(0);
  CHECK(std::string_view(income["value"]) == "400.50");  // money as a decimal string
  auto threshold = when["children"].at(1);
  CHECK(std::string_view(threshold["expr"]) == "threshold");
  CHECK(std::string_view(threshold["value"]) == "1000.00");
  CHECK(std::string_view(threshold["parameter"]["name"]) == "threshold");
  CHECK(std::string_view(threshold["parameter"]["since"]) == "2012-08-01");
  // Integers are JSON numbers; an unknown value is null.
  auto festival = doc["entitlements"].at(2)["trace"]["when"];
  auto parents = festival["children"].at(0)["children"].at(0);
  CHECK(std::string_view(parents["expr"]) == "parents");
  CHECK(int64_t(parents["value"]) == 2);
  auto hours = doc["undetermined"].at(0)["trace"]["when"];
  CHECK(hours["value"].is_null());
  // The 2014 value of the parameter, and its date.
  out = render(rules, kHousehold, "2014-06-01", true);
  CHECK(out.find(R"("parameter":{"name":"threshold","since":"2014-01-01"})") != std::string::npos);
}

TEST_CASE("a definition used twice in one rule is expanded once in the trace",
          "[render][json][trace]") {
  auto rules = testing::load_rules(kRules);
  std::string out = render(rules, kHousehold, "2013-01-01", true);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(out);
  auto when = doc["entitlements"].at(2)["trace"]["when"];  // parents >= 1 and parents <= 2
  auto first = when["children"].at(0)["children"].at(0);
  auto second = when["children"].at(1)["children"].at(0);
  CHECK(std::string_view(first["expr"]) == "parents");
  CHECK(first["children"].error() == simdjson::SUCCESS);
  CHECK(std::string_view(second["expr"]) == "parents");
  CHECK(int64_t(second["value"]) == 2);
  // The use keeps its child, the definition's root, shown without its children again.
  CHECK(std::string_view(first["children"].at(0)["expr"]) ==
        "count(members where role == \"parent\")");
  CHECK(first["children"].at(0)["children"].error() == simdjson::SUCCESS);
  CHECK(std::string_view(second["children"].at(0)["expr"]) ==
        "count(members where role == \"parent\")");
  CHECK(second["children"].at(0)["children"].error() == simdjson::NO_SUCH_FIELD);
}

}  // namespace
}  // namespace entitle
