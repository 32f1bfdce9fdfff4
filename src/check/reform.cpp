#include "check/reform.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "load/scalar.hpp"
#include "util/text.hpp"

namespace entitle::check {

namespace {

using load::Entity;
using load::Location;

// Moves every location of a tree `offset` files on: the reform's files follow the base's.
class LocationShifter {
 public:
  explicit LocationShifter(std::uint32_t offset) : offset_(offset) {}

  void tree(load::SyntaxTree& t) {
    at(t.manifest.location);
    at(t.manifest.extends_location);
    for (auto& f : t.fields)
      at(f.location);
    for (auto& p : t.parameters) {
      at(p.location);
      for (auto& v : p.values)
        at(v.location);
    }
    for (auto& d : t.definitions)
      definition(d);
    for (auto& r : t.rules)
      rule(r);
    load::Reform& reform = t.reform;
    at(reform.location);
    for (auto& c : reform.parameters) {
      at(c.location);
      for (auto& v : c.values)
        at(v.location);
    }
    for (auto& d : reform.definitions)
      definition(d);
    for (auto& r : reform.replace_rules)
      rule(r);
    for (auto& r : reform.remove_rules)
      at(r.location);
    for (auto& e : reform.effective)
      at(e.location);
  }

 private:
  void at(Location& l) { l.file += offset_; }

  void expr(load::Expr& e) {
    at(e.location);
    for (auto& a : e.args)
      expr(a);
  }

  void optional(std::optional<load::Expr>& e) {
    if (e) expr(*e);
  }

  void definition(load::Definition& d) {
    at(d.location);
    expr(d.expr);
  }

  void rule(load::Rule& r) {
    at(r.location);
    optional(r.recipient_filter);
    expr(r.when);
    at(r.grant.location);
    optional(r.grant.amount);
    optional(r.grant.amount_min);
    optional(r.grant.amount_max);
    optional(r.grant.quantity);
  }

  std::uint32_t offset_;
};

std::string_view entity_name(Entity e) {
  return e == Entity::kHousehold ? "household" : "member";
}

class Merger {
 public:
  Merger(load::SyntaxTree& merged, Diagnostics& diagnostics)
      : tree_(merged), diagnostics_(diagnostics), base_name_(merged.manifest.name) {}

  void run(load::SyntaxTree& reform) {
    if (!tree_.manifest.extends.empty()) {
      error(reform.manifest.extends_location, codes::kBadValue,
            fmt::format("package '{}' is itself a reform; a reform extends an ordinary package "
                        "(write the changes of both in one reform)",
                        base_name_));
    }
    merge_manifest(reform.manifest);
    // Changes first, so that they see only the base's names.
    change_parameters(reform.reform.parameters);
    change_definitions(reform.reform.definitions);
    change_rules(reform.reform);
    add_declarations(reform);
  }

 private:
  void error(const Location& at, std::string_view code, std::string message) {
    diagnostics_.push_back(
        load::make_diagnostic(tree_.files[at.file], at.position, code, std::move(message)));
  }

  // "...; did you mean 'x'?" when a candidate is close to `name`.
  static std::string hint(std::string_view name, const std::vector<std::string>& candidates) {
    if (auto close = closest_name(name, candidates)) {
      return fmt::format("; did you mean '{}'?", *close);
    }
    return {};
  }

  void not_in_base(const Location& at, std::string_view what, std::string_view name,
                   const std::vector<std::string>& candidates) {
    error(at, codes::kUnknownName,
          fmt::format("the base package '{}' has no {} '{}'{}", base_name_, what, name,
                      hint(name, candidates)));
  }

  void changed_twice(const Location& at, std::string_view what, std::string_view name,
                     std::set<std::string>& seen) {
    if (!seen.insert(std::string(name)).second) {
      error(at, codes::kDuplicateId, fmt::format("{} '{}' is changed twice", what, name));
    }
  }

