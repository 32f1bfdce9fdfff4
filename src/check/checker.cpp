#include "check/checker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "util/text.hpp"

namespace entitle::check {

using load::Entity;
using load::Expr;
using load::ExprKind;
using load::FactType;
using load::Op;
using load::RefKind;
using load::Type;
using load::TypeKind;

std::string type_name(const Type& type, const load::SyntaxTree& tree) {
  switch (type.kind) {
    case TypeKind::kError:
      return "<error>";
    case TypeKind::kBool:
      return "bool";
    case TypeKind::kInteger:
      return "integer";
    case TypeKind::kDecimal:
      return "decimal";
    case TypeKind::kMoney:
      return "money";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kString:
      return "string";
    case TypeKind::kEnum:
      if (type.enum_field >= 0) {
        return fmt::format("enum {}", tree.fields[type.enum_field].name);
      }
      return "enum";
  }
  return "?";
}

namespace {

Type type_of(TypeKind kind) {
  return Type{kind, -1};
}

Type fact_type(const load::Field& field, int index) {
  switch (field.type) {
    case FactType::kBool:
      return type_of(TypeKind::kBool);
    case FactType::kInteger:
      return type_of(TypeKind::kInteger);
    case FactType::kDecimal:
      return type_of(TypeKind::kDecimal);
    case FactType::kMoney:
      return type_of(TypeKind::kMoney);
    case FactType::kDate:
      return type_of(TypeKind::kDate);
    case FactType::kEnum:
      return Type{TypeKind::kEnum, index};
    case FactType::kString:
      return type_of(TypeKind::kString);
  }
  return {};
}

bool is_numeric(const Type& t) {
  return t.kind == TypeKind::kInteger || t.kind == TypeKind::kDecimal || t.kind == TypeKind::kMoney;
}

std::string_view entity_name(Entity e) {
  return e == Entity::kHousehold ? "household" : "member";
}

// Suggestions ("did you mean") scan every candidate name, so only the first kMaxHints errors
// get one: a package with thousands of misspelt names is still reported in linear time.
constexpr std::size_t kMaxHints = 100;

class Checker {
 public:
  Checker(load::SyntaxTree& tree, const Limits& limits, Diagnostics& diagnostics)
      : tree_(tree), limits_(limits), diagnostics_(diagnostics) {}

  void run(CheckedPackage& out) {
    if (tree_.reform.present) {
      error(tree_.reform.location, codes::kUnknownKey,
            "a 'reform' section belongs in a reform package, whose package.yaml has 'extends'");
    }
    add_builtin_fields();
    index_names();
    check_declarations();
    definition_state_.assign(tree_.definitions.size(), State::kUnvisited);
    for (std::size_t i = 0; i < tree_.definitions.size(); ++i)
      check_definition(static_cast<int>(i));
    std::set<std::string> rule_ids;
    for (auto& rule : tree_.rules) {
      if (!rule_ids.insert(rule.id).second) {
        error(rule.location, codes::kDuplicateId, fmt::format("duplicate rule id '{}'", rule.id));
      }
      check_rule(rule);
    }
    // Both walks below follow definitions through names; after a depth error they could recurse
    // as deep as the package is long, and the package is rejected anyway.
    if (depth_exceeded_) return;
    check_evaluation_depth();
    for (const auto& rule : tree_.rules) {
      std::set<int> params;
      collect_rule_parameters(rule, params);
      out.rule_parameters.emplace_back(params.begin(), params.end());
      check_parameter_coverage(rule, out.rule_parameters.back());
    }
  }

 private:
  enum class State { kUnvisited, kVisiting, kDone };

  // closest_name(name, candidates()), while hints are still affordable (see kMaxHints).
  template <typename Candidates>
  std::optional<std::string> suggest(std::string_view name, Candidates&& candidates) {
    if (hints_given_ >= kMaxHints) return std::nullopt;
    ++hints_given_;
    return closest_name(name, candidates());
  }

