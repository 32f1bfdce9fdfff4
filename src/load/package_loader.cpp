#include "load/package_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "load/expression_parser.hpp"
#include "load/scalar.hpp"
#include "util/text.hpp"

namespace entitle::load {

std::string_view grant_kind_name(GrantKind kind) noexcept {
  switch (kind) {
    case GrantKind::kCash:
      return "cash";
    case GrantKind::kInKind:
      return "in_kind";
    case GrantKind::kPriority:
      return "priority";
    case GrantKind::kPoints:
      return "points";
  }
  return "?";
}

std::string_view period_name(Period period) noexcept {
  switch (period) {
    case Period::kNone:
      return "none";
    case Period::kOnce:
      return "once";
    case Period::kDaily:
      return "daily";
    case Period::kMonthly:
      return "monthly";
    case Period::kYearly:
      return "yearly";
    case Period::kPerOccasion:
      return "per_occasion";
  }
  return "?";
}

static Diagnostic file_too_large(const std::string& path, std::size_t size, std::size_t max_bytes) {
  Diagnostic d;
  d.code = std::string(codes::kLimitExceeded);
  d.file = path;
  d.message = fmt::format("the file is {} bytes, more than the limit of {} (max_policy_file_bytes)",
                          size, max_bytes);
  return d;
}

bool read_source_file(const std::string& path, std::size_t max_bytes, SourceFile& out,
                      Diagnostics& diagnostics) {
  out.path = path;
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) {
    Diagnostic d;
    d.code = std::string(codes::kUnreadableFile);
    d.file = path;
    d.message = "cannot read the file";
    diagnostics.push_back(std::move(d));
    return false;
  }
  if (size > max_bytes) {
    diagnostics.push_back(file_too_large(path, size, max_bytes));
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out.text = buffer.str();
  return true;
}

namespace {

// State shared while reading one file.
struct Reader {
  SyntaxTree& tree;
  const Limits& limits;
  Diagnostics& diagnostics;
  std::uint32_t file_index = 0;

  const SourceFile& file() const { return tree.files[file_index]; }
  Location here(const Node& node) const { return {file_index, node.position}; }

  void error(const Node& node, std::string_view code, std::string message) {
    diagnostics.push_back(make_diagnostic(file(), node.position, code, std::move(message)));
  }
};

// Reads one mapping whose keys are known in advance: unknown keys are reported with a
// suggestion; required keys that are absent are reported at the mapping.
class MapReader {
 public:
  MapReader(Reader& reader, const Node& node, std::string_view what,
            std::vector<std::string> allowed)
      : reader_(reader), node_(node), what_(what) {
    if (!node.is_map()) {
      reader.error(node, codes::kBadValue,
                   fmt::format("{} must be a mapping, found {}", what, node.kind_name()));
      ok_ = false;
      return;
    }
    clean_ = report_unknown_keys(reader.file(), node, what, allowed, reader.diagnostics);
  }

  // A mapping (the keys it has can be read).
  bool ok() const { return ok_; }
  // A mapping without unknown keys: nothing in it was left unread.
  bool clean() const { return ok_ && clean_; }

  const Node* get(std::string_view key) const { return ok_ ? node_.find(key) : nullptr; }

  // The key node itself, for errors about a key (a key in the wrong place), or nullptr.
  const Node* key(std::string_view name) const {
    if (!ok_) return nullptr;
    for (const auto& [k, v] : node_.entries) {
      if (k.scalar == name) return &k;
    }
    return nullptr;
  }

  const Node* require(std::string_view key) {
    const Node* value = get(key);
    if (!value && ok_) {
      reader_.error(node_, codes::kMissingKey, fmt::format("{} needs the key '{}'", what_, key));
    }
    return value;
  }

  // A scalar text value, or nullopt (with a diagnostic when present but not a scalar).
  std::optional<std::string> text(std::string_view key, bool required) {
    const Node* value = required ? require(key) : get(key);
    if (!value) return std::nullopt;
    if (!value->is_scalar()) {
      reader_.error(
          *value, codes::kBadValue,
          fmt::format("'{}' in {} must be text, found {}", key, what_, value->kind_name()));
      return std::nullopt;
    }
    return value->scalar;
  }

