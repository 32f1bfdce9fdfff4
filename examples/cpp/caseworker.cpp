// A caseworker system's back end in C++: loads a policy package once, then computes the
// entitlements of each household through the C++ API, reading the typed Result directly.
//
//   caseworker [--rules DIR] HOUSEHOLD.(yaml|json)...
//
// DIR defaults to the installed Wuhan 2012 package. For each household prints tab-separated
// lines: `household ID AS_OF`, then `granted RULE RECIPIENT AMOUNT PERIOD` per entitlement
// (AMOUNT is "-" for non-cash grants), `undetermined RULE RECIPIENT MISSING,FACTS` per rule the
// facts cannot decide, and `annual TOTAL CURRENCY`. Exit status 3: bad package; 4: bad household.
#include <entitle/evaluate.hpp>
#include <entitle/facts.hpp>
#include <entitle/render.hpp>
#include <entitle/ruleset.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string recipient(const entitle::Facts& facts, int member) {
  return member < 0 ? "household" : std::string(facts.member_id(member));
}

}  // namespace

int main(int argc, char** argv) {
  std::string rules_dir = std::string(ENTITLE_RULES_DIR) + "/wuhan-2012";
  std::vector<std::string> households;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--rules" && i + 1 < argc) {
      rules_dir = argv[++i];
    } else {
      households.push_back(arg);
    }
  }

  entitle::LoadResult loaded = entitle::load_ruleset(rules_dir);
  std::cerr << entitle::format_diagnostics(loaded.diagnostics);
  if (!loaded.rules) return 3;
  const entitle::RuleSet& rules = *loaded.rules;

  // One Evaluator and one Facts for all households: their buffers are reused.
  entitle::Evaluator evaluator(loaded.rules);
  entitle::Facts facts;
  int status = 0;
  for (const std::string& path : households) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    entitle::Diagnostics diagnostics;
    if (!in || !entitle::bind_household(rules, text.str(), path, facts, diagnostics) ||
        !facts.as_of()) {
      std::cerr << path << ": unusable household (or no as_of)\n"
                << entitle::format_diagnostics(diagnostics);
      status = 4;
      continue;
    }
    const entitle::Result& result = evaluator.evaluate(facts, *facts.as_of());
    std::cout << "household\t" << result.household_id << '\t' << result.as_of.to_string() << '\n';
    for (const entitle::RuleOutcome& o : result.outcomes) {
      const entitle::RuleInfo& rule = rules.rule(o.rule);
      if (o.outcome == entitle::Outcome::kGranted) {
        std::cout << "granted\t" << rule.id << '\t' << recipient(facts, o.member) << '\t'
                  << (o.has_amount ? o.amount.to_string(2) : "-") << '\t'
                  << entitle::to_string(rule.period) << '\n';
      } else if (o.outcome == entitle::Outcome::kUndetermined) {
        std::cout << "undetermined\t" << rule.id << '\t' << recipient(facts, o.member) << '\t';
        for (auto m = o.missing_begin; m < o.missing_end; ++m) {
          std::cout << (m == o.missing_begin ? "" : ",")
                    << entitle::missing_path(rules, result.missing[m]);
        }
        std::cout << '\n';
      }
    }
    std::cout << "annual\t" << result.totals.annual.to_string(2) << '\t' << rules.info().currency
              << '\n';
  }
  return status;
}