  // "; did you mean 'x'?" for suggest(), or "".
  template <typename Candidates>
  std::string hint(std::string_view name, Candidates&& candidates) {
    auto close = suggest(name, std::forward<Candidates>(candidates));
    return close ? fmt::format("; did you mean '{}'?", *close) : std::string();
  }

  // Name → index maps, so that resolving a name costs the same in a package of any size. The
  // first declaration of a name wins, as in the scan it replaces; duplicates are errors anyway.
  void index_names() {
    for (std::size_t i = 0; i < tree_.fields.size(); ++i) {
      const auto& f = tree_.fields[i];
      field_index_[static_cast<int>(f.entity)].emplace(f.name, static_cast<int>(i));
    }
    for (std::size_t i = 0; i < tree_.definitions.size(); ++i) {
      const auto& d = tree_.definitions[i];
      definition_index_[static_cast<int>(d.entity)].emplace(d.name, static_cast<int>(i));
    }
    for (std::size_t i = 0; i < tree_.parameters.size(); ++i) {
      parameter_index_.emplace(tree_.parameters[i].name, static_cast<int>(i));
    }
    for (const auto& s : tree_.manifest.sources)
      source_ids_.insert(s.id);
    broken_names_.insert(tree_.broken_names.begin(), tree_.broken_names.end());
  }

  struct Scope {
    Entity entity;
  };

  void error(const load::Location& at, std::string_view code, std::string message) {
    const load::SourceFile& file = tree_.files[at.file];
    diagnostics_.push_back(load::make_diagnostic(file, at.position, code, std::move(message)));
  }

  void add_builtin_fields() {
    std::vector<load::Field> fields;
    for (Entity e : {Entity::kHousehold, Entity::kMember}) {
      load::Field id;
      id.name = "id";
      id.entity = e;
      id.type = FactType::kString;
      id.required = e == Entity::kMember;
      id.builtin = true;
      id.description = {e == Entity::kHousehold ? "家庭编号" : "成员编号",
                        e == Entity::kHousehold ? "household id" : "member id"};
      fields.push_back(std::move(id));
      for (auto& f : tree_.fields) {
        if (f.entity == e) fields.push_back(std::move(f));
      }
    }
    tree_.fields = std::move(fields);
  }

  void check_declarations() {
    std::map<std::pair<Entity, std::string>, int> facts;
    for (std::size_t i = 0; i < tree_.fields.size(); ++i) {
      const auto& f = tree_.fields[i];
      if (!f.builtin && (f.name == "id" || f.name == "as_of" || f.name == "members")) {
        error(f.location, codes::kDuplicateId,
              fmt::format("'{}' is built in and cannot be declared", f.name));
        continue;
      }
      if (!facts.emplace(std::pair{f.entity, f.name}, static_cast<int>(i)).second) {
        error(f.location, codes::kDuplicateId,
              fmt::format("{} fact '{}' is declared twice", entity_name(f.entity), f.name));
      }
    }
    std::set<std::string> params;
    for (const auto& p : tree_.parameters) {
      if (!params.insert(p.name).second) {
        error(p.location, codes::kDuplicateId,
              fmt::format("parameter '{}' is declared twice", p.name));
      }
      for (const auto& v : p.values)
        check_source(v.location, v.reference.source);
      if (facts.count({Entity::kHousehold, p.name}) || facts.count({Entity::kMember, p.name})) {
        error(p.location, codes::kDuplicateId,
              fmt::format("parameter '{}' has the name of a fact", p.name));
      }
    }
    std::set<std::pair<Entity, std::string>> defs;
    for (const auto& d : tree_.definitions) {
      if (!defs.insert({d.entity, d.name}).second) {
        error(d.location, codes::kDuplicateId,
              fmt::format("{} definition '{}' is declared twice", entity_name(d.entity), d.name));
      }
      if (facts.count({d.entity, d.name})) {
        error(d.location, codes::kDuplicateId,
              fmt::format("definition '{}' has the name of a {} fact", d.name,
                          entity_name(d.entity)));
      }
      if (params.count(d.name)) {
        error(d.location, codes::kDuplicateId,
              fmt::format("definition '{}' has the name of a parameter", d.name));
      }
    }
    std::set<std::string> sources;
    for (const auto& s : tree_.manifest.sources) {
      if (!sources.insert(s.id).second) {
        error(tree_.manifest.location, codes::kDuplicateId,
              fmt::format("source document '{}' is listed twice", s.id));
      }
    }
  }

