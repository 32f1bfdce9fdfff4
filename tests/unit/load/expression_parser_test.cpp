// The rule language parser: node texts and positions, precedence, and E010 syntax errors at the
// offending character. Columns count bytes, as yaml-cpp's do.
#include "load/expression_parser.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <optional>

#include "compile/program.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

using testing::brief;
using testing::load_errors;
using testing::rule_file;
using Lines = std::vector<std::string>;

std::optional<load::Expr> parse(std::string_view text, Diagnostics& d,
                                load::Position start = {1, 1}) {
  static const load::SourceFile file{"e.yaml", "x"};
  return load::parse_expression(text, file, 0, start, Limits{}, d);
}

// The tree as S-expression with each node's source text checked against its position.
std::string sexpr(const load::Expr& e) {
  using load::ExprKind;
  std::string out;
  switch (e.kind) {
    case ExprKind::kLiteral:
    case ExprKind::kName:
    case ExprKind::kHousehold:
      return e.text;
    case ExprKind::kCall:
    case ExprKind::kAggregate:
      out = "(" + e.name;
      break;
    case ExprKind::kNot:
      out = "(not";
      break;
    case ExprKind::kNegate:
      out = "(neg";
      break;
    case ExprKind::kAnd:
      out = "(and";
      break;
    case ExprKind::kOr:
      out = "(or";
      break;
    case ExprKind::kArith:
    case ExprKind::kCompare: {
      static const char* ops[] = {"?", "+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">="};
      out = "(";
      out += ops[static_cast<int>(e.op)];
      break;
    }
    case ExprKind::kIn:
      out = e.negated ? "(not-in" : "(in";
      break;
    case ExprKind::kIf:
      out = "(if";
      break;
  }
  for (const auto& a : e.args) {
    out += ' ';
    out += sexpr(a);
  }
  out += ')';
  return out;
}

std::string tree(std::string_view text) {
  Diagnostics d;
  auto e = parse(text, d);
  INFO(text << "\n" << format_diagnostics(d));
  REQUIRE(e);
  return sexpr(*e);
}

TEST_CASE("precedence and associativity", "[load][expression]") {
  CHECK(tree("1 + 2 * 3") == "(+ 1 (* 2 3))");
  CHECK(tree("1 - 2 - 3") == "(- (- 1 2) 3)");
  CHECK(tree("8 / 4 / 2") == "(/ (/ 8 4) 2)");
  CHECK(tree("-a * b") == "(* (neg a) b)");
  CHECK(tree("a or b and c") == "(or a (and b c))");
  CHECK(tree("a and b and c") == "(and a b c)");
  CHECK(tree("a or b or c") == "(or a b c)");
  CHECK(tree("not a and b") == "(and (not a) b)");
  CHECK(tree("not a == b") == "(not (== a b))");
  CHECK(tree("a + 1 >= b * 2") == "(>= (+ a 1) (* b 2))");
  CHECK(tree("x not in [1, 2]") == "(not-in x 1 2)");
  CHECK(tree("x in [y + 1]") == "(in x (+ y 1))");
  CHECK(tree("if a then b else c or d") == "(if a b (or c d))");
  CHECK(tree("household.size > 2") == "(> household.size 2)");
  CHECK(tree("count(members)") == "(count true)");
  CHECK(tree("sum(members where a, b + 1)") == "(sum a (+ b 1))");
  CHECK(tree("years_between(a, as_of())") == "(years_between a (as_of))");
  CHECK(tree("(a or b) and c") == "(and (or a b) c)");
}

TEST_CASE("every node has its source text and position", "[load][expression]") {
  Diagnostics d;
  auto e = parse("size > 2 and\n  household.flag", d, {5, 11});
  REQUIRE(e);
  CHECK(e->text == "size > 2 and\n  household.flag");
  CHECK(e->location.position.line == 5);
  CHECK(e->location.position.column == 11);
  REQUIRE(e->args.size() == 2);
  CHECK(e->args[0].text == "size > 2");
  CHECK(e->args[0].args[1].text == "2");
  CHECK(e->args[0].args[1].location.position.column == 18);
  CHECK(e->args[1].text == "household.flag");
  CHECK(e->args[1].location.position.line == 6);
  CHECK(e->args[1].location.position.column == 3);
  // A parenthesised expression keeps the text inside the parentheses.
  e = parse("(a)", d);
  REQUIRE(e);
  CHECK(e->text == "a");
}

TEST_CASE("literals and malformed expressions", "[load][expression]") {
  Diagnostics d;
  auto e = parse("12", d);
  REQUIRE(e);
  CHECK(e->literal_type.kind == load::TypeKind::kInteger);
  e = parse("12.0", d);
  CHECK(e->literal_type.kind == load::TypeKind::kDecimal);
  CHECK(e->value.as_number() == *Decimal::parse("12"));
  e = parse("\"a\\\"b\"", d);
  CHECK(e->literal_string == "a\"b");
  e = parse("date(\"2012-08-01\")", d);
  CHECK(e->literal_type.kind == load::TypeKind::kDate);
  CHECK(e->value.as_date() == *Date::parse("2012-08-01"));
  CHECK(d.empty());
  for (std::string_view bad : {"1.00001",
                               "1.2.3",
                               "date(\"2012-08-01x\")",
                               "date(\"2023-02-29\")",
                               "date(20120801)",
                               "members",
                               "and",
                               "a b",
                               "",
                               "   ",
                               "f(",
                               "count(x)",
                               "sum(members)",
                               "household.",
                               "household.1",
                               "a ! b",
                               "a | b",
                               "a @ b",
                               "x in 1",
                               "x in [1,",
                               "if a then b"}) {
    INFO(bad);
    Diagnostics errors;
    CHECK_FALSE(parse(bad, errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "E010");
  }
}

TEST_CASE("expression syntax errors are E010 at the offending character", "[load][errors]") {
  auto d = load_errors({{"rules.yaml", rule_file("flag && other_flag")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:16: E010 '&' is not an operator; use 'and' / 'or'"});
  d = load_errors({{"rules.yaml", rule_file("size = 1")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:16: E010 '=' is not an operator; compare with '=='"});
  d = load_errors({{"rules.yaml", rule_file("'size > 1 )'")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:21: E010 unexpected text after expression"});
  d = load_errors({{"rules.yaml", rule_file("'1 < size < 3'")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:21: E010 unexpected text after expression"});
  d = load_errors({{"rules.yaml", rule_file("'date(\"2012-02-30\") < start'")}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "E010");
  CHECK(d[0].column == 17);
  d = load_errors({{"rules.yaml", rule_file("'label == \"open'")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:21: E010 string not closed: expected '\"'"});
  // Columns are bytes, like yaml-cpp's: a Chinese string before the error moves it by 3 per
  // character.
  d = load_errors({{"rules.yaml", rule_file("'label == \"中文\" and and'")}});
  CHECK(brief(d) == Lines{"rules.yaml:5:34: E010 expected a value here, found 'and'"});
  // Structured conditions: each item is its own expression.
  d = load_errors({{"rules.yaml", rule_file("\n      all:\n        - flag\n        - size >")}});
  CHECK(brief(d) ==
        Lines{"rules.yaml:8:17: E010 expression ends too early: expected a value here"});
  d = load_errors({{"rules.yaml", rule_file("\n      every:\n        - flag")}});
  CHECK(brief(d) == Lines{"rules.yaml:6:7: E003 unknown condition 'every'; expected all, any or "
                          "not"});
}

TEST_CASE("limits: long and deep expressions are E002", "[load][errors][limits]") {
  std::string deep(100, '(');
  deep += "flag" + std::string(100, ')');
  auto d = load_errors({{"rules.yaml", rule_file(deep)}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "E002");
  CHECK(d[0].message.find("max_expression_depth") != std::string::npos);
  std::string nots;
  for (int i = 0; i < 10000; ++i)
    nots += "not ";
  d = load_errors({{"rules.yaml", rule_file(nots + "flag")}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "E002");
}

}  // namespace
}  // namespace entitle
