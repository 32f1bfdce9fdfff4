#include "entitle/lint.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "entitle/policy_test.hpp"
#include "facts/binder.hpp"
#include "lint/conditions.hpp"
#include "load/document.hpp"

namespace entitle {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(ENTITLE_TEST_DATA) + "/lint/";

const char* const kChecks[] = {"unused-parameter", "unused-definition", "never-granted",
                               "missing-basis",    "missing-title",     "parameter-gap",
                               "duplicate-title",  "orphan-test-file"};

TEST_CASE("every lint check warns on its failing package and only there", "[lint]") {
  for (const char* check : kChecks) {
    INFO(check);
    LintReport fail = lint_package(kData + check + "/fail");
    CHECK(fail.errors() == 0);
    CHECK(fail.warnings() > 0);
    for (const auto& d : fail.diagnostics) {
      INFO(format_diagnostic(d));
      CHECK(d.code == check);
      CHECK(d.severity == Severity::kWarning);
      CHECK(d.line > 0);
      CHECK(d.column > 0);
    }
    LintReport pass = lint_package(kData + check + "/pass");
    INFO(lint_report_text(pass));
    CHECK(pass.diagnostics.empty());
  }
}

TEST_CASE("the Wuhan package lints clean", "[lint]") {
  LintReport report = lint_package(std::string(ENTITLE_SOURCE_DIR) + "/rules/wuhan-2012");
  INFO(lint_report_text(report));
  CHECK(report.diagnostics.empty());
  CHECK(report.tests.empty());
}

TEST_CASE("lint reports the loader's and checker's errors and nothing else", "[lint]") {
  LintReport report = lint_package(kData + "errors");
  REQUIRE(report.errors() == 1);
  CHECK(report.warnings() == 0);
  CHECK(report.diagnostics[0].code == "E011");
  CHECK(report.diagnostics[0].line == 20);
}

TEST_CASE("never-granted names the conditions that contradict each other", "[lint]") {
  LintReport report = lint_package(kData + "never-granted/fail");
  std::set<std::string> messages;
  for (const auto& d : report.diagnostics)
    messages.insert(d.message);
  auto has = [&](const std::string& text) {
    for (const auto& m : messages) {
      if (m.find(text) != std::string::npos) return true;
    }
    return false;
  };
  CHECK(report.warnings() == 7);
  CHECK(
      has("rule 'old_and_young' can never be granted: `age >= 70` (line 42) and `age < 60` "
          "(line 43) cannot both hold"));
  CHECK(
      has("rule 'parent_who_is_a_child' can never be granted: `is_parent` (recipient filter, "
          "line 50) and `role == \"child\"` (line 51) cannot both hold"));
  CHECK(has("(with pension_age = 60 from 2012-01-01, youth_age_max = 35 from 2012-01-01)"));
  CHECK(has("rule 'grade_five' can never be granted: `grade > 4` (line 67) never holds"));
  CHECK(has("`region in [\"north\"]` (line 75) and `region != \"north\"` (line 75)"));
  CHECK(has("`poor` (line 85) and `not poor` (line 86) cannot both hold"));
  CHECK(
      has("`as_of() >= date(\"2016-01-01\")` (line 94) never holds (with the rule in effect "
          "from 2012-01-01 until 2015-12-31)"));
}

// Each emitted case is a household that meets every condition but one: the engine finds its
// first member (or the household) a recipient whose condition is false.
TEST_CASE("never-granted households are near misses and their test cases pass", "[lint]") {
  LintReport report = lint_package(kData + "never-granted/fail");
  REQUIRE(report.tests.size() == 7);
  LoadResult loaded = load_ruleset(kData + "never-granted/fail");
  REQUIRE(loaded.rules);
  Evaluator evaluator(loaded.rules);
  for (const auto& t : report.tests) {
    INFO(t.yaml);
    load::SourceFile file{t.file_name, t.yaml};
    Diagnostics diagnostics;
    load::Node root = load::parse_yaml(file, Limits{}, diagnostics);
    REQUIRE(diagnostics.empty());
    const load::Node& test = root.find("tests")->items.at(0);
    Facts facts;
    REQUIRE(facts::bind_node(*loaded.rules, *test.find("household"), "t", facts, diagnostics));
    Date as_of = *Date::parse(test.find("as_of")->scalar);
    int rule = loaded.rules->find_rule(t.rule);
    REQUIRE(rule >= 0);
    bool member_rule = loaded.rules->rule(rule).for_each_member;
    bool near_miss = false;
    for (const auto& o : evaluator.evaluate(facts, as_of).outcomes) {
      if (o.rule != static_cast<std::uint32_t>(rule)) continue;
      CHECK(o.outcome != Outcome::kGranted);
      if (o.member == (member_rule ? 0 : -1) && o.reason == NotGrantedReason::kConditionFalse) {
        near_miss = true;
      }
    }
    CHECK(near_miss);
  }

  fs::path copy = fs::temp_directory_path() / "entitle-lint-never-granted";
  fs::remove_all(copy);
  fs::copy(kData + "never-granted/fail", copy, fs::copy_options::recursive);
  fs::create_directories(copy / "tests");
  for (const auto& t : report.tests) {
    std::ofstream(copy / "tests" / t.file_name) << t.yaml;
  }
  PolicyTestReport tests = run_policy_tests(loaded.rules, copy.string());
  CHECK(tests.diagnostics.empty());
  CHECK(tests.passed() == 7);
  CHECK(tests.failed() == 0);
  LintReport again = lint_package(copy.string());
  CHECK(again.warnings() == 7);  // the new test files name their rules: no orphan-test-file
  fs::remove_all(copy);
}

TEST_CASE("lint JSON carries every diagnostic and test case", "[lint]") {
  LintReport report = lint_package(kData + "missing-title/fail");
  std::string json = lint_report_json(report);
  CHECK(json.find(R"("errors":0,"warnings":2)") != std::string::npos);
  CHECK(json.find(R"("severity":"warning","code":"missing-title")") != std::string::npos);
  CHECK(json.find(R"("line":17,"column":5)") != std::string::npos);
}

TEST_CASE("term states reason over the lattice of their type", "[lint]") {
  using lint::Constant;
  using load::Op;
  lint::TermState integer;
  integer.domain = lint::Domain::kNumber;
  integer.step = Decimal::kOne;
  integer.lo = -100 * Decimal::kOne;
  integer.hi = 100 * Decimal::kOne;
  lint::TermState decimal = integer;
  decimal.step = 1;

  // 3 < x < 4 has no whole number but many decimals.
  for (auto* s : {&integer, &decimal}) {
    CHECK(s->apply(Op::kGt, Constant{3 * Decimal::kOne, {}}));
  }
  CHECK_FALSE(integer.apply(Op::kLt, Constant{4 * Decimal::kOne, {}}));
  CHECK(decimal.apply(Op::kLt, Constant{4 * Decimal::kOne, {}}));
  CHECK(decimal.pick_number() > 3 * Decimal::kOne);

  // x >= 2.5 and x <= 3.5 leaves the whole number 3; excluding it leaves nothing.
  lint::TermState whole;
  whole.domain = lint::Domain::kNumber;
  whole.step = Decimal::kOne;
  whole.lo = -100 * Decimal::kOne;
  whole.hi = 100 * Decimal::kOne;
  CHECK(whole.apply(Op::kGe, Constant{25000, {}}));
  CHECK(whole.apply(Op::kLe, Constant{35000, {}}));
  CHECK(whole.pick_number() == 3 * Decimal::kOne);
  CHECK_FALSE(whole.apply(Op::kNe, Constant{3 * Decimal::kOne, {}}));

  lint::TermState flag;
  flag.domain = lint::Domain::kBool;
  CHECK(flag.apply(Op::kEq, Constant{1, {}}));
  CHECK(flag.apply(Op::kNe, Constant{0, {}}));
  CHECK_FALSE(flag.apply(Op::kEq, Constant{0, {}}));

  lint::TermState choice;
  choice.domain = lint::Domain::kEnum;
  choice.enum_allowed.assign(3, true);
  CHECK(choice.apply(Op::kNe, Constant{0, {}}));
  CHECK(choice.apply(Op::kNe, Constant{2, {}}));
  CHECK(choice.pick_enum() == 1);
  CHECK_FALSE(choice.apply(Op::kEq, Constant{2, {}}));

  lint::TermState text;
  text.domain = lint::Domain::kString;
  CHECK(text.apply(Op::kNe, Constant{0, "text"}));
  CHECK(text.pick_text() != "text");
  CHECK(text.apply(Op::kEq, Constant{0, "a"}));
  CHECK_FALSE(text.apply(Op::kNe, Constant{0, "a"}));
}

}  // namespace
}  // namespace entitle