  void check_source(const load::Location& at, const std::string& source) {
    if (source.empty() || tree_.manifest.incomplete || source_ids_.count(source)) return;
    std::string message = fmt::format("unknown source document '{}'", source);
    message += hint(source, [&] {
      std::vector<std::string> ids;
      for (const auto& s : tree_.manifest.sources)
        ids.push_back(s.id);
      return ids;
    });
    error(at, codes::kUnknownName, std::move(message));
  }

  void check_definition(int index) {
    if (definition_state_[index] == State::kDone) return;
    auto& def = tree_.definitions[index];
    definition_state_[index] = State::kVisiting;
    definition_stack_.push_back(index);
    Type t = check_expr(def.expr, Scope{def.entity});
    (void)t;
    definition_stack_.pop_back();
    definition_state_[index] = State::kDone;
    completion_order_.push_back(index);
  }

  void check_rule(load::Rule& rule) {
    check_source(rule.location, rule.basis.source);
    Scope scope{rule.recipient};
    if (rule.recipient_filter) expect_bool(*rule.recipient_filter, scope, "the recipient filter");
    expect_bool(rule.when, scope, "a rule's condition");
    auto numeric = [&](std::optional<Expr>& e, std::string_view what) {
      if (!e) return;
      Type t = check_expr(*e, scope);
      if (t.kind != TypeKind::kError && !is_numeric(t)) {
        error(e->location, codes::kTypeMismatch,
              fmt::format("{} must be a number or money, found {}", what, type_name(t, tree_)));
      }
    };
    numeric(rule.grant.amount, "'amount'");
    numeric(rule.grant.amount_min, "'amount_min'");
    numeric(rule.grant.amount_max, "'amount_max'");
    numeric(rule.grant.quantity, "'quantity'");
  }

  void expect_bool(Expr& e, Scope scope, std::string_view what) {
    Type t = check_expr(e, scope);
    if (t.kind != TypeKind::kError && t.kind != TypeKind::kBool) {
      error(e.location, codes::kTypeMismatch,
            fmt::format("{} must be true or false, found {} '{}'", what, type_name(t, tree_),
                        e.text));
    }
  }

