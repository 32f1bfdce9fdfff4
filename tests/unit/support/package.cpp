#include "support/package.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compile/program.hpp"
#include "entitle/render.hpp"
#include "render/value_text.hpp"

namespace entitle::testing {

std::string manifest(std::string_view age_convention) {
  std::string text =
      "package:\n"
      "  name: test-package\n"
      "  version: 0.0.1\n"
      "  jurisdiction: nowhere\n"
      "  currency: CNY\n";
  if (!age_convention.empty()) text += fmt::format("  age_convention: {}\n", age_convention);
  text +=
      "  sources:\n"
      "    - {id: src, title: a source, date: 2012-10-08}\n";
  return text;
}

std::string standard_schema() {
  return R"(schema:
  household:
    flag: {type: bool, description: {zh: 甲, en: flag}}
    other_flag: {type: bool, description: {zh: 乙, en: other flag}}
    income: {type: money, description: {zh: 收入, en: income}}
    size: {type: integer, min: 0, max: 20, description: {zh: 人数, en: size}}
    ratio: {type: decimal, description: {zh: 比例, en: ratio}}
    region: {type: enum, values: [urban, rural], description: {zh: 地区, en: region}}
    start: {type: date, description: {zh: 开始, en: start}}
    label: {type: string, description: {zh: 标签, en: label}}
  member:
    role: {type: enum, values: [parent, child, other], description: {zh: 角色, en: role}}
    birth_date: {type: date, description: {zh: 出生日期, en: birth date}}
    joined: {type: date, description: {zh: 加入, en: joined}}
    retired: {type: bool, description: {zh: 退休, en: retired}}
    deceased: {type: bool, description: {zh: 死亡, en: deceased}}
    disabled: {type: bool, default: false, description: {zh: 残疾, en: disabled}}
    grade: {type: integer, default: 0, min: 0, max: 4, description: {zh: 等级, en: grade}}
    pay: {type: money, description: {zh: 工资, en: pay}}
    score: {type: decimal, description: {zh: 分数, en: score}}
    name: {type: string, description: {zh: 名字, en: name}}
parameters:
  threshold:
    type: money
    unit: CNY
    description: {zh: 门槛, en: threshold}
    values:
      - {from: 2012-08-01, value: "1000.00", reference: {source: src, clause: "1"}}
      - {from: 2014-01-01, value: "1200.00", reference: {source: src, clause: "2"}}
  elderly_age:
    type: integer
    unit: years
    description: {zh: 老年, en: elderly age}
    values:
      - {from: 2012-08-01, until: 2030-12-31, value: 60, reference: {source: src, clause: "3"}}
)";
}

LoadResult load(Files files, const LoadOptions& options) {
  bool has_manifest = false, has_schema = false;
  for (const auto& [path, text] : files) {
    has_manifest = has_manifest || path == "package.yaml";
    has_schema = has_schema || path == "schema.yaml";
  }
  if (!has_manifest) files.emplace_back("package.yaml", manifest());
  if (!has_schema) files.emplace_back("schema.yaml", standard_schema());
  return load_ruleset_from_files(std::move(files), options);
}

std::shared_ptr<const RuleSet> load_ok(Files files, const LoadOptions& options) {
  LoadResult loaded = load(std::move(files), options);
  INFO(format_diagnostics(loaded.diagnostics));
  REQUIRE(loaded.rules);
  REQUIRE(loaded.diagnostics.empty());
  return loaded.rules;
}

std::shared_ptr<const RuleSet> load_rules(std::string_view yaml, const LoadOptions& options) {
  return load_ok({{"rules.yaml", std::string(yaml)}}, options);
}

std::string rule_file(std::string_view when, std::string_view grant, std::string_view extra) {
  return fmt::format(R"(rules:
  - id: r
    title: {{zh: 规则, en: rule}}
    recipient: household
    when: {}
    grant: {}
    basis: {{source: src, clause: "1"}}
{})",
                     when, grant, extra);
}

