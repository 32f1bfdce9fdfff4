#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "entitle/evaluate.hpp"
#include "entitle/explain.hpp"
#include "entitle/facts.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

namespace fs = std::filesystem;

using testing::check_golden;
using testing::read_file;
using testing::source_path;
using testing::test_data;

const std::string kWuhan = source_path("rules/wuhan-2012");
const std::string kTimeline = test_data("timeline/package");

using Loaded = testing::HouseholdFile;

void load(const std::string& package, const std::string& household, Loaded& out) {
  testing::load_household(package, household, out);
}

std::string example(const char* name) {
  return source_path(std::string("examples/households/") + name);
}

// Approved output under tests/data/golden/explain/.
void approve(const std::string& actual, const std::string& name) {
  check_golden("explain/" + name + ".txt", actual);
}

TEST_CASE("explanations read the same as their approved text in both languages", "[explain]") {
  Date as_of = *Date::parse("2013-01-01");
  Loaded shidu;
  load(kWuhan, example("urban-shidu-couple.yaml"), shidu);
  ExplainOptions en, zh;
  zh.lang = "zh";
  approve(explain_text(shidu.rules, shidu.facts, as_of, en), "urban-shidu-couple.en");
  approve(explain_text(shidu.rules, shidu.facts, as_of, zh), "urban-shidu-couple.zh");

  Loaded elderly;
  load(kWuhan, example("elderly-planning-household.yaml"), elderly);
  ExplainOptions grandmother = zh;
  grandmother.member = "grandmother";
  approve(explain_text(elderly.rules, elderly.facts, as_of, grandmother),
          "elderly-planning-household.grandmother.zh");

  Loaded unknown;
  load(kTimeline, test_data("timeline/households/unknown-birth-date.yaml"), unknown);
  approve(explain_text(unknown.rules, unknown.facts, as_of, en), "unknown-birth-date.en");

  Date from = *Date::parse("2010-01-01");
  approve(render_timeline(
              *shidu.rules, shidu.facts,
              compute_timeline(shidu.rules, shidu.facts, from, *Date::parse("2019-12-31")), en),
          "urban-shidu-couple.timeline.en");
  Loaded daughter;
  load(kWuhan, example("rural-only-daughter-sterilized.yaml"), daughter);
  approve(render_timeline(*daughter.rules, daughter.facts,
                          compute_timeline(daughter.rules, daughter.facts, from,
                                           *Date::parse("2030-12-31"), zh),
                          zh),
          "rural-only-daughter-sterilized.timeline.zh");
}

TEST_CASE("why, why not and when, in English and Chinese", "[explain]") {
  Loaded h;
  load(kWuhan, example("urban-shidu-couple.yaml"), h);
  Date as_of = *Date::parse("2013-01-01");
  ExplainOptions en, zh;
  zh.lang = "zh";
  en.rule = zh.rule = "home_care";
  std::string e = explain_text(h.rules, h.facts, as_of, en);
  std::string z = explain_text(h.rules, h.facts, as_of, zh);
  CHECK_THAT(e, Catch::Contains("father: granted (1 hour/day) because household.is_shidu holds "
                                "(shidu household (its only child has died)); age >= elderly_age "
                                "holds (age = 62; elderly_age = 60 since 2012-08-01)."));
  CHECK_THAT(e, Catch::Contains("mother: not granted because age >= elderly_age does not hold "
                                "(age = 57; elderly_age = 60 since 2012-08-01)."));
  CHECK_THAT(
      e, Catch::Contains("When: mother turns 60 on 2015-03-03; from that day mother qualifies for "
                         "home_care."));
  CHECK_THAT(z, Catch::Contains("father：享受（1 hour/day），因为 household.is_shidu 成立"));
  CHECK_THAT(z, Catch::Contains("mother：不享受，因为 age >= elderly_age 不成立（age = 57; "
                                "elderly_age = 60 自 2012-08-01）。"));
  CHECK_THAT(z, Catch::Contains(
                    "何时：mother 于 2015-03-03 年满 60 周岁；自该日起 mother 可享受 home_care。"));
  CHECK(e.find("care_allowance_70") == std::string::npos);  // --rule keeps one rule

  // The date is right: not granted the day before, granted that day.
  Evaluator evaluator(h.rules);
  int rule = h.rules->find_rule("home_care");
  auto granted_to_mother = [&](const char* day) {
    for (const auto& o : evaluator.evaluate(h.facts, *Date::parse(day)).outcomes) {
      if (o.rule == static_cast<std::uint32_t>(rule) && o.member == 1) {
        return o.outcome == Outcome::kGranted;
      }
    }
    return false;
  };
  CHECK_FALSE(granted_to_mother("2015-03-02"));
  CHECK(granted_to_mother("2015-03-03"));

  // Every failing condition is named, not only the first one the evaluator met.
  ExplainOptions allowance;
  allowance.rule = "care_allowance_70";
  allowance.member = "father";
  std::string a = explain_text(h.rules, h.facts, as_of, allowance);
  CHECK_THAT(a, Catch::Contains("age >= care_allowance_age does not hold (age = 62; "
                                "care_allowance_age = 70 since 2012-08-01); "
                                "household.living_difficulty does not hold"));
  CHECK_THAT(a, Catch::Contains("When: father turns 70 on 2020-05-10; from that day age >= "
                                "care_allowance_age holds, but that alone does not grant "
                                "care_allowance_70."));

  // Before the rule is in effect: when it takes effect, and to whom it is then granted.
  ExplainOptions lump;
  lump.rule = "shidu_parent_lump_sum";
  std::string l = explain_text(h.rules, h.facts, *Date::parse("2012-05-01"), lump);
  CHECK_THAT(l, Catch::Contains("not granted: the rule takes effect on 2012-08-01."));
  CHECK_THAT(l, Catch::Contains("When: From 2012-08-01 (shidu_parent_lump_sum takes effect on "
                                "2012-08-01"));
  CHECK_THAT(l, Catch::Contains("shidu_parent_lump_sum is granted to father, mother."));
}

TEST_CASE("undetermined rules name the missing facts and the conditions that need them",
          "[explain]") {
  Loaded h;
  load(kTimeline, test_data("timeline/households/unknown-birth-date.yaml"), h);
  ExplainOptions en, zh;
  zh.lang = "zh";
  en.rule = zh.rule = "pension";
  Date as_of = *Date::parse("2013-01-01");
  CHECK_THAT(explain_text(h.rules, h.facts, as_of, en),
             Catch::Contains("father: undetermined because these facts are missing: "
                             "members[0].birth_date (needed by age >= pension_age)."));
  CHECK_THAT(explain_text(h.rules, h.facts, as_of, zh),
             Catch::Contains("father：待定，因为缺少以下信息：members[0].birth_date"
                             "（涉及条件：age >= pension_age）。"));
}

}  // namespace
}  // namespace entitle
