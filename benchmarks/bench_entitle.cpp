// Micro-benchmarks of entitle on the Wuhan package and a generated population (benchmarks/
// README.md says how to run them and records the numbers). Each benchmark reports
// items_per_second = households per second on one thread.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "baseline.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "entitle/render.hpp"
#include "entitle/ruleset.hpp"
#include "population.hpp"

namespace {

using namespace entitle;

const std::string kPackage = std::string(ENTITLE_SOURCE_DIR) + "/rules/wuhan-2012";
constexpr std::uint64_t kSeed = 2012;
constexpr std::size_t kHouseholds = 256;
const Date kAsOf = *Date::parse("2013-06-01");

// The shared fixture: the package, the population as JSON lines, and each household bound.
struct Population {
  std::shared_ptr<const RuleSet> rules;
  std::vector<std::string> lines;
  std::vector<Facts> facts;

  Population() {
    auto loaded = load_ruleset(kPackage);
    if (!loaded.rules) {
      std::fprintf(stderr, "%s", format_diagnostics(loaded.diagnostics).c_str());
      std::abort();
    }
    rules = loaded.rules;
    facts.resize(kHouseholds);
    for (std::size_t i = 0; i < kHouseholds; ++i) {
      std::string line;
      bench::append_household(kSeed, i, kAsOf, bench::PopulationFormat::kJsonLines, line);
      line.pop_back();  // the newline
      Diagnostics diagnostics;
      if (!bind_json(*rules, line, "population", facts[i], diagnostics)) {
        std::fprintf(stderr, "%s", format_diagnostics(diagnostics).c_str());
        std::abort();
      }
      lines.push_back(std::move(line));
    }
  }
};

const Population& population() {
  static const Population p;
  return p;
}

void evaluate(benchmark::State& state, bool trace) {
  const Population& p = population();
  Evaluator evaluator(p.rules);
  std::size_t i = 0;
  for (auto _ : state) {
    const Result& r = evaluator.evaluate(p.facts[i], kAsOf, EvalOptions{trace});
    benchmark::DoNotOptimize(&r);
    i = (i + 1) % kHouseholds;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_EvaluateTraceOff(benchmark::State& state) {
  evaluate(state, false);
}
BENCHMARK(BM_EvaluateTraceOff);

void BM_EvaluateTraceOn(benchmark::State& state) {
  evaluate(state, true);
}
BENCHMARK(BM_EvaluateTraceOn);

void BM_LoadPackage(benchmark::State& state) {
  for (auto _ : state) {
    auto loaded = load_ruleset(kPackage);
    if (!loaded.rules) state.SkipWithError("the package did not load");
    benchmark::DoNotOptimize(loaded.rules.get());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_LoadPackage)->Unit(benchmark::kMillisecond);

// JSON text of one household → bound Facts.
void BM_ParseHousehold(benchmark::State& state) {
  const Population& p = population();
  Facts facts;
  Diagnostics diagnostics;
  std::size_t i = 0;
  for (auto _ : state) {
    bool ok = bind_json(*p.rules, p.lines[i], "population", facts, diagnostics);
    benchmark::DoNotOptimize(ok);
    i = (i + 1) % kHouseholds;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseHousehold);

void BM_RenderJson(benchmark::State& state) {
  const Population& p = population();
  Evaluator evaluator(p.rules);
  std::vector<Result> results;
  for (const auto& f : p.facts)
    results.push_back(evaluator.evaluate(f, kAsOf));
  std::string out;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    out.clear();
    render_json(*p.rules, p.facts[i], results[i], RenderOptions{}, out);
    bytes += out.size();
    i = (i + 1) % kHouseholds;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_RenderJson);

void BM_DecisionId(benchmark::State& state) {
  const Population& p = population();
  std::size_t i = 0;
  for (auto _ : state) {
    auto id = decision_id(*p.rules, p.facts[i], kAsOf);
    benchmark::DoNotOptimize(id);
    i = (i + 1) % kHouseholds;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_DecisionId);

// One JSON line in, one JSON line out, in memory: what one `entitle batch` thread does per record.
// Argument 1: the full result contract; 0: without the not_granted list (--omit-not-granted).
void BM_EndToEnd(benchmark::State& state) {
  const Population& p = population();
  Evaluator evaluator(p.rules);
  Facts facts;
  Diagnostics diagnostics;
  RenderOptions options;
  options.not_granted = state.range(0) != 0;
  std::string out;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    out.clear();
    if (bind_json(*p.rules, p.lines[i], "population", facts, diagnostics)) {
      const Result& r = evaluator.evaluate(facts, kAsOf);
      render_json(*p.rules, facts, r, options, out);
    }
    benchmark::DoNotOptimize(out.data());
    bytes += out.size();
    i = (i + 1) % kHouseholds;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EndToEnd)->ArgName("not_granted")->Arg(1)->Arg(0);

// --- the hand-written speed-of-light baseline (baseline.hpp), same input ---

void BM_BaselineEvaluate(benchmark::State& state) {
  const Population& p = population();
  std::vector<bench::BaselineHousehold> households(kHouseholds);
  bench::BaselineParser parser;
  for (std::size_t i = 0; i < kHouseholds; ++i)
    parser.parse(p.lines[i], households[i]);
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = bench::baseline_evaluate(households[i], kAsOf.days, nullptr);
    benchmark::DoNotOptimize(r);
    i = (i + 1) % kHouseholds;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_BaselineEvaluate);

void BM_BaselineParse(benchmark::State& state) {
  const Population& p = population();
  bench::BaselineParser parser;
  bench::BaselineHousehold h;
  std::size_t i = 0;
  for (auto _ : state) {
    bool ok = parser.parse(p.lines[i], h);
    benchmark::DoNotOptimize(ok);
    i = (i + 1) % kHouseholds;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_BaselineParse);

void BM_BaselineEndToEnd(benchmark::State& state) {
  const Population& p = population();
  bench::BaselineParser parser;
  bench::BaselineHousehold h;
  std::string out;
  std::size_t i = 0;
  for (auto _ : state) {
    out.clear();
    if (parser.parse(p.lines[i], h)) bench::baseline_evaluate(h, kAsOf.days, &out);
    benchmark::DoNotOptimize(out.data());
    i = (i + 1) % kHouseholds;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_BaselineEndToEnd);

}  // namespace

BENCHMARK_MAIN();