Diagnostics load_errors(Files files) {
  LoadResult loaded = load(std::move(files));
  REQUIRE_FALSE(loaded.rules);
  REQUIRE(has_errors(loaded.diagnostics));
  return loaded.diagnostics;
}

Diagnostic first_with_code(const Diagnostics& diagnostics, std::string_view code) {
  for (const auto& d : diagnostics) {
    if (d.code == code) return d;
  }
  FAIL("no " << code << " among:\n" << format_diagnostics(diagnostics));
  return {};
}

std::size_t count_with_code(const Diagnostics& diagnostics, std::string_view code) {
  std::size_t n = 0;
  for (const auto& d : diagnostics)
    n += d.code == code;
  return n;
}

std::vector<std::string> brief(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) {
    out.push_back(fmt::format("{}:{}:{}: {} {}", d.file, d.line, d.column, d.code, d.message));
  }
  return out;
}

void bind_ok(const RuleSet& rules, std::string_view yaml, Facts& facts) {
  Diagnostics diagnostics;
  bool ok = bind_yaml(rules, yaml, "household.yaml", facts, diagnostics);
  INFO(format_diagnostics(diagnostics));
  REQUIRE(ok);
  REQUIRE(diagnostics.empty());
}

Diagnostics bind_errors(const RuleSet& rules, std::string_view text) {
  Facts facts;
  Diagnostics diagnostics;
  REQUIRE_FALSE(bind_household(rules, text, "household", facts, diagnostics));
  REQUIRE(has_errors(diagnostics));
  return diagnostics;
}

const RuleOutcome& outcome(const RuleSet& rules, const Facts& facts, const Result& result,
                           std::string_view id, std::string_view member) {
  int rule = rules.find_rule(id);
  INFO("rule " << id << " recipient " << member);
  REQUIRE(rule >= 0);
  for (const auto& o : result.outcomes) {
    if (o.rule != static_cast<std::uint32_t>(rule)) continue;
    bool is_household_entry = o.member < 0 && !rules.rule(o.rule).for_each_member;
    if (member == "household" && is_household_entry) return o;
    if (member.empty() && o.member < 0) return o;
    if (o.member >= 0 && facts.member_id(o.member) == member) return o;
  }
  FAIL("no such outcome");
  return result.outcomes.front();
}

std::vector<std::string> missing(const RuleSet& rules, const Result& result, const RuleOutcome& o) {
  std::vector<std::string> out;
  for (auto i = o.missing_begin; i < o.missing_end; ++i)
    out.push_back(missing_path(rules, result.missing[i]));
  return out;
}

std::string outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kGranted:
      return "granted";
    case Outcome::kNotGranted:
      return "not_granted";
    case Outcome::kUndetermined:
      return "undetermined";
    case Outcome::kError:
      return "error";
  }
  return "?";
}

