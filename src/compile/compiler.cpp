#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "compile/program.hpp"
#include "util/sha256.hpp"

namespace entitle::compile {

const ParameterValueInfo* ParameterInfo::value_on(Date day) const noexcept {
  const ParameterValueInfo* found = nullptr;
  for (const auto& v : values) {
    if (v.from > day) break;
    found = &v;
  }
  if (found && found->until && *found->until < day) return nullptr;
  return found;
}

namespace {

using load::Entity;
using load::Expr;
using load::ExprKind;
using load::Op;
using load::RefKind;

Bilingual bilingual(const load::Text& t) {
  return {t.zh, t.en};
}

class Compiler {
 public:
  Compiler(const check::CheckedPackage& package, RuleSet::Impl& out)
      : tree_(package.tree), out_(out) {}

  void run(const check::CheckedPackage& package) {
    for (const auto& f : tree_.fields) {
      FieldInfo info{f.name,     f.type,    f.values,
                     f.required, f.builtin, f.default_value,
                     f.min,      f.max,     bilingual(f.description)};
      auto& list = f.entity == Entity::kHousehold ? out_.household_fields : out_.member_fields;
      slot_of_field_.push_back(static_cast<int>(list.size()));
      list.push_back(std::move(info));
    }
    for (auto* entity : {&out_.household_fields, &out_.member_fields}) {
      bool household = entity == &out_.household_fields;
      auto& defaults = household ? out_.household_defaults : out_.member_defaults;
      auto& required = household ? out_.household_required : out_.member_required;
      for (std::size_t slot = 0; slot < entity->size(); ++slot) {
        const FieldInfo& f = (*entity)[slot];
        defaults.push_back(f.default_value.value_or(Value::unknown()));
        if (f.required && slot > 0) required.push_back(static_cast<std::uint32_t>(slot));
      }
    }
    for (const auto& p : tree_.parameters) {
      ParameterInfo info{p.name, p.type, p.unit, bilingual(p.description), {}};
      for (const auto& v : p.values) {
        info.values.push_back(
            {v.from, v.until, v.value, v.reference.source, v.reference.clause, v.reference.note});
      }
      out_.parameters.push_back(std::move(info));
    }
    for (const auto& d : tree_.definitions) {
      out_.definitions.push_back({d.name, d.entity, kNoNode, bilingual(d.description), d.note});
    }
    for (std::size_t i = 0; i < tree_.definitions.size(); ++i) {
      out_.definitions[i].root = compile(tree_.definitions[i].expr);
    }
    for (std::size_t i = 0; i < tree_.rules.size(); ++i) {
      const auto& r = tree_.rules[i];
      CompiledRule rule;
      if (r.recipient_filter) rule.filter = compile(*r.recipient_filter);
      rule.condition = compile(r.when);
      if (r.grant.amount) rule.amount = compile(*r.grant.amount);
      if (r.grant.amount_min) rule.amount_min = compile(*r.grant.amount_min);
      if (r.grant.amount_max) rule.amount_max = compile(*r.grant.amount_max);
      if (r.grant.quantity) rule.quantity = compile(*r.grant.quantity);
      rule.parameters = package.rule_parameters[i];
      out_.rules.push_back(std::move(rule));

      RuleInfo info;
      info.id = r.id;
      info.title = bilingual(r.title);
      info.for_each_member = r.recipient == Entity::kMember;
      info.kind = static_cast<GrantKind>(r.grant.kind);
      info.period = static_cast<Period>(r.grant.period);
      info.occasions = r.grant.occasions;
      info.unit = r.grant.unit;
      info.grant_description = bilingual(r.grant.description);
      info.effective_from = r.from;
      info.effective_until = r.until;
      info.basis_source = r.basis.source;
      info.basis_clause = r.basis.clause;
      info.basis_note = r.basis.note;
      info.file = tree_.files[r.location.file].path;
      info.line = r.location.position.line;
      info.column = r.location.position.column;
      out_.rule_info.push_back(std::move(info));
    }
    plan_evaluation();
  }

 private:
  std::uint32_t add_node(const Expr& e, OpCode op, std::int32_t a = -1) {
    Node node;
    node.op = op;
    node.a = a;
    NodeInfo info;
    info.file = e.location.file;
    info.line = e.location.position.line;
    info.column = e.location.position.column;
    info.text = e.text;
    info.type = e.type.kind;
    info.structured = e.structured;
    if (e.type.kind == load::TypeKind::kEnum && e.type.enum_field >= 0) {
      const auto& field = tree_.fields[e.type.enum_field];
      const auto& list =
          field.entity == Entity::kHousehold ? out_.household_fields : out_.member_fields;
      info.enum_values = &list[slot_of_field_[e.type.enum_field]].values;
    }
    out_.nodes.push_back(node);
    out_.node_info.push_back(std::move(info));
    return static_cast<std::uint32_t>(out_.nodes.size() - 1);
  }

