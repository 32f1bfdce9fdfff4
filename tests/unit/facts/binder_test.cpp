// Household binding from YAML and JSON: typed facts, and every input error naming its field path.
#include "entitle/facts.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "compile/program.hpp"
#include "entitle/render.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

using Lines = std::vector<std::string>;

std::shared_ptr<const RuleSet> rules() {
  static auto r = testing::load_ok(
      {{"req.yaml",
        "schema:\n  member:\n    sex: {type: enum, values: [male, female], required: "
        "true, description: {zh: 性别, en: sex}}\n"}});
  return r;
}

// "path CODE" of each diagnostic of binding `text`.
Lines errors(std::string_view text) {
  Lines out;
  for (const auto& d : testing::bind_errors(*rules(), text)) {
    out.push_back(fmt::format("{} {}", d.path, d.code));
  }
  return out;
}

std::string message(std::string_view text) {
  auto d = testing::bind_errors(*rules(), text);
  REQUIRE(d.size() == 1);
  return d[0].message;
}

constexpr const char* kMember = "{id: a, sex: male";  // a member, to be closed with extra facts

TEST_CASE("facts are bound by the schema's types", "[facts]") {
  Facts facts;
  testing::bind_ok(*rules(), R"(id: h-1
as_of: 2013-01-01
flag: true
income: "100.50"
size: 3
ratio: 0.25
region: rural
start: 2012-08-01
label: 标签
members:
  - {id: a, sex: male, role: parent, birth_date: 1950-05-10, pay: 1.005, grade: 4}
  - {id: b, sex: female, retired: null}
)",
                   facts);
  const auto& impl = rules()->impl();
  auto h = [&](std::string_view name) { return facts.household(impl.find_household_field(name)); };
  auto m = [&](std::size_t member, std::string_view name) {
    return facts.member(member, impl.find_member_field(name));
  };
  CHECK(facts.household_id() == "h-1");
  CHECK(facts.as_of() == Date::parse("2013-01-01"));
  CHECK(h("id").as_string() == "h-1");
  CHECK(h("flag").is_true());
  CHECK(h("other_flag").is_unknown());  // absent, no default
  CHECK(h("income").as_number() == *Decimal::parse("100.5"));
  CHECK(h("size").as_number() == *Decimal::parse("3"));
  CHECK(h("ratio").as_number() == *Decimal::parse("0.25"));
  CHECK(h("region").as_enum() == 1);
  CHECK(h("start").as_date() == *Date::parse("2012-08-01"));
  CHECK(h("label").as_string() == "标签");
  REQUIRE(facts.member_count() == 2);
  CHECK(facts.member_id(1) == "b");
  CHECK(m(0, "id").as_string() == "a");
  CHECK(m(0, "pay").as_number() == *Decimal::parse("1.005"));  // exact, not 1.00499…
  CHECK(m(0, "grade").as_number() == *Decimal::parse("4"));
  CHECK(m(1, "disabled").is_false());  // default
  CHECK(m(1, "grade").as_number() == Decimal());
  CHECK(m(1, "retired").is_unknown());  // null: unknown, like absent
}

TEST_CASE("wrong types name the field path and what was expected", "[facts][errors]") {
  CHECK(errors("{id: h, size: four}") == Lines{"size F003"});
  CHECK(message("{id: h, size: four}") == "expected a whole number, found 'four'");
  CHECK(errors("{id: h, size: 2.5}") == Lines{"size F003"});
  CHECK(errors("{id: h, flag: \"true\"}") == Lines{"flag F003"});
  CHECK(errors("{id: h, start: 5}") == Lines{"start F003"});
  CHECK(errors("{id: h, label: [a]}") == Lines{"label F003"});
  CHECK(errors("{id: h, income: {a: 1}}") == Lines{"income F003"});
  CHECK(errors(fmt::format("{{id: h, members: [{}, grade: x}}]}}", kMember)) ==
        Lines{"members[0].grade F003"});
  CHECK(errors("{id: h, members: {a: 1}}") == Lines{"members F003"});
  CHECK(errors("{id: h, members: [x]}") == Lines{"members[0] F003"});
  CHECK(errors("[1, 2]") == Lines{" F001"});
}