namespace {

std::string indent_lines(std::string_view text, int spaces) {
  std::string out;
  std::string pad(static_cast<std::size_t>(spaces), ' ');
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += pad;
    out += text.substr(start, end - start);
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string value_of(std::string_view expr, std::string_view household, std::string_view as_of,
                     std::string_view member, Files extra) {
  bool in_member = !member.empty();
  std::string probe = fmt::format(
      "definitions:\n"
      "  {}:\n"
      "    probe:\n"
      "      expr: '{}'\n"
      "rules:\n"
      "  - id: probe\n"
      "    title: {{zh: 探针, en: probe}}\n"
      "    recipient: {}\n"
      "    when: is_known(probe)\n"
      "    grant: {{kind: priority}}\n"
      "    basis: {{source: src, clause: '1'}}\n",
      in_member ? "member" : "household", expr, in_member ? "member" : "household");
  extra.emplace_back("probe.yaml", probe);
  auto rules = load_ok(std::move(extra));
  Facts facts;
  bind_ok(*rules, household, facts);
  auto date = Date::parse(as_of);
  REQUIRE(date);
  Evaluator evaluator(rules);
  const Result& result = evaluator.evaluate(facts, *date, EvalOptions{true});
  const RuleOutcome& o = outcome(*rules, facts, result, "probe", in_member ? member : "household");
  REQUIRE(o.condition_trace != kNoTrace);
  const TraceNode& is_known = result.trace[o.condition_trace];
  REQUIRE(is_known.first_child != kNoTrace);
  const TraceNode& definition = result.trace[is_known.first_child];
  return render::value_text(definition.value, rules->impl().node_info[definition.source]);
}

std::string decide(std::string_view condition_yaml, std::string_view household) {
  std::string rule =
      "rules:\n"
      "  - id: r\n"
      "    title: {zh: 规则, en: rule}\n"
      "    recipient: household\n"
      "    when:\n" +
      indent_lines(condition_yaml, 6) +
      "    grant: {kind: priority}\n"
      "    basis: {source: src, clause: '1'}\n";
  auto rules = load_rules(rule);
  Facts facts;
  bind_ok(*rules, household, facts);
  Evaluator evaluator(rules);
  const Result& result = evaluator.evaluate(facts, *Date::parse("2013-01-01"));
  return outcome_name(outcome(*rules, facts, result, "r").outcome);
}

std::string test_data(std::string_view relative) {
  return std::string(ENTITLE_TEST_DATA) + "/" + std::string(relative);
}

std::string source_path(std::string_view relative) {
  return std::string(ENTITLE_SOURCE_DIR) + "/" + std::string(relative);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO(path);
  REQUIRE(in);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void load_household(const std::string& package, const std::string& path, HouseholdFile& out) {
  if (!out.rules) out.rules = load_ruleset(package).rules;
  REQUIRE(out.rules);
  Diagnostics diagnostics;
  INFO(path);
  REQUIRE(bind_household(*out.rules, read_file(path), path, out.facts, diagnostics));
}

void check_golden(const std::string& name, const std::string& actual) {
  std::string path = test_data("golden/" + name);
  std::string expected;
  bool exists = false;
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream buffer;
      buffer << in.rdbuf();
      expected = buffer.str();
      exists = true;
    }
  }
  if (exists && expected == actual) {
    std::filesystem::remove(path + ".actual");
    SUCCEED(name);
    return;
  }
  {
    std::ofstream out(path + ".actual", std::ios::binary);
    out << actual;
  }
  if (!exists) {
    FAIL_CHECK("no golden file " << path << "; wrote " << path << ".actual");
    return;
  }
  // The first differing line, with its neighbours.
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      out.push_back(line);
    return out;
  };
  auto e = lines(expected), a = lines(actual);
  std::size_t i = 0;
  while (i < e.size() && i < a.size() && e[i] == a[i])
    ++i;
  std::string diff;
  for (std::size_t j = i; j < std::min(e.size(), i + 3); ++j)
    diff += "- " + e[j] + "\n";
  for (std::size_t j = i; j < std::min(a.size(), i + 3); ++j)
    diff += "+ " + a[j] + "\n";
  FAIL_CHECK(name << " differs from its golden file at line " << i + 1 << " (wrote " << path
                  << ".actual):\n"
                  << diff);
}

std::shared_ptr<const RuleSet> wuhan() {
  static std::shared_ptr<const RuleSet> rules = [] {
    Files files;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(source_path("rules/wuhan-2012"))) {
      if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) {
      files.emplace_back("rules/wuhan-2012/" + n, read_file(source_path("rules/wuhan-2012/" + n)));
    }
    LoadResult loaded = load_ruleset_from_files(std::move(files));
    INFO(format_diagnostics(loaded.diagnostics));
    REQUIRE(loaded.rules);
    return loaded.rules;
  }();
  return rules;
}

}  // namespace entitle::testing
