// Change points: an evaluation depends on its date only through age(), as_of(), parameter values
// and rule effective periods. This walks the compiled expressions to find where each of those can
// change value for one household, so that the timeline evaluates on those dates only.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "compile/program.hpp"
#include "entitle/explain.hpp"

namespace entitle {
namespace {

using compile::Node;
using compile::OpCode;
using Kind = ChangeCause::Kind;

bool is_comparison(OpCode op) {
  switch (op) {
    case OpCode::kEq:
    case OpCode::kNe:
    case OpCode::kLt:
    case OpCode::kLe:
    case OpCode::kGt:
    case OpCode::kGe:
    case OpCode::kIn:
    case OpCode::kNotIn:
      return true;
    default:
      return false;
  }
}

bool is_definition(OpCode op) {
  return op == OpCode::kHouseholdDefinition || op == OpCode::kMemberDefinition;
}

unsigned last_day(int year, unsigned month) {
  for (unsigned d = 31; d > 28; --d) {
    if (Date::from_ymd(year, month, d)) return d;
  }
  return 28;
}

// The first of the month `n` months after (before, n < 0) the month of `d`, as (year, month).
std::pair<int, unsigned> shift_month(Date d, int n) {
  int index = d.year() * 12 + static_cast<int>(d.month()) - 1 + n;
  int year = index >= 0 ? index / 12 : -((-index + 11) / 12);
  return {year, static_cast<unsigned>(index - year * 12 + 1)};
}

// A date that may lie outside the years Date::from_ymd accepts is of no use here.
std::optional<Date> ymd(std::pair<int, unsigned> ym, unsigned day) {
  if (ym.first < Date::kMinYear || ym.first > Date::kMaxYear) return std::nullopt;
  return Date::from_ymd(ym.first, ym.second, std::min(day, last_day(ym.first, ym.second)));
}

// Where a date the rules read comes from, for naming the cause of a change.
struct DateValue {
  Date date;
  std::int32_t member = -1;
  std::int32_t field = -1;
};

class Analysis {
 public:
  Analysis(const RuleSet::Impl& impl, const Facts& facts, Date from, Date to)
      : impl_(impl), facts_(facts), from_(from), to_(to) {
    parent_.assign(impl.nodes.size(), compile::kNoNode);
    definition_root_.assign(impl.nodes.size(), false);
    for (std::uint32_t n = 0; n < impl.nodes.size(); ++n) {
      const Node& node = impl.nodes[n];
      for (int i = 0; i < node.argc; ++i)
        parent_[impl.args[node.first_arg + i]] = n;
      if (node.op == OpCode::kConst && node.constant.kind == ValueKind::kDate) {
        all_dates_.push_back({node.constant.as_date(), -1, -1});
      }
    }
    for (const auto& d : impl.definitions)
      definition_root_[d.root] = true;
    for (const auto& p : impl.parameters) {
      for (const auto& v : p.values) {
        if (v.value.kind == ValueKind::kDate) all_dates_.push_back({v.value.as_date(), -1, -1});
      }
    }
    for (std::size_t slot = 0; slot < impl.household_fields.size(); ++slot) {
      const Value& v = facts.household(slot);
      if (v.kind == ValueKind::kDate) {
        all_dates_.push_back({v.as_date(), -1, static_cast<std::int32_t>(slot)});
      }
    }
    for (std::size_t m = 0; m < facts.member_count(); ++m) {
      for (std::size_t slot = 0; slot < impl.member_fields.size(); ++slot) {
        const Value& v = facts.member(m, slot);
        if (v.kind == ValueKind::kDate) {
          all_dates_.push_back(
              {v.as_date(), static_cast<std::int32_t>(m), static_cast<std::int32_t>(slot)});
        }
      }
    }
  }

