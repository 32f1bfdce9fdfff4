// Batch: a population of households streamed through a rule set on several threads.
//
// run_batch() reads records (JSON Lines, or CSV with one row per member; README "entitle batch"),
// binds each household on a worker thread, hands it to that thread's BatchWorker, and writes the
// workers' output in input order. Reading, working and writing overlap (one reading thread, the
// caller's; N working threads; one writing thread), and memory stays flat whatever the input
// size: at most 2N + 2 chunks of about BatchOptions::chunk_bytes of input, and their output, are
// in flight. A record that cannot be read or bound becomes an error record and the run goes on.
// No state is kept between records, so splitting an input into shards, running each and
// concatenating the outputs gives the output of one run (error records' line numbers count from
// the start of each shard).
//
// EvaluateWorker is the worker of `entitle batch`; other drivers (`entitle diff`) write their own.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "entitle/date.hpp"
#include "entitle/decimal.hpp"
#include "entitle/evaluate.hpp"
#include "entitle/export.h"
#include "entitle/facts.hpp"
#include "entitle/render.hpp"
#include "entitle/result.hpp"
#include "entitle/ruleset.hpp"

namespace entitle {

enum class BatchFormat { kJsonLines, kCsv };

// A household read and bound, ready to evaluate.
struct BatchRecord {
  std::uint64_t line = 0;  // 1-based input line where the record starts
  std::string_view text;   // the record as written: its JSON line, or its CSV rows
  const Facts& facts;
  Date as_of;  // BatchOptions::as_of, else the record's own as_of
};

// A record that could not be read or bound (or has no evaluation date).
struct BatchError {
  std::uint64_t line = 0;      // 1-based input line where the record starts
  std::string_view household;  // the household's id when it could be read, else empty
  std::string_view message;    // every problem, e.g. "members[1].birth_date: expected ... [F003]"
};

// Appends the error record line {"line":N,"household":"id"|null,"error":"..."} and a newline.
ENTITLE_EXPORT void append_error_record(const BatchError& error, std::string& out);

// What one working thread does with records. run_batch calls each worker from one thread only,
// in input order within a chunk of records; output appended to `out` is written in input order.
class ENTITLE_EXPORT BatchWorker {
 public:
  virtual ~BatchWorker() = default;
  // Appends the output for one household (possibly nothing).
  virtual void household(const BatchRecord& record, std::string& out) = 0;
  // Appends the output for a record that failed; by default its error record.
  virtual void error(const BatchError& error, std::string& out);
};

// Counts so far, for progress reports.
struct BatchProgress {
  std::uint64_t records = 0;      // records written (households and error records)
  std::uint64_t errors = 0;       // error records among them
  std::uint64_t input_bytes = 0;  // input consumed by the records written
};

struct BatchOptions {
  BatchFormat format = BatchFormat::kJsonLines;
  std::optional<Date> as_of;  // overrides every record's as_of
  // Input bytes per unit of work: large enough that handing chunks between threads costs
  // nothing, small enough that the 2N + 2 chunks in flight stay a few megabytes.
  std::size_t chunk_bytes = std::size_t{64} << 10;
  // When set (e.g. from a SIGINT handler), reading stops; records already read but not yet
  // worked on are dropped, and output ends with the last complete chunk in order.
  const std::atomic<bool>* stop = nullptr;
  // Called from the writing thread after each chunk is written.
  std::function<void(const BatchProgress&)> progress;
};

// Reads up to `size` bytes into `buffer`: returns the count, 0 at the end of input, or -1 with
// errno set. A read interrupted by a signal (EINTR) is retried unless `stop` is set.
using BatchReader = std::function<std::ptrdiff_t(char* buffer, std::size_t size)>;
// Writes bytes of output, in order, from the writing thread; returns false when it failed
// (the run then stops).
using BatchWriter = std::function<bool(std::string_view bytes)>;

struct BatchStats {
  std::uint64_t records = 0;  // records written (households and error records)
  std::uint64_t errors = 0;   // error records
  std::uint64_t input_bytes = 0;
  bool interrupted = false;  // `stop` was set before the input was finished
  // Why the run could not go on, empty when it finished (or was interrupted): the input could
  // not be read, the output could not be written, or a CSV header is unusable.
  std::string failure;
  bool input_failed = false;  // the failure is the input's (unreadable, or a bad CSV header)
};

// Runs the records of `read` through `workers` (one thread each; at least one) and writes their
// output with `write`. Returns when the input is finished, `stop` is set, or reading or writing
// failed. The threads it starts block asynchronous signals, so that signals reach the calling
// thread (which reads): a SIGINT handler without SA_RESTART interrupts a blocked read. Throws
// only std::bad_alloc and std::system_error (no thread could be started).
ENTITLE_EXPORT BatchStats run_batch(const RuleSet& rules, const BatchReader& read,
                                    const BatchWriter& write, std::span<BatchWorker* const> workers,
                                    const BatchOptions& options = {});

// The number of cores, at least 1: the default number of working threads.
ENTITLE_EXPORT unsigned default_batch_threads() noexcept;

// Per-rule figures over the households of a run.
struct RuleTally {
  std::uint64_t granted = 0;       // recipients granted (members, or the household)
  std::uint64_t undetermined = 0;  // recipients the facts could not decide
  std::uint64_t errors = 0;        // recipients whose rule faulted
  Decimal amount;                  // cash granted, the sum of the amounts as paid per period
  Decimal annual;                  // the same over a year (README "Result": `annual`)
  bool overflow = false;           // a sum left the range of Decimal
};

struct ENTITLE_EXPORT BatchSummary {
  std::uint64_t households = 0;        // households evaluated
  std::uint64_t with_entitlement = 0;  // ... with at least one rule granted
  std::vector<RuleTally> rules;        // by rule index
  Decimal once, annual;                // totals over the population, as in each result's totals
  bool overflow = false;

  void add(const RuleSet& rules, const Result& result);
  void merge(const BatchSummary& other);
};

// Evaluates each household and writes its result as one JSON line, byte for byte what
// `entitle eval --format json` writes for it (with EvalOptions::trace, the trace too, as with
// --explain; without render.not_granted, no not_granted list, as with --omit-not-granted);
// tallies a BatchSummary. No allocation per household in steady state. render.explain follows
// options.trace and render.lang is not used (JSON only).
class ENTITLE_EXPORT EvaluateWorker : public BatchWorker {
 public:
  EvaluateWorker(std::shared_ptr<const RuleSet> rules, const EvalOptions& options,
                 const RenderOptions& render = {});
  ~EvaluateWorker() override;

  void household(const BatchRecord& record, std::string& out) override;
  const BatchSummary& summary() const noexcept { return summary_; }

 private:
  std::shared_ptr<const RuleSet> rules_;
  Evaluator evaluator_;
  EvalOptions options_;
  RenderOptions render_;
  BatchSummary summary_;
};

}  // namespace entitle
