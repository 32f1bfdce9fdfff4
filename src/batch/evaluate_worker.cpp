// The worker of `entitle batch` (evaluate and write the JSON contract), its summary, and the
// error record line.
#include <fmt/format.h>

#include "entitle/batch.hpp"
#include "util/text.hpp"

namespace entitle {

void append_error_record(const BatchError& error, std::string& out) {
  out += "{\"line\":";
  out += std::to_string(error.line);
  out += ",\"household\":";
  if (error.household.empty()) {
    out += "null";
  } else {
    out += '"';
    append_json_escaped(out, error.household);
    out += '"';
  }
  out += ",\"error\":\"";
  append_json_escaped(out, error.message);
  out += "\"}\n";
}

void BatchWorker::error(const BatchError& error, std::string& out) {
  append_error_record(error, out);
}

namespace {

void add_checked(Decimal& total, Decimal amount, bool& overflow) {
  if (auto sum = checked_add(total, amount)) {
    total = *sum;
  } else {
    overflow = true;
  }
}

// What one granted amount adds to a year (README "Result": annual).
std::optional<Decimal> annual_amount(const RuleInfo& rule, Decimal amount) {
  switch (rule.period) {
    case Period::kDaily:
      return checked_mul(amount, *Decimal::from_integer(365));
    case Period::kMonthly:
      return checked_mul(amount, *Decimal::from_integer(12));
    case Period::kYearly:
      return amount;
    case Period::kPerOccasion:
      return checked_mul(amount,
                         *Decimal::from_integer(static_cast<std::int64_t>(rule.occasions.size())));
    case Period::kOnce:
    case Period::kNone:
      break;
  }
  return Decimal();
}

}  // namespace

void BatchSummary::add(const RuleSet& rule_set, const Result& result) {
  if (rules.size() < rule_set.rule_count()) rules.resize(rule_set.rule_count());
  ++households;
  bool granted = false;
  for (const auto& o : result.outcomes) {
    RuleTally& tally = rules[o.rule];
    switch (o.outcome) {
      case Outcome::kGranted: {
        granted = true;
        ++tally.granted;
        const RuleInfo& info = rule_set.rule(o.rule);
        if (info.kind == GrantKind::kCash && o.has_amount) {
          add_checked(tally.amount, o.amount, tally.overflow);
          if (auto a = annual_amount(info, o.amount)) {
            add_checked(tally.annual, *a, tally.overflow);
          } else {
            tally.overflow = true;
          }
        }
        break;
      }
      case Outcome::kUndetermined:
        ++tally.undetermined;
        break;
      case Outcome::kError:
        ++tally.errors;
        break;
      case Outcome::kNotGranted:
        break;
    }
  }
  with_entitlement += granted;
  add_checked(once, result.totals.once, overflow);
  add_checked(annual, result.totals.annual, overflow);
  overflow = overflow || result.totals.overflow;
}

void BatchSummary::merge(const BatchSummary& other) {
  households += other.households;
  with_entitlement += other.with_entitlement;
  if (rules.size() < other.rules.size()) rules.resize(other.rules.size());
  for (std::size_t i = 0; i < other.rules.size(); ++i) {
    RuleTally& t = rules[i];
    const RuleTally& o = other.rules[i];
    t.granted += o.granted;
    t.undetermined += o.undetermined;
    t.errors += o.errors;
    add_checked(t.amount, o.amount, t.overflow);
    add_checked(t.annual, o.annual, t.overflow);
    t.overflow = t.overflow || o.overflow;
  }
  add_checked(once, other.once, overflow);
  add_checked(annual, other.annual, overflow);
  overflow = overflow || other.overflow;
}

EvaluateWorker::EvaluateWorker(std::shared_ptr<const RuleSet> rules, const EvalOptions& options,
                               const RenderOptions& render)
    : rules_(std::move(rules)), evaluator_(rules_), options_(options), render_(render) {
  render_.explain = options.trace;
  summary_.rules.resize(rules_->rule_count());
}

EvaluateWorker::~EvaluateWorker() = default;

void EvaluateWorker::household(const BatchRecord& record, std::string& out) {
  const Result& result = evaluator_.evaluate(record.facts, record.as_of, options_);
  render_json(*rules_, record.facts, result, render_, out);
  out += '\n';
  summary_.add(*rules_, result);
}

}  // namespace entitle