  ChangePoints run() {
    for (std::uint32_t r = 0; r < impl_.rule_info.size(); ++r) {
      const RuleInfo& rule = impl_.rule_info[r];
      if (rule.effective_from) add(*rule.effective_from, {Kind::kRuleStart, -1, -1, 0, int(r)});
      if (rule.effective_until) {
        add(rule.effective_until->plus_days(1), {Kind::kRuleEnd, -1, -1, 0, int(r)});
      }
    }
    for (std::uint32_t p = 0; p < impl_.parameters.size(); ++p) {
      for (const auto& v : impl_.parameters[p].values) {
        add(v.from, {Kind::kParameter, -1, -1, 0, int(p)});
        if (v.until) add(v.until->plus_days(1), {Kind::kParameter, -1, -1, 0, int(p)});
      }
    }
    for (std::uint32_t n = 0; n < impl_.nodes.size() && unsupported_.empty(); ++n) {
      OpCode op = impl_.nodes[n].op;
      if (op == OpCode::kDaysBetween && depends_on_as_of(n)) {
        unsupported(n, "days_between() with as_of() changes every day");
      }
      std::uint32_t target = resolve(n);
      OpCode target_op = impl_.nodes[target].op;
      if (target_op != OpCode::kAge && target_op != OpCode::kAsOf) continue;
      if (definition_root_[n] && parent_[n] == compile::kNoNode) continue;  // seen at its uses
      if (target_op == OpCode::kAge) {
        age_use(n, target);
      } else {
        as_of_use(n);
      }
    }
    ChangePoints out;
    out.unsupported = unsupported_;
    if (!unsupported_.empty()) return out;
    for (auto& [date, causes] : points_)
      out.points.push_back({date, std::move(causes)});
    return out;
  }

 private:
  // Follows definition references to the expression they stand for.
  std::uint32_t resolve(std::uint32_t n) const {
    for (int guard = 0; guard < 1000 && is_definition(impl_.nodes[n].op); ++guard) {
      n = impl_.definitions[impl_.nodes[n].a].root;
    }
    return n;
  }

  std::uint32_t arg(std::uint32_t n, int i) const {
    return impl_.args[impl_.nodes[n].first_arg + i];
  }

  bool depends_on_as_of(std::uint32_t n) const {
    n = resolve(n);
    if (impl_.nodes[n].op == OpCode::kAsOf) return true;
    for (int i = 0; i < impl_.nodes[n].argc; ++i) {
      if (depends_on_as_of(arg(n, i))) return true;
    }
    return false;
  }

  void unsupported(std::uint32_t n, std::string_view why) {
    const auto& info = impl_.node_info[n];
    unsupported_ = fmt::format(
        "{}:{}:{}: '{}': {}; the timeline follows age() and as_of() "
        "compared with dates, years_between() and months_between()",
        impl_.files[info.file], info.line, info.column, info.text, why);
  }

  void add(Date date, ChangeCause cause) {
    if (date <= from_ || date > to_) return;
    auto& causes = points_[date];
    if (std::find(causes.begin(), causes.end(), cause) == causes.end()) causes.push_back(cause);
  }

  // The operands of `parent` other than `self`.
  std::vector<std::uint32_t> others(std::uint32_t parent, std::uint32_t self) const {
    std::vector<std::uint32_t> out;
    for (int i = 0; i < impl_.nodes[parent].argc; ++i) {
      if (arg(parent, i) != self) out.push_back(arg(parent, i));
    }
    return out;
  }

  // The other operands of the comparison `parent` around `self`, when all are constants or
  // parameters: every value they can take.
  std::optional<std::vector<Value>> constant_operands(std::uint32_t parent, std::uint32_t self) {
    std::vector<Value> out;
    for (std::uint32_t other : others(parent, self)) {
      const Node& node = impl_.nodes[resolve(other)];
      if (node.op == OpCode::kConst) {
        out.push_back(node.constant);
      } else if (node.op == OpCode::kParameter) {
        for (const auto& v : impl_.parameters[node.a].values)
          out.push_back(v.value);
      } else {
        return std::nullopt;
      }
    }
    return out;
  }

  // The dates an expression can take for this household: a fact's, a constant's, a parameter's
  // values; any date of the household and the package otherwise.
  std::vector<DateValue> dates_of(std::uint32_t n) const {
    const Node& node = impl_.nodes[resolve(n)];
    std::vector<DateValue> out;
    if (node.op == OpCode::kMemberFact) {
      for (std::size_t m = 0; m < facts_.member_count(); ++m) {
        const Value& v = facts_.member(m, node.a);
        if (v.kind == ValueKind::kDate) out.push_back({v.as_date(), int(m), node.a});
      }
    } else if (node.op == OpCode::kHouseholdFact) {
      const Value& v = facts_.household(node.a);
      if (v.kind == ValueKind::kDate) out.push_back({v.as_date(), -1, node.a});
    } else if (node.op == OpCode::kConst && node.constant.kind == ValueKind::kDate) {
      out.push_back({node.constant.as_date(), -1, -1});
    } else if (node.op == OpCode::kParameter) {
      for (const auto& v : impl_.parameters[node.a].values) {
        if (v.value.kind == ValueKind::kDate) out.push_back({v.value.as_date(), -1, -1});
      }
    } else {
      out = all_dates_;
    }
    return out;
  }