TEST_CASE("YAML 1.1 readings are not accepted for facts", "[facts][errors][hazard]") {
  for (std::string_view bad :
       {"flag: yes", "flag: on", "flag: y", "flag: True", "size: 0x1F", "size: 1e3", "size: 0o17",
        "ratio: .inf", "ratio: .nan", "income: .inf", "income: 1e3", "income: 1_000",
        "start: 2024-01-05x", "start: 2024-1-5", "start: 20240105", "as_of: 2024-01-05x",
        "as_of: 1950-02-30"}) {
    INFO(bad);
    auto d = testing::bind_errors(*rules(), fmt::format("id: h\n{}\n", bad));
    REQUIRE(d.size() == 1);
    CHECK(d[0].code == "F003");
    CHECK(d[0].path == bad.substr(0, bad.find(':')));
    CHECK(d[0].line == 2);
  }
}

TEST_CASE("enum values outside the list, impossible dates", "[facts][errors]") {
  CHECK(errors("{id: h, region: town}") == Lines{"region F003"});
  CHECK(message("{id: h, region: town}") == "expected one of: urban, rural, found 'town'");
  CHECK(errors(fmt::format("{{id: h, members: [{}, birth_date: 1950-02-30}}]}}", kMember)) ==
        Lines{"members[0].birth_date F003"});
  CHECK(errors(fmt::format("{{id: h, members: [{}}}, {}, birth_date: 2023-02-29}}]}}", kMember,
                           "{id: b, sex: female")) == Lines{"members[1].birth_date F003"});
  CHECK(errors(fmt::format("{{id: h, members: [{}, role: uncle}}]}}", kMember)) ==
        Lines{"members[0].role F003"});
}

TEST_CASE("duplicate member ids, missing ids", "[facts][errors]") {
  CHECK(errors("{id: h, members: [{id: a, sex: male}, {id: a, sex: male}]}") ==
        Lines{"members[1].id F005"});
  CHECK(errors("{id: h, members: [{sex: male}]}") == Lines{"members[0].id F004"});
  CHECK(errors("{members: []}") == Lines{"id F004"});
  CHECK(errors("{id: \"\"}") == Lines{"id F003"});
}

TEST_CASE("unknown fields, with did-you-mean and the other entity's hint", "[facts][errors]") {
  CHECK(errors("{id: h, flagg: true}") == Lines{"flagg F002"});
  CHECK(message("{id: h, flagg: true}") == "unknown household fact 'flagg'; did you mean 'flag'?");
  CHECK(message(fmt::format("{{id: h, members: [{}, retird: true}}]}}", kMember)) ==
        "unknown member fact 'retird'; did you mean 'retired'?");
  CHECK(message("{id: h, retired: true}") ==
        "unknown household fact 'retired'; it is a member fact: put it under members");
  CHECK(message(fmt::format("{{id: h, members: [{}, flag: true}}]}}", kMember)) ==
        "unknown member fact 'flag'; it is a household fact: put it at the top level");
}

TEST_CASE("missing required facts, and a bad required fact is reported once", "[facts][errors]") {
  CHECK(errors("{id: h, members: [{id: a}]}") == Lines{"members[0].sex F004"});
  CHECK(message("{id: h, members: [{id: a}]}") == "required fact 'sex' (enum) is missing");
  CHECK(errors("{id: h, members: [{id: a, sex: null}]}") == Lines{"members[0].sex F004"});
  // A value of the wrong type is one error, not also "missing".
  CHECK(errors("{id: h, members: [{id: a, sex: maybe}]}") == Lines{"members[0].sex F003"});
}

TEST_CASE("values outside min/max", "[facts][errors]") {
  CHECK(errors(fmt::format("{{id: h, members: [{}, grade: 5}}]}}", kMember)) ==
        Lines{"members[0].grade F003"});
  CHECK(message(fmt::format("{{id: h, members: [{}, grade: 5}}]}}", kMember)) ==
        "5 is out of range: expected a value from 0 to 4");
  CHECK(errors("{id: h, size: -1}") == Lines{"size F003"});
  CHECK(errors("{id: h, size: 21}") == Lines{"size F003"});
  Facts facts;
  testing::bind_ok(*rules(), "{id: h, size: 20}", facts);
  testing::bind_ok(*rules(), "{id: h, size: 0}", facts);
}

