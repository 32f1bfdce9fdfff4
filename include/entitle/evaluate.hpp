// Evaluation: RuleSet × Facts × date → Result.
#pragma once

#include <memory>
#include <optional>

#include "entitle/export.h"
#include "entitle/facts.hpp"
#include "entitle/result.hpp"
#include "entitle/ruleset.hpp"

namespace entitle {

struct EvalOptions {
  bool trace = false;  // record the explanation trace of every rule
  // With `trace`: evaluate every operand of `and`/`or` (all:/any:) even after one has decided
  // the value, so that the trace shows every condition that failed, not only the first. Values
  // and outcomes are the same either way: the extra operands do not count against
  // max_eval_steps, only against max_household_steps, which bounds the trace they make.
  bool trace_all_conditions = false;
};

// Holds the scratch space of evaluation (definition caches, parameter values for the date,
// the trace buffer) so that evaluating many households allocates nothing in steady state.
// One Evaluator per thread; many Evaluators may share one RuleSet.
class ENTITLE_EXPORT Evaluator {
 public:
  explicit Evaluator(std::shared_ptr<const RuleSet> rules);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // Evaluates every rule for `facts` as of `as_of`. The returned reference stays valid until
  // the next call. Never throws for bad facts (they are rejected when binding); faults inside
  // a rule are Outcome::kError in the result.
  const Result& evaluate(const Facts& facts, Date as_of, const EvalOptions& options = {});

  const RuleSet& rules() const noexcept { return *rules_; }

 private:
  struct State;
  std::shared_ptr<const RuleSet> rules_;
  std::unique_ptr<State> state_;
};

// When a step budget stopped a rule in the evaluation behind `result`, a diagnostic R001 at the
// first such rule, naming the limit (max_eval_steps, or max_household_steps, which also stopped
// every later rule); else nullopt. Such a result lacks decisions: the CLI reports this instead.
ENTITLE_EXPORT std::optional<Diagnostic> step_budget_exceeded(const RuleSet& rules,
                                                              const Result& result);

}  // namespace entitle
