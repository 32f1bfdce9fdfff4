// The compiled form of a policy package: RuleSet::Impl. Expressions become a flat array of
// nodes with names resolved to slots, so evaluation does no lookups by name.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "check/checker.hpp"
#include "entitle/ruleset.hpp"
#include "entitle/value.hpp"
#include "load/syntax.hpp"

namespace entitle::compile {

enum class OpCode : std::uint8_t {
  kConst,
  kHouseholdFact,        // a: household slot
  kMemberFact,           // a: member slot (of the member in scope)
  kHouseholdDefinition,  // a: definition index
  kMemberDefinition,     // a: definition index
  kParameter,            // a: parameter index
  kNot,
  kAnd,
  kOr,
  kNegate,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kNotIn,
  kIf,
  kAge,
  kYearsBetween,
  kMonthsBetween,
  kDaysBetween,
  kAsOf,
  kIsKnown,
  kCount,  // args: filter
  kAny,    // args: filter, predicate
  kAll,
  kSum,
  kMin,
  kMax,
};

inline constexpr std::uint32_t kNoNode = UINT32_MAX;

struct Node {
  OpCode op = OpCode::kConst;
  std::uint16_t argc = 0;
  std::uint32_t first_arg = 0;  // index into Program::args
  std::int32_t a = -1;
  // A subexpression written more than once (in any rules or definitions) has a memo slot, so
  // that untraced evaluation computes it once per household (member_dependent false) or once
  // per member in scope; -1 otherwise. See plan_evaluation().
  std::int32_t memo = -1;
  Value constant;
};

// What a node looks like to a person: for traces and error messages.
struct NodeInfo {
  std::uint32_t file = 0;  // index into RuleSet::Impl::files
  int line = 0, column = 0;
  std::string text;
  load::TypeKind type = load::TypeKind::kError;
  const std::vector<std::string>* enum_values = nullptr;
  bool structured = false;  // all:/any:/not: written in YAML
};

struct FieldInfo {
  std::string name;
  load::FactType type = load::FactType::kBool;
  std::vector<std::string> values;
  bool required = false;
  bool builtin = false;
  std::optional<Value> default_value;
  std::optional<Decimal> min, max;
  Bilingual description;
};

struct ParameterValueInfo {
  Date from;
  std::optional<Date> until;
  Value value;
  std::string source, clause, note;
};

struct ParameterInfo {
  std::string name;
  load::FactType type = load::FactType::kInteger;
  std::string unit;
  Bilingual description;
  std::vector<ParameterValueInfo> values;
  // The value on `day` and the date it took effect; nullopt when there is none.
  const ParameterValueInfo* value_on(Date day) const noexcept;
};

struct DefinitionInfo {
  std::string name;
  load::Entity entity = load::Entity::kHousehold;
  std::uint32_t root = kNoNode;
  Bilingual description;
  std::string note;
};

struct CompiledRule {
  std::uint32_t filter = kNoNode;  // member rules: recipient filter (kNoNode: every member)
  std::uint32_t condition = kNoNode;
  // Member rules whose condition is an `and`: how many of its first arguments do not depend on
  // the member, so that untraced evaluation decides them once for all members.
  std::uint16_t household_prefix = 0;
  std::uint32_t amount = kNoNode, amount_min = kNoNode, amount_max = kNoNode;
  std::uint32_t quantity = kNoNode;
  std::vector<int> parameters;  // every parameter the rule reads
};

}  // namespace entitle::compile

namespace entitle {

struct ENTITLE_HIDDEN RuleSet::Impl {
  PackageInfo info;
  Limits limits;
  std::vector<std::string> files;       // package files, by index
  std::vector<std::string> file_texts;  // their contents, for source lines in messages
  std::vector<compile::FieldInfo> household_fields;
  std::vector<compile::FieldInfo> member_fields;
  // Each slot's default, or unknown: a household or member starts as this before its facts are
  // read. And the slots of required facts.
  std::vector<Value> household_defaults, member_defaults;
  std::vector<std::uint32_t> household_required, member_required;
  std::vector<compile::ParameterInfo> parameters;
  std::vector<compile::DefinitionInfo> definitions;
  std::vector<RuleInfo> rule_info;
  std::vector<compile::CompiledRule> rules;
  std::vector<compile::Node> nodes;
  std::vector<compile::NodeInfo> node_info;  // parallel to nodes
  std::vector<std::uint32_t> args;
  std::deque<std::string> strings;             // literal strings; deque keeps them in place
  std::vector<std::uint8_t> member_dependent;  // per node: its value depends on the member in scope
  std::uint32_t household_memos = 0, member_memos = 0;  // memo slots (Node::memo) of each kind

  // Derived data a later stage builds once, on first use, from the immutable program (the
  // JSON renderer's escaped fragments); type-erased so that this stage need not know it.
  mutable std::once_flag render_once;
  mutable std::shared_ptr<const void> render_cache;

  int find_household_field(std::string_view name) const noexcept;
  int find_member_field(std::string_view name) const noexcept;
};

}  // namespace entitle

namespace entitle::compile {

// Compiles a checked package. Cannot fail: the checker has rejected everything that could.
std::unique_ptr<RuleSet::Impl> compile_package(const check::CheckedPackage& package,
                                               const Limits& limits);

}  // namespace entitle::compile
