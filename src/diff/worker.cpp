// DiffWorker: each household evaluated under the base and the reform, the figures tallied, and
// the households with the largest gain and loss explained from traced evaluations.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "compile/program.hpp"
#include "diff/worker_state.hpp"
#include "entitle/render.hpp"
#include "render/value_text.hpp"

namespace entitle {
namespace diff {

CommonRules::CommonRules(const RuleSet& base, const RuleSet& reform)
    : from_base(base.rule_count()), from_reform(reform.rule_count(), UINT32_MAX) {
  for (std::size_t i = 0; i < base.rule_count(); ++i) {
    int r = reform.find_rule(base.rule(i).id);
    from_base[i] = static_cast<std::uint32_t>(rules.size());
    if (r >= 0) from_reform[static_cast<std::size_t>(r)] = from_base[i];
    rules.push_back({base.rule(i).id, static_cast<int>(i), r});
  }
  for (std::size_t r = 0; r < reform.rule_count(); ++r) {
    if (from_reform[r] != UINT32_MAX) continue;
    from_reform[r] = static_cast<std::uint32_t>(rules.size());
    rules.push_back({reform.rule(r).id, -1, static_cast<int>(r)});
  }
}

namespace {

// Maps each base fact to the reform's fact of the same name; the problem, or empty.
std::string map_fields(const std::vector<compile::FieldInfo>& base,
                       const std::vector<compile::FieldInfo>& reform, std::string_view entity,
                       std::vector<std::uint32_t>& slots) {
  slots.clear();
  for (const auto& f : base) {
    auto it = std::find_if(reform.begin(), reform.end(),
                           [&](const compile::FieldInfo& r) { return r.name == f.name; });
    if (it == reform.end()) {
      return fmt::format("the reform has no {} fact '{}', which the base reads", entity, f.name);
    }
    if (it->type != f.type || it->values != f.values) {
      return fmt::format("the {} fact '{}' has another type in the reform than in the base", entity,
                         f.name);
    }
    slots.push_back(static_cast<std::uint32_t>(it - reform.begin()));
  }
  return {};
}

std::string map_schema(const RuleSet& base, const RuleSet& reform,
                       std::vector<std::uint32_t>& household_slots,
                       std::vector<std::uint32_t>& member_slots) {
  std::string problem = map_fields(base.impl().household_fields, reform.impl().household_fields,
                                   "household", household_slots);
  if (problem.empty()) {
    problem =
        map_fields(base.impl().member_fields, reform.impl().member_fields, "member", member_slots);
  }
  return problem;
}

bool identity(const std::vector<std::uint32_t>& slots, std::size_t size) {
  if (slots.size() != size) return false;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i] != i) return false;
  }
  return true;
}

const Facts& project(DiffWorker::State& s, const Facts& from) {
  Facts& to = s.base_facts;
  to.reset(s.household_slots.size(), s.member_slots.size());
  to.set_household_id(from.household_id());
  to.set_as_of(from.as_of());
  for (std::size_t m = 0; m < from.member_count(); ++m)
    to.add_member(from.member_id(m));
  for (std::size_t i = 0; i < s.household_slots.size(); ++i)
    to.household_slot(i) = from.household(s.household_slots[i]);
  for (std::size_t m = 0; m < from.member_count(); ++m) {
    for (std::size_t j = 0; j < s.member_slots.size(); ++j)
      to.member_slot(m, j) = from.member(m, s.member_slots[j]);
  }
  to.finish_ids();
  return to;
}

void collect(const Result& result, const std::vector<std::uint32_t>& to_common,
             std::vector<Entry>& out) {
  out.clear();
  for (const auto& o : result.outcomes) {
    if (o.outcome != Outcome::kNotGranted) out.push_back({to_common[o.rule], o.member, &o});
  }
  std::sort(out.begin(), out.end());
}

bool same(const RuleInfo& a_rule, const RuleOutcome& a, const RuleInfo& b_rule,
          const RuleOutcome& b) {
  if (a.outcome != b.outcome) return false;
  switch (a.outcome) {
    case Outcome::kError:
      return a.error == b.error;
    case Outcome::kGranted:
      return a.has_amount == b.has_amount && a.amount == b.amount && a.has_range == b.has_range &&
             a.amount_min == b.amount_min && a.amount_max == b.amount_max &&
             a.has_quantity == b.has_quantity && a.quantity == b.quantity &&
             a_rule.kind == b_rule.kind && a_rule.period == b_rule.period &&
             a_rule.occasions.size() == b_rule.occasions.size() && a_rule.unit == b_rule.unit;
    case Outcome::kUndetermined:
    case Outcome::kNotGranted:
      break;
  }
  return true;
}

