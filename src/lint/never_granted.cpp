#include "lint/never_granted.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compile/program.hpp"
#include "lint/conditions.hpp"
#include "lint/witness.hpp"
#include "load/document.hpp"
#include "util/text.hpp"

namespace entitle::lint {

using load::Entity;
using load::Expr;
using load::ExprKind;

namespace {

struct Conjunct {
  const Expr* expr = nullptr;
  Entity scope = Entity::kHousehold;
  bool in_filter = false;
};

// Days on which the parameters a rule reads keep the same values.
struct Period {
  Date first, last;
};

Date earliest() {
  return *Date::from_ymd(Date::kMinYear, 1, 1);
}
Date latest() {
  return *Date::from_ymd(Date::kMaxYear, 12, 31);
}

// The rule's effective period cut wherever one of its parameters changes value; periods in
// which a parameter has no value are left out (the checker and the parameter-gap check report
// those, and the rule faults there rather than being granted).
std::vector<Period> periods_of(const check::CheckedPackage& package, const RuleSet::Impl& impl,
                               std::size_t r) {
  const load::Rule& rule = package.tree.rules[r];
  Date first = rule.from.value_or(earliest());
  Date last = rule.until.value_or(latest());
  std::vector<Date> cuts{first};
  auto cut = [&](Date d) {
    if (d > first && d <= last) cuts.push_back(d);
  };
  for (int p : package.rule_parameters[r]) {
    for (const auto& v : impl.parameters[p].values) {
      cut(v.from);
      if (v.until) cut(v.until->plus_days(1));
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<Period> out;
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    Period period{cuts[i], i + 1 < cuts.size() ? cuts[i + 1].plus_days(-1) : last};
    bool valued =
        std::all_of(package.rule_parameters[r].begin(), package.rule_parameters[r].end(),
                    [&](int p) { return impl.parameters[p].value_on(period.first) != nullptr; });
    if (valued) out.push_back(period);
  }
  return out;
}

Satisfiable solve_subset(const Reasoner& reasoner, const std::vector<Formula>& formulas,
                         const std::vector<std::size_t>& subset, Model* model = nullptr) {
  std::vector<const Formula*> chosen;
  for (std::size_t i : subset)
    chosen.push_back(&formulas[i]);
  return reasoner.solve(chosen, model);
}

std::vector<Formula> build_all(const Reasoner& reasoner, const std::vector<Conjunct>& conjuncts) {
  std::vector<Formula> out;
  for (const auto& c : conjuncts)
    out.push_back(reasoner.build(*c.expr, c.scope));
  return out;
}

Expr literal_true(const load::Location& at) {
  Expr e;
  e.kind = ExprKind::kLiteral;
  e.location = at;
  e.text = "true";
  e.value = Value::boolean(true);
  e.literal_type.kind = load::TypeKind::kBool;
  e.type.kind = load::TypeKind::kBool;
  return e;
}

Expr conjunction(const std::vector<const Expr*>& items, const load::Location& at) {
  if (items.empty()) return literal_true(at);
  if (items.size() == 1) return *items.front();
  Expr e;
  e.kind = ExprKind::kAnd;
  e.structured = true;
  e.location = at;
  e.text = "all of";
  e.type.kind = load::TypeKind::kBool;
  for (const Expr* item : items)
    e.args.push_back(*item);
  return e;
}

void collect_parameters(const Expr& e, const load::SyntaxTree& tree, std::set<int>& seen_defs,
                        std::set<int>& out) {
  if (e.ref.kind == load::RefKind::kParameter) out.insert(e.ref.index);
  if (e.ref.kind == load::RefKind::kDefinition && seen_defs.insert(e.ref.index).second) {
    collect_parameters(tree.definitions[e.ref.index].expr, tree, seen_defs, out);
  }
  for (const auto& a : e.args)
    collect_parameters(a, tree, seen_defs, out);
}

// The condition as written; YAML all:/any:/not: structures are spelt out on one line.
std::string condition_text(const Expr& e) {
  if (!e.structured) return e.text;
  std::vector<std::string> parts;
  for (const auto& a : e.args)
    parts.push_back(condition_text(a));
  if (e.kind == ExprKind::kNot) {
    bool compound =
        e.args[0].structured || e.args[0].kind == ExprKind::kAnd || e.args[0].kind == ExprKind::kOr;
    return compound ? fmt::format("not ({})", parts[0]) : fmt::format("not {}", parts[0]);
  }
  return fmt::format("{} ({})", e.kind == ExprKind::kAnd ? "all of" : "any of",
                     fmt::join(parts, "; "));
}

std::string describe(const Conjunct& c) {
  return fmt::format("`{}` ({}line {})", condition_text(*c.expr),
                     c.in_filter ? "recipient filter, " : "", c.expr->location.position.line);
}

bool uses_as_of(const Expr& e, const load::SyntaxTree& tree, std::set<int>& seen_defs) {
  if (e.kind == ExprKind::kCall && e.name == "as_of") return true;
  if (e.ref.kind == load::RefKind::kDefinition && seen_defs.insert(e.ref.index).second &&
      uses_as_of(tree.definitions[e.ref.index].expr, tree, seen_defs)) {
    return true;
  }
  return std::any_of(e.args.begin(), e.args.end(),
                     [&](const Expr& a) { return uses_as_of(a, tree, seen_defs); });
}

// `text` as `# ` comment lines of at most 100 columns.
std::string comment(const std::string& text) {
  std::string out, line = "#";
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (line.size() > 1 && line.size() + 1 + word.size() > 100) {
      out += line + "\n";
      line = "#";
    }
    line += " " + word;
    start = end + 1;
  }
  return out + line + "\n";
}

std::string value_text(const Value& v, load::FactType type) {
  switch (v.kind) {
    case ValueKind::kBool:
      return v.as_bool() ? "true" : "false";
    case ValueKind::kNumber:
      return v.as_number().to_string(type == load::FactType::kMoney ? 2 : 0);
    case ValueKind::kDate:
      return v.as_date().to_string();
    default:
      return "?";
  }
}

std::string indent(const std::string& text, int spaces) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.append(static_cast<std::size_t>(spaces), ' ');
    out.append(text, start, end - start);
    out += '\n';
    start = end + 1;
  }
  return out;
}

