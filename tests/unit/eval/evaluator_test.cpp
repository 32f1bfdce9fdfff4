#include "entitle/evaluate.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "compile/program.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

using testing::decide;
using testing::value_of;

// dad and mum are parents; kid was born on 29 February and has no `retired` or `pay`.
constexpr std::string_view kHousehold = R"(id: h
flag: true
other_flag: false
income: "1500.50"
size: 4
ratio: "0.5"
region: urban
start: 2012-08-01
label: hello
members:
  - {id: dad, role: parent, birth_date: 1952-06-15, retired: true, pay: "3000.00", score: "1.5", grade: 2}
  - {id: mum, role: parent, birth_date: 1955-01-20, retired: false, pay: "2500.25", grade: 1}
  - {id: kid, role: child, birth_date: 2000-02-29, deceased: false}
)";

std::string value(std::string_view expr) {
  return value_of(expr, kHousehold);
}

std::string member_value(std::string_view member, std::string_view expr,
                         std::string_view as_of = "2013-01-01") {
  return value_of(expr, kHousehold, as_of, member);
}

TEST_CASE("literals", "[eval][language]") {
  CHECK(value("60") == "60");
  CHECK(value("0.5") == "0.5");
  CHECK(value("007.2500") == "7.25");
  CHECK(value("true") == "true");
  CHECK(value("false") == "false");
  CHECK(value("date(\"2012-08-01\")") == "2012-08-01");
  CHECK(value("\"abc\" == \"abc\"") == "true");
  CHECK(value("\"a\\\"b\" == \"a\\\"b\"") == "true");
}

TEST_CASE("arithmetic on integers, decimals and money", "[eval][language][decimal]") {
  CHECK(value("2 + 3 * 4") == "14");
  CHECK(value("(2 + 3) * 4") == "20");
  CHECK(value("10 - 2 - 3") == "5");
  CHECK(value("-size") == "-4");
  CHECK(value("- -3") == "3");
  CHECK(value("size * ratio") == "2");
  CHECK(value("income + income") == "3001.00");
  CHECK(value("income - 0.5") == "1500.00");
  CHECK(value("income * 3") == "4501.50");
  CHECK(value("income * 0.5") == "750.25");  // money × decimal is money
  CHECK(value("income * ratio") == "750.25");
  CHECK(value("income / 2") == "750.25");
}

TEST_CASE("division rounds to four decimals, ties to even", "[eval][language][decimal]") {
  CHECK(value("7 / 2") == "3.5");  // integer / integer is a decimal, not truncated
  CHECK(value("10 / 4") == "2.5");
  CHECK(value("10 / 3") == "3.3333");
  CHECK(value("2 / 3") == "0.6667");
  CHECK(value("-2 / 3") == "-0.6667");
  CHECK(value("1 / 8") == "0.125");
  CHECK(value("0.0001 / 2") == "0");       // 0.00005 → even 0.0000
  CHECK(value("0.0003 / 2") == "0.0002");  // 0.00015 → even 0.0002
  CHECK(value("income / 3") == "500.1667");
  CHECK(value("income / income") == "1");  // money / money is a ratio
}

TEST_CASE("comparisons", "[eval][language]") {
  CHECK(value("size > 3") == "true");
  CHECK(value("size >= 4") == "true");
  CHECK(value("size < 4") == "false");
  CHECK(value("size <= 4") == "true");
  CHECK(value("size == 4") == "true");
  CHECK(value("size != 4") == "false");
  CHECK(value("size == 4.0") == "true");
  CHECK(value("income > threshold") == "true");
  CHECK(value("income == 1500.5") == "true");
  CHECK(value("start < date(\"2013-01-01\")") == "true");
  CHECK(value("start == date(\"2012-08-01\")") == "true");
  CHECK(value("region == \"urban\"") == "true");
  CHECK(value("region != \"rural\"") == "true");
  CHECK(value("label == \"hello\"") == "true");
  CHECK(value("label != \"hello\"") == "false");
  CHECK(value("flag == true") == "true");
  CHECK(value("flag != other_flag") == "true");
}

