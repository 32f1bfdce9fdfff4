// entitle diff --base DIR --reform DIR [--as-of DATE] [--format text|json|html] [--output FILE]
//              [--threads N] [--input-format jsonl|csv] [--top N] POPULATION|-
// A thin driver of entitle/diff.hpp: both packages over one pass of run_batch, then the report.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli.hpp"
#include "entitle/diff.hpp"

namespace entitle::cli {

namespace {

struct DiffArgs {
  std::string base, reform;
  std::shared_ptr<Limits> limits = std::make_shared<Limits>();
  std::string as_of;
  std::string format = "text";
  std::string output;
  unsigned threads = 0;
  std::string input_format;
  std::size_t top = 3;
  std::string input;
};

// Writes `text` to `path` whole or not at all: a temporary file beside it, renamed over it.
bool write_file(const std::string& path, const std::string& text) {
  std::string temporary = fmt::format("{}.{}.tmp", path, ::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    std::fprintf(stderr, "entitle: cannot create %s: %s\n", temporary.c_str(),
                 std::strerror(errno));
    return false;
  }
  std::string_view rest = text;
  bool ok = true;
  while (ok && !rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) rest.remove_prefix(static_cast<std::size_t>(n));
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  ok = ok && ::rename(temporary.c_str(), path.c_str()) == 0;
  if (!ok) {
    std::fprintf(stderr, "entitle: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
    ::unlink(temporary.c_str());
  }
  return ok;
}

int run_diff_command(const DiffArgs& args) {
  auto base = load_rules_or_report(args.base, *args.limits);
  auto reform = load_rules_or_report(args.reform, *args.limits);
  if (!base || !reform) return kExitBadPackage;
  if (std::string problem = diff_schema_problem(*base, *reform); !problem.empty()) {
    std::fprintf(stderr, "entitle: cannot compare %s with %s: %s\n", args.base.c_str(),
                 args.reform.c_str(), problem.c_str());
    return kExitBadPackage;
  }
  int in = 0;
  if (args.input != "-") {
    in = ::open(args.input.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      std::fprintf(stderr, "entitle: cannot open %s: %s\n", args.input.c_str(),
                   std::strerror(errno));
      return kExitBadInput;
    }
  }

  BatchOptions options;
  options.format = population_format(args.input, args.input_format);
  if (!args.as_of.empty()) options.as_of = Date::parse(args.as_of);
  DiffOptions diff_options;
  diff_options.top = args.top;
  unsigned threads = args.threads ? args.threads : default_batch_threads();
  std::vector<std::unique_ptr<DiffWorker>> workers;
  std::vector<BatchWorker*> pointers;
  std::vector<const DiffWorker*> views;
  for (unsigned i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<DiffWorker>(base, reform, diff_options));
    pointers.push_back(workers.back().get());
    views.push_back(workers.back().get());
  }
  // Records are bound with the reform's schema, which holds every fact of the base's.
  BatchStats stats = run_batch(
      *reform, [in](char* buffer, std::size_t size) { return ::read(in, buffer, size); },
      [](std::string_view) { return true; }, pointers, options);
  if (in > 0) ::close(in);
  if (!stats.failure.empty()) {
    std::fprintf(stderr, "entitle: %s\n", stats.failure.c_str());
    return kExitBadInput;
  }

  DiffReport report = make_diff_report(*base, *reform, views, stats, options.as_of, diff_options);
  std::string text = args.format == "json"   ? render_diff_json(report)
                     : args.format == "html" ? render_diff_html(report)
                                             : render_diff_text(report);
  if (!args.output.empty() && args.output != "-") {
    if (!write_file(args.output, text)) return kExitCannotWrite;
  } else if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
             std::fflush(stdout) != 0) {
    return kExitCannotWrite;
  }
  if (report.errors) {
    std::fprintf(stderr,
                 "entitle: %s of %s records could not be evaluated (listed in the report)\n",
                 std::to_string(report.errors).c_str(), std::to_string(report.records).c_str());
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

void add_diff_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* cmd = app.add_subcommand(
      "diff", "Compare a reform with its base over a population: cost, winners and losers");
  cmd->add_option("--base", args->base, "Base policy package folder")->required();
  cmd->add_option("--reform", args->reform, "Reform policy package folder")->required();
  cmd->add_option("--as-of", args->as_of,
                  "Evaluation date for every household (default: each's as_of)")
      ->check(date_validator());
  cmd->add_option("--format", args->format, "Report format (default text)")
      ->check(CLI::IsMember({"text", "json", "html"}));
  cmd->add_option("--output", args->output,
                  "Write the report to FILE, which appears complete or not at all");
  add_population_options(*cmd, args->threads, args->input_format);
  cmd->add_option("--top", args->top,
                  "Households listed with the largest gain and loss (default 3)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000}));
  cmd->add_option("POPULATION", args->input, "Population file (JSON Lines or CSV), or - for stdin")
      ->required();
  add_limit_option(*cmd, args->limits);
  cmd->callback([&run, args] { run = [args] { return run_diff_command(*args); }; });
}

}  // namespace entitle::cli
