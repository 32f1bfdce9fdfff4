#include "lint/conditions.hpp"

#include <algorithm>

namespace entitle::lint {

using load::Entity;
using load::Expr;
using load::ExprKind;
using load::Op;
using load::RefKind;
using load::TypeKind;

namespace {

// Bounds of the number lattice: far beyond any Decimal a package can write (|units| < 2^63 is
// clamped into this range first), and far enough from INT64 limits that ±1 never overflows.
constexpr std::int64_t kBig = std::int64_t{1} << 60;
// Search steps before the reasoning gives up on one question (and does not warn).
constexpr long kSearchBudget = 200000;
// Whole years a person can have between the earliest and latest date Date::parse accepts.
constexpr int kMaxAge = Date::kMaxYear - Date::kMinYear;
constexpr std::int64_t kDaysPer30Years = 10957;

std::int64_t clamp_big(std::int64_t v) {
  return std::clamp(v, -2 * kBig, 2 * kBig);
}

std::int64_t floor_to(std::int64_t v, std::int64_t step) {
  std::int64_t q = v / step;
  if (v % step != 0 && v < 0) --q;
  return q * step;
}

std::int64_t ceil_to(std::int64_t v, std::int64_t step) {
  std::int64_t f = floor_to(v, step);
  return f == v ? v : f + step;
}

Op negated(Op op) {
  switch (op) {
    case Op::kEq:
      return Op::kNe;
    case Op::kNe:
      return Op::kEq;
    case Op::kLt:
      return Op::kGe;
    case Op::kLe:
      return Op::kGt;
    case Op::kGt:
      return Op::kLe;
    case Op::kGe:
      return Op::kLt;
    default:
      return op;
  }
}

// a op b  ⇔  b flipped(op) a
Op flipped(Op op) {
  switch (op) {
    case Op::kLt:
      return Op::kGt;
    case Op::kLe:
      return Op::kGe;
    case Op::kGt:
      return Op::kLt;
    case Op::kGe:
      return Op::kLe;
    default:
      return op;
  }
}

bool holds(int c, Op op) {
  switch (op) {
    case Op::kEq:
      return c == 0;
    case Op::kNe:
      return c != 0;
    case Op::kLt:
      return c < 0;
    case Op::kLe:
      return c <= 0;
    case Op::kGt:
      return c > 0;
    case Op::kGe:
      return c >= 0;
    default:
      return false;
  }
}

Formula constant_formula(bool value) {
  Formula f;
  f.kind = value ? Formula::Kind::kTrue : Formula::Kind::kFalse;
  return f;
}

Formula atom_formula(const TermKey& term, Op op, Constant value) {
  Formula f;
  f.kind = Formula::Kind::kAtom;
  f.atom = Atom{term, op, std::move(value)};
  return f;
}

Formula junction(bool conjunction, std::vector<Formula> args) {
  Formula f;
  f.kind = conjunction ? Formula::Kind::kAnd : Formula::Kind::kOr;
  f.args = std::move(args);
  return f;
}

std::optional<Constant> constant_of(const Value& v) {
  switch (v.kind) {
    case ValueKind::kBool:
      return Constant{v.as_bool() ? 1 : 0, {}};
    case ValueKind::kNumber:
      return Constant{clamp_big(v.as_number().units()), {}};
    case ValueKind::kDate:
      return Constant{v.as_date().days, {}};
    case ValueKind::kEnum:
      return Constant{v.as_enum(), {}};
    default:
      return std::nullopt;
  }
}

}  // namespace

bool TermState::apply(Op op, const Constant& value) {
  switch (domain) {
    case Domain::kNumber:
    case Domain::kDate: {
      std::int64_t v = clamp_big(value.number);
      switch (op) {
        case Op::kEq:
          lo = std::max(lo, v);
          hi = std::min(hi, v);
          break;
        case Op::kNe:
          excluded.push_back(v);
          break;
        case Op::kLt:
          hi = std::min(hi, v - 1);
          break;
        case Op::kLe:
          hi = std::min(hi, v);
          break;
        case Op::kGt:
          lo = std::max(lo, v + 1);
          break;
        case Op::kGe:
          lo = std::max(lo, v);
          break;
        default:
          break;
      }
      break;
    }
    case Domain::kEnum: {
      auto index = static_cast<std::size_t>(value.number);
      for (std::size_t i = 0; i < enum_allowed.size(); ++i) {
        if (op == Op::kEq && i != index) enum_allowed[i] = false;
        if (op == Op::kNe && i == index) enum_allowed[i] = false;
      }
      break;
    }
    case Domain::kBool: {
      int want = static_cast<int>(value.number != 0);
      if (op == Op::kNe) want = 1 - want;
      if (op != Op::kEq && op != Op::kNe) break;
      if (bool_value >= 0 && bool_value != want) return false;
      bool_value = want;
      break;
    }
    case Domain::kString:
      if (op == Op::kEq) {
        if (text_equal && *text_equal != value.text) return false;
        text_equal = value.text;
      } else if (op == Op::kNe) {
        text_excluded.push_back(value.text);
      }
      break;
  }
  return feasible();
}

bool TermState::feasible() const {
  switch (domain) {
    case Domain::kNumber:
    case Domain::kDate: {
      std::int64_t a = ceil_to(lo, step), b = floor_to(hi, step);
      if (a > b) return false;
      std::int64_t points = (b - a) / step + 1;
      std::vector<std::int64_t> out;
      for (std::int64_t x : excluded) {
        if (x >= a && x <= b && x % step == 0) out.push_back(x);
      }
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      return points > static_cast<std::int64_t>(out.size());
    }
    case Domain::kEnum:
      return std::find(enum_allowed.begin(), enum_allowed.end(), true) != enum_allowed.end();
    case Domain::kBool:
      return true;
    case Domain::kString:
      return !text_equal || std::find(text_excluded.begin(), text_excluded.end(), *text_equal) ==
                                text_excluded.end();
  }
  return true;
}

std::int64_t TermState::pick_number() const {
  std::int64_t a = ceil_to(lo, step), b = floor_to(hi, step);
  std::int64_t start = std::clamp(floor_to(preferred, step), a, b);
  auto ok = [&](std::int64_t x) {
    return x >= a && x <= b && std::find(excluded.begin(), excluded.end(), x) == excluded.end();
  };
  for (std::int64_t k = 0; k <= static_cast<std::int64_t>(excluded.size()) + 1; ++k) {
    if (ok(start + k * step)) return start + k * step;
    if (ok(start - k * step)) return start - k * step;
  }
  return start;
}

std::uint32_t TermState::pick_enum() const {
  auto it = std::find(enum_allowed.begin(), enum_allowed.end(), true);
  auto preferred_index = static_cast<std::size_t>(preferred);
  if (preferred_index < enum_allowed.size() && enum_allowed[preferred_index]) {
    return static_cast<std::uint32_t>(preferred_index);
  }
  return static_cast<std::uint32_t>(it - enum_allowed.begin());
}

std::string TermState::pick_text() const {
  if (text_equal) return *text_equal;
  std::string text = "text";
  while (std::find(text_excluded.begin(), text_excluded.end(), text) != text_excluded.end()) {
    text += "x";
  }
  return text;
}

Reasoner::Reasoner(const check::CheckedPackage& package, const RuleSet::Impl& compiled, Date day,
                   Date last_day)
    : package_(package), compiled_(compiled), day_(day), last_day_(last_day) {}

TermState Reasoner::initial_state(const TermKey& term) const {
  TermState s;
  auto number = [&](std::int64_t step, std::optional<Decimal> min, std::optional<Decimal> max) {
    s.domain = Domain::kNumber;
    s.step = step;
    s.lo = min ? clamp_big(min->units()) : -kBig;
    s.hi = max ? clamp_big(max->units()) : kBig;
  };
  auto dates = [&] {
    s.domain = Domain::kDate;
    s.lo = Date::from_ymd(Date::kMinYear, 1, 1)->days;
    s.hi = Date::from_ymd(Date::kMaxYear, 12, 31)->days;
    s.preferred = day_.days - kDaysPer30Years;
  };
  auto by_type = [&](TypeKind type, int enum_field, bool is_count) {
    switch (type) {
      case TypeKind::kBool:
        s.domain = Domain::kBool;
        break;
      case TypeKind::kInteger:
        number(Decimal::kOne, std::nullopt, std::nullopt);
        if (is_count) {
          s.lo = 0;
          s.hi = static_cast<std::int64_t>(compiled_.limits.max_members) * Decimal::kOne;
        }
        break;
      case TypeKind::kDecimal:
      case TypeKind::kMoney:
        number(1, std::nullopt, std::nullopt);
        break;
      case TypeKind::kDate:
        dates();
        break;
      case TypeKind::kEnum:
        s.domain = Domain::kEnum;
        s.enum_allowed.assign(enum_field >= 0 ? package_.tree.fields[enum_field].values.size() : 64,
                              true);
        break;
      case TypeKind::kString:
      case TypeKind::kError:
        s.domain = Domain::kString;
        break;
    }
  };
  switch (term.kind) {
    case TermKey::Kind::kFact: {
      const load::Field& f = package_.tree.fields[term.field];
      switch (f.type) {
        case load::FactType::kBool:
          s.domain = Domain::kBool;
          break;
        case load::FactType::kInteger:
          number(Decimal::kOne, f.min, f.max);
          break;
        case load::FactType::kDecimal:
        case load::FactType::kMoney:
          number(1, f.min, f.max);
          break;
        case load::FactType::kDate:
          dates();
          break;
        case load::FactType::kEnum:
          s.domain = Domain::kEnum;
          s.enum_allowed.assign(f.values.size(), true);
          break;
        case load::FactType::kString:
          s.domain = Domain::kString;
          break;
      }
      if (f.default_value && f.default_value->kind == ValueKind::kNumber) {
        s.preferred = f.default_value->as_number().units();
      } else if (f.default_value && f.default_value->kind == ValueKind::kEnum) {
        s.preferred = f.default_value->as_enum();
      }
      break;
    }
    case TermKey::Kind::kAge:
      number(Decimal::kOne, Decimal::from_integer(-1), Decimal::from_integer(kMaxAge));
      s.preferred = 30 * Decimal::kOne;
      break;
    case TermKey::Kind::kAsOf:
      s.domain = Domain::kDate;
      s.lo = day_.days;
      s.hi = last_day_.days;
      s.preferred = day_.days;
      break;
    case TermKey::Kind::kExpr: {
      const auto* e = reinterpret_cast<const Expr*>(term.expr);
      by_type(e->type.kind, e->type.enum_field,
              e->kind == ExprKind::kAggregate && e->name == "count");
      break;
    }
  }
  return s;
}

Reasoner::Operand Reasoner::operand(const Expr& e, Entity scope) const {
  Operand out;
  auto term = [&](TermKey key) {
    out.is_term = true;
    out.term = key;
    return out;
  };
  auto free_term = [&] {
    return term(TermKey{TermKey::Kind::kExpr, scope, -1, reinterpret_cast<std::uintptr_t>(&e)});
  };
  switch (e.kind) {
    case ExprKind::kLiteral:
      if (e.literal_type.kind == TypeKind::kString) {
        out.constant.text = e.literal_string;
        return out;
      }
      if (auto c = constant_of(e.value)) {
        out.constant = *c;
        return out;
      }
      return free_term();
    case ExprKind::kNegate:
      if (e.args[0].kind == ExprKind::kLiteral && e.args[0].value.kind == ValueKind::kNumber) {
        out.constant.number = -clamp_big(e.args[0].value.as_number().units());
        return out;
      }
      return free_term();
    case ExprKind::kName:
    case ExprKind::kHousehold:
      switch (e.ref.kind) {
        case RefKind::kFact:
          return term(TermKey{TermKey::Kind::kFact, e.ref.entity, e.ref.index, 0});
        case RefKind::kDefinition: {
          const auto& def = package_.tree.definitions[e.ref.index];
          return operand(def.expr, def.entity);
        }
        case RefKind::kParameter:
          if (const auto* v = compiled_.parameters[e.ref.index].value_on(day_)) {
            if (auto c = constant_of(v->value)) {
              out.constant = *c;
              return out;
            }
          }
          return free_term();
        case RefKind::kNone:
          return free_term();
      }
      return free_term();
    case ExprKind::kCall:
      if (e.name == "as_of") return term(TermKey{TermKey::Kind::kAsOf, Entity::kHousehold, -1, 0});
      if (e.name == "age" && e.args.size() == 1) {
        Operand birth = operand(e.args[0], scope);
        if (birth.is_term && birth.term.kind == TermKey::Kind::kFact) {
          return term(TermKey{TermKey::Kind::kAge, birth.term.scope, birth.term.field, 0});
        }
      }
      return free_term();
    default:
      return free_term();
  }
}

Formula Reasoner::opaque(const Expr& e, Entity scope, bool negate) const {
  TermKey key{TermKey::Kind::kExpr, scope, -1, reinterpret_cast<std::uintptr_t>(&e)};
  return atom_formula(key, Op::kEq, Constant{negate ? 0 : 1, {}});
}

Formula Reasoner::compare(const Expr& e, Op op, const Expr& left, const Expr& right, Entity scope,
                          bool negate) const {
  if (negate) op = negated(op);
  Operand a = operand(left, scope);
  Operand b = operand(right, scope);
  if (!a.is_term && !b.is_term) {
    int c = 0;
    if (left.type.kind == TypeKind::kString) {
      c = a.constant.text.compare(b.constant.text);
    } else {
      c = a.constant.number < b.constant.number ? -1 : (a.constant.number > b.constant.number);
    }
    return constant_formula(holds(c, op));
  }
  if (a.is_term && !b.is_term) return atom_formula(a.term, op, b.constant);
  if (!a.is_term && b.is_term) return atom_formula(b.term, flipped(op), a.constant);
  if (a.term == b.term) return constant_formula(holds(0, op));
  // Two different terms: a free boolean standing for `left == right` (from `in`) or for the
  // comparison `e` itself.
  bool positive = &e == &right ? op == Op::kEq : !negate;
  return opaque(e, scope, !positive);
}

Formula Reasoner::build(const Expr& e, Entity scope, bool negate) const {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return constant_formula(e.value.is_true() != negate);
    case ExprKind::kName:
    case ExprKind::kHousehold:
      switch (e.ref.kind) {
        case RefKind::kFact:
          return atom_formula(TermKey{TermKey::Kind::kFact, e.ref.entity, e.ref.index, 0}, Op::kEq,
                              Constant{negate ? 0 : 1, {}});
        case RefKind::kDefinition: {
          const auto& def = package_.tree.definitions[e.ref.index];
          return build(def.expr, def.entity, negate);
        }
        case RefKind::kParameter:
          if (const auto* v = compiled_.parameters[e.ref.index].value_on(day_)) {
            return constant_formula(v->value.is_true() != negate);
          }
          return opaque(e, scope, negate);
        case RefKind::kNone:
          return opaque(e, scope, negate);
      }
      return opaque(e, scope, negate);
    case ExprKind::kNot:
      return build(e.args[0], scope, !negate);
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      std::vector<Formula> args;
      for (const auto& a : e.args)
        args.push_back(build(a, scope, negate));
      return junction((e.kind == ExprKind::kAnd) != negate, std::move(args));
    }
    case ExprKind::kCompare:
      return compare(e, e.op, e.args[0], e.args[1], scope, negate);
    case ExprKind::kIn: {
      // x in [a, b] is x == a or x == b; `not in` and negation turn it into x != a and x != b.
      bool member = e.negated == negate;
      std::vector<Formula> args;
      for (std::size_t i = 1; i < e.args.size(); ++i) {
        args.push_back(
            compare(e.args[i], member ? Op::kEq : Op::kNe, e.args[0], e.args[i], scope, false));
      }
      return junction(!member, std::move(args));
    }
    case ExprKind::kIf: {
      std::vector<Formula> then_branch, else_branch;
      then_branch.push_back(build(e.args[0], scope, false));
      then_branch.push_back(build(e.args[1], scope, negate));
      else_branch.push_back(build(e.args[0], scope, true));
      else_branch.push_back(build(e.args[2], scope, negate));
      std::vector<Formula> either;
      either.push_back(junction(true, std::move(then_branch)));
      either.push_back(junction(true, std::move(else_branch)));
      return junction(false, std::move(either));
    }
    default:
      return opaque(e, scope, negate);
  }
}