TEST_CASE("and, or, not, in, not in, if", "[eval][language]") {
  CHECK(value("flag and not other_flag") == "true");
  CHECK(value("flag and other_flag") == "false");
  CHECK(value("other_flag or flag") == "true");
  CHECK(value("not flag") == "false");
  CHECK(value("not not flag") == "true");
  CHECK(value("other_flag or other_flag or flag") == "true");
  CHECK(value("flag or other_flag and other_flag") == "true");  // and binds tighter
  CHECK(value("region in [\"urban\"]") == "true");
  CHECK(value("region not in [\"urban\"]") == "false");
  CHECK(value("region in [\"rural\"]") == "false");
  CHECK(value("size in [1, 2, 4]") == "true");
  CHECK(value("size not in [1, 2]") == "true");
  CHECK(value("label in [\"x\", \"hello\"]") == "true");
  CHECK(value("if flag then 1 else 2") == "1");
  CHECK(value("if other_flag then 1 else 2") == "2");
  CHECK(value("if other_flag then income else 0") == "0.00");  // money branch: money
  CHECK(value("if flag then region else \"rural\"") == "urban");
  CHECK(value("(if flag then 2 else 3) * 10") == "20");
}

TEST_CASE("member scope sees household facts as household.x", "[eval][language]") {
  CHECK(member_value("dad", "household.size + grade") == "6");
  CHECK(member_value("mum", "household.region == \"urban\" and role == \"parent\"") == "true");
  CHECK(member_value("kid", "role") == "child");
  CHECK(member_value("dad", "household.income") == "1500.50");
}

TEST_CASE("aggregations over members", "[eval][language]") {
  CHECK(value("count(members)") == "3");
  CHECK(value("count(members where role == \"parent\")") == "2");
  CHECK(value("count(members where role == \"other\")") == "0");
  CHECK(value("any(members where role == \"parent\", retired)") == "true");
  CHECK(value("all(members where role == \"parent\", retired)") == "false");
  CHECK(value("all(members where role == \"other\", retired)") == "true");  // vacuous
  CHECK(value("any(members where role == \"other\", retired)") == "false");
  CHECK(value("sum(members where role == \"parent\", pay)") == "5500.25");
  CHECK(value("sum(members, grade)") == "3");
  CHECK(value("sum(members where role == \"other\", grade)") == "0");
  CHECK(value("min(members where role == \"parent\", pay)") == "2500.25");
  CHECK(value("max(members, grade)") == "2");
  CHECK(value("min(members, birth_date)") == "1952-06-15");
  CHECK(value("max(members, birth_date)") == "2000-02-29");
  CHECK(value("count(members where household.flag)") == "3");
  // An aggregation inside a member rule looks at all members.
  CHECK(member_value("kid", "count(members where role == \"parent\")") == "2");
}

TEST_CASE("date functions", "[eval][language][date]") {
  CHECK(member_value("dad", "age(birth_date)") == "60");
  CHECK(member_value("dad", "age(birth_date)", "2012-06-14") == "59");
  CHECK(member_value("dad", "age(birth_date)", "2012-06-15") == "60");
  CHECK(member_value("kid", "age(birth_date)", "2012-02-29") == "12");
  CHECK(value("as_of()") == "2013-01-01");
  CHECK(value("years_between(date(\"2000-02-29\"), as_of())") == "12");
  CHECK(value("months_between(start, as_of())") == "5");
  CHECK(value("days_between(start, as_of())") == "153");
  CHECK(value("days_between(as_of(), start)") == "-153");
  CHECK(value("months_between(date(\"2013-01-31\"), date(\"2013-02-28\"))") == "1");
  CHECK(value("years_between(start, date(\"2013-07-31\"))") == "0");
  CHECK(value("years_between(start, date(\"2013-08-01\"))") == "1");
}

TEST_CASE("is_known is never unknown", "[eval][language]") {
  CHECK(member_value("dad", "is_known(retired)") == "true");
  CHECK(member_value("kid", "is_known(retired)") == "false");
  CHECK(member_value("kid", "is_known(pay + 1)") == "false");
  CHECK(member_value("kid", "is_known(disabled)") == "true");  // has a default
  CHECK(value("is_known(sum(members, pay))") == "false");
}