  std::optional<Date> date(std::string_view key, bool required) {
    const Node* value = required ? require(key) : get(key);
    if (!value) return std::nullopt;
    auto d = value->is_scalar() ? Date::parse(value->scalar) : std::nullopt;
    if (!d) {
      reader_.error(*value, codes::kBadValue,
                    fmt::format("'{}' must be a date YYYY-MM-DD between {} and {}", key,
                                Date::kMinYear, Date::kMaxYear));
    }
    return d;
  }

  std::optional<bool> boolean(std::string_view key) {
    const Node* value = get(key);
    if (!value) return std::nullopt;
    if (value->is_scalar() && value->style == Node::Style::kPlain &&
        (value->scalar == "true" || value->scalar == "false")) {
      return value->scalar == "true";
    }
    reader_.error(*value, codes::kBadValue, fmt::format("'{}' must be true or false", key));
    return std::nullopt;
  }

  // {zh: ..., en: ...}
  Text bilingual(std::string_view key, bool required) {
    Text t;
    const Node* value = required ? require(key) : get(key);
    if (!value) return t;
    MapReader m(reader_, *value, fmt::format("'{}'", key), {"zh", "en"});
    if (auto zh = m.text("zh", true)) t.zh = *zh;
    if (auto en = m.text("en", true)) t.en = *en;
    return t;
  }