// The ready-to-run policy test case.
std::string test_file(const load::Rule& rule, const std::string& at, const std::string& why,
                      const std::string& kept, Date as_of, const Witness& witness) {
  std::string out = comment(fmt::format(
      "Written by `entitle lint --emit-tests`. Rule '{}' ({}) can never be granted: {}.", rule.id,
      at, why));
  out += comment(fmt::format(
      "This household meets every other condition of the rule{}, yet the rule is not granted. "
      "Once the rule is fixed this case fails: make it expect what the rule should grant then.",
      kept.empty() ? "" : fmt::format(", {} included", kept)));
  out += fmt::format(
      "tests:\n"
      "  - name: \"lint: {} can never be granted\"\n"
      "    as_of: {}\n"
      "    household:\n",
      json_escape(rule.id), as_of.to_string());
  out += indent(witness.household_yaml, 6);
  out += "    expect:\n      not_granted:\n";
  if (witness.recipient.empty()) {
    out += fmt::format("        - {{rule: \"{}\"}}\n", json_escape(rule.id));
  } else {
    out += fmt::format("        - {{rule: \"{}\", recipient: \"{}\"}}\n", json_escape(rule.id),
                       json_escape(witness.recipient));
  }
  return out;
}

}  // namespace

void check_never_granted(const check::CheckedPackage& package,
                         const std::shared_ptr<const RuleSet>& rules, Diagnostics& warnings,
                         std::vector<LintTestCase>& tests) {
  const RuleSet::Impl& impl = rules->impl();
  const load::SyntaxTree& tree = package.tree;
  for (std::size_t r = 0; r < tree.rules.size(); ++r) {
    const load::Rule& rule = tree.rules[r];
    std::vector<Conjunct> conjuncts;
    std::vector<const Expr*> items;
    if (rule.recipient_filter) flatten_conjuncts(*rule.recipient_filter, items);
    for (const Expr* e : items)
      conjuncts.push_back({e, Entity::kMember, true});
    items.clear();
    flatten_conjuncts(rule.when, items);
    for (const Expr* e : items)
      conjuncts.push_back({e, rule.recipient, false});

    std::vector<Period> periods = periods_of(package, impl, r);
    if (periods.empty()) continue;
    std::vector<std::size_t> all(conjuncts.size());
    for (std::size_t i = 0; i < all.size(); ++i)
      all[i] = i;
    bool never = true;
    for (const Period& p : periods) {
      Reasoner reasoner(package, impl, p.first, p.last);
      if (solve_subset(reasoner, build_all(reasoner, conjuncts), all) != Satisfiable::kNo) {
        never = false;
        break;
      }
    }
    if (!never) continue;

    // A minimal set of conditions that cannot hold together (on the first period's values).
    Reasoner first(package, impl, periods.front().first, periods.front().last);
    std::vector<Formula> formulas = build_all(first, conjuncts);
    std::vector<std::size_t> core = all;
    for (std::size_t i : all) {
      std::vector<std::size_t> trial;
      std::copy_if(core.begin(), core.end(), std::back_inserter(trial),
                   [&](std::size_t j) { return j != i; });
      if (solve_subset(first, formulas, trial) == Satisfiable::kNo) core = std::move(trial);
    }
    std::size_t dropped = core.back();
    for (std::size_t i : core) {
      if (!conjuncts[i].in_filter) dropped = i;
    }

    std::vector<std::string> parts;
    std::set<int> parameters, seen_defs;
    for (std::size_t i : core) {
      parts.push_back(describe(conjuncts[i]));
      collect_parameters(*conjuncts[i].expr, tree, seen_defs, parameters);
    }
    std::string why;
    if (parts.size() == 1) {
      why = parts.front() + " never holds";
    } else {
      std::string last = parts.back();
      parts.pop_back();
      why = fmt::format("{} and {} cannot {} hold", fmt::join(parts, ", "), last,
                        parts.size() == 1 ? "both" : "all");
    }
    std::vector<std::string> values;
    for (int p : parameters) {
      if (const auto* v = impl.parameters[p].value_on(periods.front().first)) {
        values.push_back(fmt::format("{} = {} from {}", impl.parameters[p].name,
                                     value_text(v->value, impl.parameters[p].type),
                                     v->from.to_string()));
      }
    }
    seen_defs.clear();
    if (std::any_of(core.begin(), core.end(), [&](std::size_t i) {
          return uses_as_of(*conjuncts[i].expr, tree, seen_defs);
        })) {
      values.push_back(fmt::format("the rule in effect {}{}",
                                   rule.from ? "from " + rule.from->to_string() : "",
                                   rule.until ? " until " + rule.until->to_string() : ""));
    }
    if (!values.empty()) why += fmt::format(" (with {})", fmt::join(values, ", "));

    // A household meeting every condition but the dropped one, confirmed by the engine.
    std::vector<std::size_t> kept;
    for (std::size_t i : all) {
      if (i != dropped) kept.push_back(i);
    }
    std::optional<Witness> witness;
    Date as_of;
    bool contradicted = false;
    for (const Period& p : periods) {
      Reasoner reasoner(package, impl, p.first, p.last);
      std::vector<Formula> relaxed_formulas = build_all(reasoner, conjuncts);
      Model model;
      if (solve_subset(reasoner, relaxed_formulas, kept, &model) != Satisfiable::kYes) continue;
      as_of = p.first != earliest() ? p.first
              : p.last != latest()  ? p.last
                                    : *Date::parse("2000-01-01");
      if (auto it = model.find(TermKey{TermKey::Kind::kAsOf, Entity::kHousehold, -1, 0});
          it != model.end()) {
        as_of = Date{static_cast<std::int32_t>(it->second.pick_number())};
      }
      check::CheckedPackage relaxed_package = package;
      std::vector<const Expr*> filter_items, when_items;
      for (std::size_t i : kept) {
        (conjuncts[i].in_filter ? filter_items : when_items).push_back(conjuncts[i].expr);
      }
      load::Rule& changed = relaxed_package.tree.rules[r];
      if (rule.recipient_filter) {
        changed.recipient_filter = conjunction(filter_items, rule.recipient_filter->location);
      }
      changed.when = conjunction(when_items, rule.when.location);
      auto relaxed = std::make_shared<const RuleSet>(
          compile::compile_package(relaxed_package, rules->limits()));
      std::vector<const Expr*> conditions = filter_items;
      conditions.insert(conditions.end(), when_items.begin(), when_items.end());
      WitnessSearch search{package, rules,    relaxed, static_cast<int>(r),
                           as_of,   reasoner, model,   conditions};
      witness = find_witness(search, contradicted);
      break;
    }
    if (contradicted) continue;  // a household was granted the rule: the reasoning was wrong

    const load::SourceFile& file = tree.files[conjuncts[dropped].expr->location.file];
    Diagnostic d = load::make_diagnostic(
        file, conjuncts[dropped].expr->location.position, lint_checks::kNeverGranted,
        fmt::format("rule '{}' can never be granted: {}", rule.id, why));
    d.severity = Severity::kWarning;
    warnings.push_back(std::move(d));
    if (witness) {
      std::vector<std::string> others;
      for (std::size_t i : core) {
        if (i != dropped) others.push_back(describe(conjuncts[i]));
      }
      std::string kept_text = fmt::format("{}", fmt::join(others, ", "));
      std::string at =
          fmt::format("{}:{}", tree.files[rule.location.file].path, rule.location.position.line);
      tests.push_back({rule.id, fmt::format("lint-{}.yaml", rule.id),
                       test_file(rule, at, why, kept_text, as_of, *witness)});
    }
  }
}

}  // namespace entitle::lint