TEST_CASE("parameters are read as of the evaluation date", "[eval][language][parameter]") {
  CHECK(value_of("threshold", kHousehold, "2013-12-31") == "1000.00");
  CHECK(value_of("threshold", kHousehold, "2014-01-01") == "1200.00");
  CHECK(value_of("threshold", kHousehold, "2012-08-01") == "1000.00");
  CHECK(value_of("threshold", kHousehold, "2012-07-31") ==
        "error: parameter has no value on this date");
  CHECK(value_of("elderly_age", kHousehold, "2030-12-31") == "60");  // `until` is inclusive
  CHECK(value_of("elderly_age", kHousehold, "2031-01-01") ==
        "error: parameter has no value on this date");
  CHECK(value_of("income > threshold", kHousehold, "2013-06-01") == "true");
}

TEST_CASE("a rule's parameter is resolved per evaluation date", "[eval][parameter]") {
  auto rules = testing::load_rules(R"(rules:
  - id: above
    title: {zh: 高于, en: above}
    recipient: household
    when: income >= threshold
    grant: {kind: cash, amount: threshold, period: once}
    effective: {from: 2012-08-01}
    basis: {source: src, clause: "1"}
)");
  Facts facts;
  testing::bind_ok(*rules, "{id: h, income: \"1100.00\"}", facts);
  Evaluator evaluator(rules);
  {
    const Result& r = evaluator.evaluate(facts, *Date::parse("2013-12-31"));
    const RuleOutcome& o = testing::outcome(*rules, facts, r, "above");
    CHECK(o.outcome == Outcome::kGranted);
    CHECK(o.amount == *Decimal::parse("1000"));
  }
  {
    const Result& r = evaluator.evaluate(facts, *Date::parse("2014-01-01"));
    CHECK(testing::outcome(*rules, facts, r, "above").outcome == Outcome::kNotGranted);
  }
  {
    const Result& r = evaluator.evaluate(facts, *Date::parse("2012-07-31"));
    const RuleOutcome& o = testing::outcome(*rules, facts, r, "above", "");
    CHECK(o.reason == NotGrantedReason::kNotInEffect);
  }
}

// ---- three-valued logic ------------------------------------------------------------------------

// `unknown_flag` is absent, so unknown; the outcome shows the value of the condition.
std::string tv(std::string_view expr) {
  std::string e(expr);
  for (std::size_t at; (at = e.find('U')) != std::string::npos;)
    e.replace(at, 1, "flag");
  for (std::size_t at; (at = e.find('T')) != std::string::npos;)
    e.replace(at, 1, "true");
  for (std::size_t at; (at = e.find('F')) != std::string::npos;)
    e.replace(at, 1, "false");
  std::string result = decide("\"" + e + "\"", "{id: h}");
  if (result == "granted") return "T";
  if (result == "not_granted") return "F";
  if (result == "undetermined") return "U";
  return result;
}

TEST_CASE("Kleene truth table of and", "[eval][three-valued]") {
  CHECK(tv("T and T") == "T");
  CHECK(tv("T and F") == "F");
  CHECK(tv("T and U") == "U");
  CHECK(tv("F and T") == "F");
  CHECK(tv("F and F") == "F");
  CHECK(tv("F and U") == "F");
  CHECK(tv("U and T") == "U");
  CHECK(tv("U and F") == "F");
  CHECK(tv("U and U") == "U");
}

TEST_CASE("Kleene truth table of or", "[eval][three-valued]") {
  CHECK(tv("T or T") == "T");
  CHECK(tv("T or F") == "T");
  CHECK(tv("T or U") == "T");
  CHECK(tv("F or T") == "T");
  CHECK(tv("F or F") == "F");
  CHECK(tv("F or U") == "U");
  CHECK(tv("U or T") == "T");
  CHECK(tv("U or F") == "U");
  CHECK(tv("U or U") == "U");
}

TEST_CASE("Kleene truth table of not", "[eval][three-valued]") {
  CHECK(tv("not T") == "F");
  CHECK(tv("not F") == "T");
  CHECK(tv("not U") == "U");
}

