#include <simdjson.h>

#include "entitle/evaluate.hpp"
#include "fuzz.hpp"
#include "util/text.hpp"

namespace entitle::fuzz {

void check_renderings(const RuleSet& rules, const Facts& facts, const Result& result, bool traced) {
  RenderOptions options;
  options.explain = traced;
  std::string json;  // carries both languages
  render_json(rules, facts, result, options, json);
  check(is_valid_utf8(json), "render_json wrote invalid UTF-8");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  check(parser.parse(json).get(root) == simdjson::SUCCESS, "render_json wrote invalid JSON");
  for (const char* lang : {"en", "zh"}) {
    options.lang = lang;
    check(is_valid_utf8(render_text(rules, facts, result, options)),
          "render_text wrote invalid UTF-8");
  }
  (void)decision_id(rules, facts, result.as_of);
}

namespace {

bool hit_step_budget(const Result& result) {
  for (const auto& o : result.outcomes) {
    if (o.outcome == Outcome::kError && o.error == EvalError::kStepBudget) return true;
  }
  return false;
}

bool same_outcomes(const Result& a, const Result& b) {
  if (a.outcomes.size() != b.outcomes.size()) return false;
  for (std::size_t i = 0; i < a.outcomes.size(); ++i) {
    const RuleOutcome& x = a.outcomes[i];
    const RuleOutcome& y = b.outcomes[i];
    if (x.rule != y.rule || x.member != y.member || x.outcome != y.outcome ||
        x.reason != y.reason || x.error != y.error || x.has_amount != y.has_amount ||
        x.amount != y.amount || x.has_range != y.has_range || x.amount_min != y.amount_min ||
        x.amount_max != y.amount_max || x.has_quantity != y.has_quantity ||
        x.quantity != y.quantity ||
        x.missing_end - x.missing_begin != y.missing_end - y.missing_begin) {
      return false;
    }
    for (std::uint32_t m = 0; m < x.missing_end - x.missing_begin; ++m) {
      if (!(a.missing[x.missing_begin + m] == b.missing[y.missing_begin + m])) return false;
    }
  }
  return a.totals.annual == b.totals.annual && a.totals.overflow == b.totals.overflow;
}

}  // namespace

void evaluate_both_ways(const std::shared_ptr<const RuleSet>& rules, const Facts& facts,
                        Date as_of) {
  Evaluator plain(rules), traced(rules);
  const Result& a = plain.evaluate(facts, as_of, EvalOptions{false});
  const Result& b = traced.evaluate(facts, as_of, EvalOptions{true});
  if (!hit_step_budget(a) && !hit_step_budget(b)) {
    check(same_outcomes(a, b), "tracing changed the result");
  }
  // An Evaluator is reusable: the same facts again give the same result.
  Result first = a;
  check(same_outcomes(first, plain.evaluate(facts, as_of, EvalOptions{false})),
        "a reused Evaluator gave a different result");
  check_renderings(*rules, facts, a, false);
  check_renderings(*rules, facts, b, true);
}

}  // namespace entitle::fuzz
