// Expression parser and checker: any bytes as one expression, written into the Wuhan package as
// the condition of a household rule and of a member rule. An expression that parses is checked
// in both scopes; one that also type-checks is compiled and evaluated on households from the
// package's examples.
#include <vector>

#include "check/checker.hpp"
#include "compile/program.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "fuzz.hpp"
#include "load/expression_parser.hpp"
#include "load/package_loader.hpp"
#include "util/text.hpp"

namespace {

using namespace entitle;

const load::SyntaxTree& wuhan_tree() {
  static const load::SyntaxTree tree = [] {
    Diagnostics diagnostics;
    load::SyntaxTree t =
        load::load_package(ENTITLE_SOURCE_DIR "/rules/wuhan-2012", Limits{}, diagnostics);
    if (has_errors(diagnostics)) fuzz::fail("the Wuhan package does not load");
    return t;
  }();
  return tree;
}

// Households to evaluate on: a full one, and one that leaves most facts unknown.
const std::vector<std::string>& households() {
  static const std::vector<std::string> texts = {
      R"({"id": "h1", "living_difficulty": true, "members": [
           {"id": "f", "role": "parent", "sex": "male", "birth_date": "1950-02-28",
            "hukou": "urban", "retired": true},
           {"id": "m", "role": "parent", "sex": "female", "birth_date": "1952-03-01"},
           {"id": "d", "role": "child", "sex": "female", "birth_date": "1980-05-05",
            "deceased": true}]})",
      R"({"id": "h2", "members": [{"id": "x"}]})",
  };
  return texts;
}

load::Rule make_rule(const load::Expr& when, load::Entity recipient, std::string id,
                     std::uint32_t file) {
  load::Rule r;
  r.id = std::move(id);
  r.title = {"fuzz", "fuzz"};
  r.recipient = recipient;
  r.when = when;
  r.grant.kind = load::GrantKind::kPriority;
  r.basis.source = "wuhan-2012";
  r.location = {file, {1, 1}};
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  // Expressions come from YAML files, which parse_yaml rejects unless they are UTF-8.
  if (!is_valid_utf8(text)) return 0;
  load::SyntaxTree tree = wuhan_tree();
  tree.files.push_back({"fuzz.yaml", std::string(text)});
  auto file = static_cast<std::uint32_t>(tree.files.size() - 1);
  Limits limits;
  limits.max_eval_steps = 100'000;  // keeps each run fast; the budget's logic is the same
  Diagnostics diagnostics;
  auto expr = load::parse_expression(text, tree.files.back(), file, {1, 1}, limits, diagnostics);
  if (!expr) {
    fuzz::check_rejected(diagnostics);
    return 0;
  }
  fuzz::check(diagnostics.empty(), "an expression parsed with diagnostics");
  tree.rules.push_back(make_rule(*expr, load::Entity::kHousehold, "fuzz_household", file));
  tree.rules.push_back(make_rule(*expr, load::Entity::kMember, "fuzz_member", file));
  check::CheckedPackage checked = check::check_package(std::move(tree), limits, diagnostics);
  if (has_errors(diagnostics)) {
    fuzz::check_rejected(diagnostics);
    return 0;
  }
  auto rules = std::make_shared<const RuleSet>(compile::compile_package(checked, limits));
  for (const auto& household : households()) {
    Facts facts;
    Diagnostics bind_diagnostics;
    if (!bind_json(*rules, household, "household", facts, bind_diagnostics)) {
      fuzz::fail("a fixed household does not bind");
    }
    fuzz::evaluate_both_ways(rules, facts, *Date::parse("2013-06-01"));
  }
  return 0;
}