TEST_CASE("structured conditions follow the same tables", "[eval][three-valued]") {
  CHECK(decide("all: [\"false\", flag]", "{id: h}") == "not_granted");
  CHECK(decide("any: [\"true\", flag]", "{id: h}") == "granted");
  CHECK(decide("any: [\"false\", flag]", "{id: h}") == "undetermined");
  CHECK(decide("not: flag", "{id: h}") == "undetermined");
  CHECK(decide("not: {all: [\"true\", other_flag]}", "{id: h, other_flag: false}") == "granted");
}

TEST_CASE("comparisons, arithmetic, in and if with unknown", "[eval][three-valued]") {
  CHECK(value_of("size > 3", "{id: h}") == "unknown");
  CHECK(value_of("size == size", "{id: h}") == "unknown");
  CHECK(value_of("income + 1", "{id: h}") == "unknown");
  CHECK(value_of("-income", "{id: h}") == "unknown");
  CHECK(value_of("region in [\"urban\", \"rural\"]", "{id: h}") == "unknown");
  CHECK(value_of("size in [1, 2]", "{id: h, size: 2}") == "true");
  CHECK(value_of("if flag then 1 else 2", "{id: h}") == "unknown");
  CHECK(value_of("age(start)", "{id: h}") == "unknown");
  CHECK(value_of("days_between(start, as_of())", "{id: h}") == "unknown");
  CHECK(value_of("size > 3 or flag", "{id: h, flag: true}") == "true");
  CHECK(value_of("size > 3 and flag", "{id: h, flag: false}") == "false");
}

// b's role is unknown. A member whose filter is unknown must leave any/all/count unknown unless
// another member decides.
constexpr std::string_view kUnknownRole = R"(id: h
members:
  - {id: a, role: parent, retired: true}
  - {id: b, retired: true, deceased: false}
  - {id: c, role: child, retired: false}
)";

TEST_CASE("aggregations do not drop members whose filter is unknown", "[eval][three-valued]") {
  auto v = [](std::string_view expr) { return value_of(expr, kUnknownRole); };
  CHECK(v("any(members where role == \"parent\", retired)") == "true");  // a decides
  CHECK(v("any(members where role == \"other\", retired)") == "unknown");
  CHECK(v("any(members where role == \"other\", deceased)") == "false");  // b: x and false
  CHECK(v("all(members where role != \"child\", retired)") == "true");
  CHECK(v("all(members where role != \"parent\", retired)") == "false");  // c decides
  CHECK(v("all(members where role == \"child\", deceased)") == "unknown");
  CHECK(v("count(members where role == \"parent\")") == "unknown");
  CHECK(v("count(members)") == "3");
  CHECK(v("sum(members where role == \"parent\", grade)") == "unknown");
  CHECK(v("min(members where role == \"parent\", grade)") == "unknown");
  CHECK(v("any(members, deceased)") == "unknown");  // a's deceased is unknown
}

// ---- the missing facts of undetermined rules
// -----------------------------------------------------

struct Missing {
  std::string outcome;
  std::vector<std::string> paths;
};

Missing missing_of(std::string_view condition, std::string_view household,
                   std::string_view recipient = "household", std::string_view member = "") {
  std::string yaml = fmt::format(R"(rules:
  - id: r
    title: {{zh: 规则, en: rule}}
    recipient: {}
    when: '{}'
    grant: {{kind: priority}}
    basis: {{source: src, clause: "1"}}
)",
                                 recipient, condition);
  auto rules = testing::load_rules(yaml);
  Facts facts;
  testing::bind_ok(*rules, household, facts);
  Evaluator evaluator(rules);
  for (bool trace : {false, true}) {
    const Result& result = evaluator.evaluate(facts, *Date::parse("2013-01-01"), {trace});
    const RuleOutcome& o =
        testing::outcome(*rules, facts, result, "r", member.empty() ? "household" : member);
    Missing m{testing::outcome_name(o.outcome), testing::missing(*rules, result, o)};
    if (!trace) continue;
    return m;
  }
  return {};
}

