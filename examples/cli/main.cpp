// entitle: the command-line driver. Just another client of the public API.
#include <cstdio>
#include <exception>

#include "cli.hpp"
#include "entitle/diagnostic.hpp"
#include "entitle/entitle.h"
#include "load/package_loader.hpp"

namespace entitle::cli {

std::shared_ptr<const RuleSet> load_rules_or_report(const std::string& directory) {
  LoadResult loaded = load_ruleset(directory);
  if (!loaded.diagnostics.empty()) {
    std::fputs(format_diagnostics(loaded.diagnostics).c_str(), stderr);
  }
  if (!loaded.rules) {
    std::size_t errors = 0;
    for (const auto& d : loaded.diagnostics)
      errors += d.severity == Severity::kError;
    std::fprintf(stderr, "entitle: %zu error%s in policy package %s\n", errors,
                 errors == 1 ? "" : "s", directory.c_str());
  }
  return loaded.rules;
}

std::optional<std::string> read_input(const std::string& path) {
  if (path == "-") {
    std::string text;
    char buffer[65536];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0)
      text.append(buffer, n);
    return text;
  }
  load::SourceFile file;
  Diagnostics diagnostics;
  // Households are small; the package-file limit is a generous bound for a single input file.
  if (!load::read_source_file(path, std::size_t{1} << 30, file, diagnostics)) {
    std::fputs(format_diagnostics(diagnostics).c_str(), stderr);
    return std::nullopt;
  }
  return std::move(file.text);
}

bool read_household(const RuleSet& rules, const std::string& path, Facts& facts) {
  auto text = read_input(path);
  if (!text) return false;
  Diagnostics diagnostics;
  std::string name = path == "-" ? "<stdin>" : path;
  bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  bool ok = json ? bind_json(rules, *text, name, facts, diagnostics)
                 : bind_household(rules, *text, name, facts, diagnostics);
  if (!ok) std::fputs(format_diagnostics(diagnostics).c_str(), stderr);
  return ok;
}

std::optional<Date> evaluation_date(const std::string& as_of, const Facts& facts,
                                    const std::string& path) {
  std::optional<Date> date = as_of.empty() ? facts.as_of() : Date::parse(as_of);
  if (!date) {
    std::fprintf(stderr,
                 "%s: error: no evaluation date: give --as-of YYYY-MM-DD or an as_of field in "
                 "the household\n",
                 path == "-" ? "<stdin>" : path.c_str());
  }
  return date;
}

CLI::Validator date_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (Date::parse(text)) return {};
        return "expected a date YYYY-MM-DD between " + std::to_string(Date::kMinYear) + " and " +
               std::to_string(Date::kMaxYear) + ", found '" + text + "'";
      },
      "DATE");
}

}  // namespace entitle::cli

int main(int argc, char** argv) {
  using namespace entitle::cli;
  CLI::App app{"entitle — subsidy eligibility and entitlement rules engine"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("entitle ") + entitle_version());
  Runner run;
  add_eval_command(app, run);
  add_test_command(app, run);
  add_lint_command(app, run);
  add_schema_command(app, run);
  add_explain_command(app, run);
  add_batch_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    return run ? run() : kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "entitle: internal error: %s\n", e.what());
    return 70;
  }
}