// The outcomes that differ, as positions in s.base_entries and s.reform_entries (or -1 where the
// recipient has no entry, i.e. is not granted there).
void find_changes(DiffWorker::State& s, const Result& base, const Result& reform) {
  collect(base, s.common.from_base, s.base_entries);
  collect(reform, s.common.from_reform, s.reform_entries);
  s.changed.clear();
  std::size_t i = 0, j = 0;
  const auto& b = s.base_entries;
  const auto& r = s.reform_entries;
  while (i < b.size() || j < r.size()) {
    if (j == r.size() || (i < b.size() && b[i] < r[j])) {
      s.changed.emplace_back(static_cast<int>(i++), -1);
    } else if (i == b.size() || r[j] < b[i]) {
      s.changed.emplace_back(-1, static_cast<int>(j++));
    } else {
      if (!same(s.base->rule(b[i].outcome->rule), *b[i].outcome, s.reform->rule(r[j].outcome->rule),
                *r[j].outcome)) {
        s.changed.emplace_back(static_cast<int>(i), static_cast<int>(j));
      }
      ++i;
      ++j;
    }
  }
}

// ---- explanations ------------------------------------------------------------------------

std::string grant_text(const RuleInfo& rule, const RuleOutcome& o, std::string_view currency) {
  std::string period = rule.period == Period::kPerOccasion
                           ? fmt::format("per occasion ×{}", rule.occasions.size())
                           : std::string(to_string(rule.period));
  if (o.has_amount) {
    return fmt::format("{} {} {}", render::money_text(o.amount), currency, period);
  }
  if (o.has_range) {
    return fmt::format("{}–{} {} {}", render::money_text(o.amount_min),
                       render::money_text(o.amount_max), currency, period);
  }
  if (o.has_quantity) return fmt::format("{} {}", o.quantity.to_string(), rule.unit);
  return std::string(to_string(rule.kind));
}

const RuleOutcome* find_outcome(const Result& result, int rule, std::int32_t member) {
  for (const auto& o : result.outcomes) {
    if (o.rule == static_cast<std::uint32_t>(rule) &&
        (o.member == member || o.reason == NotGrantedReason::kNotInEffect)) {
      return &o;
    }
  }
  return nullptr;
}

std::string describe(const RuleSet& rules, const Result& result, const RuleOutcome* o,
                     std::int32_t member) {
  if (!o) return member >= 0 ? "not a recipient" : "not granted";
  const RuleInfo& rule = rules.rule(o->rule);
  switch (o->outcome) {
    case Outcome::kGranted:
      return "granted " + grant_text(rule, *o, rules.info().currency);
    case Outcome::kUndetermined: {
      std::vector<std::string> missing;
      for (auto i = o->missing_begin; i < o->missing_end; ++i)
        missing.push_back(missing_path(rules, result.missing[i]));
      return fmt::format("undetermined (missing {})", fmt::join(missing, ", "));
    }
    case Outcome::kError:
      return fmt::format("error ({})", render::error_name(o->error));
    case Outcome::kNotGranted:
      break;
  }
  if (o->reason == NotGrantedReason::kNotInEffect) {
    return fmt::format("not in effect on {}", result.as_of.to_string());
  }
  return "not granted";
}

std::string parameter_text(const compile::ParameterValueInfo* v, load::FactType type) {
  if (!v) return "(no value)";
  switch (type) {
    case load::FactType::kMoney:
      return render::money_text(v->value.as_number());
    case load::FactType::kInteger:
    case load::FactType::kDecimal:
      return v->value.as_number().to_string();
    case load::FactType::kBool:
      return v->value.as_bool() ? "true" : "false";
    case load::FactType::kDate:
      return v->value.as_date().to_string();
    case load::FactType::kEnum:
    case load::FactType::kString:
      break;
  }
  return "?";
}

bool same_value(const compile::ParameterValueInfo* a, const compile::ParameterValueInfo* b) {
  if (!a || !b) return a == b;
  return a->value.kind == b->value.kind && a->value.aux == b->value.aux &&
         a->value.bits == b->value.bits;
}

