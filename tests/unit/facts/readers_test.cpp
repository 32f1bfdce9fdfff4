// One set of binding rules for every reader of facts: YAML, JSON and CSV bind a household to the
// same facts and reject it with the same messages (facts/builder.hpp).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "entitle/facts.hpp"
#include "entitle/render.hpp"
#include "entitle/ruleset.hpp"
#include "facts/csv_binder.hpp"
#include "facts/json_binder.hpp"

namespace entitle {
namespace {

const std::string kPackage = std::string(ENTITLE_SOURCE_DIR) + "/rules/wuhan-2012";
const Date kAsOf = *Date::parse("2013-06-01");

const RuleSet& wuhan() {
  static auto loaded = load_ruleset(kPackage);
  REQUIRE(loaded.rules);
  return *loaded.rules;
}

// "path: message [code]" of each diagnostic, positions left out (JSON has none).
std::vector<std::string> problems(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics)
    out.push_back(d.path + ": " + d.message + " [" + d.code + "]");
  return out;
}

TEST_CASE("binding: YAML, JSON and CSV give the same facts", "[facts]") {
  const RuleSet& rules = wuhan();
  std::string yaml =
      "id: h1\nas_of: 2013-06-01\nliving_difficulty: true\nmembers:\n"
      "  - {id: a, role: parent, sex: female, birth_date: 1950-02-28, hukou: urban, retired: "
      "true}\n"
      "  - {id: b, role: child, sex: male, deceased: true, disability_grade: 2}\n";
  std::string json =
      R"({"id":"h1","as_of":"2013-06-01","living_difficulty":true,"members":[)"
      R"({"id":"a","role":"parent","sex":"female","birth_date":"1950-02-28","hukou":"urban","retired":true},)"
      R"({"id":"b","role":"child","sex":"male","deceased":true,"disability_grade":2}]})";
  std::string csv_header =
      "household_id,as_of,living_difficulty,member_id,role,sex,birth_date,hukou,retired,deceased,"
      "disability_grade";
  std::vector<std::string> csv_rows = {
      "h1,2013-06-01,true,a,parent,female,1950-02-28,urban,true,,",
      "h1,2013-06-01,true,b,child,male,,,,true,2",
  };

  Facts from_yaml, from_json, from_csv;
  Diagnostics diagnostics;
  REQUIRE(bind_yaml(rules, yaml, "h.yaml", from_yaml, diagnostics));
  REQUIRE(bind_json(rules, json, "h.json", from_json, diagnostics));
  facts::CsvLayout layout;
  REQUIRE(layout.parse(rules, csv_header, diagnostics));
  std::vector<facts::CsvRow> rows;
  for (std::size_t i = 0; i < csv_rows.size(); ++i)
    rows.push_back({csv_rows[i], i + 2});
  facts::CsvBinder csv;
  REQUIRE(csv.bind(rules, layout, rows, from_csv, diagnostics));
  REQUIRE(diagnostics.empty());

  CHECK(from_json.member_count() == 2);
  CHECK(from_json.as_of() == kAsOf);
  CHECK(from_csv.as_of() == kAsOf);
  std::string id = decision_id(rules, from_yaml, kAsOf);
  CHECK(decision_id(rules, from_json, kAsOf) == id);
  CHECK(decision_id(rules, from_csv, kAsOf) == id);

  // A change of one fact changes the decision id.
  Facts changed;
  std::string other = json;
  other.replace(other.find("1950-02-28"), 10, "1950-03-01");
  REQUIRE(bind_json(rules, other, "h.json", changed, diagnostics));
  CHECK(decision_id(rules, changed, kAsOf) != id);
}

TEST_CASE("binding: YAML and JSON reject a household with the same messages", "[facts]") {
  const RuleSet& rules = wuhan();
  struct Case {
    const char* yaml;
    const char* json;
  };
  const Case cases[] = {
      {"id: h\nmembers:\n  - {id: a, role: \"paren\", birth_date: \"1950-02-30\"}\n",
       R"({"id":"h","members":[{"id":"a","role":"paren","birth_date":"1950-02-30"}]})"},
      {"id: h\nretired: true\nliving_dificulty: true\n",
       R"({"id":"h","retired":true,"living_dificulty":true})"},
      {"id: h\nmembers:\n  - {id: a}\n  - {id: a, living_difficulty: true}\n  - {role: child}\n",
       R"({"id":"h","members":[{"id":"a"},{"id":"a","living_difficulty":true},{"role":"child"}]})"},
      {"members: 5\nas_of: \"soon\"\n", R"({"members":5,"as_of":"soon"})"},
      {"id: h\nmembers:\n  - {id: a, disability_grade: 9}\n  - [1]\n",
       R"({"id":"h","members":[{"id":"a","disability_grade":9},[1]]})"},
  };
  for (const auto& c : cases) {
    Facts facts;
    Diagnostics from_yaml, from_json;
    CHECK_FALSE(bind_yaml(rules, c.yaml, "h.yaml", facts, from_yaml));
    CHECK_FALSE(bind_json(rules, c.json, "h.json", facts, from_json));
    INFO(c.json);
    CHECK(problems(from_yaml) == problems(from_json));
    CHECK_FALSE(from_json.empty());
  }
}

TEST_CASE("binding: JSON read on demand is strict", "[facts]") {
  const RuleSet& rules = wuhan();
  auto message = [&](std::string_view text) {
    Facts facts;
    Diagnostics diagnostics;
    CHECK_FALSE(bind_json(rules, text, "h.json", facts, diagnostics));
    REQUIRE(diagnostics.size() == 1);
    return diagnostics[0].message;
  };
  CHECK(message(R"({"id":"h","id":"g"})") == "malformed JSON: duplicate key 'id'");
  CHECK(message(R"({"id":"h","members":[{"id":"a","sex":"male","sex":"male"}]})") ==
        "malformed JSON: duplicate key 'sex'");
  CHECK(message(R"({"id":"h","members":[],"members":[]})") ==
        "malformed JSON: duplicate key 'members'");
  CHECK(message(R"({"id":"h","members":[{"id":"a","disability_grade":01}]})") ==
        "malformed JSON: malformed number '01'");
  CHECK(message("{\"id\":\"h\xff\"}") == "malformed JSON: invalid UTF-8");
  CHECK(message(R"({"id":"h"} {})").rfind("malformed JSON: ", 0) == 0);
  CHECK(message(R"([{"id":"h"}])").rfind("malformed JSON: ", 0) == 0);

  // A JSON binder reads in place when the bytes after the text may be read, whatever they hold.
  facts::JsonBinder binder;
  std::string buffer = R"({"id":"h","as_of":"2013-06-01"})";
  std::size_t length = buffer.size();
  buffer += std::string(facts::kJsonPadding, '{');
  Facts facts;
  Diagnostics diagnostics;
  CHECK(binder.bind(rules, std::string_view(buffer.data(), length), facts::kJsonPadding, "h", facts,
                    diagnostics));
  CHECK(facts.household_id() == "h");
}

TEST_CASE("binding: a failed household keeps the id it had", "[facts]") {
  const RuleSet& rules = wuhan();
  Facts facts;
  Diagnostics diagnostics;
  CHECK_FALSE(
      bind_json(rules, R"({"id":"h7","members":[{"id":"a","sex":"x"}]})", "h", facts, diagnostics));
  CHECK(facts.household_id() == "h7");
}

TEST_CASE("CSV: rows, cells and headers", "[facts][csv]") {
  std::vector<std::string_view> cells;
  std::string scratch, error;
  REQUIRE(facts::split_csv_row(R"(a,"b,c","d""e",,"")", cells, scratch, error));
  REQUIRE(cells.size() == 5);
  CHECK(cells[0] == "a");
  CHECK(cells[1] == "b,c");
  CHECK(cells[2] == "d\"e");
  CHECK(cells[3].empty());
  CHECK(cells[4].empty());
  CHECK_FALSE(facts::split_csv_row(R"(a,"b"c)", cells, scratch, error));
  CHECK_FALSE(facts::split_csv_row(R"(a,b"c)", cells, scratch, error));
  CHECK_FALSE(facts::split_csv_row(R"(a,"b)", cells, scratch, error));

  std::string text = "a,\"x\ny\",c\r\nnext\n";
  std::uint64_t breaks = 0;
  const char* end = facts::csv_row_end(text.data(), text.data() + text.size(), breaks);
  REQUIRE(end);
  CHECK(breaks == 2);
  CHECK(facts::csv_row_text(text.data(), end) == "a,\"x\ny\",c");
  CHECK(facts::csv_row_end(text.data(), text.data() + 5, breaks) == nullptr);

  const RuleSet& rules = wuhan();
  facts::CsvLayout layout;
  Diagnostics diagnostics;
  CHECK(layout.parse(rules, "\xEF\xBB\xBFhousehold_id,member_id,sex", diagnostics));
  CHECK_FALSE(layout.parse(rules, "id,role", diagnostics));
  REQUIRE(diagnostics.size() == 3);
  CHECK(diagnostics[0].message == "unknown column 'id'; write household_id or member_id");
  CHECK(diagnostics[1].message == "the CSV header needs a household_id column");
  CHECK(diagnostics[2].message == "member facts need a member_id column");
}

}  // namespace
}  // namespace entitle
