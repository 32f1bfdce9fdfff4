#include "lint/witness.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compile/program.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "util/text.hpp"

namespace entitle::lint {

using load::Entity;
using load::Expr;
using load::ExprKind;
using load::FactType;

namespace {

// Other members tried beside the recipient: enough for the aggregations policies write
// (an only child, a deceased child, two parents) while keeping the search small.
constexpr int kMaxExtraMembers = 3;
constexpr int kMaxAttempts = 5000;

std::string quoted(std::string_view text) {
  return fmt::format("\"{}\"", json_escape(text));
}

// The latest birth date on which someone is `age` years old on `on`.
Date birth_for_age(int age, Date on, AgeConvention convention) {
  int year = std::clamp(on.year() - age, Date::kMinYear, Date::kMaxYear);
  auto birth = Date::from_ymd(year, on.month(), on.day());
  if (!birth) birth = Date::from_ymd(year, on.month(), on.day() - 1);  // 29 February
  Date b = *birth;
  for (int i = 0; i < 3 && age_on(b, on, convention) < age; ++i)
    b = b.plus_days(-1);
  for (int i = 0; i < 3 && age_on(b, on, convention) > age; ++i)
    b = b.plus_days(1);
  return b;
}

class Writer {
 public:
  explicit Writer(const WitnessSearch& s) : s_(s) {}

  // `name: value` pairs of one entity's facts, as the model (or the neutral value) has them;
  // facts left at their default are not written.
  std::vector<std::string> facts(Entity scope, const Model& model) const {
    std::vector<std::string> out;
    const auto& fields = s_.package.tree.fields;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const load::Field& f = fields[i];
      if (f.entity != scope || f.builtin) continue;
      auto index = static_cast<int>(i);
      if (auto text = value(f, index, scope, model)) out.push_back(f.name + ": " + *text);
    }
    return out;
  }

 private:
  std::optional<std::string> value(const load::Field& f, int index, Entity scope,
                                   const Model& model) const {
    TermKey fact{TermKey::Kind::kFact, scope, index, 0};
    TermKey age{TermKey::Kind::kAge, scope, index, 0};
    auto found = model.find(fact);
    auto aged = f.type == FactType::kDate ? model.find(age) : model.end();
    bool constrained = found != model.end();
    if (!constrained && aged == model.end() && f.default_value) return std::nullopt;
    TermState state = constrained ? found->second : s_.reasoner.initial_state(fact);
    {
      auto a = aged;
      if (a != model.end()) {
        auto years = static_cast<int>(a->second.pick_number() / Decimal::kOne);
        Date birth = birth_for_age(years, s_.as_of, s_.package.tree.manifest.age_convention);
        return birth.to_string();
      }
    }
    Value v;
    std::string text;
    switch (f.type) {
      case FactType::kBool:
        v = Value::boolean(state.bool_value == 1);
        text = v.as_bool() ? "true" : "false";
        break;
      case FactType::kInteger:
      case FactType::kDecimal:
      case FactType::kMoney:
        v = Value::number(Decimal::from_units(state.pick_number()));
        text = f.type == FactType::kInteger ? v.as_number().to_string()
                                            : quoted(v.as_number().to_string());
        break;
      case FactType::kDate:
        v = Value::date(Date{static_cast<std::int32_t>(state.pick_number())});
        text = v.as_date().to_string();
        break;
      case FactType::kEnum:
        v = Value::enumerated(state.pick_enum());
        text = quoted(f.values[v.as_enum()]);
        break;
      case FactType::kString:
        return quoted(state.pick_text());
    }
    if (f.default_value && f.default_value->kind == v.kind && f.default_value->bits == v.bits &&
        f.default_value->aux == v.aux) {
      return std::nullopt;
    }
    return text;
  }

  const WitnessSearch& s_;
};

void collect_aggregates(const Expr& e, const load::SyntaxTree& tree, std::set<int>& definitions,
                        std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::kAggregate) out.push_back(&e);
  if (e.ref.kind == load::RefKind::kDefinition && definitions.insert(e.ref.index).second) {
    collect_aggregates(tree.definitions[e.ref.index].expr, tree, definitions, out);
  }
  for (const auto& a : e.args)
    collect_aggregates(a, tree, definitions, out);
}

