// The evaluator's limits: the step budget, and recursion at max_evaluation_depth within a small
// thread stack.
#include <pthread.h>

#include <functional>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "entitle/render.hpp"
#include "unit/packages.hpp"

namespace entitle {
namespace {

using testing::kSchema;
using testing::load_text;
using testing::rule;

std::shared_ptr<const RuleSet> load_or_fail(const std::string& text, const Limits& limits = {}) {
  LoadResult loaded = load_text(text, limits);
  INFO(format_diagnostics(loaded.diagnostics));
  REQUIRE(loaded.rules);
  return loaded.rules;
}

Facts bind_or_fail(const RuleSet& rules, const std::string& json) {
  Facts facts;
  Diagnostics diagnostics;
  INFO(format_diagnostics(diagnostics));
  REQUIRE(bind_json(rules, json, "h", facts, diagnostics));
  return facts;
}

std::string household_with_members(int n) {
  std::string text = R"({"id": "h", "flag": true, "members": [)";
  for (int i = 0; i < n; ++i)
    text += fmt::format(R"({}{{"id": "m{}", "age": {}}})", i ? ", " : "", i, i);
  return text + "]}";
}

const Date kAsOf = *Date::parse("2013-06-01");

TEST_CASE("the step budget stops an aggregation over members × members × members", "[limits]") {
  // 100 members: a million filter evaluations, a few million steps; the budget here is 100,000.
  std::string text = std::string(kSchema) +
                     rule(
                         "count(members where count(members where count(members where age >= 0)"
                         " >= 0) >= 0) > 0");
  Limits limits;
  limits.max_eval_steps = 100'000;
  auto rules = load_or_fail(text, limits);
  Facts facts = bind_or_fail(*rules, household_with_members(100));
  Evaluator evaluator(rules);
  const Result& result = evaluator.evaluate(facts, kAsOf);
  REQUIRE(result.outcomes.size() == 1);
  CHECK(result.outcomes[0].outcome == Outcome::kError);
  CHECK(result.outcomes[0].error == EvalError::kStepBudget);
  auto stopped = step_budget_exceeded(*rules, result);
  REQUIRE(stopped);
  CHECK(stopped->code == codes::kEvalLimit);
  CHECK(stopped->file == "rules.yaml");
  CHECK(stopped->line == 8);
  CHECK(stopped->message ==
        "evaluation stopped in rule 'r' after 100000 steps (limit max_eval_steps); the rules "
        "from here on were not evaluated");

  Limits more;
  more.max_eval_steps = 10'000'000;
  auto patient = load_or_fail(text, more);
  Evaluator patient_evaluator(patient);
  const Result& complete =
      patient_evaluator.evaluate(bind_or_fail(*patient, household_with_members(100)), kAsOf);
  CHECK(complete.outcomes[0].outcome == Outcome::kGranted);
  CHECK_FALSE(step_budget_exceeded(*patient, complete));
}

TEST_CASE("a trace that re-evaluates definitions exponentially stops at the budget", "[limits]") {
  // d<k> = d<k-1> and d<k-1>: 60 steps untraced (definitions are cached), 2^30 traced (each use
  // is traced again), which the budget (here 100,000) cuts short.
  std::string text = std::string(kSchema) + "definitions:\n  household:\n    d0: {expr: flag}\n";
  for (int k = 1; k <= 30; ++k)
    text += fmt::format("    d{}: {{expr: d{} and d{}}}\n", k, k - 1, k - 1);
  Limits limits;
  limits.max_eval_steps = 100'000;
  auto rules = load_or_fail(text + rule("d30"), limits);
  Facts facts = bind_or_fail(*rules, R"({"id": "h", "flag": true})");
  Evaluator evaluator(rules);
  CHECK(evaluator.evaluate(facts, kAsOf).outcomes[0].outcome == Outcome::kGranted);
  const Result& traced = evaluator.evaluate(facts, kAsOf, EvalOptions{true});
  CHECK(traced.outcomes[0].error == EvalError::kStepBudget);
  CHECK(traced.trace.size() <= rules->limits().max_eval_steps + 1);
  CHECK(step_budget_exceeded(*rules, traced));
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
  std::string text = std::string(kSchema) + "definitions:\n  household:\n    d0: {expr: x + 1}\n";
  for (int k = 1; k < 127; ++k)
    text += fmt::format("    d{}: {{expr: d{} + 1}}\n", k, k - 1);
  auto rules = load_or_fail(text + rule("d126 > 0"));
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
  CHECK(outcome == Outcome::kUndetermined);  // x is unknown all the way down
  CHECK(json.find(R"("missing":["x"])") != std::string::npos);
  CHECK(report.find("d126 > 0") != std::string::npos);
}

}  // namespace
}  // namespace entitle