TEST_CASE("undetermined rules list exactly the facts that would decide them", "[eval][missing]") {
  auto m = missing_of("flag or size > 3", "{id: h}");
  CHECK(m.outcome == "undetermined");
  CHECK(m.paths == std::vector<std::string>{"flag", "size"});

  // other_flag is known and so not missing; flag did not decide (false and …) in the second.
  m = missing_of("(flag or other_flag) and size > 3", "{id: h, other_flag: false}");
  CHECK(m.paths == std::vector<std::string>{"flag", "size"});
  m = missing_of("flag and size > 3", "{id: h, size: 1}");
  CHECK(m.outcome == "not_granted");
  CHECK(m.paths.empty());
  m = missing_of("flag or size > 3", "{id: h, size: 4}");
  CHECK(m.outcome == "granted");

  // A fact read twice is listed once.
  m = missing_of("size > 3 or size < 1", "{id: h}");
  CHECK(m.paths == std::vector<std::string>{"size"});

  // Members: the member whose filter is unknown, not the members the filter left out.
  m = missing_of("any(members where role == \"other\", retired)", kUnknownRole);
  CHECK(m.outcome == "undetermined");
  CHECK(m.paths == std::vector<std::string>{"members[1].role"});
  m = missing_of("count(members where role == \"parent\") == 1", kUnknownRole);
  CHECK(m.paths == std::vector<std::string>{"members[1].role"});
  m = missing_of("all(members where role == \"child\", deceased)", kUnknownRole);
  CHECK(m.paths == std::vector<std::string>{"members[1].role", "members[2].deceased"});

  // The branch not taken of an `if` is not missing; the condition is.
  m = missing_of("if flag then size > 1 else income > 0", "{id: h}");
  CHECK(m.paths == std::vector<std::string>{"flag"});
  m = missing_of("if flag then size > 1 else income > 0", "{id: h, flag: true}");
  CHECK(m.paths == std::vector<std::string>{"size"});

  // From a member rule: the member's own facts and the household's.
  m = missing_of("retired and household.flag", kUnknownRole, "member", "c");
  CHECK(m.outcome == "not_granted");
  m = missing_of("retired and household.flag", kUnknownRole, "member", "a");
  CHECK(m.outcome == "undetermined");
  CHECK(m.paths == std::vector<std::string>{"flag"});
}

TEST_CASE("missing facts through definitions and recipient filters", "[eval][missing]") {
  auto rules = testing::load_rules(R"(definitions:
  member:
    is_parent: {expr: role == "parent"}
    elderly: {expr: age(birth_date) >= elderly_age}
rules:
  - id: r
    title: {zh: 规则, en: rule}
    recipient: member where is_parent
    when: elderly or retired
    grant: {kind: cash, amount: household.income, period: monthly}
    basis: {source: src, clause: "1"}
)");
  Facts facts;
  testing::bind_ok(*rules, R"(id: h
members:
  - {id: a, role: parent, retired: false}
  - {id: b, birth_date: 1940-01-01}
  - {id: c, role: child}
  - {id: d, role: parent, retired: true}
)",
                   facts);
  Evaluator evaluator(rules);
  const Result& result = evaluator.evaluate(facts, *Date::parse("2013-01-01"));
  auto a = testing::outcome(*rules, facts, result, "r", "a");
  CHECK(a.outcome == Outcome::kUndetermined);
  CHECK(testing::missing(*rules, result, a) == std::vector<std::string>{"members[0].birth_date"});
  // b: the filter is unknown and the condition true: only the filter's fact is missing.
  auto b = testing::outcome(*rules, facts, result, "r", "b");
  CHECK(b.outcome == Outcome::kUndetermined);
  CHECK(testing::missing(*rules, result, b) == std::vector<std::string>{"members[1].role"});
  // d qualifies, but the amount is unknown.
  auto d = testing::outcome(*rules, facts, result, "r", "d");
  CHECK(d.outcome == Outcome::kUndetermined);
  CHECK(testing::missing(*rules, result, d) == std::vector<std::string>{"income"});
  for (const auto& o : result.outcomes)
    CHECK(o.member != 2);  // c is not a recipient
}