namespace {

struct Search {
  const Reasoner& reasoner;
  long budget = kSearchBudget;
  bool gave_up = false;
};

bool search(std::vector<const Formula*> stack, Model& model, Search& s) {
  while (!stack.empty()) {
    if (--s.budget < 0) {
      s.gave_up = true;
      return false;
    }
    const Formula* f = stack.back();
    stack.pop_back();
    switch (f->kind) {
      case Formula::Kind::kTrue:
        break;
      case Formula::Kind::kFalse:
        return false;
      case Formula::Kind::kAtom: {
        auto it = model.find(f->atom.term);
        if (it == model.end()) {
          it = model.emplace(f->atom.term, s.reasoner.initial_state(f->atom.term)).first;
        }
        if (!it->second.apply(f->atom.op, f->atom.value)) return false;
        break;
      }
      case Formula::Kind::kAnd:
        for (const auto& a : f->args)
          stack.push_back(&a);
        break;
      case Formula::Kind::kOr:
        for (const auto& a : f->args) {
          Model branch = model;
          std::vector<const Formula*> rest = stack;
          rest.push_back(&a);
          if (search(std::move(rest), branch, s)) {
            model = std::move(branch);
            return true;
          }
          if (s.gave_up) return false;
        }
        return false;
    }
  }
  return true;
}

}  // namespace

Satisfiable Reasoner::solve(const std::vector<const Formula*>& formulas, Model* model) const {
  Search s{*this};
  Model local;
  bool found = search(formulas, local, s);
  if (s.gave_up) return Satisfiable::kGaveUp;
  if (found && model) *model = std::move(local);
  return found ? Satisfiable::kYes : Satisfiable::kNo;
}

void flatten_conjuncts(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::kAnd) {
    for (const auto& a : e.args)
      flatten_conjuncts(a, out);
    return;
  }
  out.push_back(&e);
}

}  // namespace entitle::lint