  // Resolves `name` in `entity`'s scope: fact, then definition, then (any scope) parameter.
  Type resolve(Expr& e, Entity entity, bool allow_parameters) {
    const int scope = static_cast<int>(entity);
    if (auto it = field_index_[scope].find(e.name); it != field_index_[scope].end()) {
      e.ref = {RefKind::kFact, entity, it->second};
      return fact_type(tree_.fields[it->second], it->second);
    }
    if (auto it = definition_index_[scope].find(e.name); it != definition_index_[scope].end()) {
      int index = it->second;
      auto& d = tree_.definitions[index];
      e.ref = {RefKind::kDefinition, entity, index};
      if (definition_state_[index] == State::kVisiting) {
        std::string chain;
        auto cycle = std::find(definition_stack_.begin(), definition_stack_.end(), index);
        for (; cycle != definition_stack_.end(); ++cycle) {
          chain += tree_.definitions[*cycle].name + " → ";
        }
        chain += d.name;
        error(e.location, codes::kDefinitionCycle,
              fmt::format("definitions refer to each other in a cycle: {}", chain));
        return {};
      }
      check_definition(index);
      return d.expr.type;
    }
    if (auto it = parameter_index_.find(e.name); allow_parameters && it != parameter_index_.end()) {
      e.ref = {RefKind::kParameter, entity, it->second};
      load::Field as_field;
      as_field.type = tree_.parameters[it->second].type;
      return fact_type(as_field, -1);
    }
    if (tree_.incomplete || broken_names_.count(e.name)) {
      return {};  // declared where a load error was already reported
    }
    std::string message =
        fmt::format("unknown name '{}' in a {} expression", e.name, entity_name(entity));
    std::string suggestion = hint(e.name, [&] {
      std::vector<std::string> candidates;
      for (const auto& f : tree_.fields) {
        if (f.entity == entity) candidates.push_back(f.name);
      }
      for (const auto& d : tree_.definitions) {
        if (d.entity == entity) candidates.push_back(d.name);
      }
      if (allow_parameters) {
        for (const auto& p : tree_.parameters)
          candidates.push_back(p.name);
      }
      return candidates;
    });
    Entity other = entity == Entity::kMember ? Entity::kHousehold : Entity::kMember;
    if (!suggestion.empty()) {
      message += suggestion;
    } else if (field_index_[static_cast<int>(other)].count(e.name)) {
      message += entity == Entity::kMember
                     ? fmt::format("; the household's fact is written household.{}", e.name)
                     : "; members are reached through count/any/all/sum/min/max(members where …)";
    }
    error(e.location, codes::kUnknownName, std::move(message));
    return {};
  }

  Type set(Expr& e, Type t) {
    e.type = t;
    return t;
  }

  // Enum compared with a string literal: the literal becomes the enum's index, checked here.
  bool coerce_to_enum(Expr& literal, const Type& enum_type) {
    if (literal.kind != ExprKind::kLiteral || literal.literal_type.kind != TypeKind::kString) {
      return false;
    }
    const auto& values = tree_.fields[enum_type.enum_field].values;
    auto it = std::find(values.begin(), values.end(), literal.literal_string);
    if (it == values.end()) {
      std::string message =
          fmt::format("'{}' is not a value of {}; expected one of: {}", literal.literal_string,
                      tree_.fields[enum_type.enum_field].name, fmt::join(values, ", "));
      if (auto close = suggest(literal.literal_string, [&] { return values; })) {
        message += fmt::format(" (did you mean '{}'?)", *close);
      }
      error(literal.location, codes::kNotInEnum, std::move(message));
      return true;
    }
    literal.value = Value::enumerated(static_cast<std::uint32_t>(it - values.begin()));
    literal.literal_type = enum_type;
    literal.type = enum_type;
    return true;
  }

  bool comparable(Expr& a, Type ta, Expr& b, Type tb, bool ordering, const Expr& at) {
    if (ta.kind == TypeKind::kError || tb.kind == TypeKind::kError) return true;
    if (!ordering) {
      if (ta.kind == TypeKind::kEnum && tb.kind == TypeKind::kString && coerce_to_enum(b, ta)) {
        return true;
      }
      if (tb.kind == TypeKind::kEnum && ta.kind == TypeKind::kString && coerce_to_enum(a, tb)) {
        return true;
      }
    }
    bool ok = false;
    if (is_numeric(ta) && is_numeric(tb)) {
      ok = true;
    } else if (ta.kind == tb.kind) {
      switch (ta.kind) {
        case TypeKind::kDate:
          ok = true;
          break;
        case TypeKind::kBool:
        case TypeKind::kString:
          ok = !ordering;
          break;
        case TypeKind::kEnum:
          ok = !ordering && ta.enum_field == tb.enum_field;
          break;
        default:
          break;
      }
    }
    if (!ok) {
      error(at.location, codes::kTypeMismatch,
            fmt::format("cannot {} {} '{}' with {} '{}'", ordering ? "order-compare" : "compare",
                        type_name(ta, tree_), a.text, type_name(tb, tree_), b.text));
    }
    return ok;
  }