  void set_args(std::uint32_t node, const std::vector<std::uint32_t>& args) {
    out_.nodes[node].first_arg = static_cast<std::uint32_t>(out_.args.size());
    out_.nodes[node].argc = static_cast<std::uint16_t>(args.size());
    out_.args.insert(out_.args.end(), args.begin(), args.end());
  }

  static OpCode binary_op(Op op) {
    switch (op) {
      case Op::kAdd:
        return OpCode::kAdd;
      case Op::kSub:
        return OpCode::kSub;
      case Op::kMul:
        return OpCode::kMul;
      case Op::kDiv:
        return OpCode::kDiv;
      case Op::kEq:
        return OpCode::kEq;
      case Op::kNe:
        return OpCode::kNe;
      case Op::kLt:
        return OpCode::kLt;
      case Op::kLe:
        return OpCode::kLe;
      case Op::kGt:
        return OpCode::kGt;
      case Op::kGe:
        return OpCode::kGe;
      case Op::kNone:
        break;
    }
    return OpCode::kConst;
  }

  OpCode function_op(const std::string& name) {
    if (name == "age") return OpCode::kAge;
    if (name == "years_between") return OpCode::kYearsBetween;
    if (name == "months_between") return OpCode::kMonthsBetween;
    if (name == "days_between") return OpCode::kDaysBetween;
    if (name == "as_of") return OpCode::kAsOf;
    return OpCode::kIsKnown;
  }

  OpCode aggregate_op(const std::string& name) {
    if (name == "count") return OpCode::kCount;
    if (name == "any") return OpCode::kAny;
    if (name == "all") return OpCode::kAll;
    if (name == "sum") return OpCode::kSum;
    if (name == "min") return OpCode::kMin;
    return OpCode::kMax;
  }

  std::uint32_t compile(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral: {
        std::uint32_t n = add_node(e, OpCode::kConst);
        Value v = e.value;
        if (e.literal_type.kind == load::TypeKind::kString) {
          out_.strings.push_back(e.literal_string);
          v = Value::string(out_.strings.back());
        }
        out_.nodes[n].constant = v;
        return n;
      }
      case ExprKind::kName:
      case ExprKind::kHousehold: {
        switch (e.ref.kind) {
          case RefKind::kFact:
            return add_node(
                e,
                e.ref.entity == Entity::kHousehold ? OpCode::kHouseholdFact : OpCode::kMemberFact,
                slot_of_field_[e.ref.index]);
          case RefKind::kDefinition:
            return add_node(e,
                            e.ref.entity == Entity::kHousehold ? OpCode::kHouseholdDefinition
                                                               : OpCode::kMemberDefinition,
                            e.ref.index);
          case RefKind::kParameter:
            return add_node(e, OpCode::kParameter, e.ref.index);
          case RefKind::kNone:
            break;
        }
        return add_node(e, OpCode::kConst);
      }
      case ExprKind::kNegate:
        if (e.args[0].kind == ExprKind::kLiteral) {  // fold -literal
          std::uint32_t n = add_node(e, OpCode::kConst);
          auto negated = checked_neg(e.args[0].value.as_number());
          out_.nodes[n].constant =
              negated ? Value::number(*negated) : Value::error(EvalError::kOverflow);
          return n;
        }
        return with_args(e, OpCode::kNegate);
      case ExprKind::kNot:
        return with_args(e, OpCode::kNot);
      case ExprKind::kAnd:
        return with_args(e, OpCode::kAnd);
      case ExprKind::kOr:
        return with_args(e, OpCode::kOr);
      case ExprKind::kArith:
      case ExprKind::kCompare:
        return with_args(e, binary_op(e.op));
      case ExprKind::kIn:
        return with_args(e, e.negated ? OpCode::kNotIn : OpCode::kIn);
      case ExprKind::kIf:
        return with_args(e, OpCode::kIf);
      case ExprKind::kCall:
        return with_args(e, function_op(e.name));
      case ExprKind::kAggregate:
        return with_args(e, aggregate_op(e.name));
    }
    return add_node(e, OpCode::kConst);
  }

  std::uint32_t with_args(const Expr& e, OpCode op) {
    std::uint32_t n = add_node(e, op);
    std::vector<std::uint32_t> args;
    for (const auto& a : e.args)
      args.push_back(compile(a));
    set_args(n, args);
    return n;
  }

  static bool is_aggregate(OpCode op) {
    return op == OpCode::kCount || op == OpCode::kAny || op == OpCode::kAll || op == OpCode::kSum ||
           op == OpCode::kMin || op == OpCode::kMax;
  }

  // Nothing to save by remembering these: they are read, not computed (definitions have their
  // own cache in the evaluator).
  static bool is_leaf(OpCode op) {
    return op == OpCode::kConst || op == OpCode::kHouseholdFact || op == OpCode::kMemberFact ||
           op == OpCode::kParameter || op == OpCode::kAsOf || op == OpCode::kHouseholdDefinition ||
           op == OpCode::kMemberDefinition;
  }

