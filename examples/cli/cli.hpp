// Shared pieces of the `entitle` command-line driver. Each verb lives in its own cmd_*.cpp and
// registers itself with CLI11 in main.cpp; the driver uses only the public API.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "entitle/batch.hpp"
#include "entitle/facts.hpp"
#include "entitle/ruleset.hpp"

namespace entitle::cli {

// Exit statuses, documented in README "Command line".
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;         // a policy test failed, a record was bad, …
inline constexpr int kExitUsage = 2;          // wrong command line
inline constexpr int kExitBadPackage = 3;     // the policy package has errors
inline constexpr int kExitBadInput = 4;       // the household or population input is unusable
inline constexpr int kExitCannotWrite = 5;    // the output could not be written
inline constexpr int kExitInterrupted = 130;  // stopped by Ctrl-C (SIGINT) or SIGTERM

// Loads a package with `limits`, printing its diagnostics to stderr; null when it has errors.
std::shared_ptr<const RuleSet> load_rules_or_report(const std::string& directory,
                                                    const Limits& limits = {});

// Reads a whole file, or stdin for "-", of at most `max_bytes` (limit max_household_bytes);
// nullopt with a diagnostic on stderr when unreadable or longer, having read at most
// max_bytes + 64 KiB of it.
std::optional<std::string> read_input(const std::string& path, std::size_t max_bytes);

// Prints diagnostics to stderr, followed by how to raise a limit when one of them is a limit.
void report(const Diagnostics& diagnostics);

// Adds the repeatable option `--limit NAME=VALUE` to `cmd`; each value is checked when the
// command line is parsed and applied to `*limits` (the command's own Limits) as it is.
void add_limit_option(CLI::App& cmd, const std::shared_ptr<Limits>& limits);

// Reads and binds one household (YAML or JSON, by the file name or the first character), or
// stdin for "-", within the rule set's limits; false with the problems on stderr when it is
// unusable.
bool read_household(const RuleSet& rules, const std::string& path, Facts& facts);

// The evaluation date: `as_of` (YYYY-MM-DD) when given, else the household's as_of; nullopt with
// a diagnostic (F004 at as_of) on stderr when neither is there.
std::optional<Date> evaluation_date(const std::string& as_of, const Facts& facts,
                                    const std::string& path);

// Adds `--threads N` and `--input-format jsonl|csv`, the options of `batch` and `diff` that say
// how a population is read and evaluated.
void add_population_options(CLI::App& cmd, unsigned& threads, std::string& input_format);

// The format of a population for `batch` and `diff`: `input_format` ("jsonl" or "csv") when
// given, else CSV for a file named *.csv and JSON Lines otherwise.
BatchFormat population_format(const std::string& input, const std::string& input_format);

// "YYYY-MM-DD" validator for CLI11 options.
CLI::Validator date_validator();

// Each verb adds its subcommand; `run` is set to the function that executes it.
using Runner = std::function<int()>;
void add_eval_command(CLI::App& app, Runner& run);
void add_test_command(CLI::App& app, Runner& run);
void add_lint_command(CLI::App& app, Runner& run);
void add_schema_command(CLI::App& app, Runner& run);
void add_explain_command(CLI::App& app, Runner& run);
void add_batch_command(CLI::App& app, Runner& run);
void add_diff_command(CLI::App& app, Runner& run);

}  // namespace entitle::cli