// ---- faults
// ----------------------------------------------------------------------------------------

TEST_CASE("overflow and division by zero fault one rule only", "[eval][decimal]") {
  auto rules = testing::load_rules(R"(rules:
  - id: big
    title: {zh: 大, en: big}
    recipient: household
    when: income * 1000000000000 > 0
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
  - id: zero
    title: {zh: 零, en: zero}
    recipient: household
    when: income / (size - 4) > 0
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
  - id: amount
    title: {zh: 金额, en: amount}
    recipient: household
    when: flag
    grant: {kind: cash, amount: income * 999999999999, period: once}
    basis: {source: src, clause: "1"}
  - id: sum
    title: {zh: 和, en: sum}
    recipient: household
    when: sum(members, pay) > 0
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
  - id: literal
    title: {zh: 字面, en: literal}
    recipient: household
    when: 922337203685477 * 10 > 0
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
  - id: fine
    title: {zh: 好, en: fine}
    recipient: household
    when: flag
    grant: {kind: cash, amount: income, period: monthly}
    basis: {source: src, clause: "1"}
)");
  Facts facts;
  testing::bind_ok(*rules, R"(id: h
flag: true
income: "1500.50"
size: 4
members:
  - {id: a, pay: "900000000000000"}
  - {id: b, pay: "900000000000000"}
)",
                   facts);
  Evaluator evaluator(rules);
  for (bool trace : {false, true}) {
    const Result& r = evaluator.evaluate(facts, *Date::parse("2013-01-01"), {trace});
    CHECK(testing::outcome(*rules, facts, r, "big").error == EvalError::kOverflow);
    CHECK(testing::outcome(*rules, facts, r, "big").outcome == Outcome::kError);
    CHECK(testing::outcome(*rules, facts, r, "zero").error == EvalError::kDivisionByZero);
    CHECK(testing::outcome(*rules, facts, r, "amount").outcome == Outcome::kError);
    CHECK(testing::outcome(*rules, facts, r, "amount").error == EvalError::kOverflow);
    CHECK(testing::outcome(*rules, facts, r, "sum").error == EvalError::kOverflow);
    CHECK(testing::outcome(*rules, facts, r, "literal").error == EvalError::kOverflow);
    const RuleOutcome& fine = testing::outcome(*rules, facts, r, "fine");
    CHECK(fine.outcome == Outcome::kGranted);
    CHECK(fine.amount == *Decimal::parse("1500.50"));
    CHECK(r.totals.monthly == *Decimal::parse("1500.50"));
    CHECK(r.totals.annual == *Decimal::parse("18006"));
    CHECK_FALSE(r.totals.overflow);
  }
}

TEST_CASE("decimal range edges in rules", "[eval][decimal]") {
  CHECK(value_of("income + 0.0001", "{id: h, income: \"922337203685477.5806\"}") ==
        "922337203685477.5807");
  CHECK(value_of("income + 0.0002", "{id: h, income: \"922337203685477.5806\"}") ==
        "error: overflow");
  CHECK(value_of("-income - 1", "{id: h, income: \"922337203685477.5807\"}") == "error: overflow");
  CHECK(value_of("-income", "{id: h, income: \"922337203685477.5807\"}") ==
        "-922337203685477.5807");
  CHECK(value_of("income / 0.0001", "{id: h, income: \"922337203685477\"}") == "error: overflow");
  CHECK(value_of("income * 1", "{id: h, income: \"1.005\"}") == "1.005");
  CHECK(value_of("income * 100", "{id: h, income: \"1.005\"}") == "100.50");
}

// ---- age conventions -------------------------------------------------------------------------

std::string age_under(std::string_view convention, std::string_view birth, std::string_view on) {
  return value_of("age(birth_date)",
                  fmt::format("{{id: h, members: [{{id: m, birth_date: {}}}]}}", birth), on, "m",
                  {{"package.yaml", testing::manifest(convention)}});
}