  // Work done once at load so that evaluation repeats less of it: which nodes depend on the
  // member in scope (an aggregation does not: it ranges over all members itself), which
  // computed subexpressions are written more than once (structurally equal: same operation,
  // operand, constant and arguments), and how many leading conjuncts of each member rule's
  // condition do not depend on the member. None of it changes a value: evaluation is pure.
  void plan_evaluation() {
    auto& nodes = out_.nodes;
    const std::size_t n = nodes.size();
    out_.member_dependent.assign(n, 0);
    std::vector<std::uint32_t> shape(n);  // structural class of each node
    std::unordered_map<std::string, std::uint32_t> shapes;
    std::vector<std::uint32_t> shape_count;
    // Arguments have larger indices than their node (compile() adds a node before its args).
    for (std::size_t k = n; k-- > 0;) {
      const Node& node = nodes[k];
      std::string key;
      auto put = [&](const void* p, std::size_t size) {
        key.append(static_cast<const char*>(p), size);
      };
      put(&node.op, sizeof node.op);
      put(&node.a, sizeof node.a);
      put(&node.argc, sizeof node.argc);
      put(&node.constant.kind, sizeof node.constant.kind);
      if (node.constant.kind == ValueKind::kString) {
        key += node.constant.as_string();  // by content: equal literals live apart
      } else {
        put(&node.constant.aux, sizeof node.constant.aux);
        put(&node.constant.bits, sizeof node.constant.bits);
      }
      bool dependent = node.op == OpCode::kMemberFact || node.op == OpCode::kMemberDefinition;
      for (std::uint16_t i = 0; i < node.argc; ++i) {
        std::uint32_t arg = out_.args[node.first_arg + i];
        put(&shape[arg], sizeof shape[arg]);
        dependent = dependent || (!is_aggregate(node.op) && out_.member_dependent[arg]);
      }
      out_.member_dependent[k] = dependent;
      auto [it, added] = shapes.emplace(std::move(key), static_cast<std::uint32_t>(shapes.size()));
      if (added) shape_count.push_back(0);
      shape[k] = it->second;
      ++shape_count[it->second];
    }
    std::vector<std::int32_t> slot_of_shape(shape_count.size(), -1);
    for (std::size_t k = 0; k < n; ++k) {
      Node& node = nodes[k];
      if (is_leaf(node.op) || shape_count[shape[k]] < 2) continue;
      std::int32_t& slot = slot_of_shape[shape[k]];
      if (slot < 0) {
        slot = static_cast<std::int32_t>(out_.member_dependent[k] ? out_.member_memos++
                                                                  : out_.household_memos++);
      }
      node.memo = slot;
    }
    for (std::size_t r = 0; r < out_.rules.size(); ++r) {
      CompiledRule& rule = out_.rules[r];
      if (!out_.rule_info[r].for_each_member || rule.condition == kNoNode) continue;
      const Node& condition = nodes[rule.condition];
      if (condition.op != OpCode::kAnd) continue;
      std::uint16_t k = 0;
      while (k < condition.argc && !out_.member_dependent[out_.args[condition.first_arg + k]])
        ++k;
      rule.household_prefix = k;
    }
  }

  const load::SyntaxTree& tree_;
  RuleSet::Impl& out_;
  std::vector<int> slot_of_field_;
};

std::string package_digest(const load::SyntaxTree& tree) {
  std::vector<const load::SourceFile*> files;
  for (const auto& f : tree.files)
    files.push_back(&f);
  auto base = [](const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
  };
  std::sort(files.begin(), files.end(),
            [&](auto* a, auto* b) { return base(a->path) < base(b->path); });
  Sha256 hash;
  for (const auto* f : files) {
    // Names without folders, so that the digest does not depend on where the package lies.
    std::string name = base(f->path);
    hash.update(fmt::format("{}\n{}\n", name, f->text.size()));
    hash.update(f->text);
  }
  return hash.hex_digest();
}

}  // namespace

std::unique_ptr<RuleSet::Impl> compile_package(const check::CheckedPackage& package,
                                               const Limits& limits) {
  auto out = std::make_unique<RuleSet::Impl>();
  const auto& tree = package.tree;
  out->limits = limits;
  out->info.name = tree.manifest.name;
  out->info.version = tree.manifest.version;
  out->info.jurisdiction = tree.manifest.jurisdiction;
  out->info.currency = tree.manifest.currency;
  out->info.directory = tree.directory;
  out->info.age_convention = tree.manifest.age_convention;
  out->info.digest = package_digest(tree);
  for (const auto& s : tree.manifest.sources) {
    out->info.sources.push_back({s.id, s.title, s.date, s.url});
  }
  for (const auto& f : tree.files) {
    out->files.push_back(f.path);
    out->file_texts.push_back(f.text);
  }
  Compiler compiler(package, *out);
  compiler.run(package);
  return out;
}

}  // namespace entitle::compile
