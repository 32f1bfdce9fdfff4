// A traced definition's subtree is recorded once and shared by its uses (evaluator.cpp). Trace
// that is cut back (a member who is not a recipient) must take its recorded subtrees with it:
// a use recorded later must not point into nodes that were reused since.
#include <catch2/catch.hpp>

#include "compile/program.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "population.hpp"

namespace entitle {
namespace {

TEST_CASE("traced definition uses point at their own definition", "[eval][trace]") {
  auto loaded = load_ruleset(std::string(ENTITLE_SOURCE_DIR) + "/rules/wuhan-2012");
  REQUIRE(loaded.rules);
  const auto& impl = loaded.rules->impl();
  Evaluator evaluator(loaded.rules);
  const Date as_of = *Date::parse("2013-06-01");
  std::size_t checked = 0;
  for (std::uint64_t i = 0; i < 200; ++i) {
    std::string line;
    bench::append_household(99, i, as_of, bench::PopulationFormat::kJsonLines, line);
    Facts facts;
    Diagnostics diagnostics;
    REQUIRE(bind_json(*loaded.rules, line, "population", facts, diagnostics));
    const Result& result = evaluator.evaluate(facts, as_of, EvalOptions{true});
    for (const TraceNode& t : result.trace) {
      const compile::Node& node = impl.nodes[t.source];
      if (node.op != compile::OpCode::kHouseholdDefinition &&
          node.op != compile::OpCode::kMemberDefinition) {
        continue;
      }
      INFO("household " << i << ", definition " << impl.definitions[node.a].name);
      REQUIRE(t.first_child != kNoTrace);
      const TraceNode& root = result.trace[t.first_child];
      CHECK(root.source == impl.definitions[node.a].root);
      if (node.op == compile::OpCode::kMemberDefinition) CHECK(root.member == t.member);
      ++checked;
    }
  }
  CHECK(checked > 1000);
}

}  // namespace
}  // namespace entitle