TEST_CASE("age conventions declared by the package", "[eval][date][age]") {
  const char* on_mar1 = "{birthday: on_birthday, feb29: mar1}";
  const char* on_feb28 = "{birthday: on_birthday, feb29: feb28}";
  const char* after_mar1 = "{birthday: day_after, feb29: mar1}";
  const char* after_feb28 = "{birthday: day_after, feb29: feb28}";

  SECTION("an ordinary birthday") {
    CHECK(age_under(on_mar1, "1952-06-15", "2012-06-14") == "59");
    CHECK(age_under(on_mar1, "1952-06-15", "2012-06-15") == "60");
    CHECK(age_under(after_mar1, "1952-06-15", "2012-06-15") == "59");
    CHECK(age_under(after_mar1, "1952-06-15", "2012-06-16") == "60");
    CHECK(age_under("", "1952-06-15", "2012-06-15") == "60");  // default: on_birthday
  }
  SECTION("29 February in a common year") {
    CHECK(age_under(on_mar1, "2000-02-29", "2013-02-28") == "12");
    CHECK(age_under(on_mar1, "2000-02-29", "2013-03-01") == "13");
    CHECK(age_under(on_feb28, "2000-02-29", "2013-02-27") == "12");
    CHECK(age_under(on_feb28, "2000-02-29", "2013-02-28") == "13");
    CHECK(age_under(after_mar1, "2000-02-29", "2013-03-01") == "12");
    CHECK(age_under(after_mar1, "2000-02-29", "2013-03-02") == "13");
    CHECK(age_under(after_feb28, "2000-02-28", "2013-02-28") == "12");
    CHECK(age_under(after_feb28, "2000-02-29", "2013-02-28") == "12");
    CHECK(age_under(after_feb28, "2000-02-29", "2013-03-01") == "13");
    CHECK(age_under("", "2000-02-29", "2013-02-28") == "12");  // default: mar1
  }
  SECTION("29 February in a leap year is the birthday under every convention") {
    for (auto c : {on_mar1, on_feb28})
      CHECK(age_under(c, "2000-02-29", "2012-02-29") == "12");
    for (auto c : {after_mar1, after_feb28}) {
      CHECK(age_under(c, "2000-02-29", "2012-02-29") == "11");
      CHECK(age_under(c, "2000-02-29", "2012-03-01") == "12");
    }
  }
}

// ---- structured conditions ----------------------------------------------------------------------

// Pre-order (depth, value) of a trace tree: its shape without the source texts.
void shape(const Result& r, std::uint32_t i, int depth, std::vector<std::string>& out) {
  for (; i != kNoTrace; i = r.trace[i].next_sibling) {
    const TraceNode& t = r.trace[i];
    out.push_back(fmt::format("{}:{}:{}", depth, static_cast<int>(t.value.kind), t.value.bits));
    shape(r, t.first_child, depth + 1, out);
  }
}

TEST_CASE("structured all/any/not conditions equal their string form", "[eval][language]") {
  auto rules = testing::load_rules(R"(rules:
  - id: text
    title: {zh: 文, en: text}
    recipient: household
    when: flag and (other_flag or size > 3) and not (region == "rural")
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
  - id: structured
    title: {zh: 构, en: structured}
    recipient: household
    when:
      all:
        - flag
        - any:
            - other_flag
            - size > 3
        - not: region == "rural"
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
)");
  Evaluator evaluator(rules);
  for (std::string_view household :
       {"{id: h, flag: true, other_flag: false, size: 4, region: urban}",
        "{id: h, flag: true, size: 2, region: urban}", "{id: h, flag: true, size: 5}",
        "{id: h, flag: false}", "{id: h}"}) {
    INFO(household);
    Facts facts;
    testing::bind_ok(*rules, household, facts);
    const Result& r = evaluator.evaluate(facts, *Date::parse("2013-01-01"), {true});
    const RuleOutcome& a = testing::outcome(*rules, facts, r, "text");
    const RuleOutcome& b = testing::outcome(*rules, facts, r, "structured");
    CHECK(a.outcome == b.outcome);
    CHECK(testing::missing(*rules, r, a) == testing::missing(*rules, r, b));
    std::vector<std::string> shape_a, shape_b;
    shape(r, a.condition_trace, 0, shape_a);
    shape(r, b.condition_trace, 0, shape_b);
    CHECK(shape_a == shape_b);
  }
}

