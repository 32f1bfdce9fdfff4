// entitle diff: every figure of the report on small populations worked out by hand
// (tests/data/diff/README.md), a package against itself, the same report whatever the threads,
// error records, a reform that adds a fact, and the distribution's bins.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "diff/distribution.hpp"
#include "diff/format.hpp"
#include "entitle/diff.hpp"
#include "population.hpp"

namespace entitle {
namespace {

const std::string kSource = ENTITLE_SOURCE_DIR;
const Date kAsOf = *Date::parse("2014-06-01");

std::shared_ptr<const RuleSet> load(const std::string& directory) {
  auto loaded = load_ruleset(kSource + "/" + directory);
  INFO(format_diagnostics(loaded.diagnostics));
  REQUIRE(loaded.rules);
  return loaded.rules;
}

std::shared_ptr<const RuleSet> wuhan() {
  static auto rules = load("rules/wuhan-2012");
  return rules;
}

std::string population() {
  std::ifstream in(std::string(ENTITLE_TEST_DATA) + "/diff/population.jsonl");
  std::stringstream text;
  text << in.rdbuf();
  REQUIRE(!text.str().empty());
  return text.str();
}

struct Run {
  unsigned threads = 2;
  std::size_t chunk_bytes = std::size_t{64} << 10;
  std::optional<Date> as_of = kAsOf;
  DiffOptions options;
};

DiffReport diff(const std::shared_ptr<const RuleSet>& base,
                const std::shared_ptr<const RuleSet>& reform, const std::string& input,
                const Run& run = {}) {
  std::vector<std::unique_ptr<DiffWorker>> workers;
  std::vector<BatchWorker*> pointers;
  std::vector<const DiffWorker*> views;
  for (unsigned i = 0; i < run.threads; ++i) {
    workers.push_back(std::make_unique<DiffWorker>(base, reform, run.options));
    pointers.push_back(workers.back().get());
    views.push_back(workers.back().get());
  }
  BatchOptions options;
  options.as_of = run.as_of;
  options.chunk_bytes = run.chunk_bytes;
  std::size_t pos = 0;
  BatchStats stats = run_batch(
      *reform,
      [&](char* buffer, std::size_t size) -> std::ptrdiff_t {
        std::size_t n = std::min(size, input.size() - pos);
        std::copy_n(input.data() + pos, n, buffer);
        pos += n;
        return static_cast<std::ptrdiff_t>(n);
      },
      [](std::string_view) { return true; }, pointers, options);
  REQUIRE(stats.failure.empty());
  return make_diff_report(*base, *reform, views, stats, run.as_of, run.options);
}

const DiffRule& rule(const DiffReport& report, std::string_view id) {
  for (const auto& r : report.rules) {
    if (r.id == id) return r;
  }
  FAIL("no rule " << id);
  throw;
}

Decimal yuan(const char* text) {
  return *Decimal::parse(text);
}

bool contains(const std::vector<std::string>& lines, std::string_view line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// Bins as "low..high:n" for readable comparisons.
std::vector<std::string> bins(const std::vector<DiffBin>& list) {
  std::vector<std::string> out;
  for (const auto& b : list) {
    out.push_back(b.low.to_string(2) + ".." + b.high.to_string(2) + ":" +
                  std::to_string(b.households));
  }
  return out;
}

TEST_CASE("diff: care_allowance_70 raised to 200 yuan costs 1200 a year per eligible parent") {
  DiffReport r = diff(wuhan(), load("examples/reforms/care-allowance-200"), population());
  CHECK(r.records == 5);
  CHECK(r.households == 5);
  CHECK(r.errors == 0);
  // Three eligible parents: both of couple-70s and the widower (the mother of mother-66 is 66).
  const DiffRule& care = rule(r, "care_allowance_70");
  CHECK(care.in_base);
  CHECK(care.in_reform);
  CHECK(care.base.granted == 3);
  CHECK(care.reform.granted == 3);
  CHECK(care.base.annual == yuan("3600"));                                     // 3 × 12 × 100
  CHECK(care.reform.annual == yuan("7200"));                                   // 3 × 12 × 200
  CHECK(*diff::change(care.base.annual, care.reform.annual) == yuan("3600"));  // 1200 × 3
  // Nothing else changes.
  for (const auto& other : r.rules) {
    if (other.id == "care_allowance_70") continue;
    INFO(other.id);
    CHECK(other.base.granted == other.reform.granted);
    CHECK(other.base.annual == other.reform.annual);
    CHECK(other.base_once == other.reform_once);
  }
  const DiffRule& lump = rule(r, "shidu_parent_lump_sum");
  CHECK(lump.base.granted == 4);
  CHECK(lump.base_once == yuan("28000"));
  CHECK(rule(r, "festival_visits").base.annual == yuan("2400"));
  CHECK(r.base_once == yuan("36000"));
  CHECK(r.reform_once == yuan("36000"));
  CHECK(r.base_annual == yuan("6000"));
  CHECK(r.reform_annual == yuan("9600"));
  CHECK(diff::percent(r.base_annual, r.reform_annual) == "+60.0");
  CHECK(diff::percent(r.base_once, r.reform_once) == "0.0");
  CHECK(r.better_off == 2);
  CHECK(r.worse_off == 0);
  CHECK(r.unchanged == 3);
  CHECK(r.unchanged_other == 0);
  CHECK(bins(r.annual_bins) ==
        std::vector<std::string>{"0.00..0.00:3", "1200.00..1200.00:1", "2400.00..2400.00:1"});
  CHECK(bins(r.once_bins) == std::vector<std::string>{"0.00..0.00:5"});
  REQUIRE(r.gains.size() == 2);
  CHECK(r.losses.empty());
  const DiffHousehold& top = r.gains[0];
  CHECK(top.id == "couple-70s");
  CHECK(top.line == 1);
  CHECK(top.change == yuan("2400"));
  CHECK(top.base_annual == yuan("3000"));  // 2 × 1200 + 600
  CHECK(top.reform_annual == yuan("5400"));
  REQUIRE(top.rules.size() == 2);
  CHECK(top.rules[0].rule == "care_allowance_70");
  CHECK(top.rules[0].recipient == "father");
  CHECK(top.rules[0].base == "granted 100.00 CNY monthly");
  CHECK(top.rules[0].reform == "granted 200.00 CNY monthly");
  // The conditions read the same: only the parameter explains the change.
  CHECK(top.rules[0].why ==
        std::vector<std::string>{"care_allowance_70_amount: 100.00 → 200.00 (from 2014-01-01)"});
  CHECK(top.rules[1].recipient == "mother");
  CHECK(r.gains[1].id == "widower-75");
  CHECK(r.gains[1].change == yuan("1200"));
}

TEST_CASE("diff: before the reform's date nothing changes") {
  Run run;
  run.as_of = Date::parse("2013-12-31");
  DiffReport r = diff(wuhan(), load("examples/reforms/care-allowance-200"), population(), run);
  CHECK(r.better_off == 0);
  CHECK(r.unchanged == 5);
  CHECK(r.base_annual == r.reform_annual);
}

TEST_CASE("diff: the allowance from age 65 adds the mother aged 66, and says why") {
  DiffReport r = diff(wuhan(), load("examples/reforms/care-allowance-age-65"), population());
  const DiffRule& care = rule(r, "care_allowance_70");
  CHECK(care.base.granted == 3);
  CHECK(care.reform.granted == 4);
  CHECK(r.reform_annual == yuan("7200"));
  CHECK(diff::percent(r.base_annual, r.reform_annual) == "+20.0");
  CHECK(r.better_off == 1);
  REQUIRE(r.gains.size() == 1);
  const DiffHousehold& h = r.gains[0];
  CHECK(h.id == "mother-66");
  CHECK(h.line == 5);
  REQUIRE(h.rules.size() == 1);
  const DiffRuleChange& c = h.rules[0];
  CHECK(c.recipient == "mother");
  CHECK(c.base == "not granted");
  CHECK(c.reform == "granted 100.00 CNY monthly");
  CHECK(contains(c.why, "care_allowance_age: 70 → 65 (from 2014-01-01)"));
  CHECK(contains(c.why, "- ✗ all of"));
  CHECK(contains(c.why, "+ ✓ all of"));
  CHECK(contains(c.why,
                 "-   ✗ age >= care_allowance_age   (age = 66; care_allowance_age = 70 "
                 "since 2012-08-01)"));
  CHECK(contains(c.why,
                 "+   ✓ age >= care_allowance_age   (age = 66; care_allowance_age = 65 "
                 "since 2014-01-01)"));
}

TEST_CASE("diff: the lump sum for rural parents is a new rule paid to the rural couple") {
  DiffReport r = diff(wuhan(), load("examples/reforms/lump-sum-rural"), population());
  const DiffRule& added = rule(r, "shidu_parent_lump_sum_rural");
  CHECK_FALSE(added.in_base);
  CHECK(added.in_reform);
  CHECK(added.base.granted == 0);
  CHECK(added.reform.granted == 2);
  CHECK(added.reform_once == yuan("14000"));
  CHECK(r.reform_once == yuan("50000"));
  CHECK(diff::percent(r.base_once, r.reform_once) == "+38.9");  // 14000 / 36000
  CHECK(r.base_annual == r.reform_annual);
  CHECK(r.better_off == 1);
  CHECK(bins(r.once_bins) == std::vector<std::string>{"0.00..0.00:4", "14000.00..14000.00:1"});
  REQUIRE(r.gains.size() == 1);
  CHECK(r.gains[0].id == "rural-couple-72");
  REQUIRE(r.gains[0].rules.size() == 2);
  CHECK(r.gains[0].rules[0].base == "not in the base");
  CHECK(r.gains[0].rules[0].reform == "granted 7000.00 CNY once");
  CHECK(contains(r.gains[0].rules[0].why, "+   ✓ hukou == \"rural\"   (hukou = rural)"));
}

TEST_CASE("diff: a package against itself reports no change") {
  auto base = wuhan();
  std::string generated;
  for (std::uint64_t i = 0; i < 400; ++i)
    bench::append_household(7, i, kAsOf, bench::PopulationFormat::kJsonLines, generated);
  for (auto reform : {base, load("rules/wuhan-2012")}) {
    DiffReport r = diff(base, reform, population() + generated);
    CHECK(r.households == 405);
    CHECK(r.better_off == 0);
    CHECK(r.worse_off == 0);
    CHECK(r.unchanged == 405);
    CHECK(r.unchanged_other == 0);
    CHECK(r.base_once == r.reform_once);
    CHECK(r.base_annual == r.reform_annual);
    CHECK(r.base_annual > Decimal());
    CHECK(r.gains.empty());
    CHECK(r.losses.empty());
    CHECK(bins(r.annual_bins) == std::vector<std::string>{"0.00..0.00:405"});
    for (const auto& rl : r.rules) {
      INFO(rl.id);
      CHECK(rl.in_base);
      CHECK(rl.in_reform);
      CHECK(rl.base.granted == rl.reform.granted);
      CHECK(rl.base.undetermined == rl.reform.undetermined);
      CHECK(rl.base.annual == rl.reform.annual);
      CHECK(rl.base_once == rl.reform_once);
    }
  }
}

TEST_CASE("diff: rules removed and ended with the two-child adjustment") {
  // As of 2016: a rural only-daughter family with a sterilised father loses the reward; one
  // whose daughter sits the 中考 loses the bonus points, which is not cash.
  std::string input =
      R"({"id":"sterilized","members":[{"id":"father","role":"parent","sex":"male","birth_date":"1980-01-01","hukou":"rural","sterilized":true},{"id":"mother","role":"parent","sex":"female","birth_date":"1982-01-01","hukou":"rural"},{"id":"daughter","role":"child","sex":"female","birth_date":"2005-02-02","hukou":"rural"}]})"
      "\n"
      R"({"id":"zhongkao","members":[{"id":"father","role":"parent","sex":"male","birth_date":"1975-01-01","hukou":"rural"},{"id":"mother","role":"parent","sex":"female","birth_date":"1976-01-01","hukou":"rural"},{"id":"daughter","role":"child","sex":"female","birth_date":"2001-02-02","hukou":"rural","school_stage":"junior_final"}]})"
      "\n";
  Run run;
  run.as_of = Date::parse("2016-06-01");
  DiffReport r = diff(wuhan(), load("examples/reforms/two-child-adjustment"), input, run);
  CHECK_FALSE(rule(r, "girl_zhongkao_bonus").in_reform);
  CHECK(rule(r, "girl_zhongkao_bonus").base.granted == 1);
  CHECK(rule(r, "girl_zhongkao_bonus").reform.granted == 0);
  CHECK(rule(r, "sterilization_reward").base_once == yuan("3000"));
  CHECK(rule(r, "sterilization_reward").reform_once == Decimal());
  CHECK(r.worse_off == 1);
  CHECK(r.unchanged == 1);
  CHECK(r.unchanged_other == 1);
  CHECK(bins(r.once_bins) == std::vector<std::string>{"-3000.00..-3000.00:1", "0.00..0.00:1"});
  REQUIRE(r.losses.size() == 1);
  const DiffHousehold& h = r.losses[0];
  CHECK(h.id == "sterilized");
  CHECK(h.change == yuan("-3000"));
  REQUIRE(h.rules.size() == 1);
  CHECK(h.rules[0].rule == "sterilization_reward");
  CHECK(h.rules[0].base == "granted 3000.00 CNY once");
  CHECK(h.rules[0].reform == "not in effect on 2016-06-01");
  CHECK(contains(h.rules[0].why, "in effect: from 2012-01-01 → from 2012-01-01 until 2015-12-31"));
}

TEST_CASE("diff: the report does not depend on threads or chunks") {
  std::string input;
  for (std::uint64_t i = 0; i < 3000; ++i)
    bench::append_household(11, i, kAsOf, bench::PopulationFormat::kJsonLines, input);
  auto reform = load("examples/reforms/care-allowance-age-65");
  Run one;
  one.threads = 1;
  Run many;
  many.threads = 3;
  many.chunk_bytes = 2048;
  DiffReport a = diff(wuhan(), reform, input, one);
  DiffReport b = diff(wuhan(), reform, input, many);
  CHECK(a.better_off > 3);
  CHECK(render_diff_json(a) == render_diff_json(b));
  CHECK(render_diff_text(a) == render_diff_text(b));
}

TEST_CASE("diff: error records are counted and listed, the rest evaluated") {
  std::string input = population();
  input.insert(input.find('\n') + 1,
               "{\"id\":\"broken\",\"members\":[{\"id\":\"a\",\"role\":\"king\"}]}\n");
  Run run;
  run.options.kept_errors = 5;
  DiffReport r = diff(wuhan(), load("examples/reforms/care-allowance-200"), input, run);
  CHECK(r.records == 6);
  CHECK(r.households == 5);
  CHECK(r.errors == 1);
  REQUIRE(r.first_errors.size() == 1);
  CHECK(r.first_errors[0].line == 2);
  CHECK(r.first_errors[0].household == "broken");
  CHECK(r.first_errors[0].message ==
        "members[0].role: expected one of: parent, child, other, found \"king\" [F003]");
  CHECK(r.reform_annual == yuan("9600"));
}

TEST_CASE("diff: a reform that adds a fact; records bound with the reform's schema") {
  auto loaded = load_ruleset_from_files(
      {{"pension/package.yaml", "package:\n  name: pension\n  version: '1'\n  extends: " + kSource +
                                    "/rules/wuhan-2012\n  sources: [{id: p, title: p}]\n"},
       {"pension/pension.yaml", R"(schema:
  member:
    pension:
      type: money
      default: 0
      description: {zh: 养老金, en: monthly pension}
rules:
  - id: pension_top_up
    title: {zh: 补足, en: pension top-up to 1000 a month}
    recipient: member where is_parent and alive
    when: household.is_shidu and pension < 1000
    grant: {kind: cash, amount: 1000 - pension, period: monthly}
    basis: {source: p, clause: "1"}
)"}});
  INFO(format_diagnostics(loaded.diagnostics));
  REQUIRE(loaded.rules);
  CHECK(diff_schema_problem(*wuhan(), *loaded.rules).empty());
  CHECK(diff_schema_problem(*loaded.rules, *wuhan()) ==
        "the reform has no member fact 'pension', which the base reads");
  CHECK_THROWS_AS(DiffWorker(loaded.rules, wuhan()), std::invalid_argument);
  // Pensions given to the first parent of three households; the others have the default 0.
  std::string input = population();
  auto put = [&](std::string_view member_of, const char* pension) {
    auto at = input.find(member_of);
    at = input.find("\"role\"", at);
    input.insert(at, std::string("\"pension\":\"") + pension + "\",");
  };
  put("{\"id\":\"widower-75\",", "800.00");
  put("{\"id\":\"couple-70s\",", "1000.00");
  put("{\"id\":\"rural-couple-72\",", "1500.00");
  DiffReport r = diff(wuhan(), loaded.rules, input);
  CHECK(r.base_annual == yuan("6000"));  // the base reads its own facts only
  const DiffRule& top_up = rule(r, "pension_top_up");
  // couple-70s: father 1000 (none), mother 12 × 1000; widower-75: 12 × 200; rural-couple-72:
  // father 1500 (none), mother 12 × 1000; mother-66: 12 × 1000.
  CHECK(top_up.reform.granted == 4);
  CHECK(top_up.reform.annual == yuan("38400"));
  CHECK(r.reform_annual == yuan("44400"));
}

TEST_CASE("diff: distribution bins") {
  SECTION("few distinct changes: one bin each, the zero bin among them") {
    diff::Distribution d;
    for (const char* v : {"-5", "0", "0", "1200", "1200", "7.5"})
      d.add(yuan(v));
    CHECK(bins(d.bins()) == std::vector<std::string>{"-5.00..-5.00:1", "0.00..0.00:2",
                                                     "7.50..7.50:1", "1200.00..1200.00:2"});
  }
  SECTION(
      "many: at most twelve nice-width bins besides zero; gains (low, high], losses [low, high)") {
    diff::Distribution d;
    for (int i = -300; i <= 900; ++i)
      d.add(*Decimal::from_integer(i));
    auto b = d.bins();
    std::uint64_t total = 0;
    for (const auto& bin : b)
      total += bin.households;
    CHECK(total == 1201);
    CHECK(b.size() <= 13);
    CHECK(bins(b).front() == "-300.00..-200.00:100");
    CHECK(bins(b)[3] == "0.00..0.00:1");
    CHECK(bins(b)[4] == "0.00..100.00:100");
    CHECK(bins(b).back() == "800.00..900.00:100");
  }
  SECTION("beyond the distinct limit, merging gives the same bins whatever the split") {
    diff::Distribution whole, left, right;
    for (std::int64_t i = 0; i < 20000; ++i) {
      Decimal v = Decimal::from_units(i * 37 - 100000);
      whole.add(v);
      (i % 3 ? left : right).add(v);
    }
    left.merge(right);
    CHECK(bins(left.bins()) == bins(whole.bins()));
    CHECK(whole.bins().size() <= 13);
  }
}

TEST_CASE("diff: text figures") {
  CHECK(diff::money(yuan("1234567.5")) == "1,234,567.50");
  CHECK(diff::money(yuan("-1000")) == "-1,000.00");
  CHECK(diff::signed_money(yuan("1200")) == "+1,200.00");
  CHECK(diff::signed_money(Decimal()) == "0.00");
  CHECK(diff::percent(yuan("3"), yuan("4")) == "+33.3");
  CHECK(diff::percent(yuan("3"), yuan("5")) == "+66.7");
  CHECK(diff::percent(yuan("8"), yuan("7.996")) == "-0.1");  // -0.05 rounds away from zero
  CHECK(diff::percent(Decimal(), yuan("1")) == std::nullopt);
  CHECK(diff::count_change(5, 3) == "-2");
  CHECK(diff::count_change(1000, 3000) == "+2,000");
  CHECK(diff::bin_label({yuan("500"), yuan("1000"), 1}) == "(500.00, 1,000.00]");
  CHECK(diff::bin_label({yuan("-1000"), yuan("-500"), 1}) == "[-1,000.00, -500.00)");
}

}  // namespace
}  // namespace entitle
