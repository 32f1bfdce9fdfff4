// entitle schema DIR [--format json-schema|markdown]
#include <cstdio>

#include "cli.hpp"
#include "entitle/schema.hpp"

namespace entitle::cli {

namespace {

struct SchemaArgs {
  std::string package;
  std::string format = "json-schema";
};

int run_schema(const SchemaArgs& args) {
  auto rules = load_rules_or_report(args.package);
  if (!rules) return kExitBadPackage;
  std::string out = args.format == "markdown" ? facts_markdown(*rules) : facts_json_schema(*rules);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void add_schema_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<SchemaArgs>();
  CLI::App* cmd = app.add_subcommand(
      "schema", "Describe the household facts a package reads (JSON Schema or Markdown)");
  cmd->add_option("DIR", args->package, "Policy package folder")->required();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"json-schema", "markdown"}));
  cmd->callback([&run, args] { run = [args] { return run_schema(*args); }; });
}

}  // namespace entitle::cli