  Type arithmetic_result(Op op, Type a, Type b, const Expr& e) {
    if (a.kind == TypeKind::kError || b.kind == TypeKind::kError) return {};
    if (!is_numeric(a) || !is_numeric(b)) {
      error(e.location, codes::kTypeMismatch,
            fmt::format("arithmetic needs numbers or money; found {} '{}' and {} '{}'",
                        type_name(a, tree_), e.args[0].text, type_name(b, tree_), e.args[1].text));
      return {};
    }
    bool ma = a.kind == TypeKind::kMoney, mb = b.kind == TypeKind::kMoney;
    switch (op) {
      case Op::kAdd:
      case Op::kSub:
        if (ma || mb) return type_of(TypeKind::kMoney);
        break;
      case Op::kMul:
        if (ma && mb) {
          error(e.location, codes::kTypeMismatch, "money times money has no meaning");
          return {};
        }
        if (ma || mb) return type_of(TypeKind::kMoney);
        break;
      case Op::kDiv:
        if (ma && mb) return type_of(TypeKind::kDecimal);
        if (mb) {
          error(e.location, codes::kTypeMismatch, "a number divided by money has no meaning");
          return {};
        }
        if (ma) return type_of(TypeKind::kMoney);
        return type_of(TypeKind::kDecimal);
      default:
        break;
    }
    if (a.kind == TypeKind::kInteger && b.kind == TypeKind::kInteger) {
      return type_of(TypeKind::kInteger);
    }
    return type_of(TypeKind::kDecimal);
  }

  Type check_call(Expr& e, Scope scope) {
    struct Signature {
      std::string_view name;
      std::vector<TypeKind> params;
      TypeKind result;
    };
    static const Signature kFunctions[] = {
        {"age", {TypeKind::kDate}, TypeKind::kInteger},
        {"years_between", {TypeKind::kDate, TypeKind::kDate}, TypeKind::kInteger},
        {"months_between", {TypeKind::kDate, TypeKind::kDate}, TypeKind::kInteger},
        {"days_between", {TypeKind::kDate, TypeKind::kDate}, TypeKind::kInteger},
        {"as_of", {}, TypeKind::kDate},
    };
    if (e.name == "is_known") {
      if (e.args.size() != 1) {
        error(e.location, codes::kTypeMismatch, "is_known() takes one argument");
        return {};
      }
      check_expr(e.args[0], scope);
      return set(e, type_of(TypeKind::kBool));
    }
    for (const auto& f : kFunctions) {
      if (f.name != e.name) continue;
      if (e.args.size() != f.params.size()) {
        error(e.location, codes::kTypeMismatch,
              fmt::format("{}() takes {} argument{}, found {}", f.name, f.params.size(),
                          f.params.size() == 1 ? "" : "s", e.args.size()));
        return {};
      }
      bool ok = true;
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        Type t = check_expr(e.args[i], scope);
        if (t.kind != TypeKind::kError && t.kind != f.params[i]) {
          error(e.args[i].location, codes::kTypeMismatch,
                fmt::format("argument {} of {}() must be a date, found {} '{}'", i + 1, f.name,
                            type_name(t, tree_), e.args[i].text));
          ok = false;
        }
      }
      return set(e, ok ? type_of(f.result) : Type{});
    }
    std::vector<std::string> names = {
        "age", "years_between", "months_between", "days_between", "as_of", "is_known", "date"};
    std::string message = fmt::format("unknown function '{}'", e.name);
    message += hint(e.name, [&] { return names; });
    error(e.location, codes::kUnknownName, std::move(message));
    return {};
  }

