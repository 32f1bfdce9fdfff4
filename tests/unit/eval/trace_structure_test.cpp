// The trace is a DAG whose shared definition subtrees must stay where they were recorded: a
// regression test for subtrees recorded while evaluating a recipient filter that came out false
// (the evaluator cuts those trace nodes off again, and a later use of the same definition must
// not link to the cut-off indices, which other nodes reuse).
#include <catch2/catch.hpp>

#include "compile/program.hpp"
#include "entitle/evaluate.hpp"
#include "support/package.hpp"

namespace entitle {
namespace {

using compile::OpCode;

TEST_CASE("every definition reference in a trace leads to that definition's expression",
          "[eval][trace]") {
  for (const char* name : {"urban-shidu-couple.yaml", "rural-two-daughters.yaml",
                           "floating-rural-daughter-zhongkao.yaml"}) {
    INFO(name);
    testing::HouseholdFile h;
    testing::load_household(testing::source_path("rules/wuhan-2012"),
                            testing::source_path(std::string("examples/households/") + name), h);
    const RuleSet::Impl& impl = h.rules->impl();
    Evaluator evaluator(h.rules);
    for (bool all : {false, true}) {
      const Result& result =
          evaluator.evaluate(h.facts, *Date::parse("2013-01-01"), EvalOptions{true, all});
      std::size_t references = 0, wrong = 0;
      for (const TraceNode& t : result.trace) {
        const auto& node = impl.nodes[t.source];
        if (node.op != OpCode::kHouseholdDefinition && node.op != OpCode::kMemberDefinition) {
          continue;
        }
        ++references;
        REQUIRE(t.first_child < result.trace.size());
        const TraceNode& child = result.trace[t.first_child];
        bool household = node.op == OpCode::kHouseholdDefinition;
        if (child.source != impl.definitions[node.a].root ||
            child.member != (household ? -1 : t.member)) {
          ++wrong;
        }
      }
      CHECK(references > 0);
      CHECK(wrong == 0);
    }
  }
}

}  // namespace
}  // namespace entitle
