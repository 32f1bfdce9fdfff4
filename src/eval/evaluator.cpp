// The evaluator: a tree walk over the compiled nodes with Kleene three-valued logic.
//
// Undetermined rules name the facts whose absence left them undetermined. Those are found by
// re-evaluating the rule with the trace on and walking down the unknown nodes only: a fact
// that was read but did not decide anything (`false and x`) is not reported.
//
// A definition is evaluated once per household (or member) whether or not the trace is on, so
// that tracing never changes a value or the step count. Its trace subtree is recorded once per
// trace buffer and shared by every use (the trace is a DAG; a definition root is an only child,
// so sharing it never touches a sibling link). Readers that walk the trace expand a shared
// subtree once (see collect_missing and the renderers).
#include "entitle/evaluate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "compile/program.hpp"

namespace entitle {

using compile::Node;
using compile::OpCode;

struct ENTITLE_HIDDEN Evaluator::State {
  explicit State(const RuleSet::Impl& program) : impl(program) {}

  const RuleSet::Impl& impl;
  const Facts* facts = nullptr;
  Date as_of;
  AgeConvention convention;
  std::uint64_t steps = 0;  // of the current rule and recipient
  std::uint64_t max_steps = 0;
  std::uint64_t household_steps = 0;  // of the whole evaluation, never reset in it
  std::uint64_t max_household_steps = 0;

  // Counts one step; true when it is over either budget (Limits::max_eval_steps for this rule
  // and recipient, Limits::max_household_steps for the household).
  bool over_budget() noexcept {
    bool over = ++steps > max_steps;
    return ++household_steps > max_household_steps || over;
  }
  bool trace_all = false;  // EvalOptions::trace_all_conditions

  std::optional<Date> parameters_date;
  std::vector<Value> parameter_values;
  std::vector<Date> parameter_since;

  std::vector<Value> household_definitions;
  std::vector<std::uint8_t> household_definition_done;
  std::vector<Value> member_definitions;
  std::vector<std::uint8_t> member_definition_done;
  // Trace root of each evaluated definition in the current trace buffer, or kNoTrace.
  std::vector<std::uint32_t> household_definition_trace;
  std::vector<std::uint32_t> member_definition_trace;
  std::vector<std::uint8_t> visited;  // scratch of collect_missing

  // Untraced evaluation remembers repeated subexpressions (Node::memo), per household or per
  // member in scope, like definitions.
  std::vector<Value> household_memo, member_memo;
  std::vector<std::uint8_t> household_memo_done, member_memo_done;

  std::vector<TraceNode>* trace = nullptr;
  std::vector<TraceNode> scratch_trace;
  Result result;

  // Appends child `child` to trace node `parent`, keeping the last child in `last`.
  void link(std::uint32_t parent, std::uint32_t& last, std::uint32_t child) {
    auto& nodes = *trace;
    if (last == kNoTrace) {
      nodes[parent].first_child = child;
    } else {
      nodes[last].next_sibling = child;
    }
    last = child;
  }

  void prepare(const Facts& f, Date date) {
    facts = &f;
    as_of = date;
    convention = impl.info.age_convention;
    steps = 0;
    max_steps = impl.limits.max_eval_steps;
    household_steps = 0;
    max_household_steps = impl.limits.max_household_steps;
    if (!parameters_date || *parameters_date != date) {
      parameters_date = date;
      parameter_values.assign(impl.parameters.size(), Value::error(EvalError::kNoParameterValue));
      parameter_since.assign(impl.parameters.size(), Date{});
      for (std::size_t i = 0; i < impl.parameters.size(); ++i) {
        if (const auto* v = impl.parameters[i].value_on(date)) {
          parameter_values[i] = v->value;
          parameter_since[i] = v->from;
        }
      }
    }
    std::size_t definitions = impl.definitions.size();
    household_definition_done.assign(definitions, 0);
    household_definitions.resize(definitions);
    member_definition_done.assign(definitions * f.member_count(), 0);
    member_definitions.resize(definitions * f.member_count());
    household_memo_done.assign(impl.household_memos, 0);
    household_memo.resize(impl.household_memos);
    member_memo_done.assign(std::size_t{impl.member_memos} * f.member_count(), 0);
    member_memo.resize(std::size_t{impl.member_memos} * f.member_count());
    forget_definition_traces();
  }