// "name: 100.00 → 200.00 (from 2014-01-01)" for each parameter of the rule whose value on the
// date differs between the rule sets.
void parameter_changes(const RuleSet& base, int b, const RuleSet& reform, int r, Date day,
                       std::vector<std::string>& why) {
  std::vector<std::string> names;
  for (auto [rules, index] : {std::pair{&base, b}, std::pair{&reform, r}}) {
    if (index < 0) continue;
    for (int p : rules->impl().rules[static_cast<std::size_t>(index)].parameters) {
      const auto& name = rules->impl().parameters[static_cast<std::size_t>(p)].name;
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  auto lookup = [&](const RuleSet& rules, const std::string& name)
      -> std::pair<const compile::ParameterValueInfo*, const compile::ParameterInfo*> {
    for (const auto& p : rules.impl().parameters) {
      if (p.name == name) return {p.value_on(day), &p};
    }
    return {nullptr, nullptr};
  };
  for (const auto& name : names) {
    auto [bv, bp] = lookup(base, name);
    auto [rv, rp] = lookup(reform, name);
    if (same_value(bv, rv)) continue;
    auto type = (rp ? rp : bp)->type;
    std::string line =
        fmt::format("{}: {} → {}", name, parameter_text(bv, type), parameter_text(rv, type));
    if (rv) line += fmt::format(" (from {})", rv->from.to_string());
    why.push_back(std::move(line));
  }
}

std::string period_text(const RuleInfo& rule) {
  if (!rule.effective_from && !rule.effective_until) return "always";
  std::string out;
  if (rule.effective_from) out = "from " + rule.effective_from->to_string();
  if (rule.effective_until)
    out += (out.empty() ? "until " : " until ") + rule.effective_until->to_string();
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Keeps the lines of the first two levels of a trace (the recipient filter and the condition
// with their direct parts).
void outline(std::vector<std::string>& lines) {
  std::erase_if(lines, [](const std::string& line) { return line.rfind("    ", 0) == 0; });
}

// The trace lines only the base has ("- ") and only the reform has ("+ "), in order, by a
// longest common subsequence of lines. Traces are a few dozen lines: O(n·m) is nothing.
void trace_changes(const std::vector<std::string>& a, const std::vector<std::string>& b,
                   std::vector<std::string>& why) {
  constexpr std::size_t kMaxLines = 12;
  std::vector<std::vector<std::uint32_t>> lcs(a.size() + 1,
                                              std::vector<std::uint32_t>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::size_t shown = 0, hidden = 0;
  auto add = [&](std::string_view mark, const std::string& line) {
    if (shown < kMaxLines) {
      why.push_back(fmt::format("{} {}", mark, line));
      ++shown;
    } else {
      ++hidden;
    }
  };
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ++i;
      ++j;
    } else if (j == b.size() || (i < a.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
      add("-", a[i++]);
    } else {
      add("+", b[j++]);
    }
  }
  if (hidden) why.push_back(fmt::format("… {} more differing trace lines", hidden));
}

DiffHousehold explain(DiffWorker::State& s, const BatchRecord& record, const Facts& base_facts,
                      const Totals& base, const Totals& reform, Decimal change) {
  DiffHousehold h;
  h.id = record.facts.household_id();
  h.line = record.line;
  h.as_of = record.as_of;
  h.base_once = base.once;
  h.base_annual = base.annual;
  h.reform_once = reform.once;
  h.reform_annual = reform.annual;
  h.change = change;
  const Result& tb = s.base_evaluator.evaluate(base_facts, record.as_of, {true});
  const Result& tr = s.reform_evaluator.evaluate(record.facts, record.as_of, {true});
  find_changes(s, tb, tr);
  for (auto [i, j] : s.changed) {
    const Entry& e = i >= 0 ? s.base_entries[static_cast<std::size_t>(i)]
                            : s.reform_entries[static_cast<std::size_t>(j)];
    const CommonRules::Entry& rule = s.common.rules[e.rule];
    DiffRuleChange c;
    c.rule = rule.id;
    c.recipient = e.member < 0 ? "household" : std::string(record.facts.member_id(e.member));
    const RuleOutcome* bo = rule.base >= 0 ? find_outcome(tb, rule.base, e.member) : nullptr;
    const RuleOutcome* ro = rule.reform >= 0 ? find_outcome(tr, rule.reform, e.member) : nullptr;
    c.base = rule.base < 0 ? "not in the base" : describe(*s.base, tb, bo, e.member);
    c.reform = rule.reform < 0 ? "removed by the reform" : describe(*s.reform, tr, ro, e.member);
    parameter_changes(*s.base, rule.base, *s.reform, rule.reform, record.as_of, c.why);
    if (rule.base >= 0 && rule.reform >= 0) {
      std::string from = period_text(s.base->rule(static_cast<std::size_t>(rule.base)));
      std::string to = period_text(s.reform->rule(static_cast<std::size_t>(rule.reform)));
      if (from != to) c.why.push_back(fmt::format("in effect: {} → {}", from, to));
    }
    auto trace = [&](const RuleSet& rules, const Facts& facts, const Result& result,
                     const RuleOutcome* o) {
      return o ? lines_of(render_trace(rules, facts, result, *o, "en", 0))
               : std::vector<std::string>{};
    };
    auto base_lines = trace(*s.base, base_facts, tb, bo);
    auto reform_lines = trace(*s.reform, record.facts, tr, ro);
    if (base_lines.empty() || reform_lines.empty()) {
      // One side has no trace (not in effect, not a recipient, no such rule): every line of
      // the other differs, and its outline says enough.
      outline(base_lines);
      outline(reform_lines);
    }
    trace_changes(base_lines, reform_lines, c.why);
    h.rules.push_back(std::move(c));
  }
  return h;
}

bool qualifies(const std::vector<DiffHousehold>& list, Decimal change, bool gains,
               std::size_t top) {
  if (top == 0) return false;
  if (list.size() < top) return true;
  return gains ? change > list.back().change : change < list.back().change;
}

}  // namespace

bool ranks_before(const DiffHousehold& a, const DiffHousehold& b, bool gains) {
  if (a.change != b.change) return gains ? a.change > b.change : a.change < b.change;
  return a.line < b.line;
}

}  // namespace diff

std::string diff_schema_problem(const RuleSet& base, const RuleSet& reform) {
  std::vector<std::uint32_t> household, member;
  return diff::map_schema(base, reform, household, member);
}

DiffWorker::State::State(std::shared_ptr<const RuleSet> base_rules,
                         std::shared_ptr<const RuleSet> reform_rules,
                         const DiffOptions& diff_options)
    : base(std::move(base_rules)),
      reform(std::move(reform_rules)),
      options(diff_options),
      common(*base, *reform),
      base_evaluator(base),
      reform_evaluator(reform) {
  std::string problem = diff::map_schema(*base, *reform, household_slots, member_slots);
  if (!problem.empty()) throw std::invalid_argument(problem);
  same_schema = diff::identity(household_slots, reform->impl().household_fields.size()) &&
                diff::identity(member_slots, reform->impl().member_fields.size());
  base_summary.rules.resize(base->rule_count());
  reform_summary.rules.resize(reform->rule_count());
}

DiffWorker::DiffWorker(std::shared_ptr<const RuleSet> base, std::shared_ptr<const RuleSet> reform,
                       const DiffOptions& options)
    : state_(std::make_unique<State>(std::move(base), std::move(reform), options)) {}

DiffWorker::~DiffWorker() = default;

void DiffWorker::household(const BatchRecord& record, std::string&) {
  State& s = *state_;
  const Facts& base_facts = s.same_schema ? record.facts : diff::project(s, record.facts);
  const Result& base = s.base_evaluator.evaluate(base_facts, record.as_of);
  const Result& reform = s.reform_evaluator.evaluate(record.facts, record.as_of);
  s.base_summary.add(*s.base, base);
  s.reform_summary.add(*s.reform, reform);
  auto once = checked_sub(reform.totals.once, base.totals.once);
  auto annual = checked_sub(reform.totals.annual, base.totals.annual);
  auto change = once && annual ? checked_add(*once, *annual) : std::nullopt;
  if (!change || base.totals.overflow || reform.totals.overflow) {
    s.overflow = true;  // counted in neither direction
    return;
  }
  s.annual.add(*annual);
  s.once.add(*once);
  bool gain = *change > Decimal(), loss = *change < Decimal();
  if (gain) {
    ++s.better_off;
  } else if (loss) {
    ++s.worse_off;
  } else {
    ++s.unchanged;
    diff::find_changes(s, base, reform);
    s.unchanged_other += !s.changed.empty();
  }
  auto& list = gain ? s.gains : s.losses;
  if ((gain || loss) && diff::qualifies(list, *change, gain, s.options.top)) {
    // Copy the totals: the traced evaluations reuse the results' storage.
    Totals base_totals = base.totals, reform_totals = reform.totals;
    DiffHousehold h = diff::explain(s, record, base_facts, base_totals, reform_totals, *change);
    auto at = std::upper_bound(list.begin(), list.end(), h, [gain](const auto& a, const auto& b) {
      return diff::ranks_before(a, b, gain);
    });
    list.insert(at, std::move(h));
    if (list.size() > s.options.top) list.pop_back();
  }
}

void DiffWorker::error(const BatchError& error, std::string&) {
  State& s = *state_;
  ++s.errors;
  if (s.first_errors.size() < s.options.kept_errors) {
    s.first_errors.push_back(
        {error.line, std::string(error.household), std::string(error.message)});
  }
}

}  // namespace entitle