 private:
  Reader& reader_;
  const Node& node_;
  std::string what_;
  bool ok_ = true;
  bool clean_ = true;
};

std::optional<Expr> parse_expression_node(Reader& reader, const Node& node) {
  if (!node.is_scalar()) {
    reader.error(node, codes::kBadValue,
                 fmt::format("expected an expression, found {}", node.kind_name()));
    return std::nullopt;
  }
  Position start = node.position;
  if (node.style == Node::Style::kQuoted) ++start.column;
  return parse_expression(node.scalar, reader.file(), reader.file_index, start, reader.limits,
                          reader.diagnostics);
}

// condition := expression | {all: [condition…]} | {any: [condition…]} | {not: condition}
std::optional<Expr> parse_condition(Reader& reader, const Node& node, int depth) {
  if (depth > reader.limits.max_expression_depth) {
    reader.error(node, codes::kLimitExceeded,
                 fmt::format("conditions nested deeper than {} levels (limit "
                             "max_expression_depth)",
                             reader.limits.max_expression_depth));
    return std::nullopt;
  }
  if (!node.is_map()) return parse_expression_node(reader, node);
  if (node.entries.size() != 1) {
    reader.error(node, codes::kBadValue,
                 "a structured condition has exactly one key: all, any or not");
    return std::nullopt;
  }
  const auto& [key, value] = node.entries.front();
  Expr e;
  e.location = reader.here(key);
  e.structured = true;
  if (key.scalar == "not") {
    e.kind = ExprKind::kNot;
    e.text = "not";
    auto inner = parse_condition(reader, value, depth + 1);
    if (!inner) return std::nullopt;
    e.args.push_back(std::move(*inner));
    return e;
  }
  if (key.scalar != "all" && key.scalar != "any") {
    std::string message = fmt::format("unknown condition '{}'", key.scalar);
    if (auto hint = closest_name(key.scalar, {"all", "any", "not"})) {
      message += fmt::format("; did you mean '{}'?", *hint);
    } else {
      message += "; expected all, any or not";
    }
    reader.error(key, codes::kUnknownKey, std::move(message));
    return std::nullopt;
  }
  e.kind = key.scalar == "all" ? ExprKind::kAnd : ExprKind::kOr;
  e.text = key.scalar == "all" ? "all of" : "any of";
  if (!value.is_sequence() || value.items.empty()) {
    reader.error(value, codes::kBadValue,
                 fmt::format("'{}' takes a non-empty list of conditions", key.scalar));
    return std::nullopt;
  }
  bool ok = true;
  for (const Node& item : value.items) {
    auto inner = parse_condition(reader, item, depth + 1);
    if (inner) {
      e.args.push_back(std::move(*inner));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return e;
}

// package.extends: the folder of the package this one reforms. A reform takes its jurisdiction,
// currency and age convention from that package, so it may not state them.
void read_extends(Reader& reader, const Node& manifest, std::optional<std::string> extends) {
  if (!extends) return;
  Manifest& m = reader.tree.manifest;
  m.extends = *extends;
  for (const auto& [key, value] : manifest.entries) {
    if (key.scalar == "extends") m.extends_location = reader.here(value);
    if (key.scalar == "jurisdiction" || key.scalar == "currency" ||
        key.scalar == "age_convention") {
      reader.error(key, codes::kUnknownKey,
                   fmt::format("a reform takes '{}' from the package it extends", key.scalar));
    }
  }
  if (m.extends.empty()) {
    reader.error(*manifest.find("extends"), codes::kBadValue,
                 "'extends' names the folder of the base package");
  }
}

void read_manifest(Reader& reader, const Node& node) {
  Manifest& m = reader.tree.manifest;
  m.location = reader.here(node);
  MapReader map(reader, node, "the package manifest",
                {"name", "version", "jurisdiction", "currency", "age_convention", "sources",
                 "description", "extends"});
  if (auto v = map.text("name", true)) m.name = *v;
  if (auto v = map.text("version", true)) m.version = *v;
  if (auto v = map.text("jurisdiction", false)) m.jurisdiction = *v;
  if (auto v = map.text("currency", false)) m.currency = *v;
  read_extends(reader, node, map.text("extends", false));
  if (const Node* age = map.get("age_convention")) {
    MapReader conv(reader, *age, "'age_convention'", {"birthday", "feb29"});
    if (auto b = conv.text("birthday", false)) {
      if (*b == "on_birthday") {
        m.age_convention.birthday = BirthdayRule::kOnBirthday;
      } else if (*b == "day_after") {
        m.age_convention.birthday = BirthdayRule::kDayAfter;
      } else {
        reader.error(*age->find("birthday"), codes::kBadValue,
                     "'birthday' must be on_birthday or day_after");
      }
    }
    if (auto f = conv.text("feb29", false)) {
      if (*f == "mar1") {
        m.age_convention.feb29 = Feb29Rule::kMarch1;
      } else if (*f == "feb28") {
        m.age_convention.feb29 = Feb29Rule::kFeb28;
      } else {
        reader.error(*age->find("feb29"), codes::kBadValue, "'feb29' must be mar1 or feb28");
      }
    }
  }
  if (const Node* sources = map.get("sources")) {
    if (!sources->is_sequence()) {
      reader.error(*sources, codes::kBadValue, "'sources' must be a list");
      return;
    }
    for (const Node& s : sources->items) {
      MapReader src(reader, s, "a source document", {"id", "title", "date", "url"});
      SourceDocument doc;
      if (auto v = src.text("id", true)) doc.id = *v;
      if (auto v = src.text("title", true)) doc.title = *v;
      if (auto v = src.date("date", false)) doc.date = v->to_string();
      if (auto v = src.text("url", false)) doc.url = *v;
      m.sources.push_back(std::move(doc));
    }
  }
}

void read_field(Reader& reader, Entity entity, const Node& key, const Node& node) {
  Field f;
  f.name = key.scalar;
  f.entity = entity;
  f.location = reader.here(key);
  MapReader map(reader, node, fmt::format("fact '{}'", f.name),
                {"type", "values", "default", "required", "min", "max", "description"});
  auto type_name = map.text("type", true);
  auto type = type_name ? fact_type_from_name(*type_name) : std::nullopt;
  if (type_name && !type) {
    reader.error(*node.find("type"), codes::kBadValue,
                 fmt::format("unknown type '{}'; expected bool, integer, decimal, money, date, "
                             "enum or string",
                             *type_name));
  }
  if (!type) {
    reader.tree.broken_names.push_back(f.name);
    return;
  }
  f.type = *type;
  if (const Node* values = map.get("values")) {
    if (f.type != FactType::kEnum) {
      reader.error(*map.key("values"), codes::kUnknownKey, "'values' belongs only to enum facts");
    } else if (!values->is_sequence() || values->items.empty()) {
      reader.error(*values, codes::kBadValue, "'values' must be a non-empty list");
    } else {
      for (const Node& v : values->items) {
        if (!v.is_scalar()) {
          reader.error(v, codes::kBadValue, "an enum value must be text");
        } else if (std::find(f.values.begin(), f.values.end(), v.scalar) != f.values.end()) {
          reader.error(v, codes::kDuplicateId,
                       fmt::format("enum value '{}' listed twice", v.scalar));
        } else {
          f.values.push_back(v.scalar);
        }
      }
    }
  } else if (f.type == FactType::kEnum) {
    map.require("values");
  }
  if (auto r = map.boolean("required")) f.required = *r;
  for (auto bound : {"min", "max"}) {
    if (const Node* b = map.get(bound)) {
      bool numeric = f.type == FactType::kInteger || f.type == FactType::kDecimal ||
                     f.type == FactType::kMoney;
      auto d = b->is_scalar() ? Decimal::parse(b->scalar) : std::nullopt;
      if (!numeric) {
        reader.error(*map.key(bound), codes::kUnknownKey,
                     fmt::format("'{}' belongs only to numeric facts", bound));
      } else if (!d && is_decimal_out_of_range(b->scalar)) {
        reader.error(*b, codes::kLimitExceeded,
                     fmt::format("'{}' must be a number between {}", bound, decimal_range_text()));
      } else if (!d) {
        reader.error(*b, codes::kBadValue, fmt::format("'{}' must be an exact number", bound));
      } else {
        (std::string_view(bound) == "min" ? f.min : f.max) = d;
      }
    }
  }
  if (const Node* def = map.get("default")) {
    if (f.required) {
      reader.error(*def, codes::kBadValue, "a required fact cannot have a default");
    } else if (f.type == FactType::kString) {
      reader.error(*def, codes::kBadValue, "string facts cannot have a default");
    } else {
      ScalarProblem problem;
      auto value = read_scalar(*def, f.type, f.values, problem);
      if (!value) {
        reader.error(*def, problem.out_of_range ? codes::kLimitExceeded : codes::kBadValue,
                     fmt::format("default of '{}' must be {}", f.name, problem.expected));
      }
      f.default_value = value;
    }
  }
  f.description = map.bilingual("description", true);
  reader.tree.fields.push_back(std::move(f));
}

void read_schema(Reader& reader, const Node& node) {
  MapReader map(reader, node, "'schema'", {"household", "member"});
  if (!map.clean()) reader.tree.incomplete = true;
  for (auto [name, entity] :
       {std::pair{"household", Entity::kHousehold}, std::pair{"member", Entity::kMember}}) {
    const Node* fields = map.get(name);
    if (!fields) continue;
    if (!fields->is_map()) {
      reader.error(*fields, codes::kBadValue, fmt::format("'schema.{}' must be a mapping", name));
      reader.tree.incomplete = true;
      continue;
    }
    for (const auto& [key, value] : fields->entries)
      read_field(reader, entity, key, value);
  }
}

void read_parameter(Reader& reader, const Node& key, const Node& node) {
  Parameter p;
  p.name = key.scalar;
  p.location = reader.here(key);
  MapReader map(reader, node, fmt::format("parameter '{}'", p.name),
                {"type", "unit", "description", "values"});
  auto broken = [&] { reader.tree.broken_names.push_back(p.name); };
  if (!map.ok()) return broken();
  if (auto type_name = map.text("type", true)) {
    auto type = fact_type_from_name(*type_name);
    if (!type || *type == FactType::kEnum || *type == FactType::kString) {
      reader.error(*node.find("type"), codes::kBadValue,
                   fmt::format("unknown parameter type '{}'; expected integer, decimal, money, "
                               "bool or date",
                               *type_name));
      return broken();
    }
    p.type = *type;
  } else {
    return broken();
  }
  if (auto unit = map.text("unit", false)) p.unit = *unit;
  p.description = map.bilingual("description", true);
  const Node* values = map.require("values");
  if (!values) return broken();
  if (!values->is_sequence() || values->items.empty()) {
    reader.error(*values, codes::kBadValue, "'values' must be a non-empty list of dated values");
    return broken();
  }
  for (const Node& item : values->items) {
    MapReader entry(reader, item, fmt::format("a value of parameter '{}'", p.name),
                    {"from", "until", "value", "reference"});
    if (!entry.ok()) continue;
    ParameterValue v;
    v.location = reader.here(item);
    auto from = entry.date("from", true);
    if (!from) continue;
    v.from = *from;
    v.until = entry.date("until", false);
    if (v.until && *v.until < v.from) {
      reader.error(*item.find("until"), codes::kBadValue, "'until' is before 'from'");
    }
    if (const Node* value = entry.require("value")) {
      ScalarProblem problem;
      auto parsed = read_scalar(*value, p.type, {}, problem);
      if (!parsed) {
        reader.error(*value, problem.out_of_range ? codes::kLimitExceeded : codes::kBadValue,
                     fmt::format("value of parameter '{}' ({}) must be {}", p.name,
                                 fact_type_name(p.type), problem.expected));
        continue;
      }
      v.value = *parsed;
    } else {
      continue;
    }
    if (const Node* ref = entry.get("reference")) {
      MapReader r(reader, *ref, "'reference'", {"source", "clause", "note"});
      if (auto s = r.text("source", true)) v.reference.source = *s;
      if (auto c = r.text("clause", false)) v.reference.clause = *c;
      if (auto n = r.text("note", false)) v.reference.note = *n;
    }
    if (!p.values.empty() && v.from <= p.values.back().from) {
      reader.error(
          item, codes::kBadValue,
          fmt::format("values of parameter '{}' must be in increasing 'from' order", p.name));
    }
    p.values.push_back(std::move(v));
  }
  p.incomplete = p.values.size() != values->items.size();
  reader.tree.parameters.push_back(std::move(p));
}

void read_parameters(Reader& reader, const Node& node) {
  if (!node.is_map()) {
    reader.error(node, codes::kBadValue, "'parameters' must be a mapping of names to parameters");
    reader.tree.incomplete = true;
    return;
  }
  for (const auto& [key, value] : node.entries)
    read_parameter(reader, key, value);
}

void read_definitions(Reader& reader, const Node& node) {
  MapReader map(reader, node, "'definitions'", {"household", "member"});
  if (!map.clean()) reader.tree.incomplete = true;
  for (auto [name, entity] :
       {std::pair{"household", Entity::kHousehold}, std::pair{"member", Entity::kMember}}) {
    const Node* defs = map.get(name);
    if (!defs) continue;
    if (!defs->is_map()) {
      reader.error(*defs, codes::kBadValue,
                   fmt::format("'definitions.{}' must be a mapping", name));
      reader.tree.incomplete = true;
      continue;
    }
    for (const auto& [key, value] : defs->entries) {
      Definition d;
      d.name = key.scalar;
      d.entity = entity;
      d.location = reader.here(key);
      MapReader def(reader, value, fmt::format("definition '{}'", d.name),
                    {"expr", "description", "note"});
      const Node* expr = def.require("expr");
      auto parsed = expr ? parse_condition(reader, *expr, 0) : std::nullopt;
      d.description = def.bilingual("description", false);
      if (auto note = def.text("note", false)) d.note = *note;
      if (!parsed) {
        reader.tree.broken_names.push_back(d.name);
        continue;
      }
      d.expr = std::move(*parsed);
      reader.tree.definitions.push_back(std::move(d));
    }
  }
}

std::optional<Period> period_from_name(std::string_view name) {
  for (auto p :
       {Period::kOnce, Period::kDaily, Period::kMonthly, Period::kYearly, Period::kPerOccasion}) {
    if (period_name(p) == name) return p;
  }
  return std::nullopt;
}

bool read_grant(Reader& reader, const Node& node, Grant& g) {
  g.location = reader.here(node);
  MapReader map(reader, node, "'grant'",
                {"kind", "amount", "amount_min", "amount_max", "period", "occasions", "quantity",
                 "unit", "description"});
  if (!map.ok()) return false;
  bool ok = true;
  auto kind = map.text("kind", true);
  if (!kind) return false;
  if (*kind == "cash") {
    g.kind = GrantKind::kCash;
  } else if (*kind == "in_kind") {
    g.kind = GrantKind::kInKind;
  } else if (*kind == "priority") {
    g.kind = GrantKind::kPriority;
  } else if (*kind == "points") {
    g.kind = GrantKind::kPoints;
  } else {
    reader.error(
        *node.find("kind"), codes::kBadValue,
        fmt::format("unknown grant kind '{}'; expected cash, in_kind, priority or points", *kind));
    return false;
  }
  auto expression = [&](std::string_view key, std::optional<Expr>& out) {
    if (const Node* n = map.get(key)) {
      out = parse_expression_node(reader, *n);
      if (!out) ok = false;
    }
  };
  expression("amount", g.amount);
  expression("amount_min", g.amount_min);
  expression("amount_max", g.amount_max);
  expression("quantity", g.quantity);
  if (g.kind == GrantKind::kCash) {
    bool range = g.amount_min || g.amount_max;
    if (!g.amount && !range) {
      reader.error(node, codes::kMissingKey,
                   "a cash grant needs 'amount' or 'amount_min'/'amount_max'");
      ok = false;
    } else if (g.amount && range) {
      reader.error(node, codes::kBadValue,
                   "give either 'amount' or 'amount_min'/'amount_max', not both");
      ok = false;
    } else if (range && !(g.amount_min && g.amount_max)) {
      reader.error(node, codes::kMissingKey, "a range needs both 'amount_min' and 'amount_max'");
      ok = false;
    }
    if (g.quantity) {
      reader.error(*map.key("quantity"), codes::kUnknownKey, "a cash grant has no 'quantity'");
      ok = false;
    }
  } else if (g.amount || g.amount_min || g.amount_max) {
    reader.error(node, codes::kUnknownKey, "only cash grants have amounts; use 'quantity'");
    ok = false;
  }
  if (auto period = map.text("period", g.kind == GrantKind::kCash)) {
    auto p = period_from_name(*period);
    if (!p) {
      reader.error(*node.find("period"), codes::kBadValue,
                   fmt::format("unknown period '{}'; expected once, daily, monthly, yearly or "
                               "per_occasion",
                               *period));
      ok = false;
    } else {
      g.period = *p;
    }
  }
  if (const Node* occasions = map.get("occasions")) {
    if (g.period != Period::kPerOccasion) {
      reader.error(*map.key("occasions"), codes::kUnknownKey,
                   "'occasions' belongs only to per_occasion grants");
      ok = false;
    } else if (!occasions->is_sequence() || occasions->items.empty()) {
      reader.error(*occasions, codes::kBadValue, "'occasions' must be a non-empty list");
      ok = false;
    } else {
      for (const Node& o : occasions->items) {
        if (o.is_scalar()) g.occasions.push_back(o.scalar);
      }
    }
  } else if (g.period == Period::kPerOccasion) {
    map.require("occasions");
    ok = false;
  }
  if (auto unit = map.text("unit", false)) g.unit = *unit;
  g.description = map.bilingual("description", false);
  return ok;
}

void read_rule(Reader& reader, const Node& node) {
  MapReader map(reader, node, "a rule",
                {"id", "title", "recipient", "when", "grant", "effective", "basis"});
  if (!map.ok()) return;
  Rule r;
  r.location = reader.here(node);
  bool ok = true;
  if (auto id = map.text("id", true)) {
    r.id = *id;
  } else {
    ok = false;
  }
  r.title = map.bilingual("title", true);
  if (auto recipient = map.text("recipient", true)) {
    const Node& rn = *node.find("recipient");
    std::string_view text = *recipient;
    if (text == "household") {
      r.recipient = Entity::kHousehold;
    } else if (text == "member") {
      r.recipient = Entity::kMember;
    } else if (text.substr(0, 13) == "member where ") {
      r.recipient = Entity::kMember;
      Position start = rn.position;
      if (rn.style == Node::Style::kQuoted) ++start.column;
      start.column += 13;
      r.recipient_filter = parse_expression(text.substr(13), reader.file(), reader.file_index,
                                            start, reader.limits, reader.diagnostics);
      if (!r.recipient_filter) ok = false;
    } else {
      reader.error(rn, codes::kBadValue,
                   "'recipient' must be household, member, or member where <condition>");
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const Node* when = map.require("when")) {
    auto parsed = parse_condition(reader, *when, 0);
    if (parsed) {
      r.when = std::move(*parsed);
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  if (const Node* grant = map.require("grant")) {
    ok = read_grant(reader, *grant, r.grant) && ok;
  } else {
    ok = false;
  }
  if (const Node* effective = map.get("effective")) {
    MapReader period(reader, *effective, "'effective'", {"from", "until"});
    r.from = period.date("from", false);
    r.until = period.date("until", false);
    if (r.from && r.until && *r.until < *r.from) {
      reader.error(*effective, codes::kBadValue, "'until' is before 'from'");
    }
  }
  if (const Node* basis = map.require("basis")) {
    MapReader b(reader, *basis, "'basis'", {"source", "clause", "note"});
    if (auto s = b.text("source", true)) r.basis.source = *s;
    if (auto c = b.text("clause", true)) r.basis.clause = *c;
    if (auto n = b.text("note", false)) r.basis.note = *n;
  }
  if (ok) reader.tree.rules.push_back(std::move(r));
}

void read_rules(Reader& reader, const Node& node) {
  if (!node.is_sequence()) {
    reader.error(node, codes::kBadValue, "'rules' must be a list of rules");
    return;
  }
  for (const Node& rule : node.items)
    read_rule(reader, rule);
}

// reform.parameters: name → [{from, until, value, reference}…], values kept as written.
void read_parameter_changes(Reader& reader, const Node& node) {
  if (!node.is_map()) {
    reader.error(node, codes::kBadValue,
                 "'reform.parameters' must be a mapping of base parameter names to new values");
    return;
  }
  for (const auto& [key, list] : node.entries) {
    ParameterChange change;
    change.name = key.scalar;
    change.location = reader.here(key);
    if (!list.is_sequence() || list.items.empty()) {
      reader.error(list, codes::kBadValue,
                   fmt::format("the new values of parameter '{}' must be a non-empty list of "
                               "dated values",
                               change.name));
      continue;
    }
    for (const Node& item : list.items) {
      MapReader entry(reader, item, fmt::format("a new value of parameter '{}'", change.name),
                      {"from", "until", "value", "reference"});
      ParameterChange::DatedValue v;
      v.location = reader.here(item);
      auto from = entry.date("from", true);
      v.until = entry.date("until", false);
      const Node* value = entry.require("value");
      if (!from || !value) continue;
      v.from = *from;
      v.value = *value;
      if (v.until && *v.until < v.from) {
        reader.error(*item.find("until"), codes::kBadValue, "'until' is before 'from'");
      }
      if (!change.values.empty() && v.from <= change.values.back().from) {
        reader.error(item, codes::kBadValue,
                     fmt::format("new values of parameter '{}' must be in increasing 'from' order",
                                 change.name));
      }
      if (const Node* ref = entry.get("reference")) {
        MapReader r(reader, *ref, "'reference'", {"source", "clause", "note"});
        if (auto t = r.text("source", true)) v.reference.source = *t;
        if (auto t = r.text("clause", false)) v.reference.clause = *t;
        if (auto t = r.text("note", false)) v.reference.note = *t;
      }
      change.values.push_back(std::move(v));
    }
    reader.tree.reform.parameters.push_back(std::move(change));
  }
}

// Runs `read`, which appends to `all`, and moves what it appended to `aside`.
template <typename T, typename Read>
void read_aside(std::vector<T>& all, std::vector<T>& aside, Read read) {
  auto before = static_cast<std::ptrdiff_t>(all.size());
  read();
  std::move(all.begin() + before, all.end(), std::back_inserter(aside));
  all.erase(all.begin() + before, all.end());
}

// reform := {parameters, definitions, replace_rules, remove_rules, effective}; definitions and
// replace_rules have the shape of the ordinary sections and are read by their readers.
void read_reform(Reader& reader, const Node& key, const Node& node) {
  Reform& reform = reader.tree.reform;
  if (!reform.present) reform.location = reader.here(key);
  reform.present = true;
  MapReader map(reader, node, "'reform'",
                {"parameters", "definitions", "replace_rules", "remove_rules", "effective"});
  if (!map.ok()) return;
  if (const Node* params = map.get("parameters")) read_parameter_changes(reader, *params);
  if (const Node* defs = map.get("definitions")) {
    read_aside(reader.tree.definitions, reform.definitions,
               [&] { read_definitions(reader, *defs); });
  }
  if (const Node* rules = map.get("replace_rules")) {
    read_aside(reader.tree.rules, reform.replace_rules, [&] { read_rules(reader, *rules); });
  }
  if (const Node* removed = map.get("remove_rules")) {
    if (!removed->is_sequence()) {
      reader.error(*removed, codes::kBadValue, "'remove_rules' must be a list of rule ids");
    } else {
      for (const Node& id : removed->items) {
        if (!id.is_scalar()) {
          reader.error(id, codes::kBadValue, "a rule id to remove must be text");
        } else {
          reform.remove_rules.push_back({id.scalar, reader.here(id)});
        }
      }
    }
  }
  if (const Node* effective = map.get("effective")) {
    if (!effective->is_map()) {
      reader.error(*effective, codes::kBadValue,
                   "'effective' must be a mapping of base rule ids to {from, until}");
    } else {
      for (const auto& [id, period] : effective->entries) {
        MapReader bounds(reader, period, fmt::format("the effective period of '{}'", id.scalar),
                         {"from", "until"});
        if (!bounds.ok()) continue;
        EffectiveChange change{id.scalar, reader.here(id), bounds.date("from", false),
                               bounds.date("until", false)};
        if (!change.from && !change.until) {
          reader.error(
              period, codes::kMissingKey,
              fmt::format("the effective period of '{}' needs 'from' or 'until'", id.scalar));
        }
        reform.effective.push_back(std::move(change));
      }
    }
  }
}

void read_file(Reader& reader, const Node& root, bool is_manifest) {
  if (root.is_null()) {
    reader.error(root, codes::kBadValue, "the file is empty; expected a mapping of sections");
    return;
  }
  std::vector<std::string> allowed =
      is_manifest
          ? std::vector<std::string>{"package"}
          : std::vector<std::string>{"schema", "parameters", "definitions", "rules", "reform"};
  MapReader map(reader, root, is_manifest ? "package.yaml" : "a policy file", allowed);
  if (!map.clean()) reader.tree.incomplete = true;
  if (!map.ok()) return;
  if (is_manifest) {
    if (const Node* m = map.require("package")) read_manifest(reader, *m);
    return;
  }
  for (const auto& [key, value] : root.entries) {
    if (key.scalar == "schema") read_schema(reader, value);
    if (key.scalar == "parameters") read_parameters(reader, value);
    if (key.scalar == "definitions") read_definitions(reader, value);
    if (key.scalar == "rules") read_rules(reader, value);
    if (key.scalar == "reform") read_reform(reader, key, value);
  }
}

bool is_manifest_path(std::string_view path) {
  return path == "package.yaml" ||
         (path.size() > 13 && path.substr(path.size() - 13) == "/package.yaml");
}

}  // namespace

SyntaxTree load_package_files(std::vector<SourceFile> files, const Limits& limits,
                              Diagnostics& diagnostics) {
  SyntaxTree tree;
  tree.files = std::move(files);
  // Manifest first: later files depend on nothing in it, but its errors read best first.
  std::stable_sort(tree.files.begin(), tree.files.end(),
                   [](const SourceFile& a, const SourceFile& b) {
                     return is_manifest_path(a.path) && !is_manifest_path(b.path);
                   });
  bool manifest_seen = false;
  Reader reader{tree, limits, diagnostics, 0};
  for (std::uint32_t i = 0; i < tree.files.size(); ++i) {
    reader.file_index = i;
    const SourceFile& file = tree.files[i];
    bool manifest = is_manifest_path(file.path);
    manifest_seen = manifest_seen || manifest;
    if (file.text.size() > limits.max_policy_file_bytes) {  // in-memory files come unchecked
      diagnostics.push_back(
          file_too_large(file.path, file.text.size(), limits.max_policy_file_bytes));
      tree.incomplete = true;
      if (manifest) tree.manifest.incomplete = true;
      continue;
    }
    std::size_t before = diagnostics.size();
    Node root = parse_yaml(file, limits, diagnostics);
    if (diagnostics.size() == before) {
      read_file(reader, root, manifest);
    } else {
      tree.incomplete = true;  // malformed YAML, already reported: its names are unknown
    }
    if (diagnostics.size() != before && manifest) tree.manifest.incomplete = true;
  }
  if (!manifest_seen) {
    tree.manifest.incomplete = true;
    Diagnostic d;
    d.code = std::string(codes::kMissingKey);
    d.file = tree.directory.empty() ? "package.yaml" : tree.directory + "/package.yaml";
    d.message = "a policy package needs a package.yaml manifest";
    diagnostics.push_back(std::move(d));
  }
  return tree;
}

SyntaxTree load_package(const std::string& directory, const Limits& limits,
                        Diagnostics& diagnostics) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    Diagnostic d;
    d.code = std::string(codes::kUnreadableFile);
    d.file = directory;
    d.message = "not a folder: a policy package is a folder with a package.yaml";
    diagnostics.push_back(std::move(d));
    return {};
  }
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<SourceFile> files;
  std::size_t before_reading = diagnostics.size();
  for (const auto& path : paths) {
    SourceFile file;
    if (read_source_file(path, limits.max_policy_file_bytes, file, diagnostics)) {
      files.push_back(std::move(file));
    }
  }
  std::size_t before = diagnostics.size();
  SyntaxTree tree = load_package_files(std::move(files), limits, diagnostics);
  tree.directory = directory;
  if (before != before_reading) tree.incomplete = true;  // a file could not be read
  for (std::size_t i = before; i < diagnostics.size(); ++i) {
    if (diagnostics[i].file == "package.yaml") diagnostics[i].file = directory + "/package.yaml";
  }
  return tree;
}

}  // namespace entitle::load
