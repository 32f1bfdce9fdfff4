// entitle batch --rules DIR [--as-of DATE] [--threads N] [--trace none|full]
//               [--omit-not-granted] [--input-format jsonl|csv] [--output FILE] INPUT|-
//               [--limit NAME=VALUE]...
// A thin driver of run_batch (entitle/batch.hpp): files, signals, progress and the summary.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "cli.hpp"
#include "entitle/batch.hpp"

namespace entitle::cli {

namespace {

struct BatchArgs {
  std::string rules;
  std::shared_ptr<Limits> limits = std::make_shared<Limits>();
  std::string as_of;
  unsigned threads = 0;
  std::string trace = "none";
  bool omit_not_granted = false;
  std::string input_format;
  std::string output;
  std::string input;
};

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
  g_stop.store(true);
}

// Ctrl-C (and SIGTERM) ask the run to stop; a second one kills as usual (SA_RESETHAND). No
// SA_RESTART: a read blocked on a terminal or pipe returns EINTR and the run notices.
void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A parent may have started us with them blocked (test drivers do): they must get through.
  sigset_t handled;
  sigemptyset(&handled);
  sigaddset(&handled, SIGINT);
  sigaddset(&handled, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &handled, nullptr);
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string thousands(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string clock_text(double seconds) {
  auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

// The progress line on a terminal: records, rate, elapsed, and for a file percent and time left.
class ProgressLine {
 public:
  explicit ProgressLine(std::uint64_t input_size) : input_size_(input_size) {}

  void update(const BatchProgress& p, bool force = false) {
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    double elapsed = std::chrono::duration<double>(now - start_).count();
    double rate = elapsed > 0 ? static_cast<double>(p.records) / elapsed : 0;
    std::string line =
        fmt::format("\r{} records  {}/s  {} elapsed", thousands(p.records),
                    thousands(static_cast<std::uint64_t>(rate)), clock_text(elapsed));
    if (input_size_ > 0 && p.input_bytes > 0) {
      double done = static_cast<double>(p.input_bytes) / static_cast<double>(input_size_);
      double left = done > 0 ? elapsed * (1 - done) / done : 0;
      line += fmt::format("  {:.0f}%  {} left", 100 * done, clock_text(left));
    }
    line += "\033[K";
    std::fputs(line.c_str(), stderr);
    shown_ = true;
  }
  void clear() {
    if (shown_) std::fputs("\r\033[K", stderr);
  }

 private:
  std::uint64_t input_size_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
  bool shown_ = false;
};

void print_summary(const RuleSet& rules, const BatchStats& stats, const BatchSummary& summary,
                   double seconds) {
  const std::string& currency = rules.info().currency;
  std::fprintf(stderr, "entitle batch: %s records, %s errors, %s households evaluated in %.2f s",
               thousands(stats.records).c_str(), thousands(stats.errors).c_str(),
               thousands(summary.households).c_str(), seconds);
  if (seconds > 0) {
    std::fprintf(stderr, " (%s records/s)",
                 thousands(static_cast<std::uint64_t>(static_cast<double>(stats.records) / seconds))
                     .c_str());
  }
  std::fprintf(stderr, "\n  households with at least one entitlement: %s\n",
               thousands(summary.with_entitlement).c_str());
  std::fprintf(stderr, "  %-28s %12s %12s %20s %20s\n", "rule", "recipients", "undetermined",
               ("cash " + currency).c_str(), ("annual " + currency).c_str());
  for (std::size_t r = 0; r < summary.rules.size(); ++r) {
    const RuleTally& t = summary.rules[r];
    const RuleInfo& info = rules.rule(r);
    bool cash = info.kind == GrantKind::kCash;
    std::fprintf(stderr, "  %-28s %12s %12s %20s %20s%s\n", info.id.c_str(),
                 thousands(t.granted).c_str(), thousands(t.undetermined).c_str(),
                 cash ? t.amount.to_string(2).c_str() : "-",
                 cash ? t.annual.to_string(2).c_str() : "-", t.errors ? "  (rule faults)" : "");
  }
  std::fprintf(stderr, "  total: one-time %s %s, annual %s %s%s\n",
               summary.once.to_string(2).c_str(), currency.c_str(),
               summary.annual.to_string(2).c_str(), currency.c_str(),
               summary.overflow ? " (overflow: totals incomplete)" : "");
}

int run_batch_command(const BatchArgs& args) {
  auto rules = load_rules_or_report(args.rules, *args.limits);
  if (!rules) return kExitBadPackage;

  int in = 0;
  std::uint64_t input_size = 0;
  if (args.input != "-") {
    in = ::open(args.input.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      std::fprintf(stderr, "entitle: cannot open %s: %s\n", args.input.c_str(),
                   std::strerror(errno));
      return kExitBadInput;
    }
    struct stat st {};
    if (::fstat(in, &st) == 0 && S_ISREG(st.st_mode))
      input_size = static_cast<std::uint64_t>(st.st_size);
  }

  // --output: written under a temporary name beside FILE, renamed over it when complete.
  int out = 1;
  std::string temporary;
  if (!args.output.empty() && args.output != "-") {
    auto slash = args.output.rfind('/');
    std::string dir = slash == std::string::npos ? "" : args.output.substr(0, slash + 1);
    std::string base = slash == std::string::npos ? args.output : args.output.substr(slash + 1);
    temporary = fmt::format("{}.{}.{}.tmp", dir, base, ::getpid());
    out = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (out < 0) {
      std::fprintf(stderr, "entitle: cannot create %s: %s\n", temporary.c_str(),
                   std::strerror(errno));
      if (in > 0) ::close(in);
      return kExitCannotWrite;
    }
  }

  BatchOptions options;
  options.format = population_format(args.input, args.input_format);
  if (!args.as_of.empty()) options.as_of = Date::parse(args.as_of);
  options.stop = &g_stop;
  ProgressLine progress(input_size);
  if (::isatty(2)) options.progress = [&](const BatchProgress& p) { progress.update(p); };

  unsigned threads = args.threads ? args.threads : default_batch_threads();
  EvalOptions eval_options{args.trace == "full"};
  RenderOptions render_options;
  render_options.not_granted = !args.omit_not_granted;
  std::vector<std::unique_ptr<EvaluateWorker>> workers;
  std::vector<BatchWorker*> pointers;
  for (unsigned i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<EvaluateWorker>(rules, eval_options, render_options));
    pointers.push_back(workers.back().get());
  }

  catch_interrupts();
  auto start = std::chrono::steady_clock::now();
  BatchStats stats = run_batch(
      *rules, [in](char* buffer, std::size_t size) { return ::read(in, buffer, size); },
      [out](std::string_view bytes) { return write_all(out, bytes); }, pointers, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.progress) {
    progress.update({stats.records, stats.errors, stats.input_bytes}, true);
    progress.clear();
  }
  if (in > 0) ::close(in);

  bool complete = !stats.interrupted && stats.failure.empty();
  if (!temporary.empty()) {
    bool written = ::fsync(out) == 0;
    written = ::close(out) == 0 && written;
    if (complete && !written) {
      stats.failure = fmt::format("cannot write the output: {}", std::strerror(errno));
      complete = false;
    }
    if (complete && ::rename(temporary.c_str(), args.output.c_str()) != 0) {
      stats.failure =
          fmt::format("cannot rename {} to {}: {}", temporary, args.output, std::strerror(errno));
      complete = false;
    }
    if (!complete) ::unlink(temporary.c_str());
  }

  BatchSummary summary;
  for (const auto& w : workers)
    summary.merge(w->summary());
  if (stats.interrupted) {
    std::fprintf(stderr, "entitle: interrupted after %s records%s\n",
                 thousands(stats.records).c_str(),
                 temporary.empty() ? " (the output holds them, each line complete)"
                                   : fmt::format("; {} not written", args.output).c_str());
    return kExitInterrupted;
  }
  if (!stats.failure.empty()) {
    std::fprintf(stderr, "entitle: %s\n", stats.failure.c_str());
    return stats.input_failed ? kExitBadInput : kExitCannotWrite;
  }
  print_summary(*rules, stats, summary, seconds);
  return stats.errors == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void add_batch_command(CLI::App& app, Runner& run) {
  auto args = std::make_shared<BatchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "batch", "Evaluate a population (JSON Lines or CSV) into JSON Lines, in input order");
  cmd->add_option("--rules", args->rules, "Policy package folder")->required();
  add_limit_option(*cmd, args->limits);
  cmd->add_option("--as-of", args->as_of,
                  "Evaluation date for every record (default: each's as_of)")
      ->check(date_validator());
  add_population_options(*cmd, args->threads, args->input_format);
  cmd->add_option("--trace", args->trace, "Include each rule's trace in the results")
      ->check(CLI::IsMember({"none", "full"}));
  cmd->add_flag("--omit-not-granted", args->omit_not_granted,
                "Leave out the rules that were decided against (a smaller, faster output)");
  cmd->add_option("--output", args->output,
                  "Write the results to FILE, which appears complete or not at all");
  cmd->add_option("INPUT", args->input, "Population file, or - for stdin")->required();
  cmd->callback([&run, args] { run = [args] { return run_batch_command(*args); }; });
}

}  // namespace entitle::cli