  void merge_manifest(load::Manifest& reform) {
    load::Manifest& m = tree_.manifest;
    m.name = std::move(reform.name);
    m.version = std::move(reform.version);
    m.location = reform.location;
    m.extends = std::move(reform.extends);
    m.extends_location = reform.extends_location;
    for (auto& s : reform.sources)
      m.sources.push_back(std::move(s));
  }

  // Appends each of `added` to `into` unless the base (what `into` holds before) has the same
  // name, which is an error. Duplicates within the reform are left to the checker.
  template <typename T, typename Same, typename Message>
  void add_new(std::vector<T>& added, std::vector<T>& into, Same same, Message message) {
    auto base = static_cast<std::ptrdiff_t>(into.size());
    for (auto& item : added) {
      if (std::any_of(into.begin(), into.begin() + base,
                      [&](const T& b) { return same(b, item); })) {
        error(item.location, codes::kDuplicateId, message(item));
      } else {
        into.push_back(std::move(item));
      }
    }
  }

  // The reform's own schema facts, parameters, definitions and rules are new: each name must be
  // free in the base.
  void add_declarations(load::SyntaxTree& reform) {
    auto same_entity_and_name = [](const auto& a, const auto& b) {
      return a.entity == b.entity && a.name == b.name;
    };
    add_new(reform.fields, tree_.fields, same_entity_and_name, [&](const load::Field& f) {
      return fmt::format(
          "{} fact '{}' is declared by the base package '{}'; a reform can add "
          "facts but not change them",
          entity_name(f.entity), f.name, base_name_);
    });
    add_new(
        reform.parameters, tree_.parameters,
        [](const auto& a, const auto& b) { return a.name == b.name; },
        [&](const load::Parameter& p) {
          return fmt::format(
              "parameter '{}' is in the base package '{}'; give it new dated "
              "values under reform.parameters",
              p.name, base_name_);
        });
    add_new(reform.definitions, tree_.definitions, same_entity_and_name,
            [&](const load::Definition& d) {
              return fmt::format(
                  "{} definition '{}' is in the base package '{}'; give it a new "
                  "expression under reform.definitions",
                  entity_name(d.entity), d.name, base_name_);
            });
    add_new(
        reform.rules, tree_.rules, [](const auto& a, const auto& b) { return a.id == b.id; },
        [&](const load::Rule& r) {
          return fmt::format(
              "rule '{}' is in the base package '{}'; change it under "
              "reform.replace_rules",
              r.id, base_name_);
        });
  }

  // A reform's values supersede the base's from the first of them on: base values from that
  // date on are dropped, and earlier ones end where the reform's begin.
  void change_parameters(std::vector<load::ParameterChange>& changes) {
    std::set<std::string> seen;
    for (auto& change : changes) {
      load::Parameter* p = find_parameter(change.name);
      if (!p) {
        std::vector<std::string> names;
        for (const auto& b : tree_.parameters)
          names.push_back(b.name);
        not_in_base(change.location, "parameter", change.name, names);
        continue;
      }
      changed_twice(change.location, "parameter", change.name, seen);
      std::vector<load::ParameterValue> values;
      bool ok = true;
      for (auto& v : change.values) {
        load::ScalarProblem problem;
        auto value = load::read_scalar(v.value, p->type, {}, problem);
        if (!value) {
          const load::SourceFile& file = tree_.files[v.location.file];
          diagnostics_.push_back(load::make_diagnostic(
              file, v.value.position,
              problem.out_of_range ? codes::kLimitExceeded : codes::kBadValue,
              fmt::format("new value of parameter '{}' ({}) must be {}", p->name,
                          load::fact_type_name(p->type), problem.expected)));
          ok = false;
          continue;
        }
        values.push_back({v.from, v.until, *value, std::move(v.reference), v.location});
      }
      if (!ok || values.empty()) continue;
      Date first = values.front().from;
      std::erase_if(p->values, [&](const auto& v) { return v.from >= first; });
      for (auto& v : values)
        p->values.push_back(std::move(v));
    }
  }

