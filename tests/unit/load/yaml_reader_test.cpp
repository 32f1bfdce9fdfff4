// load::parse_yaml and the yaml-cpp hazards of HAZARDS.md.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "load/document.hpp"

namespace entitle::load {
namespace {

struct Parsed {
  Node root;
  Diagnostics diagnostics;
};

Parsed parse(std::string text, const Limits& limits = {}) {
  SourceFile file{"f.yaml", std::move(text)};
  Parsed p;
  p.root = parse_yaml(file, limits, p.diagnostics);
  return p;
}

// "line:col CODE" of the only diagnostic.
std::string only_error(const Parsed& p) {
  REQUIRE(p.diagnostics.size() == 1);
  const Diagnostic& d = p.diagnostics[0];
  CHECK(d.file == "f.yaml");
  return fmt::format("{}:{} {}", d.line, d.column, d.code);
}

TEST_CASE("parse_yaml builds a tree with positions and scalar styles", "[load][yaml]") {
  auto p = parse("a: 1\nb:\n  - x\n  - \"y\"\n  - 'z'\nc: {d: true}\ne:\n");
  REQUIRE(p.diagnostics.empty());
  REQUIRE(p.root.is_map());
  REQUIRE(p.root.entries.size() == 4);
  CHECK(p.root.entries[0].first.scalar == "a");
  CHECK(p.root.entries[0].first.position.line == 1);
  CHECK(p.root.entries[0].first.position.column == 1);
  CHECK(p.root.entries[0].second.scalar == "1");
  CHECK(p.root.entries[0].second.position.column == 4);
  CHECK(p.root.entries[0].second.style == Node::Style::kPlain);
  const Node* b = p.root.find("b");
  REQUIRE(b);
  REQUIRE(b->is_sequence());
  REQUIRE(b->items.size() == 3);
  CHECK(b->items[1].style == Node::Style::kQuoted);
  CHECK(b->items[1].position.line == 4);
  CHECK(b->items[1].position.column == 5);
  CHECK(b->items[2].style == Node::Style::kQuoted);
  const Node* c = p.root.find("c");
  REQUIRE(c);
  REQUIRE(c->find("d"));
  CHECK(c->find("d")->position.line == 6);
  CHECK(c->find("d")->position.column == 8);
  CHECK(p.root.find("e")->is_null());
  CHECK(p.root.find("nope") == nullptr);
}

TEST_CASE("an empty file is a null document", "[load][yaml]") {
  auto p = parse("");
  CHECK(p.diagnostics.empty());
  CHECK(p.root.is_null());
  p = parse("# only a comment\n");
  CHECK(p.diagnostics.empty());
  CHECK(p.root.is_null());
}

TEST_CASE("malformed YAML is E001 at its position", "[load][yaml][hazard]") {
  CHECK(only_error(parse("a: [1, 2\n")).find("E001") != std::string::npos);
  CHECK(only_error(parse("a: 1\n b: 2\n")).find("E001") != std::string::npos);
  // yaml-cpp accepts these two silently: an unclosed quote before the end, and text after a
  // flow collection.
  CHECK(only_error(parse("a: \"open\n")) == "1:4 E001");
  CHECK(only_error(parse("a: 'open\n\n")) == "1:4 E001");
  CHECK(only_error(parse("t: 中文\nb: \"x\n")) == "2:4 E001");
  CHECK(parse("a: 'it''s'\nb: \"q\\\"r\"\n").diagnostics.empty());
  CHECK(only_error(parse("{a: 1} x\n")) == "1:8 E001");
  CHECK(only_error(parse("[1] x\n")) == "1:5 E001");
  auto p = parse("a: 1\nb: @x\n");
  CHECK(only_error(p) == "2:4 E001");
  CHECK(p.diagnostics[0].source_line == "b: @x");
}

TEST_CASE("LoadAll(\",\") hazard: a lone comma returns promptly with an error",
          "[load][yaml][hazard]") {
  // yaml-cpp 0.7's LoadAll never returns on this input; parse_yaml reads one document only.
  for (std::string text : {",", ",\n", "- ,\n", ", ,", "a: ,\n,"}) {
    INFO(text);
    auto p = parse(text);
    CHECK(only_error(p).find("E001") != std::string::npos);
  }
}

TEST_CASE("a second document is rejected, not parsed", "[load][yaml][hazard]") {
  CHECK(only_error(parse("a: 1\n---\nb: 2\n")) == "2:1 E001");
  CHECK(only_error(parse("---\na: 1\n...\n---\n,\n")) == "4:1 E001");
  CHECK(only_error(parse("a: 1\n...\nb: 2\n")) == "3:1 E001");
  CHECK(parse("a: 1\n...\n").diagnostics.empty());
  CHECK(only_error(parse("a: 1\n--- ,\n")) == "2:1 E001");
  // A leading marker alone is one document.
  auto p = parse("---\na: 1\n");
  CHECK(p.diagnostics.empty());
  CHECK(p.root.find("a"));
  // '---' inside a scalar is not a marker.
  p = parse("a: \"x\n---y\"\n");
  CHECK(p.diagnostics.empty());
}

TEST_CASE("deep nesting stops at max_yaml_depth with E002, not a crash", "[load][yaml][hazard]") {
  SECTION("10,000 open brackets") {
    auto p = parse(std::string(10000, '['));
    CHECK(only_error(p).find("E002") != std::string::npos);
    CHECK(p.diagnostics[0].message.find("max_yaml_depth") != std::string::npos);
  }
  SECTION("10,000 nested flow mappings") {
    std::string text;
    for (int i = 0; i < 10000; ++i)
      text += "{a: ";
    CHECK(only_error(parse(text)).find("E002") != std::string::npos);
  }
  SECTION("a deep block mapping") {
    std::string text;
    for (int i = 0; i < 200; ++i)
      text += std::string(static_cast<std::size_t>(i) * 2, ' ') + "a:\n";
    auto p = parse(text);
    CHECK(only_error(p) == "65:129 E002");
  }
  SECTION("a deep block sequence") {
    std::string text;
    for (int i = 0; i < 1000; ++i)
      text += "- ";
    text += "x\n";
    CHECK(only_error(parse(text)).find("E002") != std::string::npos);
  }
  SECTION("the limit is a limit: exactly max_yaml_depth levels load") {
    Limits limits;
    limits.max_yaml_depth = 5;
    CHECK(parse("[[[[[1]]]]]", limits).diagnostics.empty());
    CHECK(only_error(parse("[[[[[[1]]]]]]", limits)) == "1:6 E002");
  }
}

TEST_CASE("anchors and aliases are E007: billion laughs, self-reference", "[load][yaml][hazard]") {
  std::string laughs =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    char prev = static_cast<char>(c - 1);
    laughs += fmt::format("{0}: &{0} [*{1},*{1},*{1},*{1},*{1},*{1},*{1},*{1},*{1}]\n", c, prev);
  }
  CHECK(only_error(parse(laughs)) == "1:4 E007");
  CHECK(only_error(parse("&a [*a]")) == "1:1 E007");
  CHECK(only_error(parse("a: 1\nb: *x\n")).find("2:4") != std::string::npos);
  auto p = parse("a: &x 1\n");
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics[0].code == "E007");
  CHECK(p.diagnostics[0].line == 1);
}

