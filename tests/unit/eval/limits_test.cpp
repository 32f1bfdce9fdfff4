// The evaluator's limits: the step budgets of one rule and of one household, and recursion at
// max_evaluation_depth within a small thread stack.
#include <pthread.h>

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "entitle/render.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

const Date kAsOf = *Date::parse("2013-06-01");

// Household rules r0, r1, … deciding on `conditions` (expressions).
std::string rules_deciding(const std::vector<std::string>& conditions) {
  std::string text = "rules:\n";
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    text += fmt::format(
        "  - id: r{}\n    title: {{zh: r, en: r}}\n    recipient: household\n    when: '{}'\n"
        "    grant: {{kind: priority}}\n    basis: {{source: src, clause: \"1\"}}\n",
        i, conditions[i]);
  }
  return text;
}

std::string household_with_members(int n) {
  std::string text = "id: h\nflag: false\nmembers:\n";
  for (int i = 0; i < n; ++i)
    text += fmt::format("  - {{id: m{}, grade: {}}}\n", i, i % 5);
  return text;
}

// count over members inside count over members: 10,000 filter evaluations for 100 members.
const std::string kSquared = "count(members where count(members where grade >= 0) >= 0) > 0";

TEST_CASE("step_budget_exceeded names the rule the per-rule budget stopped", "[limits]") {
  LoadOptions options;
  options.limits.max_eval_steps = 10'000;
  auto rules = testing::load_rules(rules_deciding({kSquared, "size > 0 or true"}), options);
  Facts facts;
  testing::bind_ok(*rules, household_with_members(100), facts);
  Evaluator evaluator(rules);
  const Result& result = evaluator.evaluate(facts, kAsOf);
  CHECK(testing::outcome(*rules, facts, result, "r0").error == EvalError::kStepBudget);
  CHECK(testing::outcome(*rules, facts, result, "r1").outcome == Outcome::kGranted);
  auto stopped = step_budget_exceeded(*rules, result);
  REQUIRE(stopped);
  CHECK(stopped->code == codes::kEvalLimit);
  CHECK(stopped->file == "rules.yaml");
  CHECK(stopped->line == 2);
  CHECK(stopped->message ==
        "evaluation of rule 'r0' stopped after 10000 steps (limit "
        "max_eval_steps)");
  Facts small;
  testing::bind_ok(*rules, household_with_members(2), small);
  CHECK_FALSE(step_budget_exceeded(*rules, evaluator.evaluate(small, kAsOf)));
}

TEST_CASE("the household budget bounds the sum of many rules each within theirs", "[limits]") {
  // Ten rules of some 40,000 steps each when traced (untraced, repeated subexpressions are
  // remembered): every one is within max_eval_steps, the household's 200,000 are not.
  LoadOptions options;
  options.limits.max_household_steps = 200'000;
  auto rules = testing::load_rules(rules_deciding(std::vector<std::string>(10, kSquared)), options);
  Facts facts;
  testing::bind_ok(*rules, household_with_members(100), facts);
  Evaluator evaluator(rules);
  const Result& result = evaluator.evaluate(facts, kAsOf, EvalOptions{true});
  CHECK(result.steps > 200'000);
  CHECK(testing::outcome(*rules, facts, result, "r0").outcome == Outcome::kGranted);
  CHECK(testing::outcome(*rules, facts, result, "r9").error == EvalError::kStepBudget);
  auto stopped = step_budget_exceeded(*rules, result);
  REQUIRE(stopped);
  CHECK(stopped->message.find("(limit max_household_steps); the rules from here on were not "
                              "evaluated") != std::string::npos);

  options.limits.max_household_steps = 10'000'000;
  auto patient =
      testing::load_rules(rules_deciding(std::vector<std::string>(10, kSquared)), options);
  Facts again;
  testing::bind_ok(*patient, household_with_members(100), again);
  Evaluator patient_evaluator(patient);
  const Result& complete = patient_evaluator.evaluate(again, kAsOf, EvalOptions{true});
  CHECK_FALSE(step_budget_exceeded(*patient, complete));
  CHECK(complete.steps < 10'000'000);
}

TEST_CASE("regress: operands traced only for show count against the household budget", "[limits]") {
  // With trace_all_conditions the second operand of `flag and …` is evaluated for the trace
  // although flag is false; that work is not the rule's, but it is the household's, so a heavy
  // operand cannot make the trace grow without bound.
  LoadOptions options;
  options.limits.max_household_steps = 100'000;
  std::string heavy =
      "count(members where count(members where count(members where grade >= 0)"
      " >= 0) >= 0) > 0";
  auto rules =
      testing::load_rules(rules_deciding({"flag and " + heavy, "size > 0 or true"}), options);
  Facts facts;
  testing::bind_ok(*rules, household_with_members(100), facts);
  Evaluator evaluator(rules);
  EvalOptions traced;
  traced.trace = true;
  const Result& plain = evaluator.evaluate(facts, kAsOf, traced);
  CHECK(testing::outcome(*rules, facts, plain, "r0").outcome == Outcome::kNotGranted);
  CHECK(testing::outcome(*rules, facts, plain, "r1").outcome == Outcome::kGranted);
  traced.trace_all_conditions = true;
  const Result& all = evaluator.evaluate(facts, kAsOf, traced);
  CHECK(testing::outcome(*rules, facts, all, "r0").outcome == Outcome::kNotGranted);
  CHECK(all.trace.size() <= 100'000 + 100);
  CHECK(testing::outcome(*rules, facts, all, "r1").error == EvalError::kStepBudget);
}

// Runs `body` on a thread whose stack is `bytes` long.
void run_with_stack(std::size_t bytes, std::function<void()> body) {
  pthread_attr_t attr;
  REQUIRE(pthread_attr_init(&attr) == 0);
  REQUIRE(pthread_attr_setstacksize(&attr, bytes) == 0);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    (*static_cast<std::function<void()>*>(arg))();
    return nullptr;
  };
  REQUIRE(pthread_create(&thread, &attr, run, &body) == 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

TEST_CASE("evaluation at max_evaluation_depth fits in a 1 MiB stack, traced and rendered",
          "[limits]") {
  // 127 definitions deep: the rule nests 255 levels, one less than the limit.
  std::string text = "definitions:\n  household:\n    d0: {expr: size + 1}\n";
  for (int k = 1; k < 127; ++k)
    text += fmt::format("    d{}: {{expr: d{} + 1}}\n", k, k - 1);
  auto rules = testing::load_rules(text + rules_deciding({"d126 > 0"}));
  std::string json, report;
  Outcome outcome = Outcome::kError;
  run_with_stack(std::size_t{1} << 20, [&] {
    Facts facts;
    Diagnostics diagnostics;
    if (!bind_json(*rules, R"({"id": "h"})", "h", facts, diagnostics)) return;
    Evaluator evaluator(rules);
    const Result& result = evaluator.evaluate(facts, kAsOf, EvalOptions{true});
    outcome = result.outcomes[0].outcome;
    RenderOptions options;
    options.explain = true;
    render_json(*rules, facts, result, options, json);
    report = render_text(*rules, facts, result, options);
  });
  CHECK(outcome == Outcome::kUndetermined);  // size is unknown all the way down
  CHECK(json.find(R"("missing":["size"])") != std::string::npos);
  CHECK(report.find("d126 > 0") != std::string::npos);
}

}  // namespace
}  // namespace entitle
