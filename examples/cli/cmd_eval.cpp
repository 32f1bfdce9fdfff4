// entitle eval --rules DIR [--as-of DATE] [--format text|json] [--lang zh|en] [--explain]
//              [--omit-not-granted] [--limit NAME=VALUE]... FILE
#include <cstdio>

#include "cli.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "entitle/render.hpp"

namespace entitle::cli {

namespace {

struct EvalArgs {
  std::string rules;
  std::string as_of;
  std::string format = "text";
  std::string lang = "en";
  bool explain = false;
  bool omit_not_granted = false;
  std::string input;
  std::shared_ptr<Limits> limits = std::make_shared<Limits>();
};

int run_eval(const EvalArgs& args) {
  auto rules = load_rules_or_report(args.rules, *args.limits);
  if (!rules) return kExitBadPackage;
  Facts facts;
  if (!read_household(*rules, args.input, facts)) return kExitBadInput;
  std::optional<Date> as_of = evaluation_date(args.as_of, facts, args.input);
  if (!as_of) return kExitBadInput;
  Evaluator evaluator(rules);
  const Result& result = evaluator.evaluate(facts, *as_of, EvalOptions{args.explain});
  if (auto stopped = step_budget_exceeded(*rules, result)) {
    report({*stopped});
    return kExitFailed;
  }
  RenderOptions options;
  options.lang = args.lang;
  options.explain = args.explain;
  options.not_granted = !args.omit_not_granted;
  std::string out;
  if (args.format == "json") {
    render_json(*rules, facts, result, options, out);
    out += '\n';
  } else {
    out = render_text(*rules, facts, result, options);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void add_eval_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate one household (YAML or JSON) as of a date");
  cmd->add_option("--rules", args->rules, "Policy package folder")->required();
  cmd->add_option("--as-of", args->as_of, "Evaluation date (default: the household's as_of)")
      ->check(date_validator());
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--lang", args->lang, "Language of the text output")
      ->check(CLI::IsMember({"zh", "en"}));
  cmd->add_flag("--explain", args->explain, "Include the explanation trace of every rule");
  cmd->add_flag("--omit-not-granted", args->omit_not_granted,
                "Leave out the rules that were decided against");
  add_limit_option(*cmd, args->limits);
  cmd->add_option("FILE", args->input, "Household file (.yaml, .yml or .json), or - for stdin")
      ->required();
  cmd->callback([&run, args] { run = [args] { return run_eval(*args); }; });
}

}  // namespace entitle::cli