  void change_definitions(std::vector<load::Definition>& changes) {
    std::set<std::string> seen;
    for (auto& change : changes) {
      load::Definition* d = find_definition(change.entity, change.name);
      if (!d) {
        std::vector<std::string> names;
        for (const auto& b : tree_.definitions) {
          if (b.entity == change.entity) names.push_back(b.name);
        }
        not_in_base(change.location, fmt::format("{} definition", entity_name(change.entity)),
                    change.name, names);
        continue;
      }
      changed_twice(change.location, "definition",
                    fmt::format("{}.{}", entity_name(change.entity), change.name), seen);
      d->expr = std::move(change.expr);
      d->location = change.location;
      if (!change.description.en.empty() || !change.description.zh.empty()) {
        d->description = std::move(change.description);
      }
      if (!change.note.empty()) d->note = std::move(change.note);
    }
  }

  void change_rules(load::Reform& reform) {
    std::vector<std::string> ids;
    for (const auto& r : tree_.rules)
      ids.push_back(r.id);
    std::set<std::string> replaced, removed, period;
    for (auto& rule : reform.replace_rules) {
      load::Rule* r = find_rule(rule.id);
      if (!r) {
        not_in_base(rule.location, "rule", rule.id, ids);
        continue;
      }
      changed_twice(rule.location, "rule", rule.id, replaced);
      *r = std::move(rule);
    }
    for (const auto& removal : reform.remove_rules) {
      if (!find_rule(removal.rule)) {
        not_in_base(removal.location, "rule", removal.rule, ids);
      } else if (replaced.count(removal.rule)) {
        error(removal.location, codes::kBadValue,
              fmt::format("rule '{}' is both replaced and removed", removal.rule));
      } else if (!removed.insert(removal.rule).second) {
        error(removal.location, codes::kDuplicateId,
              fmt::format("rule '{}' is removed twice", removal.rule));
      }
    }
    for (const auto& change : reform.effective) {
      load::Rule* r = find_rule(change.rule);
      if (!r) {
        not_in_base(change.location, "rule", change.rule, ids);
        continue;
      }
      if (removed.count(change.rule)) {
        error(
            change.location, codes::kBadValue,
            fmt::format("rule '{}' is removed; it has no effective period to change", change.rule));
        continue;
      }
      changed_twice(change.location, "the effective period of rule", change.rule, period);
      if (change.from) r->from = change.from;
      if (change.until) r->until = change.until;
      if (r->from && r->until && *r->until < *r->from) {
        error(change.location, codes::kBadValue,
              fmt::format("rule '{}' would be in effect from {} until {}, which ends before it "
                          "starts",
                          change.rule, r->from->to_string(), r->until->to_string()));
      }
    }
    std::erase_if(tree_.rules, [&](const auto& r) { return removed.count(r.id) > 0; });
  }

  load::Parameter* find_parameter(std::string_view name) {
    for (auto& p : tree_.parameters) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }
  load::Definition* find_definition(Entity entity, std::string_view name) {
    for (auto& d : tree_.definitions) {
      if (d.entity == entity && d.name == name) return &d;
    }
    return nullptr;
  }
  load::Rule* find_rule(std::string_view id) {
    for (auto& r : tree_.rules) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }

  load::SyntaxTree& tree_;
  Diagnostics& diagnostics_;
  std::string base_name_;
};

}  // namespace

load::SyntaxTree apply_reform(load::SyntaxTree base, load::SyntaxTree reform,
                              Diagnostics& diagnostics) {
  auto offset = static_cast<std::uint32_t>(base.files.size());
  LocationShifter(offset).tree(reform);
  load::SyntaxTree merged = std::move(base);
  for (auto& f : reform.files)
    merged.files.push_back(std::move(f));
  merged.directory = std::move(reform.directory);
  // What the reform's own errors left out must not be reported again as unknown names.
  merged.incomplete = merged.incomplete || reform.incomplete;
  merged.manifest.incomplete = merged.manifest.incomplete || reform.manifest.incomplete;
  merged.broken_names.insert(merged.broken_names.end(), reform.broken_names.begin(),
                             reform.broken_names.end());
  Merger(merged, diagnostics).run(reform);
  merged.reform = {};
  return merged;
}

}  // namespace entitle::check