// ---- limits ------------------------------------------------------------------------------------

// d0 = size, d1 = d0 + d0, …: evaluation with the definitions cached visits few nodes; a trace
// that re-walked every use would visit 2^depth.
std::string doubling_definitions(int depth) {
  std::string yaml = "definitions:\n  household:\n    d0: {expr: size}\n";
  for (int i = 1; i <= depth; ++i)
    yaml += fmt::format("    d{}: {{expr: d{} + d{}}}\n", i, i - 1, i - 1);
  yaml += fmt::format(R"(rules:
  - id: big
    title: {{zh: 大, en: big}}
    recipient: household
    when: d{} > 0
    grant: {{kind: priority}}
    basis: {{source: src, clause: "1"}}
)",
                      depth);
  return yaml;
}

TEST_CASE("tracing does not change the outcome of a rule with shared definitions",
          "[eval][limits]") {
  auto rules = testing::load_rules(doubling_definitions(40));
  Facts facts;
  testing::bind_ok(*rules, "{id: h, size: 1}", facts);
  Evaluator evaluator(rules);
  for (bool trace : {false, true}) {
    INFO("trace " << trace);
    const Result& r = evaluator.evaluate(facts, *Date::parse("2013-01-01"), {trace});
    CHECK(testing::outcome(*rules, facts, r, "big").outcome == Outcome::kGranted);
    CHECK(r.trace.size() < 1000);
  }
}

TEST_CASE("the step budget stops a pathological evaluation as a rule error", "[eval][limits]") {
  // Three nested aggregations over 30 members: 27,000 filter evaluations, over the budget.
  LoadOptions options;
  options.limits.max_eval_steps = 5000;
  std::string household = "id: h\nmembers:\n";
  for (int i = 0; i < 30; ++i)
    household += fmt::format("  - {{id: m{}, grade: 1}}\n", i);
  auto rules = testing::load_rules(R"(rules:
  - id: heavy
    title: {zh: 重, en: heavy}
    recipient: household
    when: count(members where count(members where count(members where grade > 0) > 0) > 0) > 0
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
  - id: light
    title: {zh: 轻, en: light}
    recipient: household
    when: count(members) == 30
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
)",
                                   options);
  Facts facts;
  testing::bind_ok(*rules, household, facts);
  Evaluator evaluator(rules);
  const Result& r = evaluator.evaluate(facts, *Date::parse("2013-01-01"), {true});
  const RuleOutcome& heavy = testing::outcome(*rules, facts, r, "heavy");
  CHECK(heavy.outcome == Outcome::kError);
  CHECK(heavy.error == EvalError::kStepBudget);
  // The budget is per rule: a later, cheap rule is still decided.
  CHECK(testing::outcome(*rules, facts, r, "light").outcome == Outcome::kGranted);
}

// ---- determinism and reuse ----------------------------------------------------------------------

TEST_CASE("outcomes are in rule order, then member order; evaluators are reusable", "[eval]") {
  auto rules = testing::load_rules(R"(rules:
  - id: second_in_file
    title: {zh: 二, en: two}
    recipient: member
    when: "true"
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
  - id: first_household
    title: {zh: 一, en: one}
    recipient: household
    when: "true"
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
)");
  Facts facts;
  testing::bind_ok(*rules, "{id: h, members: [{id: z}, {id: a}, {id: m}]}", facts);
  Evaluator evaluator(rules);
  std::vector<std::string> first;
  for (int round = 0; round < 2; ++round) {
    const Result& r = evaluator.evaluate(facts, *Date::parse("2013-01-01"));
    std::vector<std::string> order;
    for (const auto& o : r.outcomes) {
      order.push_back(rules->rule(o.rule).id + ":" +
                      (o.member < 0 ? "household" : std::string(facts.member_id(o.member))));
    }
    CHECK(order == std::vector<std::string>{"second_in_file:z", "second_in_file:a",
                                            "second_in_file:m", "first_household:household"});
  }
}

}  // namespace
}  // namespace entitle
