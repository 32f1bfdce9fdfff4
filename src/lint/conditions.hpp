// Reasoning over rule conditions without evaluating any household: a condition becomes a
// formula of atoms `term op constant` (terms are facts, ages, as_of() or expressions the
// reasoning does not look into), and a satisfiability search with interval, enumeration and
// boolean constraints decides whether any household can make it true.
//
// Soundness: every expression the reasoning cannot analyse (aggregates, arithmetic, two terms
// compared with each other, is_known) is a free term of its type. That can only make more
// formulas satisfiable, so "unsatisfiable" is always true of the engine; "satisfiable" may be
// wrong only in the direction of not warning.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "check/checker.hpp"
#include "compile/program.hpp"
#include "entitle/date.hpp"
#include "load/syntax.hpp"

namespace entitle::lint {

// Something a condition talks about. `scope` is the household or the member the rule is
// deciding for (the recipient); members inside aggregates are not terms.
struct TermKey {
  enum class Kind : std::uint8_t { kFact, kAge, kAsOf, kExpr };
  Kind kind = Kind::kFact;
  load::Entity scope = load::Entity::kHousehold;
  int field = -1;           // kFact, kAge: index into SyntaxTree::fields
  std::uintptr_t expr = 0;  // kExpr: the expression node (by address)
  auto operator<=>(const TermKey&) const = default;
};

// A constant as the reasoning compares it: numbers in Decimal units, dates in days, enums by
// index, booleans 0/1, strings by text.
struct Constant {
  std::int64_t number = 0;
  std::string text;  // strings only
};

struct Atom {
  TermKey term;
  load::Op op = load::Op::kEq;  // kEq kNe kLt kLe kGt kGe
  Constant value;
};

struct Formula {
  enum class Kind : std::uint8_t { kTrue, kFalse, kAtom, kAnd, kOr };
  Kind kind = Kind::kTrue;
  Atom atom;
  std::vector<Formula> args;
};

// What values a term can take.
enum class Domain : std::uint8_t { kNumber, kDate, kEnum, kBool, kString };

// The constraints gathered on one term, and its domain.
struct TermState {
  Domain domain = Domain::kBool;
  std::int64_t lo = 0, hi = 0, step = 1;  // numbers and dates: the lattice lo, lo+step, …, hi
  std::vector<std::int64_t> excluded;     // numbers and dates: points ruled out by `!=`
  std::vector<bool> enum_allowed;         // enums
  int bool_value = -1;                    // bools: -1 free, else 0/1
  std::optional<std::string> text_equal;  // strings
  std::vector<std::string> text_excluded;
  std::int64_t preferred = 0;  // the value picked when nothing else decides (numbers, dates)

  bool apply(load::Op op, const Constant& value);
  bool feasible() const;
  // A value satisfying every constraint; requires feasible().
  std::int64_t pick_number() const;
  std::uint32_t pick_enum() const;
  std::string pick_text() const;
};

using Model = std::map<TermKey, TermState>;

enum class Satisfiable : std::uint8_t { kYes, kNo, kGaveUp };

// Builds formulas for one package on one day range: parameters take their values on `day`,
// as_of() ranges over [day, last_day].
class Reasoner {
 public:
  Reasoner(const check::CheckedPackage& package, const RuleSet::Impl& compiled, Date day,
           Date last_day);

  // The formula of boolean expression `e` read in `scope` (the entity its names belong to),
  // negated when `negate`.
  Formula build(const load::Expr& e, load::Entity scope, bool negate = false) const;

  // Whether some assignment makes every formula true; on kYes, `model` holds the constraints
  // of one satisfying branch. Gives up after a fixed budget of search steps.
  Satisfiable solve(const std::vector<const Formula*>& formulas, Model* model = nullptr) const;

  // A fresh state for `term` with its domain and bounds.
  TermState initial_state(const TermKey& term) const;

  Date day() const { return day_; }

 private:
  struct Operand {
    bool is_term = false;
    TermKey term;
    Constant constant;
  };
  Operand operand(const load::Expr& e, load::Entity scope) const;
  Formula compare(const load::Expr& e, load::Op op, const load::Expr& left, const load::Expr& right,
                  load::Entity scope, bool negate) const;
  Formula opaque(const load::Expr& e, load::Entity scope, bool negate) const;

  const check::CheckedPackage& package_;
  const RuleSet::Impl& compiled_;
  Date day_, last_day_;
};

// The conjuncts of a condition: nested `and`/`all:` are flattened, anything else is one item.
void flatten_conjuncts(const load::Expr& e, std::vector<const load::Expr*>& out);

}  // namespace entitle::lint