TEST_CASE("every error of a household is reported at once, with its line", "[facts][errors]") {
  auto d = testing::bind_errors(*rules(), R"(id: h
size: x
region: town
members:
  - {id: a, sex: male, grade: 9}
  - {id: a, sex: male, birth_date: 1950-02-30}
)");
  Lines where;
  for (const auto& x : d)
    where.push_back(fmt::format("{}:{} {}", x.line, x.column, x.path));
  CHECK(where == Lines{"2:7 size", "3:9 region", "5:31 members[0].grade", "6:5 members[1].id",
                       "6:36 members[1].birth_date"});
}

TEST_CASE("household YAML hazards: aliases, merge keys, duplicates, depth, UTF-8",
          "[facts][errors][hazard]") {
  for (std::string_view bad : {"id: &x h\nlabel: *x\n", "id: h\n<<: {flag: true}\n",
                               "id: h\nid: g\n", "id: h\nx: \xff\n", "id: h\n---\nid: g\n", ","}) {
    INFO(bad);
    auto d = testing::bind_errors(*rules(), bad);
    REQUIRE(d.size() == 1);
    CHECK(d[0].code == "F001");
  }
  // Nesting past max_yaml_depth is a limit, not malformed YAML.
  auto d = testing::bind_errors(*rules(), "id: h\nlabel: " + std::string(120, '[') + "\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "F006");
}

TEST_CASE("too many members is F006", "[facts][errors][limits]") {
  std::string text = "id: h\nmembers:\n";
  for (int i = 0; i < 257; ++i)
    text += fmt::format("  - {{id: m{}, sex: male}}\n", i);
  CHECK(errors(text) == Lines{"members F006"});
}

// ---- JSON ------------------------------------------------------------------------------------

constexpr std::string_view kYaml = R"(id: h-1
as_of: 2013-01-01
flag: true
other_flag: false
income: "100.50"
size: 3
ratio: 0.25
region: rural
start: 2012-08-01
label: "a \"quoted\" 标签"
members:
  - {id: a, sex: male, role: parent, birth_date: 1950-05-10, pay: 1.005, grade: 4, retired: null}
  - {id: b, sex: female, score: "-2.5"}
)";

constexpr std::string_view kJson = R"({
  "id": "h-1", "as_of": "2013-01-01", "flag": true, "other_flag": false, "income": "100.50",
  "size": 3, "ratio": 0.25, "region": "rural", "start": "2012-08-01",
  "label": "a \"quoted\" \u6807\u7b7e",
  "members": [
    {"id": "a", "sex": "male", "role": "parent", "birth_date": "1950-05-10", "pay": 1.005,
     "grade": 4, "retired": null},
    {"id": "b", "sex": "female", "score": "-2.5"}
  ]
}  )";

TEST_CASE("JSON and YAML households give identical facts and results", "[facts][json]") {
  Facts from_yaml, from_json;
  testing::bind_ok(*rules(), kYaml, from_yaml);
  Diagnostics d;
  REQUIRE(bind_json(*rules(), kJson, "h.json", from_json, d));
  REQUIRE(d.empty());
  Date date = *Date::parse("2013-01-01");
  CHECK(decision_id(*rules(), from_yaml, date) == decision_id(*rules(), from_json, date));
  Evaluator a(rules()), b(rules());
  std::string ya, js;
  render_json(*rules(), from_yaml, a.evaluate(from_yaml, date), {}, ya);
  render_json(*rules(), from_json, b.evaluate(from_json, date), {}, js);
  CHECK(ya == js);
  // bind_household picks JSON by the first character.
  Facts picked;
  REQUIRE(bind_household(*rules(), kJson, "h", picked, d));
  CHECK(decision_id(*rules(), picked, date) == decision_id(*rules(), from_json, date));
}

Lines json_errors(std::string_view text) {
  Facts facts;
  Diagnostics d;
  CHECK_FALSE(bind_json(*rules(), text, "h.json", facts, d));
  Lines out;
  for (const auto& x : d)
    out.push_back(fmt::format("{} {}", x.path, x.code));
  return out;
}