  // The untraced value of node `index`: leaves are read here, without a call; computed nodes go
  // through eval<false>, which remembers repeated ones. Counts steps as eval does.
  Value value(std::uint32_t index, std::int32_t member) {
    const Node& node = impl.nodes[index];
    switch (node.op) {
      case OpCode::kConst:
      case OpCode::kHouseholdFact:
      case OpCode::kMemberFact:
      case OpCode::kParameter:
        if (over_budget()) return Value::error(EvalError::kStepBudget);
        if (node.op == OpCode::kConst) return node.constant;
        if (node.op == OpCode::kHouseholdFact) return facts->household(node.a);
        if (node.op == OpCode::kMemberFact) return facts->member(member, node.a);
        return parameter_values[node.a];
      case OpCode::kHouseholdDefinition:
      case OpCode::kMemberDefinition: {
        bool household = node.op == OpCode::kHouseholdDefinition;
        std::size_t slot = household ? node.a : member * impl.definitions.size() + node.a;
        if ((household ? household_definition_done : member_definition_done)[slot]) {
          if (over_budget()) return Value::error(EvalError::kStepBudget);
          return (household ? household_definitions : member_definitions)[slot];
        }
        break;
      }
      default:
        break;
    }
    return eval<false>(index, member, nullptr);
  }

  // A member rule's condition decided for all members at once where it can be: a condition that
  // does not depend on the member, or the leading household-level conjuncts of an `and`
  // (CompiledRule::household_prefix). Reset for each rule.
  struct Hoisted {
    bool ready = false;
    bool decided = false;  // `value` is the condition's value for every member
    bool unknown = false;  // ... else whether one of the leading conjuncts was unknown
    Value value;
  };

  // The untraced value of member rule `rule`'s condition for `member`: the Kleene `and` of
  // eval_node, its household-level leading conjuncts evaluated once. A step-budget fault is
  // not shared: a member whose condition met one evaluates it alone, with its own budget.
  Value condition(const compile::CompiledRule& rule, std::int32_t member, Hoisted& h) {
    if (rule.condition == compile::kNoNode) return Value::boolean(true);
    auto budget = [](const Value& v) {
      return v.is_error() && v.as_error() == EvalError::kStepBudget;
    };
    if (!impl.member_dependent[rule.condition]) {
      if (!h.ready) {
        h.value = value(rule.condition, -1);
        h.ready = h.decided = !budget(h.value);
        return h.value;
      }
      return h.value;
    }
    if (rule.household_prefix == 0) return value(rule.condition, member);
    const Node& node = impl.nodes[rule.condition];
    if (!h.ready) {
      Hoisted fresh;
      for (int i = 0; i < rule.household_prefix; ++i) {
        Value a = value(impl.args[node.first_arg + i], -1);
        if (budget(a)) return value(rule.condition, member);
        if (a.is_error() || a.is_false()) {
          fresh.decided = true;
          fresh.value = a;
          break;
        }
        fresh.unknown = fresh.unknown || a.is_unknown();
      }
      fresh.ready = true;
      h = fresh;
    }
    if (h.decided) return h.value;
    bool unknown = h.unknown;
    for (int i = rule.household_prefix; i < node.argc; ++i) {
      Value a = value(impl.args[node.first_arg + i], member);
      if (a.is_error() || a.is_false()) return a;
      unknown = unknown || a.is_unknown();
    }
    return unknown ? Value::unknown() : Value::boolean(true);
  }

  // Called whenever the trace buffer changes: recorded subtrees belong to the old one.
  void forget_definition_traces() {
    household_definition_trace.assign(impl.definitions.size(), kNoTrace);
    member_definition_trace.assign(impl.definitions.size() * facts->member_count(), kNoTrace);
  }
  // Called when the trace is cut back to `size` nodes: subtrees recorded past it are gone, and
  // their places will be reused.
  void forget_definition_traces_from(std::uint32_t size) {
    for (auto* roots : {&household_definition_trace, &member_definition_trace}) {
      for (auto& root : *roots) {
        if (root != kNoTrace && root >= size) root = kNoTrace;
      }
    }
  }