TEST_CASE("duplicate keys are E006 at the second key", "[load][yaml][hazard]") {
  auto p = parse("a: 1\nb: 2\na: 3\n");
  CHECK(only_error(p) == "3:1 E006");
  CHECK(p.diagnostics[0].message == "duplicate key 'a'");
  CHECK(only_error(parse("x: {k: 1, k: 2}\n")) == "1:11 E006");
  CHECK(only_error(parse("- a: 1\n  a: 1\n")) == "2:3 E006");
  // The same key in different mappings is fine.
  CHECK(parse("- a: 1\n- a: 1\n").diagnostics.empty());
}

TEST_CASE("the merge key << is E007", "[load][yaml][hazard]") {
  CHECK(only_error(parse("a: 1\n<<: {b: 2}\n")) == "2:1 E007");
  // Quoted, it is an ordinary key.
  CHECK(parse("\"<<\": 1\n").diagnostics.empty());
}

TEST_CASE("tags and non-scalar keys are rejected", "[load][yaml]") {
  CHECK(only_error(parse("a: !!str 1\n")).find("E001") != std::string::npos);
  CHECK(only_error(parse("a: !custom x\n")).find("E001") != std::string::npos);
  CHECK(only_error(parse("? [a, b]\n: 1\n")).find("E001") != std::string::npos);
  CHECK(only_error(parse("{[a]: 1}\n")).find("E001") != std::string::npos);
}

TEST_CASE("invalid UTF-8 is E009 at the bad byte", "[load][yaml][hazard]") {
  CHECK(only_error(parse("a: ok\nb: x\xff\n")) == "2:5 E009");
  CHECK(only_error(parse("\xc0\xaf: 1\n")) == "1:1 E009");      // overlong
  CHECK(only_error(parse("a: \xed\xa0\x80\n")) == "1:4 E009");  // surrogate
  CHECK(parse("名字: 张三\n").diagnostics.empty());
}

}  // namespace
}  // namespace entitle::load
