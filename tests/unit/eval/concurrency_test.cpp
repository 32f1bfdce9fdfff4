// One RuleSet shared by many threads, each with its own Evaluator and Facts, must give exactly
// the results of a single thread. .ci/run also runs this under ThreadSanitizer.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "entitle/render.hpp"

namespace entitle {
namespace {

struct Case {
  std::string name;
  std::string household;  // YAML or JSON text
  Date as_of;
  bool trace = false;
};

std::vector<Case> cases() {
  std::vector<std::string> paths;
  for (const auto& entry :
       std::filesystem::directory_iterator(ENTITLE_SOURCE_DIR "/examples/households")) {
    paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Case> out;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    // Two dates, so that ages and parameters differ.
    for (const char* date : {"2013-01-01", "2016-02-29"}) {
      for (bool trace : {false, true}) {
        out.push_back({path + " " + date, text.str(), *Date::parse(date), trace});
      }
    }
  }
  return out;
}

// Binds and evaluates one case with `evaluator` and renders everything a caller could see.
std::string run(Evaluator& evaluator, Facts& facts, const Case& c) {
  Diagnostics diagnostics;
  if (!bind_household(evaluator.rules(), c.household, c.name, facts, diagnostics)) {
    return "bind failed: " + format_diagnostics(diagnostics);
  }
  const Result& result = evaluator.evaluate(facts, c.as_of, EvalOptions{c.trace});
  RenderOptions options;
  options.explain = c.trace;
  std::string out;
  render_json(evaluator.rules(), facts, result, options, out);
  options.lang = "zh";
  out += render_text(evaluator.rules(), facts, result, options);
  return out;
}

TEST_CASE("8 threads evaluating one RuleSet at once get the single-threaded results",
          "[concurrency]") {
  LoadResult loaded = load_ruleset(ENTITLE_SOURCE_DIR "/rules/wuhan-2012");
  REQUIRE(loaded.rules);
  const std::vector<Case> all = cases();
  REQUIRE(all.size() >= 32);

  std::vector<std::string> expected;
  {
    Evaluator evaluator(loaded.rules);
    Facts facts;
    for (const auto& c : all) {
      expected.push_back(run(evaluator, facts, c));
      REQUIRE(expected.back().rfind("bind failed", 0) == std::string::npos);
    }
  }
  // Results differ from case to case, so answers handed to the wrong thread would show (the
  // examples hold one household in both YAML and JSON).
  CHECK(std::set<std::string>(expected.begin(), expected.end()).size() > all.size() * 3 / 4);

  constexpr int kThreads = 8, kRounds = 2;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread starts at a different case, so different households, dates and trace modes
      // run at the same time; Evaluator and Facts are reused across cases, as in a batch.
      Evaluator evaluator(loaded.rules);
      Facts facts;
      for (int round = 0; round < kRounds; ++round) {
        for (std::size_t k = 0; k < all.size(); ++k) {
          got[t].push_back(
              run(evaluator, facts, all[(k + t * all.size() / kThreads) % all.size()]));
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(got[t].size() == kRounds * all.size());
    for (std::size_t k = 0; k < got[t].size(); ++k) {
      std::size_t i = (k % all.size() + t * all.size() / kThreads) % all.size();
      if (got[t][k] != expected[i]) FAIL("thread " << t << ", " << all[i].name << " differs");
    }
  }
}

}  // namespace
}  // namespace entitle