  Type check_aggregate(Expr& e, Scope) {
    Scope member{Entity::kMember};
    expect_bool(e.args[0], member, fmt::format("the filter of {}()", e.name));
    if (e.name == "count") return set(e, type_of(TypeKind::kInteger));
    Type t = check_expr(e.args[1], member);
    if (t.kind == TypeKind::kError) return {};
    if (e.name == "any" || e.name == "all") {
      if (t.kind != TypeKind::kBool) {
        error(e.args[1].location, codes::kTypeMismatch,
              fmt::format("{}() looks at a condition, found {} '{}'", e.name, type_name(t, tree_),
                          e.args[1].text));
        return {};
      }
      return set(e, type_of(TypeKind::kBool));
    }
    bool ok = is_numeric(t) || (e.name != "sum" && t.kind == TypeKind::kDate);
    if (!ok) {
      error(e.args[1].location, codes::kTypeMismatch,
            fmt::format("{}() needs {}, found {} '{}'", e.name,
                        e.name == "sum" ? "numbers" : "numbers or dates", type_name(t, tree_),
                        e.args[1].text));
      return {};
    }
    return set(e, t);
  }

  // Counts the nesting of the walk below, which follows a name into its definition the first
  // time it meets it: the walk is never deeper than some evaluation, so a walk deeper than
  // max_evaluation_depth is an evaluation that would be.
  class DepthGuard {
   public:
    explicit DepthGuard(Checker& c) : checker_(c) { ++checker_.depth_; }
    ~DepthGuard() { --checker_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    bool too_deep() const { return checker_.depth_ > checker_.limits_.max_evaluation_depth; }

   private:
    Checker& checker_;
  };

  Type check_expr(Expr& e, Scope scope) {
    DepthGuard guard(*this);
    if (guard.too_deep()) {
      if (!depth_exceeded_) {
        std::string through;
        if (!definition_stack_.empty()) {
          through = fmt::format(" through definition '{}' and those it uses",
                                tree_.definitions[definition_stack_.front()].name);
        }
        error(e.location, codes::kLimitExceeded,
              fmt::format("evaluation nested deeper than {} levels{} (limit "
                          "max_evaluation_depth)",
                          limits_.max_evaluation_depth, through));
      }
      depth_exceeded_ = true;
      return set(e, {});
    }
    return set(e, check_expr_kind(e, scope));
  }