TEST_CASE("JSON type errors name the path like YAML's", "[facts][json][errors]") {
  CHECK(json_errors(R"({"id": "h", "flag": "true"})") == Lines{"flag F003"});
  CHECK(json_errors(R"({"id": "h", "size": "3"})") == Lines{"size F003"});
  CHECK(json_errors(R"({"id": "h", "size": 3.0})") == Lines{"size F003"});
  CHECK(json_errors(R"({"id": "h", "income": 1e3})") == Lines{"income F003"});
  CHECK(json_errors(R"({"id": "h", "start": 20120801})") == Lines{"start F003"});
  CHECK(json_errors(R"({"id": "h", "region": true})") == Lines{"region F003"});
  CHECK(json_errors(R"({"id": "h", "label": 5})") == Lines{"label F003"});
  CHECK(json_errors(R"({"id": "h", "members": [{"id": "a", "sex": "male", "grade": [1, [2]]}]})") ==
        Lines{"members[0].grade F003"});
  CHECK(json_errors(R"({"id": "h", "members": [{"id": "a", "sex": "male", "x": {"y": [{}]}}]})") ==
        Lines{"members[0].x F002"});
  CHECK(json_errors(R"({"id": "h", "members": [[{"id": "a"}]]})") == Lines{"members[0] F003"});
}

TEST_CASE("malformed JSON is F001: trailing text, duplicates, UTF-8; depth is F006",
          "[facts][json]") {
  for (std::string_view bad :
       {R"({"id": "h"} x)", R"({"id": "h"}{"id": "g"})", R"({"id": "h"},)", R"({"id": "h"]")",
        R"({"id": "h", "id": "g"})", R"({"id": "h", "members": [{"id": "a",}]})",
        R"({"id": "h" "flag": true})", R"({"id": "h", "size": 01})", R"({"id": "h", "size": -})",
        R"({"id": "h", "flag": tru})", R"({"id": "h", "flag": nul})", "{\"id\": \"h\xff\"}",
        R"({"id": "h", "members": [)", R"({"id": 'h'})", R"([{"id": "h"}])", R"("h")", ""}) {
    INFO(bad);
    auto e = json_errors(bad);
    REQUIRE(e.size() == 1);
    CHECK(e[0] == " F001");
  }
  std::string deep =
      R"({"id": "h", "label": )" + std::string(5000, '[') + std::string(5000, ']') + "}";
  CHECK(json_errors(deep) == Lines{" F006"});  // a limit (max_yaml_depth), not malformed JSON
}

TEST_CASE("a YAML flow mapping that starts with '{' is read as YAML", "[facts][json]") {
  // Not JSON (unquoted keys), so bind_household falls back to YAML.
  Facts facts;
  Diagnostics d;
  REQUIRE(bind_household(*rules(), "{id: h, flag: true, members: [{id: a, sex: male}]}", "h", facts,
                         d));
  CHECK(d.empty());
  CHECK(facts.household_id() == "h");
  CHECK(facts.member_count() == 1);
  // Broken JSON that is not YAML either reports the JSON error.
  d.clear();
  CHECK_FALSE(bind_household(*rules(), R"({"id": "h",, })", "h", facts, d));
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "F001");
  CHECK(d[0].message.find("JSON") != std::string::npos);
  // Valid JSON with a binding error is not retried as YAML.
  d.clear();
  CHECK_FALSE(bind_household(*rules(), R"({"id": "h", "size": "x"})", "h", facts, d));
  REQUIRE(d.size() == 1);
  CHECK(d[0].path == "size");
}

TEST_CASE("Facts are reusable: binding again forgets the previous household", "[facts]") {
  Facts facts;
  testing::bind_ok(*rules(), kYaml, facts);
  testing::bind_ok(*rules(), "{id: g, members: [{id: z, sex: female}]}", facts);
  CHECK(facts.household_id() == "g");
  CHECK(facts.as_of() == std::nullopt);
  REQUIRE(facts.member_count() == 1);
  CHECK(facts.member_id(0) == "z");
  CHECK(facts.household(rules()->impl().find_household_field("flag")).is_unknown());
}

}  // namespace
}  // namespace entitle