  // age(x) used at `use`: compared with constant ages, only the anniversaries at which the
  // comparison can flip matter (c and c + 1 for a whole c: `>= c` flips at c, `> c` at c + 1);
  // used any other way, every anniversary does.
  void age_use(std::uint32_t use, std::uint32_t age) {
    std::uint32_t parent = parent_[use];
    std::vector<int> ages;
    bool every = true;
    if (parent != compile::kNoNode && is_comparison(impl_.nodes[parent].op)) {
      if (auto constants = constant_operands(parent, use)) {
        every = false;
        for (const Value& c : *constants) {
          if (c.kind != ValueKind::kNumber) continue;
          std::int64_t units = c.as_number().units();
          std::int64_t whole = units / Decimal::kOne - (units % Decimal::kOne < 0 ? 1 : 0);
          for (std::int64_t a : {whole, whole + 1}) {
            ages.push_back(static_cast<int>(std::clamp<std::int64_t>(a, -1, 100000)));
          }
        }
      }
    }
    for (const DateValue& d : dates_of(arg(age, 0))) {
      if (every) {
        int first = std::max(0, age_on(d.date, from_, convention()));
        int last = age_on(d.date, to_, convention()) + 1;
        for (int years = first; years <= last; ++years)
          birthday(d, years);
      } else {
        for (int years : ages)
          birthday(d, years);
      }
    }
  }

  void birthday(const DateValue& d, int years) {
    add(anniversary(d.date, std::max(0, years), convention()),
        {Kind::kAge, d.member, d.field, std::max(0, years), -1});
  }

  // as_of() used at `use`: compared with dates, the comparison flips on each date it can be
  // compared with and on the day after; counted in years or months from other dates, the count
  // changes on their (year or month) anniversaries.
  void as_of_use(std::uint32_t use) {
    std::uint32_t parent = parent_[use];
    OpCode op = parent == compile::kNoNode ? OpCode::kConst : impl_.nodes[parent].op;
    if (op != OpCode::kYearsBetween && op != OpCode::kMonthsBetween && !is_comparison(op)) {
      unsupported(use,
                  "as_of() is used other than compared with a date or counted in years or "
                  "months");
      return;
    }
    std::vector<DateValue> dates;
    for (std::uint32_t other : others(parent, use)) {
      for (const DateValue& d : dates_of(other))
        dates.push_back(d);
    }
    for (const DateValue& d : dates) {
      if (is_comparison(op)) {
        add(d.date, {Kind::kDate, -1, -1, 0, -1});
        add(d.date.plus_days(1), {Kind::kDate, -1, -1, 0, -1});
      } else {
        month_steps(d, op == OpCode::kYearsBetween ? 12 : 1);
      }
    }
  }

  // whole_months_between(d, day) changes on add_months(d, n) after d, and before d on the day
  // after the last day from which n months do not reach d; whole years at every 12th of those.
  void month_steps(const DateValue& d, int step) {
    unsigned day = d.date.day();
    bool month_end = day == last_day(d.date.year(), d.date.month());
    int span = (to_.year() - from_.year() + 2) * 12 + std::abs(d.date.year() - from_.year()) * 12;
    for (int n = step; n <= span; n += step) {
      if (auto after = ymd(shift_month(d.date, n), day)) {
        add(*after, {Kind::kMonths, d.member, d.field, n, -1});
      }
      if (auto before = ymd(shift_month(d.date, -n), month_end ? 31 : day)) {
        add(before->plus_days(1), {Kind::kMonths, d.member, d.field, -n, -1});
      }
    }
  }

  AgeConvention convention() const { return impl_.info.age_convention; }

  const RuleSet::Impl& impl_;
  const Facts& facts_;
  Date from_, to_;
  std::vector<std::uint32_t> parent_;
  std::vector<bool> definition_root_;
  std::vector<DateValue> all_dates_;
  std::map<Date, std::vector<ChangeCause>> points_;
  std::string unsupported_;
};

}  // namespace

ChangePoints change_points(const RuleSet& rules, const Facts& facts, Date from, Date to) {
  return Analysis(rules.impl(), facts, from, to).run();
}

}  // namespace entitle