  template <bool kTrace>
  Value eval(std::uint32_t index, std::int32_t member, std::uint32_t* trace_index);

  template <bool kTrace>
  Value eval_node(const Node& node, std::uint32_t self, std::int32_t member);
  // The bulkier operations, out of eval_node so that its frame stays small for the common ones.
  template <bool kTrace>
  Value arithmetic(const Node& node, std::uint32_t self, std::int32_t member);  // and dates
  template <bool kTrace>
  Value aggregate(const Node& node, std::uint32_t self, std::int32_t member);

  template <bool kTrace>
  Value child(const Node& node, int i, std::int32_t member, std::uint32_t self,
              std::uint32_t& last) {
    if constexpr (!kTrace) return value(impl.args[node.first_arg + i], member);
    std::uint32_t child_trace = kNoTrace;
    Value v = eval<kTrace>(impl.args[node.first_arg + i], member, &child_trace);
    if constexpr (kTrace) link(self, last, child_trace);
    return v;
  }

  template <bool kTrace>
  Value definition(std::int32_t index, std::int32_t member, std::uint32_t self,
                   std::uint32_t& last) {
    const auto& def = impl.definitions[index];
    bool household = def.entity == load::Entity::kHousehold;
    std::size_t slot = household ? index : member * impl.definitions.size() + index;
    auto& done = household ? household_definition_done : member_definition_done;
    auto& values = household ? household_definitions : member_definitions;
    if constexpr (kTrace) {
      auto& roots = household ? household_definition_trace : member_definition_trace;
      if (roots[slot] == kNoTrace) {
        std::uint32_t root = kNoTrace;
        Value v = eval<true>(def.root, household ? -1 : member, &root);
        roots[slot] = root;
        if (!done[slot]) {
          values[slot] = v;
          done[slot] = 1;
        }
      }
      link(self, last, roots[slot]);
      return values[slot];
    } else {
      if (!done[slot]) {
        values[slot] = eval<false>(def.root, household ? -1 : member, nullptr);
        done[slot] = 1;
      }
      return values[slot];
    }
  }
};

namespace {

int compare_values(const Value& a, const Value& b) {
  switch (a.kind) {
    case ValueKind::kNumber:
    case ValueKind::kDate:
    case ValueKind::kBool:
      return a.bits < b.bits ? -1 : (a.bits > b.bits ? 1 : 0);
    case ValueKind::kEnum:
      return a.aux < b.aux ? -1 : (a.aux > b.aux ? 1 : 0);
    case ValueKind::kString: {
      int c = a.as_string().compare(b.as_string());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default:
      return 0;
  }
}

Value from_optional(std::optional<Decimal> d, EvalError error) {
  return d ? Value::number(*d) : Value::error(error);
}

}  // namespace

template <bool kTrace>
Value Evaluator::State::eval(std::uint32_t index, std::int32_t member, std::uint32_t* trace_index) {
  if constexpr (!kTrace) {
    const Node& node = impl.nodes[index];
    if (node.memo >= 0 && (member >= 0 || !impl.member_dependent[index])) {
      bool household = !impl.member_dependent[index];
      std::size_t slot = household ? static_cast<std::size_t>(node.memo)
                                   : member * std::size_t{impl.member_memos} + node.memo;
      auto& done = household ? household_memo_done : member_memo_done;
      auto& values = household ? household_memo : member_memo;
      if (done[slot]) {
        if (over_budget()) return Value::error(EvalError::kStepBudget);
        return values[slot];
      }
      Value v = over_budget() ? Value::error(EvalError::kStepBudget)
                              : eval_node<false>(node, kNoTrace, member);
      // A step-budget fault belongs to the decision that met it, not to later ones.
      if (!(v.is_error() && v.as_error() == EvalError::kStepBudget)) {
        values[slot] = v;
        done[slot] = 1;
      }
      return v;
    }
  }
  std::uint32_t self = kNoTrace;
  if constexpr (kTrace) {
    self = static_cast<std::uint32_t>(trace->size());
    TraceNode t;
    t.source = index;
    t.member = member;
    trace->push_back(t);
    *trace_index = self;
  }
  Value v;
  if (over_budget()) {
    v = Value::error(EvalError::kStepBudget);
  } else {
    v = eval_node<kTrace>(impl.nodes[index], self, member);
  }
  if constexpr (kTrace) {
    (*trace)[self].value = v;
    const Node& node = impl.nodes[index];
    if (node.op == OpCode::kParameter) {
      (*trace)[self].parameter = node.a;
      (*trace)[self].since = parameter_since[node.a];
    }
  }
  return v;
}

template <bool kTrace>
Value Evaluator::State::eval_node(const Node& node, std::uint32_t self, std::int32_t member) {
  std::uint32_t last = kNoTrace;
  auto arg = [&](int i) { return child<kTrace>(node, i, member, self, last); };
  switch (node.op) {
    case OpCode::kConst:
      return node.constant;
    case OpCode::kHouseholdFact:
      return facts->household(node.a);
    case OpCode::kMemberFact:
      return facts->member(member, node.a);
    case OpCode::kHouseholdDefinition:
    case OpCode::kMemberDefinition:
      return definition<kTrace>(node.a, node.op == OpCode::kHouseholdDefinition ? -1 : member, self,
                                last);
    case OpCode::kParameter:
      return parameter_values[node.a];
    case OpCode::kNot: {
      Value a = arg(0);
      if (a.kind != ValueKind::kBool) return a;
      return Value::boolean(!a.as_bool());
    }
    case OpCode::kAnd:
    case OpCode::kOr: {
      // Kleene: the deciding value (false for and, true for or) wins over unknown.
      // With trace_all_conditions the operands after the deciding one are evaluated for the
      // trace only; the value is the same as without.
      bool deciding = node.op == OpCode::kOr;
      bool unknown = false;
      std::optional<Value> decided;
      for (int i = 0; i < node.argc; ++i) {
        if (decided) {
          // For the trace only: not part of the rule's step count (the household's has it).
          std::uint64_t counted = steps;
          arg(i);
          steps = counted;
          continue;
        }
        Value a = arg(i);
        if (a.is_error() || (!a.is_unknown() && a.as_bool() == deciding)) {
          decided = a;
          if (!(kTrace && trace_all)) return a;
        } else if (a.is_unknown()) {
          unknown = true;
        }
      }
      if (decided) return *decided;
      return unknown ? Value::unknown() : Value::boolean(!deciding);
    }
    case OpCode::kNegate:
    case OpCode::kAdd:
    case OpCode::kSub:
    case OpCode::kMul:
    case OpCode::kDiv:
    case OpCode::kAge:
    case OpCode::kYearsBetween:
    case OpCode::kMonthsBetween:
    case OpCode::kDaysBetween:
      return arithmetic<kTrace>(node, self, member);
    case OpCode::kEq:
    case OpCode::kNe:
    case OpCode::kLt:
    case OpCode::kLe:
    case OpCode::kGt:
    case OpCode::kGe: {
      Value a = arg(0);
      Value b = arg(1);
      if (a.is_error()) return a;
      if (b.is_error()) return b;
      if (a.is_unknown() || b.is_unknown()) return Value::unknown();
      int c = compare_values(a, b);
      switch (node.op) {
        case OpCode::kEq:
          return Value::boolean(c == 0);
        case OpCode::kNe:
          return Value::boolean(c != 0);
        case OpCode::kLt:
          return Value::boolean(c < 0);
        case OpCode::kLe:
          return Value::boolean(c <= 0);
        case OpCode::kGt:
          return Value::boolean(c > 0);
        default:
          return Value::boolean(c >= 0);
      }
    }
    case OpCode::kIn:
    case OpCode::kNotIn: {
      // x in [a, b] is x == a or x == b, with Kleene or.
      Value x = arg(0);
      if (x.is_error()) return x;
      bool unknown = x.is_unknown();
      bool found = false;
      for (int i = 1; i < node.argc && !found; ++i) {
        Value item = arg(i);
        if (item.is_error()) return item;
        if (item.is_unknown() || x.is_unknown()) {
          unknown = true;
        } else if (compare_values(x, item) == 0) {
          found = true;
        }
      }
      if (found) return Value::boolean(node.op == OpCode::kIn);
      if (unknown) return Value::unknown();
      return Value::boolean(node.op == OpCode::kNotIn);
    }
    case OpCode::kIf: {
      Value c = arg(0);
      if (c.kind != ValueKind::kBool) return c;
      if (c.as_bool()) return arg(1);
      // Keep the trace's child order: condition, then the branch taken.
      return arg(2);
    }
    case OpCode::kAsOf:
      return Value::date(as_of);
    case OpCode::kIsKnown: {
      Value a = arg(0);
      if (a.is_error()) return a;
      return Value::boolean(!a.is_unknown());
    }
    case OpCode::kCount:
    case OpCode::kAny:
    case OpCode::kAll:
    case OpCode::kSum:
    case OpCode::kMin:
    case OpCode::kMax:
      return aggregate<kTrace>(node, self, member);
  }
  return Value::unknown();
}

template <bool kTrace>
Value Evaluator::State::arithmetic(const Node& node, std::uint32_t self, std::int32_t member) {
  std::uint32_t last = kNoTrace;
  auto arg = [&](int i) { return child<kTrace>(node, i, member, self, last); };
  switch (node.op) {
    case OpCode::kNegate: {
      Value a = arg(0);
      if (a.kind != ValueKind::kNumber) return a;
      return from_optional(checked_neg(a.as_number()), EvalError::kOverflow);
    }
    case OpCode::kAdd:
    case OpCode::kSub:
    case OpCode::kMul:
    case OpCode::kDiv: {
      Value a = arg(0);
      Value b = arg(1);
      if (a.is_error()) return a;
      if (b.is_error()) return b;
      if (a.is_unknown() || b.is_unknown()) return Value::unknown();
      Decimal x = a.as_number(), y = b.as_number();
      switch (node.op) {
        case OpCode::kAdd:
          return from_optional(checked_add(x, y), EvalError::kOverflow);
        case OpCode::kSub:
          return from_optional(checked_sub(x, y), EvalError::kOverflow);
        case OpCode::kMul:
          return from_optional(checked_mul(x, y), EvalError::kOverflow);
        default:
          if (y.units() == 0) return Value::error(EvalError::kDivisionByZero);
          return from_optional(checked_div(x, y), EvalError::kOverflow);
      }
    }
    case OpCode::kAge: {
      Value birth = arg(0);
      if (birth.kind != ValueKind::kDate) return birth;
      return Value::number(Decimal::from_units(
          static_cast<std::int64_t>(age_on(birth.as_date(), as_of, convention)) * Decimal::kOne));
    }
    case OpCode::kYearsBetween:
    case OpCode::kMonthsBetween:
    case OpCode::kDaysBetween: {
      Value a = arg(0);
      Value b = arg(1);
      if (a.kind != ValueKind::kDate) return a;
      if (b.kind != ValueKind::kDate) return b;
      int n = node.op == OpCode::kYearsBetween    ? whole_years_between(a.as_date(), b.as_date())
              : node.op == OpCode::kMonthsBetween ? whole_months_between(a.as_date(), b.as_date())
                                                  : days_between(a.as_date(), b.as_date());
      return Value::number(Decimal::from_units(static_cast<std::int64_t>(n) * Decimal::kOne));
    }
    default:
      break;
  }
  return Value::unknown();
}

template <bool kTrace>
Value Evaluator::State::aggregate(const Node& node, std::uint32_t self, std::int32_t member) {
  std::uint32_t last = kNoTrace;
  (void)member;  // the arguments are evaluated for each member in turn
  switch (node.op) {
    case OpCode::kCount:
    case OpCode::kAny:
    case OpCode::kAll:
    case OpCode::kSum:
    case OpCode::kMin:
    case OpCode::kMax: {
      const auto members = static_cast<std::int32_t>(facts->member_count());
      std::uint32_t filter = impl.args[node.first_arg];
      std::uint32_t predicate = node.argc > 1 ? impl.args[node.first_arg + 1] : compile::kNoNode;
      bool unknown = false;
      bool any_value = false;
      std::int64_t count = 0;
      Decimal total;
      Value best;
      for (std::int32_t m = 0; m < members; ++m) {
        std::uint32_t child_trace = kNoTrace;
        Value f;
        if constexpr (kTrace) {
          f = eval<true>(filter, m, &child_trace);
          link(self, last, child_trace);
        } else {
          f = value(filter, m);
        }
        if (f.is_error()) return f;
        if (f.is_false()) continue;
        bool filter_unknown = f.is_unknown();
        if (node.op == OpCode::kCount) {
          if (filter_unknown) {
            unknown = true;
          } else {
            ++count;
          }
          continue;
        }
        Value v;
        if constexpr (kTrace) {
          v = eval<true>(predicate, m, &child_trace);
          link(self, last, child_trace);
        } else {
          v = value(predicate, m);
        }
        if (v.is_error()) return v;
        if (node.op == OpCode::kAny || node.op == OpCode::kAll) {
          // any: Kleene or of (filter and v); all: Kleene and of (not filter or v).
          bool deciding = node.op == OpCode::kAny;
          if (!v.is_unknown() && v.as_bool() == deciding) {
            if (!filter_unknown) return Value::boolean(deciding);
            unknown = true;
          } else if (v.is_unknown()) {
            unknown = true;
          }
          continue;
        }
        if (filter_unknown || v.is_unknown()) {
          unknown = true;
          continue;
        }
        if (node.op == OpCode::kSum) {
          auto sum = checked_add(total, v.as_number());
          if (!sum) return Value::error(EvalError::kOverflow);
          total = *sum;
        } else if (!any_value || (node.op == OpCode::kMin ? compare_values(v, best) < 0
                                                          : compare_values(v, best) > 0)) {
          best = v;
        }
        any_value = true;
      }
      if (unknown) return Value::unknown();
      switch (node.op) {
        case OpCode::kCount:
          return Value::number(Decimal::from_units(count * Decimal::kOne));
        case OpCode::kAny:
          return Value::boolean(false);
        case OpCode::kAll:
          return Value::boolean(true);
        case OpCode::kSum:
          return Value::number(total);
        default:
          return any_value ? best : Value::unknown();
      }
    }
    default:
      break;
  }
  return Value::unknown();
}

namespace {

// `visited` (one flag per trace node) keeps a shared definition subtree from being walked twice.
void collect_missing(const RuleSet::Impl& impl, const std::vector<TraceNode>& trace,
                     std::uint32_t index, std::vector<MissingFact>& out, std::size_t begin,
                     std::vector<std::uint8_t>& visited) {
  if (index == kNoTrace || visited[index]) return;
  visited[index] = 1;
  const TraceNode& t = trace[index];
  if (!t.value.is_unknown()) return;
  const Node& node = impl.nodes[t.source];
  if (node.op == OpCode::kHouseholdFact || node.op == OpCode::kMemberFact) {
    MissingFact fact{node.op == OpCode::kHouseholdFact ? -1 : t.member,
                     static_cast<std::uint32_t>(node.a)};
    if (std::find(out.begin() + static_cast<std::ptrdiff_t>(begin), out.end(), fact) == out.end()) {
      out.push_back(fact);
    }
    return;
  }
  for (std::uint32_t c = t.first_child; c != kNoTrace; c = trace[c].next_sibling) {
    collect_missing(impl, trace, c, out, begin, visited);
  }
}

}  // namespace

Evaluator::Evaluator(std::shared_ptr<const RuleSet> rules)
    : rules_(std::move(rules)), state_(std::make_unique<State>(rules_->impl())) {}

Evaluator::~Evaluator() = default;

const Result& Evaluator::evaluate(const Facts& facts, Date as_of, const EvalOptions& options) {
  State& s = *state_;
  const RuleSet::Impl& impl = s.impl;
  Result& result = s.result;
  result.clear();
  result.household_id = facts.household_id();
  result.as_of = as_of;
  s.trace = &result.trace;
  s.prepare(facts, as_of);
  s.trace_all = options.trace && options.trace_all_conditions;

  // Evaluates `node` for `member`, traced into the result when asked.
  auto run = [&](std::uint32_t node, std::int32_t member, std::uint32_t& trace_index) {
    if (node == compile::kNoNode) return Value::boolean(true);
    if (options.trace) return s.eval<true>(node, member, &trace_index);
    return s.value(node, member);
  };

  auto add_total = [&](Decimal& bucket, Decimal amount) {
    if (auto sum = checked_add(bucket, amount)) {
      bucket = *sum;
    } else {
      result.totals.overflow = true;
    }
  };

  const auto members = static_cast<std::int32_t>(facts.member_count());
  for (std::uint32_t r = 0; r < impl.rules.size(); ++r) {
    const auto& rule = impl.rules[r];
    const RuleInfo& info = impl.rule_info[r];
    if ((info.effective_from && as_of < *info.effective_from) ||
        (info.effective_until && as_of > *info.effective_until)) {
      RuleOutcome o;
      o.rule = r;
      o.reason = NotGrantedReason::kNotInEffect;
      result.outcomes.push_back(o);
      continue;
    }
    bool any_candidate = false;
    State::Hoisted hoisted;
    auto decide = [&](std::int32_t m) {
      // The step budget is per rule and recipient: one pathological rule faults alone.
      s.steps = 0;
      RuleOutcome o;
      o.rule = r;
      o.member = m;
      Value filter = Value::boolean(true);
      if (info.for_each_member) {
        std::size_t trace_size = result.trace.size();
        filter = run(rule.filter, m, o.filter_trace);
        if (filter.is_false()) {
          // Not a recipient: nothing to explain for this member.
          if (options.trace) {
            result.trace.resize(trace_size);
            s.forget_definition_traces_from(static_cast<std::uint32_t>(trace_size));
          }
          return;
        }
      }
      any_candidate = true;
      Value condition = options.trace || !info.for_each_member
                            ? run(rule.condition, m, o.condition_trace)
                            : s.condition(rule, m, hoisted);
      Value decided = condition;
      if (filter.is_error()) {
        decided = filter;
      } else if (condition.is_true() && filter.is_unknown()) {
        decided = Value::unknown();
      }
      if (decided.is_error()) {
        o.outcome = Outcome::kError;
        o.error = decided.as_error();
      } else if (decided.is_false()) {
        o.outcome = Outcome::kNotGranted;
        o.reason = NotGrantedReason::kConditionFalse;
      } else if (decided.is_unknown()) {
        o.outcome = Outcome::kUndetermined;
      } else {
        o.outcome = Outcome::kGranted;
        auto amount = [&](std::uint32_t node, Decimal& out, bool& has) {
          if (node == compile::kNoNode || o.outcome != Outcome::kGranted) return;
          Value v = s.value(node, m);
          if (v.is_error()) {
            o.outcome = Outcome::kError;
            o.error = v.as_error();
          } else if (v.is_unknown()) {
            o.outcome = Outcome::kUndetermined;
          } else {
            out = v.as_number();
            has = true;
          }
        };
        amount(rule.amount, o.amount, o.has_amount);
        bool has_min = false, has_max = false;
        amount(rule.amount_min, o.amount_min, has_min);
        amount(rule.amount_max, o.amount_max, has_max);
        o.has_range = has_min && has_max;
        amount(rule.quantity, o.quantity, o.has_quantity);
      }
      if (o.outcome == Outcome::kUndetermined) {
        // Re-run traced (into scratch space) to find the missing facts: those of the filter
        // and condition when they left the rule open, else those of the grant's amounts.
        o.missing_begin = static_cast<std::uint32_t>(result.missing.size());
        auto* saved = s.trace;
        s.scratch_trace.clear();
        s.trace = &s.scratch_trace;
        bool trace_all = s.trace_all;
        s.trace_all = false;
        s.forget_definition_traces();
        s.steps = 0;
        std::uint32_t roots[4] = {kNoTrace, kNoTrace, kNoTrace, kNoTrace};
        if (decided.is_unknown()) {
          if (info.for_each_member && rule.filter != compile::kNoNode) {
            s.eval<true>(rule.filter, m, &roots[0]);
          }
          s.eval<true>(rule.condition, m, &roots[1]);
        } else {
          int i = 0;
          for (auto node : {rule.amount, rule.amount_min, rule.amount_max, rule.quantity}) {
            if (node != compile::kNoNode) s.eval<true>(node, m, &roots[i]);
            ++i;
          }
        }
        s.visited.assign(s.scratch_trace.size(), 0);
        for (auto root : roots) {
          collect_missing(impl, s.scratch_trace, root, result.missing, o.missing_begin, s.visited);
        }
        s.trace = saved;
        s.forget_definition_traces();
        s.trace_all = trace_all;
        o.missing_end = static_cast<std::uint32_t>(result.missing.size());
      }
      if (o.outcome == Outcome::kGranted && info.kind == GrantKind::kCash && o.has_amount) {
        switch (info.period) {
          case Period::kOnce:
            add_total(result.totals.once, o.amount);
            break;
          case Period::kDaily:
            add_total(result.totals.daily, o.amount);
            break;
          case Period::kMonthly:
            add_total(result.totals.monthly, o.amount);
            break;
          case Period::kYearly:
            add_total(result.totals.yearly, o.amount);
            break;
          case Period::kPerOccasion: {
            auto n = Decimal::from_integer(static_cast<std::int64_t>(info.occasions.size()));
            auto per_year = checked_mul(o.amount, *n);
            if (per_year) {
              add_total(result.totals.per_occasion, *per_year);
            } else {
              result.totals.overflow = true;
            }
            break;
          }
          case Period::kNone:
            break;
        }
      }
      result.outcomes.push_back(o);
    };
    if (info.for_each_member) {
      for (std::int32_t m = 0; m < members; ++m)
        decide(m);
    } else {
      decide(-1);
    }
    if (info.for_each_member && !any_candidate) {
      RuleOutcome o;
      o.rule = r;
      o.reason = NotGrantedReason::kNoRecipient;
      result.outcomes.push_back(o);
    }
  }
  // annual = 12 × monthly + yearly + per-occasion amounts over a year's occasions + 365 × daily
  Totals& t = result.totals;
  auto twelve = *Decimal::from_integer(12);
  auto days = *Decimal::from_integer(365);
  auto monthly = checked_mul(t.monthly, twelve);
  auto daily = checked_mul(t.daily, days);
  std::optional<Decimal> annual;
  if (monthly && daily) {
    annual = checked_add(*monthly, t.yearly);
    if (annual) annual = checked_add(*annual, t.per_occasion);
    if (annual) annual = checked_add(*annual, *daily);
  }
  if (annual) {
    t.annual = *annual;
  } else {
    t.overflow = true;
  }
  result.steps = s.household_steps;
  return result;
}

std::optional<Diagnostic> step_budget_exceeded(const RuleSet& rules, const Result& result) {
  for (const auto& o : result.outcomes) {
    if (o.outcome != Outcome::kError || o.error != EvalError::kStepBudget) continue;
    const RuleInfo& rule = rules.rule(o.rule);
    Diagnostic d;
    d.code = std::string(codes::kEvalLimit);
    d.file = rule.file;
    d.line = rule.line;
    d.column = rule.column;
    const Limits& limits = rules.limits();
    if (result.steps > limits.max_household_steps) {
      d.message = fmt::format(
          "evaluation of the household stopped in rule '{}' after {} steps (limit "
          "max_household_steps); the rules from here on were not evaluated",
          rule.id, limits.max_household_steps);
    } else {
      d.message =
          fmt::format("evaluation of rule '{}' stopped after {} steps (limit max_eval_steps)",
                      rule.id, limits.max_eval_steps);
    }
    return d;
  }
  return std::nullopt;
}

}  // namespace entitle
