// The syntax tree of a policy package: what the loader read, with a position for everything,
// before any name is resolved. The checker annotates the expressions in place (type, ref).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "entitle/date.hpp"
#include "entitle/decimal.hpp"
#include "entitle/value.hpp"
#include "load/document.hpp"

namespace entitle::load {

enum class Entity : std::uint8_t { kHousehold, kMember };
enum class FactType : std::uint8_t { kBool, kInteger, kDecimal, kMoney, kDate, kEnum, kString };

std::string_view fact_type_name(FactType type) noexcept;

struct Location {
  std::uint32_t file = 0;  // index into SyntaxTree::files
  Position position;
};

struct Text {
  std::string zh;
  std::string en;
};

// ---- expressions ----------------------------------------------------------------------------

enum class ExprKind : std::uint8_t {
  kLiteral,    // value
  kName,       // name: a fact, definition or parameter in the current scope
  kHousehold,  // household.name from a member scope
  kCall,       // name(args)
  kAggregate,  // name ∈ {count, any, all, sum, min, max}; args[0] filter (or empty literal),
               // args[1]
  kNot,
  kNegate,
  kAnd,      // n-ary
  kOr,       // n-ary
  kArith,    // op ∈ + - * /
  kCompare,  // op ∈ == != < <= > >=
  kIn,       // args[0] in args[1..]; negated when `negated`
  kIf,       // args: condition, then, else
};

enum class Op : std::uint8_t { kNone, kAdd, kSub, kMul, kDiv, kEq, kNe, kLt, kLe, kGt, kGe };

// Types of expressions; kEnum carries the field whose list it draws from.
enum class TypeKind : std::uint8_t {
  kError,
  kBool,
  kInteger,
  kDecimal,
  kMoney,
  kDate,
  kEnum,
  kString
};

struct Type {
  TypeKind kind = TypeKind::kError;
  std::int32_t enum_field = -1;  // index into SyntaxTree::fields, for kEnum
  bool operator==(const Type&) const = default;
};

// What a name refers to, decided by the checker.
enum class RefKind : std::uint8_t { kNone, kFact, kDefinition, kParameter };
struct Ref {
  RefKind kind = RefKind::kNone;
  Entity entity = Entity::kHousehold;
  std::int32_t index = -1;  // into fields, definitions or parameters
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Op op = Op::kNone;
  bool negated = false;     // kIn: `not in`
  bool structured = false;  // kAnd/kOr/kNot written as YAML all:/any:/not:
  Location location;
  std::string text;  // the source text of this node, for traces and messages
  std::string name;  // kName, kHousehold, kCall, kAggregate
  Value value;       // kLiteral; a string literal keeps its text in `literal_string` only
                     // (the compiler interns it), since a Value must not point into a node
  Type literal_type;
  std::string literal_string;
  std::vector<Expr> args;

  Type type;  // set by the checker
  Ref ref;    // set by the checker for kName / kHousehold
};

// ---- package parts ---------------------------------------------------------------------------

struct SourceDocument {
  std::string id, title, date, url;
};

struct Manifest {
  std::string name, version, jurisdiction, currency = "CNY";
  AgeConvention age_convention;
  std::vector<SourceDocument> sources;
  bool incomplete = false;  // package.yaml had errors: its source list may lack entries
  Location location;
  // A reform package (docs/policy-format.md "Reform packages"): the base package's folder as
  // written, relative to the reform's folder; empty for an ordinary package.
  std::string extends;
  Location extends_location;
};

struct Field {
  std::string name;
  Entity entity = Entity::kHousehold;
  FactType type = FactType::kBool;
  std::vector<std::string> values;  // kEnum
  bool required = false;
  std::optional<Value> default_value;
  std::optional<Decimal> min, max;
  Text description;
  bool builtin = false;  // id, as_of
  Location location;
};

struct Reference {
  std::string source, clause, note;
};

struct ParameterValue {
  Date from;
  std::optional<Date> until;  // inclusive
  Value value;
  Reference reference;
  Location location;
};

struct Parameter {
  std::string name;
  FactType type = FactType::kInteger;
  std::string unit;
  Text description;
  std::vector<ParameterValue> values;  // sorted by `from`
  bool incomplete = false;             // a value was left out for an error already reported
  Location location;
};

struct Definition {
  std::string name;
  Entity entity = Entity::kHousehold;
  Expr expr;
  Text description;
  std::string note;
  Location location;
};

enum class GrantKind : std::uint8_t { kCash, kInKind, kPriority, kPoints };
enum class Period : std::uint8_t { kNone, kOnce, kDaily, kMonthly, kYearly, kPerOccasion };

std::string_view grant_kind_name(GrantKind kind) noexcept;
std::string_view period_name(Period period) noexcept;

struct Grant {
  GrantKind kind = GrantKind::kCash;
  std::optional<Expr> amount, amount_min, amount_max, quantity;
  std::string unit;
  Period period = Period::kNone;
  std::vector<std::string> occasions;
  Text description;
  Location location;
};

struct Rule {
  std::string id;
  Text title;
  Entity recipient = Entity::kHousehold;
  std::optional<Expr> recipient_filter;  // member rules: `member where <filter>`
  Expr when;
  Grant grant;
  std::optional<Date> from, until;  // effective period, inclusive
  Reference basis;
  Location location;
};

// ---- reform packages: changes to the package a reform extends ---------------------------------
// Read by the loader as written; check::apply_reform resolves them against the base package.

// New dated values for a base parameter. Each value is kept as written, because its type is the
// base parameter's, which the loader does not know.
struct ParameterChange {
  std::string name;
  Location location;  // the name
  struct DatedValue {
    Date from;
    std::optional<Date> until;
    Node value;
    Reference reference;
    Location location;
  };
  std::vector<DatedValue> values;  // in increasing `from` order
};

// A base rule's effective period changed; a bound that is not given keeps the base's.
struct EffectiveChange {
  std::string rule;
  Location location;
  std::optional<Date> from, until;
};

struct RuleRemoval {
  std::string rule;
  Location location;
};

struct Reform {
  std::vector<ParameterChange> parameters;
  std::vector<Definition> definitions;  // base definitions with a new expression
  std::vector<Rule> replace_rules;      // each replaces the base rule with its id
  std::vector<RuleRemoval> remove_rules;
  std::vector<EffectiveChange> effective;
  Location location;  // the first `reform:` key
  bool present = false;
};

// A tree read from files with errors is still checked, so that one run reports every problem;
// what the errors left out is recorded so that the checker does not report it again as unknown.
struct SyntaxTree {
  std::string directory;
  std::vector<SourceFile> files;
  // A file or section could not be read at all: any name may have been declared there.
  bool incomplete = false;
  // Facts, parameters and definitions whose declaration had an error and was left out.
  std::vector<std::string> broken_names;
  Manifest manifest;
  std::vector<Field> fields;  // household fields first, then member fields
  std::vector<Parameter> parameters;
  std::vector<Definition> definitions;
  std::vector<Rule> rules;
  Reform reform;  // a reform package's changes to its base; empty otherwise
};

}  // namespace entitle::load