  Type check_expr_kind(Expr& e, Scope scope) {
    switch (e.kind) {
      case ExprKind::kLiteral:
        return set(e, e.literal_type);
      case ExprKind::kName:
        return set(e, resolve(e, scope.entity, true));
      case ExprKind::kHousehold:
        return set(e, resolve(e, Entity::kHousehold, false));
      case ExprKind::kCall:
        return check_call(e, scope);
      case ExprKind::kAggregate:
        return check_aggregate(e, scope);
      case ExprKind::kNot:
        expect_bool(e.args[0], scope, "the operand of 'not'");
        return set(e, type_of(TypeKind::kBool));
      case ExprKind::kAnd:
      case ExprKind::kOr:
        for (auto& a : e.args) {
          expect_bool(a, scope,
                      e.kind == ExprKind::kAnd ? "an operand of 'and'" : "an operand of 'or'");
        }
        return set(e, type_of(TypeKind::kBool));
      case ExprKind::kNegate: {
        Type t = check_expr(e.args[0], scope);
        if (t.kind != TypeKind::kError && !is_numeric(t)) {
          error(e.location, codes::kTypeMismatch,
                fmt::format("cannot negate {} '{}'", type_name(t, tree_), e.args[0].text));
          return set(e, {});
        }
        return set(e, t);
      }
      case ExprKind::kArith: {
        Type a = check_expr(e.args[0], scope);
        Type b = check_expr(e.args[1], scope);
        return set(e, arithmetic_result(e.op, a, b, e));
      }
      case ExprKind::kCompare: {
        Type a = check_expr(e.args[0], scope);
        Type b = check_expr(e.args[1], scope);
        bool ordering = e.op != Op::kEq && e.op != Op::kNe;
        comparable(e.args[0], a, e.args[1], b, ordering, e);
        return set(e, type_of(TypeKind::kBool));
      }
      case ExprKind::kIn: {
        Type a = check_expr(e.args[0], scope);
        for (std::size_t i = 1; i < e.args.size(); ++i) {
          Type b = check_expr(e.args[i], scope);
          comparable(e.args[0], a, e.args[i], b, false, e.args[i]);
        }
        return set(e, type_of(TypeKind::kBool));
      }
      case ExprKind::kIf: {
        expect_bool(e.args[0], scope, "the condition of 'if'");
        Type a = check_expr(e.args[1], scope);
        Type b = check_expr(e.args[2], scope);
        if (a.kind == TypeKind::kError || b.kind == TypeKind::kError) return set(e, {});
        if (is_numeric(a) && is_numeric(b)) {
          if (a.kind == TypeKind::kMoney || b.kind == TypeKind::kMoney) {
            return set(e, type_of(TypeKind::kMoney));
          }
          if (a.kind == TypeKind::kDecimal || b.kind == TypeKind::kDecimal) {
            return set(e, type_of(TypeKind::kDecimal));
          }
          return set(e, a);
        }
        if (a.kind == TypeKind::kEnum && b.kind == TypeKind::kString &&
            coerce_to_enum(e.args[2], a)) {
          return set(e, a);
        }
        if (b.kind == TypeKind::kEnum && a.kind == TypeKind::kString &&
            coerce_to_enum(e.args[1], b)) {
          return set(e, b);
        }
        if (!(a == b)) {
          error(e.location, codes::kTypeMismatch,
                fmt::format("'then' and 'else' must have the same type; found {} and {}",
                            type_name(a, tree_), type_name(b, tree_)));
          return set(e, {});
        }
        return set(e, a);
      }
    }
    return {};
  }

  // Height of the evaluation of `e`: its own levels plus, at each name of a definition, that
  // definition's height (computed before, see completion_order_). `inherited` is set when a
  // definition already found too deep is among them, so that its users are not reported again.
  int height(const Expr& e, bool& inherited) const {
    int below = 0;
    if (e.ref.kind == RefKind::kDefinition) {
      below = definition_height_[e.ref.index];
      inherited = inherited || below > limits_.max_evaluation_depth;
    }
    for (const auto& a : e.args)
      below = std::max(below, height(a, inherited));
    return below + 1;
  }

  // Enforces max_evaluation_depth on every definition and rule, where it is first crossed.
  // Definitions are measured in the order their checks completed, in which every definition
  // comes after those it uses: no recursion follows a chain of definitions.
  void check_evaluation_depth() {
    const int limit = limits_.max_evaluation_depth;
    definition_height_.assign(tree_.definitions.size(), 0);
    for (int index : completion_order_) {
      const auto& d = tree_.definitions[index];
      bool inherited = false;
      definition_height_[index] = height(d.expr, inherited);
      if (definition_height_[index] > limit && !inherited) {
        error(d.location, codes::kLimitExceeded,
              fmt::format("definition '{}' nests {} levels deep with the definitions it uses, "
                          "more than the limit of {} (max_evaluation_depth)",
                          d.name, definition_height_[index], limit));
      }
    }
    for (const auto& rule : tree_.rules) {
      bool inherited = false;
      int deepest = 0;
      for (const auto* e : {rule.recipient_filter ? &*rule.recipient_filter : nullptr, &rule.when,
                            rule.grant.amount ? &*rule.grant.amount : nullptr,
                            rule.grant.amount_min ? &*rule.grant.amount_min : nullptr,
                            rule.grant.amount_max ? &*rule.grant.amount_max : nullptr,
                            rule.grant.quantity ? &*rule.grant.quantity : nullptr}) {
        if (e) deepest = std::max(deepest, height(*e, inherited));
      }
      if (deepest > limit && !inherited) {
        error(rule.location, codes::kLimitExceeded,
              fmt::format("rule '{}' nests {} levels deep with the definitions it uses, more "
                          "than the limit of {} (max_evaluation_depth)",
                          rule.id, deepest, limit));
      }
    }
  }

