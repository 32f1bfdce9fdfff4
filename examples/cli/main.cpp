// entitle: the command-line driver. Just another client of the public API.
#include <fmt/format.h>

#include <cstdio>
#include <exception>

#include "cli.hpp"
#include "entitle/diagnostic.hpp"
#include "entitle/entitle.h"

namespace entitle::cli {

std::shared_ptr<const RuleSet> load_rules_or_report(const std::string& directory,
                                                    const Limits& limits) {
  LoadResult loaded = load_ruleset(directory, LoadOptions{limits});
  report(loaded.diagnostics);
  if (!loaded.rules) {
    std::size_t errors = 0;
    for (const auto& d : loaded.diagnostics)
      errors += d.severity == Severity::kError;
    std::fprintf(stderr, "entitle: %zu error%s in policy package %s\n", errors,
                 errors == 1 ? "" : "s", directory.c_str());
  }
  return loaded.rules;
}

std::optional<std::string> read_input(const std::string& path, std::size_t max_bytes) {
  Diagnostic problem;
  problem.file = path == "-" ? "<stdin>" : path;
  std::FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  std::string text;
  if (in) {
    char buffer[65536];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0 && text.size() + n <= max_bytes)
      text.append(buffer, n);
    if (n > 0) {
      problem.code = std::string(codes::kFactLimit);
      problem.message =
          fmt::format("the input is more than {} bytes (limit max_household_bytes)", max_bytes);
    } else if (std::ferror(in)) {
      problem.code = std::string(codes::kUnreadableFile);
      problem.message = "cannot read the input";
    }
    if (in != stdin) std::fclose(in);
  } else {
    problem.code = std::string(codes::kUnreadableFile);
    problem.message = "cannot read the file";
  }
  if (!problem.code.empty()) {
    report({problem});
    return std::nullopt;
  }
  return text;
}

void report(const Diagnostics& diagnostics) {
  if (diagnostics.empty()) return;
  std::fputs(format_diagnostics(diagnostics).c_str(), stderr);
  for (const auto& d : diagnostics) {
    if (d.code == codes::kLimitExceeded || d.code == codes::kFactLimit ||
        d.code == codes::kEvalLimit) {
      std::fputs("entitle: a limit can be raised with --limit NAME=VALUE (see --help)\n", stderr);
      return;
    }
  }
}

void add_limit_option(CLI::App& cmd, const std::shared_ptr<Limits>& limits) {
  std::string help = "Change a resource limit (repeatable; docs/limits.md). Defaults: ";
  std::vector<std::string> defaults = describe_limits(Limits{});
  for (std::size_t i = 0; i < defaults.size(); ++i)
    help += (i ? ", " : "") + defaults[i];
  cmd.add_option_function<std::vector<std::string>>(
         "--limit",
         [limits](const std::vector<std::string>& specs) {
           for (const auto& spec : specs) {
             auto equals = spec.find('=');
             set_limit(*limits, spec.substr(0, equals), spec.substr(equals + 1));
           }
         },
         help)
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false)
      ->check(CLI::Validator(
          [](std::string& spec) -> std::string {
            auto equals = spec.find('=');
            if (equals == std::string::npos) return "expected NAME=VALUE, found '" + spec + "'";
            Limits scratch;
            return set_limit(scratch, spec.substr(0, equals), spec.substr(equals + 1));
          },
          ""));
}

bool read_household(const RuleSet& rules, const std::string& path, Facts& facts) {
  auto text = read_input(path, rules.limits().max_household_bytes);
  if (!text) return false;
  Diagnostics diagnostics;
  std::string name = path == "-" ? "<stdin>" : path;
  bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  bool ok = json ? bind_json(rules, *text, name, facts, diagnostics)
                 : bind_household(rules, *text, name, facts, diagnostics);
  if (!ok) report(diagnostics);
  return ok;
}

std::optional<Date> evaluation_date(const std::string& as_of, const Facts& facts,
                                    const std::string& path) {
  std::optional<Date> date = as_of.empty() ? facts.as_of() : Date::parse(as_of);
  if (!date) {
    Diagnostic missing;
    missing.code = std::string(codes::kMissingFact);
    missing.file = path == "-" ? "<stdin>" : path;
    missing.path = "as_of";
    missing.message =
        "no evaluation date: give --as-of YYYY-MM-DD or an as_of field in the household";
    report({missing});
  }
  return date;
}

void add_population_options(CLI::App& cmd, unsigned& threads, std::string& input_format) {
  cmd.add_option("--threads", threads, "Working threads (default: the number of cores)")
      ->check(CLI::Range(1u, 1024u));
  cmd.add_option("--input-format", input_format,
                 "Input format (default: csv for a .csv file, else jsonl)")
      ->check(CLI::IsMember({"jsonl", "csv"}));
}

BatchFormat population_format(const std::string& input, const std::string& input_format) {
  if (!input_format.empty())
    return input_format == "csv" ? BatchFormat::kCsv : BatchFormat::kJsonLines;
  bool csv_name = input.size() > 4 && input.compare(input.size() - 4, 4, ".csv") == 0;
  return csv_name ? BatchFormat::kCsv : BatchFormat::kJsonLines;
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
  add_diff_command(app, run);
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
