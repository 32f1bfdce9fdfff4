// render_text and render_trace: the report for people, in English and Chinese.
#include <catch2/catch.hpp>

#include "entitle/render.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

std::string text(const std::shared_ptr<const RuleSet>& rules, std::string_view household,
                 std::string_view date, std::string_view lang, bool explain) {
  Facts facts;
  Diagnostics d;
  REQUIRE(bind_household(*rules, household, "h", facts, d));
  Evaluator evaluator(rules);
  RenderOptions options;
  options.lang = std::string(lang);
  options.explain = explain;
  return render_text(*rules, facts, evaluator.evaluate(facts, *Date::parse(date), {explain}),
                     options);
}

bool has(const std::string& haystack, std::string_view needle) {
  INFO(haystack);
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("golden text reports of Wuhan example households, zh and en", "[render][text][golden]") {
  for (std::string name :
       {"urban-shidu-couple", "rural-two-daughters", "floating-rural-daughter-zhongkao"}) {
    std::string household =
        testing::read_file(testing::source_path("examples/households/" + name + ".yaml"));
    for (std::string lang : {"en", "zh"}) {
      INFO(name << " " << lang);
      testing::check_golden(name + "." + lang + ".txt",
                            text(testing::wuhan(), household, "2013-01-01", lang, true));
    }
  }
}

constexpr std::string_view kRules = R"(rules:
  - id: elderly
    title: {zh: 老年, en: elderly}
    recipient: member where role == "parent"
    when: age(birth_date) >= elderly_age and any(members where role == "parent", is_known(role))
    grant: {kind: cash, amount: if retired then threshold else 0, period: yearly}
    basis: {source: src, clause: "1"}
  - id: pick
    title: {zh: 选, en: pick}
    recipient: household
    when: (if flag then threshold else income) > 0
    grant: {kind: points, quantity: 5, unit: points}
    basis: {source: src, clause: "2"}
  - id: fault
    title: {zh: 错, en: fault}
    recipient: household
    when: income / size > 0
    grant: {kind: priority}
    basis: {source: src, clause: "3"}
)";

constexpr std::string_view kHousehold = R"(id: h
flag: true
income: "10"
size: 0
members:
  - {id: dad, role: parent, birth_date: 1950-01-01, retired: true}
  - {id: mum, role: parent}
  - {id: kid, role: child}
)";

TEST_CASE("sections, amounts, missing facts and errors in both languages", "[render][text]") {
  auto rules = testing::load_rules(kRules);
  std::string en = text(rules, kHousehold, "2013-01-01", "en", false);
  CHECK(has(en, "Household h — as of 2013-01-01 — rule set test-package 0.0.1\n"));
  CHECK(has(en, "\nGranted\n  ✓ elderly → dad: elderly — 1000.00 CNY yearly [basis: src 1]\n"));
  CHECK(has(en, "  ✓ pick → Household: pick — 5 points [basis: src 2]\n"));
  CHECK(has(en, "\nUndetermined\n  ? elderly → mum: elderly — missing: members[1].birth_date\n"));
  CHECK(has(en, "\nErrors\n  ! fault → Household: fault — division by zero\n"));
  CHECK(has(en, "Totals: once 0.00, monthly 0.00, per occasion 0.00, annual 1000.00 CNY\n"));
  std::string zh = text(rules, kHousehold, "2013-01-01", "zh", false);
  CHECK(has(zh, "家庭 h — 评估日期 2013-01-01 — 政策包 test-package 0.0.1\n"));
  CHECK(has(zh, "\n享受\n  ✓ elderly → dad: 老年 — 1000.00 CNY 每年 [依据: src 1]\n"));
  CHECK(has(zh, "\n待定（缺少信息）\n  ? elderly → mum: 老年 — 缺少: members[1].birth_date\n"));
  CHECK(has(zh, "合计: 一次性 0.00, 每月 0.00, 每次 0.00, 年度合计 1000.00 CNY\n"));
}

TEST_CASE("trace lines: operands, parameter dates, member labels", "[render][text][trace]") {
  auto rules = testing::load_rules(kRules);
  std::string en = text(rules, kHousehold, "2013-01-01", "en", true);
  // A comparison shows its operands and the date a parameter took effect.
  CHECK(has(en,
            "✓ age(birth_date) >= elderly_age   (age(birth_date) = 63 [birth_date = "
            "1950-01-01]; elderly_age = 60 since 2012-08-01)\n"));
  // Inside an aggregation every member is named, the rule's recipient too.
  CHECK(has(en,
            "  ✓ elderly → dad: elderly — 1000.00 CNY yearly [basis: src 1]\n"
            "      ✓ role == \"parent\"   (role = parent)\n"
            "      ✓ age(birth_date) >= elderly_age and any(members where role == \"parent\", "
            "is_known(role))\n"
            "        ✓ age(birth_date) >= elderly_age   (age(birth_date) = 63 [birth_date = "
            "1950-01-01]; elderly_age = 60 since 2012-08-01)\n"
            "        ✓ any(members where role == \"parent\", is_known(role))\n"
            "          [dad] ✓ role == \"parent\"   (role = parent)\n"
            "          [dad] ✓ is_known(role)   (role = parent)\n"));
  CHECK(has(en, "! income / size > 0 (error: division by zero)"));
  // A member's false value decides all(); it is shown, the members the filter left out not.
  std::string all = text(testing::load_rules(R"(rules:
  - id: all_retired
    title: {zh: 全, en: all}
    recipient: household
    when: flag and all(members where role == "parent", retired)
    grant: {kind: priority}
    basis: {source: src, clause: "1"}
)"),
                         "{id: h, flag: true, members: [{id: a, role: parent, retired: true}, "
                         "{id: b, role: child}, {id: c, role: parent, retired: false}]}",
                         "2013-01-01", "en", true);
  CHECK(has(all,
            "          [a] ✓ retired\n"
            "          [c] ✓ role == \"parent\"   (role = parent)\n"
            "          [c] ✗ retired\n"));
  CHECK_FALSE(has(all, "[b]"));
  // Undetermined conditions show '?'.
  CHECK(has(en, "      ? age(birth_date) >= elderly_age"));
  std::string zh = text(rules, kHousehold, "2013-01-01", "zh", true);
  CHECK(has(zh, "elderly_age = 60 自 2012-08-01"));
}

TEST_CASE("render_trace indents by the given depth", "[render][text][trace]") {
  auto rules = testing::load_rules(kRules);
  Facts facts;
  testing::bind_ok(*rules, kHousehold, facts);
  Evaluator evaluator(rules);
  const Result& r = evaluator.evaluate(facts, *Date::parse("2013-01-01"), {true});
  const RuleOutcome& o = testing::outcome(*rules, facts, r, "pick");
  std::string trace = render_trace(*rules, facts, r, o, "en", 2);
  CHECK(trace.rfind("    ✓ (if flag then threshold else income) > 0", 0) == 0);
  CHECK(has(trace, "threshold = 1000.00 since 2012-08-01"));
  // Without a trace recorded, there is nothing to explain.
  const Result& untraced = evaluator.evaluate(facts, *Date::parse("2013-01-01"));
  CHECK(render_trace(*rules, facts, untraced, testing::outcome(*rules, facts, untraced, "pick"),
                     "en", 2)
            .empty());
}

}  // namespace
}  // namespace entitle