  // With an explicit stack: a chain of definitions may be far deeper than the call stack allows
  // (it is reported against max_evaluation_depth, but checked here all the same).
  void collect_parameters(const Expr& root, std::set<int>& params,
                          std::set<int>& seen_definitions) {
    std::vector<const Expr*> pending{&root};
    while (!pending.empty()) {
      const Expr& e = *pending.back();
      pending.pop_back();
      if (e.ref.kind == RefKind::kParameter) params.insert(e.ref.index);
      if (e.ref.kind == RefKind::kDefinition && seen_definitions.insert(e.ref.index).second) {
        pending.push_back(&tree_.definitions[e.ref.index].expr);
      }
      for (const auto& a : e.args)
        pending.push_back(&a);
    }
  }

  void collect_rule_parameters(const load::Rule& rule, std::set<int>& params) {
    std::set<int> seen;
    if (rule.recipient_filter) collect_parameters(*rule.recipient_filter, params, seen);
    collect_parameters(rule.when, params, seen);
    for (const auto* g : {&rule.grant.amount, &rule.grant.amount_min, &rule.grant.amount_max,
                          &rule.grant.quantity}) {
      if (*g) collect_parameters(**g, params, seen);
    }
  }

  // Every parameter a rule reads must have a value on every day the rule is in effect.
  void check_parameter_coverage(const load::Rule& rule, const std::vector<int>& params) {
    if (!rule.from) return;  // a rule without a start date is checked at evaluation
    for (int index : params) {
      const auto& p = tree_.parameters[index];
      if (p.incomplete) continue;  // a value had an error, already reported
      Date day = *rule.from;
      std::optional<Date> gap;
      for (std::size_t i = 0; i < p.values.size() && !gap; ++i) {
        const auto& v = p.values[i];
        if (v.from > day) {
          gap = day;
          break;
        }
        std::optional<Date> end = v.until;
        if (i + 1 < p.values.size()) {
          Date next = p.values[i + 1].from.plus_days(-1);
          if (!end || next < *end) end = next;
        }
        if (!end) {
          day = Date{INT32_MAX};
          break;
        }
        if (*end >= day) day = end->plus_days(1);
        if (rule.until && day > *rule.until) break;
      }
      if (!gap && day.days != INT32_MAX && (!rule.until || day <= *rule.until)) gap = day;
      if (gap) {
        error(rule.location, codes::kParameterGap,
              fmt::format("rule '{}' is in effect on {} but parameter '{}' has no value that day",
                          rule.id, gap->to_string(), p.name));
      }
    }
  }

  load::SyntaxTree& tree_;
  const Limits& limits_;
  Diagnostics& diagnostics_;
  std::unordered_map<std::string, int> field_index_[2];  // by Entity
  std::unordered_map<std::string, int> definition_index_[2];
  std::unordered_map<std::string, int> parameter_index_;
  std::unordered_set<std::string> source_ids_;
  std::unordered_set<std::string> broken_names_;  // tree_.broken_names
  std::vector<State> definition_state_;
  std::vector<int> definition_stack_;
  std::vector<int> completion_order_;  // definitions, in the order their checks completed
  std::vector<int> definition_height_;
  int depth_ = 0;
  bool depth_exceeded_ = false;
  std::size_t hints_given_ = 0;
};

}  // namespace

CheckedPackage check_package(load::SyntaxTree tree, const Limits& limits,
                             Diagnostics& diagnostics) {
  CheckedPackage out;
  out.tree = std::move(tree);
  Checker checker(out.tree, limits, diagnostics);
  checker.run(out);
  return out;
}

}  // namespace entitle::check
