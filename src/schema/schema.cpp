#include "entitle/schema.hpp"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "compile/program.hpp"
#include "util/text.hpp"

namespace entitle {
namespace {

using compile::FieldInfo;
using load::FactType;

struct JsonMember;

// A JSON document built in order and printed with two-space indentation; arrays of scalars stay
// on one line.
struct Json {
  enum class Kind { kLiteral, kString, kArray, kObject };
  Kind kind = Kind::kLiteral;
  std::string text;  // kLiteral: the JSON text (number, true, false, null); kString: the string
  std::vector<Json> items;
  std::vector<JsonMember> members;

  // Defined after JsonMember, which they need complete.
  static Json literal(std::string t);
  static Json string(std::string t);
  static Json array(std::vector<Json> items);
  static Json object();
  Json& add(std::string key, Json value);
  void print(std::string& out, int depth) const;
};

// A key and its value: not a std::pair<std::string, Json>, which clang 14 with libstdc++ 12
// rejects inside Json's own definition (the fuzz build uses clang).
struct JsonMember {
  JsonMember(std::string key, Json value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;
  Json second;
};

Json Json::literal(std::string t) {
  return {Kind::kLiteral, std::move(t), {}, {}};
}
Json Json::string(std::string t) {
  return {Kind::kString, std::move(t), {}, {}};
}
Json Json::array(std::vector<Json> items) {
  return {Kind::kArray, {}, std::move(items), {}};
}
Json Json::object() {
  return {Kind::kObject, {}, {}, {}};
}

Json& Json::add(std::string key, Json value) {
  members.emplace_back(std::move(key), std::move(value));
  return members.back().second;
}

void Json::print(std::string& out, int depth) const {
  std::string pad(static_cast<std::size_t>(depth + 1) * 2, ' ');
  switch (kind) {
    case Kind::kLiteral:
      out += text;
      return;
    case Kind::kString:
      out += fmt::format("\"{}\"", json_escape(text));
      return;
    case Kind::kArray: {
      bool flat = true;
      for (const auto& i : items)
        flat = flat && (i.kind == Kind::kLiteral || i.kind == Kind::kString);
      out += '[';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += flat ? ", " : ",";
        if (!flat) {
          out += '\n';
          out += pad;
        }
        items[i].print(out, depth + 1);
      }
      if (!flat && !items.empty()) {
        out += '\n';
        out.append(pad, 2);
      }
      out += ']';
      return;
    }
    case Kind::kObject:
      out += '{';
      for (std::size_t i = 0; i < members.size(); ++i) {
        out += i ? ",\n" : "\n";
        out += pad;
        out += fmt::format("\"{}\": ", json_escape(members[i].first));
        members[i].second.print(out, depth + 1);
      }
      if (!members.empty()) {
        out += '\n';
        out.append(pad, 2);
      }
      out += '}';
      return;
  }
}

// Dates as Date::parse accepts them: the year range is part of the pattern, the calendar (no
// 2023-02-29) is format "date".
std::string date_pattern() {
  static_assert(Date::kMinYear == 1800 && Date::kMaxYear == 2200,
                "update the year alternatives of the date pattern");
  return "^(1[89][0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
}

// Exact decimals as Decimal::parse accepts them.
constexpr std::string_view kDecimalPattern = "^-?[0-9]+(\\.[0-9]{1,4})?$";

Json types(std::vector<std::string> names, bool nullable) {
  if (nullable) names.push_back("null");
  if (names.size() == 1) return Json::string(names[0]);
  std::vector<Json> items;
  for (auto& n : names)
    items.push_back(Json::string(std::move(n)));
  return Json::array(std::move(items));
}

Json default_json(const Value& v, const FieldInfo& f) {
  switch (v.kind) {
    case ValueKind::kBool:
      return Json::literal(v.as_bool() ? "true" : "false");
    case ValueKind::kNumber:
      return f.type == FactType::kInteger ? Json::literal(v.as_number().to_string())
                                          : Json::string(v.as_number().to_string(2));
    case ValueKind::kDate:
      return Json::string(v.as_date().to_string());
    case ValueKind::kEnum:
      return Json::string(f.values[v.as_enum()]);
    default:
      return Json::literal("null");
  }
}

Json property(const FieldInfo& f) {
  Json p = Json::object();
  p.add("title", Json::string(f.description.zh));
  p.add("description", Json::string(f.description.en));
  bool nullable = !f.required;
  switch (f.type) {
    case FactType::kBool:
      p.add("type", types({"boolean"}, nullable));
      break;
    case FactType::kInteger:
      p.add("type", types({"integer"}, nullable));
      break;
    case FactType::kDecimal:
    case FactType::kMoney:
      p.add("type", types({"string", "number"}, nullable));
      p.add("pattern", Json::string(std::string(kDecimalPattern)));
      break;
    case FactType::kDate:
      p.add("type", types({"string"}, nullable));
      p.add("format", Json::string("date"));
      p.add("pattern", Json::string(date_pattern()));
      break;
    case FactType::kEnum: {
      std::vector<Json> values;
      for (const auto& v : f.values)
        values.push_back(Json::string(v));
      if (nullable) values.push_back(Json::literal("null"));
      p.add("enum", Json::array(std::move(values)));
      break;
    }
    case FactType::kString:
      p.add("type", types({"string"}, nullable));
      break;
  }
  if (f.min) p.add("minimum", Json::literal(f.min->to_string()));
  if (f.max) p.add("maximum", Json::literal(f.max->to_string()));
  if (f.default_value) p.add("default", default_json(*f.default_value, f));
  return p;
}

Json id_property(const FieldInfo& f) {
  Json p = Json::object();
  p.add("title", Json::string(f.description.zh));
  p.add("description", Json::string(f.description.en));
  p.add("type", types({"string", "number"}, false));
  p.add("minLength", Json::literal("1"));
  return p;
}

// The object schema of one entity: `id` first, then the declared facts in schema order.
Json entity(const std::vector<FieldInfo>& fields) {
  Json o = Json::object();
  o.add("type", Json::string("object"));
  Json& properties = o.add("properties", Json::object());
  std::vector<Json> required;
  for (const auto& f : fields) {
    properties.add(f.name, f.builtin ? id_property(f) : property(f));
    // The binder requires every id, the household's too (the checker marks only member ids).
    if (f.required || f.builtin) required.push_back(Json::string(f.name));
  }
  o.add("required", Json::array(std::move(required)));
  o.add("additionalProperties", Json::literal("false"));
  return o;
}

std::string title(const PackageInfo& info) {
  return fmt::format("{} {}", info.name, info.version);
}

}  // namespace

std::string facts_json_schema(const RuleSet& rules) {
  const RuleSet::Impl& impl = rules.impl();
  const PackageInfo& info = rules.info();
  Json as_of = Json::object();
  as_of.add("title", Json::string("评估日期(可选,命令行 --as-of 优先)"));
  as_of.add("description",
            Json::string("evaluation date (optional; the command line's --as-of overrides it)"));
  as_of.add("type", types({"string"}, true));
  as_of.add("format", Json::string("date"));
  as_of.add("pattern", Json::string(date_pattern()));
  Json members = Json::object();
  members.add("title", Json::string("家庭成员"));
  members.add("description", Json::string("the members of the household"));
  members.add("type", types({"array"}, true));
  members.add("maxItems", Json::literal(std::to_string(impl.limits.max_members)));
  Json ref = Json::object();
  ref.add("$ref", Json::string("#/$defs/member"));
  members.add("items", std::move(ref));

  Json root = Json::object();
  root.add("$schema", Json::string("https://json-schema.org/draft/2020-12/schema"));
  root.add("$id",
           Json::string(fmt::format("urn:entitle:{}:{}:household", info.name, info.version)));
  root.add("title", Json::string(fmt::format("{}: household facts", title(info))));
  root.add("description",
           Json::string(fmt::format(
               "A household as `entitle eval --rules` reads it for the policy package {} ({}). "
               "Each property's title is its Chinese label and its description the English text. "
               "A fact that is absent or null and has no default is unknown, which can leave rules "
               "undetermined. Not expressible here but checked by entitle: member ids are unique "
               "within the household, numbers have at most four decimals, and amounts written as "
               "strings keep to the minimum and maximum.",
               title(info), info.jurisdiction)));
  Json household = entity(impl.household_fields);
  // The household object is the root: splice its keywords in after the header.
  for (auto& [key, value] : household.members) {
    if (key == "properties") {
      value.add("as_of", std::move(as_of));
      value.add("members", std::move(members));
    }
    root.add(key, std::move(value));
  }
  Json& defs = root.add("$defs", Json::object());
  Json member = entity(impl.member_fields);
  Json described = Json::object();
  described.add("title", Json::string("家庭成员"));
  described.add("description", Json::string("one member of the household"));
  for (auto& [key, value] : member.members)
    described.add(key, std::move(value));
  defs.add("member", std::move(described));
  std::string out;
  root.print(out, 0);
  out += '\n';
  return out;
}

namespace {

std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string type_cell(const FieldInfo& f) {
  switch (f.type) {
    case FactType::kDate:
      return "date (YYYY-MM-DD)";
    case FactType::kMoney:
      return "money (exact, e.g. \"100.50\")";
    case FactType::kDecimal:
      return "decimal (exact, at most 4 decimals)";
    default:
      return std::string(load::fact_type_name(f.type));
  }
}

std::string table(const std::vector<FieldInfo>& fields, std::string_view id_type,
                  const std::vector<std::vector<std::string>>& extra) {
  std::string out =
      "| Fact | Type | Values | Required / default | Range | 说明 | Description |\n"
      "|---|---|---|---|---|---|---|\n";
  auto row = [&](const std::vector<std::string>& cells) {
    out += "|";
    for (const auto& c : cells)
      out += fmt::format(" {} |", cell(c));
    out += "\n";
  };
  for (const auto& f : fields) {
    std::string values;
    for (std::size_t i = 0; i < f.values.size(); ++i)
      values += fmt::format("{}`{}`", i ? ", " : "", f.values[i]);
    std::string presence = "optional (absent: unknown)";
    if (f.required || f.builtin) presence = "required";
    if (f.default_value) {
      presence = fmt::format("default `{}`", f.default_value->kind == ValueKind::kEnum
                                                 ? f.values[f.default_value->as_enum()]
                                                 : default_json(*f.default_value, f).text);
    }
    std::string range;
    if (f.min || f.max) {
      range = fmt::format("{} to {}", f.min ? f.min->to_string() : "…",
                          f.max ? f.max->to_string() : "…");
    }
    row({fmt::format("`{}`", f.name), f.builtin ? std::string(id_type) : type_cell(f), values,
         presence, range, f.description.zh, f.description.en});
  }
  for (const auto& cells : extra)
    row(cells);
  return out;
}

}  // namespace

std::string facts_markdown(const RuleSet& rules) {
  const RuleSet::Impl& impl = rules.impl();
  const PackageInfo& info = rules.info();
  std::string out = fmt::format("# {} — input facts\n\n", title(info));
  out += fmt::format(
      "A household for `entitle eval --rules {}` (YAML or JSON). A fact that is absent and has "
      "no default is unknown, which can leave rules undetermined; a fact not listed here is an "
      "error.\n\n",
      info.directory.empty() ? "DIR" : info.directory);
  out += "## Household (the top level)\n\n";
  out += table(impl.household_fields, "string",
               {{"`as_of`", "date (YYYY-MM-DD)", "", "optional", "", "评估日期",
                 "evaluation date; `--as-of` overrides it"},
                {"`members`", "list of members", "", "optional",
                 fmt::format("at most {}", impl.limits.max_members), "家庭成员",
                 "the members of the household, each a mapping of the member facts below"}});
  out += "\n## Member (each entry of `members`)\n\n";
  out += table(impl.member_fields, "string, unique in the household", {});
  return out;
}

}  // namespace entitle
