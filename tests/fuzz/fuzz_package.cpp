// Policy package loader: any bytes as the files of a package in memory, through load, check and
// compile; a package that loads is then evaluated.
//
// Input format: the text up to the first marker line is package.yaml; each line "#@file NAME"
// starts the file NAME (a YAML comment, so a marker-free input is one valid package.yaml). A file
// named "household" is not part of the package: it is bound as the household to evaluate, else
// the evaluated household has two members and no facts (every rule sees unknowns).
#include <utility>
#include <vector>

#include "compile/program.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "fuzz.hpp"

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

Files split(std::string_view text) {
  Files files{{"package.yaml", ""}};
  constexpr std::string_view kMarker = "#@file ";
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line = text.substr(start, next - start);
    if (line.substr(0, kMarker.size()) == kMarker) {
      std::string_view name = line.substr(kMarker.size());
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r'))
        name.remove_suffix(1);
      files.emplace_back(std::string(name), "");
    } else {
      files.back().second.append(line);
    }
    start = next;
  }
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace entitle;
  Files files = split(fuzz::as_text(data, size));
  std::optional<std::string> household;
  for (auto it = files.begin(); it != files.end(); ++it) {
    if (it->first == "household") {
      household = std::move(it->second);
      files.erase(it);
      break;
    }
  }
  LoadOptions options;
  // A smaller step budget than the default keeps each run fast; the budget's logic is the same.
  options.limits.max_eval_steps = 100'000;
  LoadResult loaded = load_ruleset_from_files(std::move(files), options);
  if (!loaded.rules) {
    fuzz::check_rejected(loaded.diagnostics);
    return 0;
  }
  const RuleSet& rules = *loaded.rules;
  Facts facts;
  bool bound = false;
  if (household) {
    Diagnostics diagnostics;
    bound = bind_household(rules, *household, "household", facts, diagnostics);
    if (!bound) fuzz::check_rejected(diagnostics);
  }
  if (!bound) {
    const auto& impl = rules.impl();
    facts.reset(impl.household_fields.size(), impl.member_fields.size());
    // Ids from static storage: GCC 12 warns (-Wrestrict) about inlined copies of literals here.
    static const std::string kIds[] = {"h", "a", "b"};
    facts.set_household_id(kIds[0]);
    facts.add_member(kIds[1]);
    facts.add_member(kIds[2]);
    facts.finish_ids();
  }
  Date as_of = facts.as_of().value_or(*Date::parse("2013-06-01"));
  fuzz::evaluate_both_ways(loaded.rules, facts, as_of);
  return 0;
}
