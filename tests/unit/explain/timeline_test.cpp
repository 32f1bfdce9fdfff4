#include <filesystem>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "entitle/evaluate.hpp"
#include "entitle/explain.hpp"
#include "entitle/facts.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

namespace fs = std::filesystem;

using Loaded = testing::HouseholdFile;

void load(const std::string& package, const fs::path& household, Loaded& out) {
  testing::load_household(package, household.string(), out);
}

Date D(const char* text) {
  return *Date::parse(text);
}

struct Household {
  std::string package;
  fs::path file;
};

std::vector<Household> households() {
  std::vector<Household> out;
  std::string wuhan = std::string(ENTITLE_SOURCE_DIR) + "/rules/wuhan-2012";
  for (const auto& e :
       fs::directory_iterator(fs::path(ENTITLE_SOURCE_DIR) / "examples/households")) {
    out.push_back({wuhan, e.path()});
  }
  std::string timeline = std::string(ENTITLE_TEST_DATA) + "/timeline/package";
  for (const auto& e :
       fs::directory_iterator(fs::path(ENTITLE_TEST_DATA) / "timeline/households")) {
    out.push_back({timeline, e.path()});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.file < b.file; });
  return out;
}

TEST_CASE("the timeline agrees with evaluating every day of a ten-year window", "[explain]") {
  const Date from = D("2010-01-01"), to = D("2019-12-31");
  std::map<std::string, std::shared_ptr<const RuleSet>> packages;
  auto list = households();
  REQUIRE(list.size() >= 12);
  for (const auto& h : list) {
    INFO(h.file.string());
    Loaded loaded;
    loaded.rules = packages[h.package];
    load(h.package, h.file, loaded);
    packages[h.package] = loaded.rules;
    const auto& rules = loaded.rules;
    const Facts& facts = loaded.facts;

    Timeline timeline = compute_timeline(rules, facts, from, to);
    REQUIRE(timeline.unsupported.empty());
    REQUIRE(!timeline.periods.empty());
    CHECK(timeline.periods.front().first == from);
    CHECK(timeline.periods.back().last == to);
    for (std::size_t i = 0; i + 1 < timeline.periods.size(); ++i) {
      CHECK(timeline.periods[i + 1].first == timeline.periods[i].last.plus_days(1));
      CHECK_FALSE(timeline.periods[i + 1].items == timeline.periods[i].items);
      CHECK_FALSE(timeline.periods[i + 1].causes.empty());
    }
    // Far fewer evaluations than days: the change points come from the rules' dates.
    CHECK(change_points(*rules, facts, from, to).points.size() < 400);

    Evaluator evaluator(rules);
    std::size_t period = 0, mismatches = 0;
    std::string first_mismatch;
    for (Date day = from; day <= to; day = day.plus_days(1)) {
      while (timeline.periods[period].last < day)
        ++period;
      if (timeline_items(*rules, facts, evaluator.evaluate(facts, day), {}) !=
          timeline.periods[period].items) {
        if (mismatches++ == 0) first_mismatch = day.to_string();
      }
    }
    INFO("first day the timeline is wrong: " << first_mismatch);
    CHECK(mismatches == 0);
  }
}

TEST_CASE("change points follow the package's age convention and dated parameters", "[explain]") {
  Loaded loaded;
  load(std::string(ENTITLE_TEST_DATA) + "/timeline/package",
       fs::path(ENTITLE_TEST_DATA) / "timeline/households/leap-day-family.yaml", loaded);
  const auto& rules = loaded.rules;
  const Facts& facts = loaded.facts;
  Timeline timeline = compute_timeline(rules, facts, D("2010-01-01"), D("2019-12-31"));
  std::vector<std::string> starts;
  for (const auto& p : timeline.periods)
    starts.push_back(p.first.to_string());
  // Born 1956-02-29, turning 60 under day_after + feb28: 28 February 2016 is a leap year's
  // 28th, so the anniversary is 29 February and the day after is 1 March.
  CHECK(std::find(starts.begin(), starts.end(), "2016-03-01") != starts.end());
  // pension_age 62 ends on 2018-12-31 and 63 starts the next day.
  CHECK(std::find(starts.begin(), starts.end(), "2019-01-01") != starts.end());
  // 2017-05-01: the newcomers' as_of() date.
  CHECK(std::find(starts.begin(), starts.end(), "2017-05-01") != starts.end());

  ExplainOptions only_father;
  only_father.member = "father";
  only_father.rule = "pension";
  Timeline pension = compute_timeline(rules, facts, D("2010-01-01"), D("2019-12-31"), only_father);
  std::vector<std::string> pension_starts;
  for (const auto& p : pension.periods)
    pension_starts.push_back(p.first.to_string());
  CHECK(pension_starts == std::vector<std::string>{"2010-01-01", "2016-03-01", "2016-07-01",
                                                   "2018-03-01", "2019-01-01", "2019-03-01"});
}

TEST_CASE("a package using as_of() in a way the analysis cannot follow is reported", "[explain]") {
  LoadResult loaded = load_ruleset_from_files({
      {"package.yaml", "package: {name: p, version: '1', sources: [{id: s, title: t}]}\n"},
      {"rules.yaml",
       "schema:\n  member:\n    d: {type: date, description: {zh: 日期, en: date}}\n"
       "rules:\n  - id: r\n    title: {zh: 规则, en: rule}\n    recipient: member\n"
       "    when: days_between(d, as_of()) > 30\n    grant: {kind: in_kind}\n"
       "    basis: {source: s, clause: '1'}\n"},
  });
  REQUIRE(loaded.rules);
  Facts facts;
  Diagnostics diagnostics;
  REQUIRE(bind_household(*loaded.rules, "id: h\nmembers: [{id: a, d: 2000-01-01}]\n", "h", facts,
                         diagnostics));
  Timeline timeline = compute_timeline(loaded.rules, facts, D("2010-01-01"), D("2011-01-01"));
  CHECK(timeline.periods.empty());
  CHECK(timeline.unsupported.find("days_between") != std::string::npos);
  CHECK(timeline.unsupported.find("rules.yaml:") == 0);
}

}  // namespace
}  // namespace entitle