// Members that make the aggregations of the conditions come out either way: for each
// `agg(members where F, G)`, a member with F and G, with F and not G, and without F.
std::vector<std::string> member_templates(const WitnessSearch& s, const Writer& writer) {
  std::vector<const Expr*> aggregates;
  std::set<int> seen;
  for (const Expr* c : s.conditions)
    collect_aggregates(*c, s.package.tree, seen, aggregates);
  std::vector<std::string> out;
  auto add = [&](const Model& model) {
    std::string body = fmt::format("{}", fmt::join(writer.facts(Entity::kMember, model), ", "));
    if (std::find(out.begin(), out.end(), body) == out.end()) out.push_back(std::move(body));
  };
  for (const Expr* a : aggregates) {
    const Expr& filter = a->args[0];
    const Expr* value =
        a->args.size() > 1 && a->args[1].type.kind == load::TypeKind::kBool ? &a->args[1] : nullptr;
    std::vector<std::vector<Formula>> cases;
    auto with = [&](bool value_true) {
      std::vector<Formula> c;
      c.push_back(s.reasoner.build(filter, Entity::kMember));
      if (value) c.push_back(s.reasoner.build(*value, Entity::kMember, !value_true));
      return c;
    };
    cases.push_back(with(true));
    if (value) cases.push_back(with(false));
    cases.push_back({s.reasoner.build(filter, Entity::kMember, true)});
    for (const auto& c : cases) {
      std::vector<const Formula*> formulas;
      for (const auto& f : c)
        formulas.push_back(&f);
      Model model;
      if (s.reasoner.solve(formulas, &model) == Satisfiable::kYes) add(model);
    }
  }
  add(Model{});  // a member with neutral facts
  return out;
}

}  // namespace

std::optional<Witness> find_witness(const WitnessSearch& s, bool& contradicted) {
  contradicted = false;
  Writer writer(s);
  const bool member_rule = s.package.tree.rules[s.rule].recipient == Entity::kMember;
  std::string head = fmt::format("id: {}\n", quoted("lint-" + s.package.tree.rules[s.rule].id));
  for (const auto& line : writer.facts(Entity::kHousehold, s.model))
    head += line + "\n";
  std::vector<std::string> templates = member_templates(s, writer);
  std::string recipient;
  if (member_rule) {
    recipient = fmt::format("{}", fmt::join(writer.facts(Entity::kMember, s.model), ", "));
    templates.push_back(recipient);
  }

  Evaluator relaxed(s.relaxed);
  Evaluator real(s.rules);
  Facts facts;
  int attempts = 0;
  std::vector<std::size_t> pick;
  // Tries the recipient with every multiset of up to kMaxExtraMembers templates, smallest first.
  auto attempt = [&]() -> std::optional<Witness> {
    std::vector<std::string> bodies;
    if (member_rule) bodies.push_back(recipient);
    for (std::size_t i : pick)
      bodies.push_back(templates[i]);
    std::string text = head;
    text += bodies.empty() ? "members: []\n" : "members:\n";
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      text += fmt::format("  - {{id: {}{}{}}}\n", quoted(fmt::format("m{}", i + 1)),
                          bodies[i].empty() ? "" : ", ", bodies[i]);
    }
    Diagnostics ignored;
    if (!bind_yaml(*s.relaxed, text, "lint", facts, ignored)) return std::nullopt;
    for (const auto& o : real.evaluate(facts, s.as_of).outcomes) {
      if (o.rule == static_cast<std::uint32_t>(s.rule) && o.outcome == Outcome::kGranted) {
        contradicted = true;
      }
    }
    for (const auto& o : relaxed.evaluate(facts, s.as_of).outcomes) {
      if (o.rule == static_cast<std::uint32_t>(s.rule) && o.outcome == Outcome::kGranted &&
          o.member == (member_rule ? 0 : -1)) {
        return Witness{std::move(text), member_rule ? "m1" : ""};
      }
    }
    return std::nullopt;
  };
  // Multisets in non-decreasing index order.
  auto extend = [&](auto& self, std::size_t from, int left) -> std::optional<Witness> {
    if (left == 0) {
      if (++attempts > kMaxAttempts || contradicted) return std::nullopt;
      return attempt();
    }
    for (std::size_t i = from; i < templates.size(); ++i) {
      pick.push_back(i);
      auto found = self(self, i, left - 1);
      pick.pop_back();
      if (found || contradicted || attempts > kMaxAttempts) return found;
    }
    return std::nullopt;
  };
  for (int k = 0; k <= kMaxExtraMembers; ++k) {
    if (auto found = extend(extend, 0, k)) return found;
    if (contradicted || attempts > kMaxAttempts) break;
  }
  return std::nullopt;
}

}  // namespace entitle::lint
