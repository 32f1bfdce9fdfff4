// run_batch: one reading thread (the caller's), N working threads and one writing thread,
// handing chunks of input ("units") along a fixed pool, so that memory stays flat.
//
// The reader cuts the input at record boundaries (a line break for JSON Lines; a change of
// household_id for CSV), numbers the units, and queues them. A worker binds and works through a
// unit's records into the unit's output buffer. The writer writes the units' output strictly in
// unit order and returns each unit to the pool. A record longer than Limits::max_household_bytes
// is read past (not kept) and becomes an error record.
#include <pthread.h>
#include <signal.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "entitle/batch.hpp"
#include "facts/csv_binder.hpp"
#include "facts/json_binder.hpp"

namespace entitle {
namespace {

using facts::kJsonPadding;

constexpr std::size_t kReadBlock = std::size_t{64} << 10;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

struct Unit {
  enum class State { kFree, kQueued, kDone, kSkipped };
  State state = State::kFree;
  std::uint64_t seq = 0;
  std::uint64_t first_line = 1;
  std::vector<char> input;  // `size` bytes of records, then at least kJsonPadding readable bytes
  std::size_t size = 0;
  std::uint64_t input_bytes = 0;  // input consumed, including a record read past
  // A record longer than the limit, read past: it becomes an error record at `oversized_line`.
  bool oversized = false;
  std::uint64_t oversized_line = 0;
  std::string oversized_household;
  std::string output;
  std::uint64_t records = 0, errors = 0;

  void reset(std::uint64_t sequence, std::uint64_t line) {
    seq = sequence;
    first_line = line;
    size = 0;
    input_bytes = 0;
    oversized = false;
    oversized_household.clear();
    output.clear();
    records = errors = 0;
  }
  // Room for `more` bytes after `size`, and the padding after them.
  char* reserve(std::size_t more) {
    if (input.size() < size + more + kJsonPadding) input.resize(size + more + kJsonPadding);
    return input.data() + size;
  }
  std::string_view data() const { return {input.data(), size}; }
};

// Joins a record's diagnostics into the one message of its error record.
std::string error_message(const Diagnostics& diagnostics, BatchFormat format) {
  std::string message;
  for (const auto& d : diagnostics) {
    if (d.severity != Severity::kError) continue;
    if (!message.empty()) message += "; ";
    if (format == BatchFormat::kCsv && d.line > 0) {
      message += fmt::format("line {}: ", d.line);
    } else if (format == BatchFormat::kJsonLines && d.column > 0) {
      message += fmt::format("column {}: ", d.column);
    }
    if (!d.path.empty()) {
      message += d.path;
      message += ": ";
    }
    message += d.message;
    message += " [";
    message += d.code;
    message += ']';
  }
  return message;
}

class Run {
 public:
  Run(const RuleSet& rules, const BatchReader& read, const BatchWriter& write,
      std::span<BatchWorker* const> workers, const BatchOptions& options)
      : rules_(rules),
        read_(read),
        write_(write),
        workers_(workers),
        options_(options),
        units_(2 * workers.size() + 2),
        slots_(units_.size(), nullptr) {
    for (auto& u : units_)
      free_.push_back(&u);
  }

  BatchStats run() {
    std::vector<std::thread> threads;
    {
      // The threads started here block every signal, so that signals reach the calling thread.
      sigset_t all, old;
      sigfillset(&all);
      pthread_sigmask(SIG_BLOCK, &all, &old);
      try {
        for (BatchWorker* worker : workers_)
          threads.emplace_back([this, worker] { guarded([&] { work(*worker); }); });
        threads.emplace_back([this] {
          guarded([&] { write_units(); });
          std::lock_guard lock(mutex_);
          writer_done_ = true;
          changed_.notify_all();
        });
      } catch (...) {
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
        finish_reading();
        for (auto& t : threads)
          t.join();
        throw;
      }
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
    }
    guarded([&] {
      if (options_.format == BatchFormat::kCsv) {
        read_csv();
      } else {
        read_json_lines();
      }
    });
    finish_reading();
    // Until the last chunk is written, a stop still stops (the caller's thread gets signals).
    {
      std::unique_lock lock(mutex_);
      while (!writer_done_) {
        if (stop_requested() && !halt_) interrupt_locked();
        changed_.wait_for(lock, std::chrono::milliseconds(100));
      }
    }
    for (auto& t : threads)
      t.join();
    return stats_;
  }

 private:
  // ---- shared state ----

  template <typename F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      fail(fmt::format("internal error: {}", e.what()), false);
    }
  }

  void fail(std::string why, bool input) {
    std::lock_guard lock(mutex_);
    if (stats_.failure.empty()) {
      stats_.failure = std::move(why);
      stats_.input_failed = input;
    }
    halt_ = true;
    failed_ = true;
    changed_.notify_all();
  }

  bool stop_requested() const {
    return options_.stop && options_.stop->load(std::memory_order_relaxed);
  }

  void finish_reading() {
    std::lock_guard lock(mutex_);
    reading_done_ = true;
    changed_.notify_all();
  }

  // ---- reading (the calling thread) ----

  // A free unit, or null when the run is halting. Wakes up now and then to notice a stop.
  Unit* acquire(std::uint64_t line) {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (halt_) return nullptr;
      if (stop_requested()) {
        interrupt_locked();
        return nullptr;
      }
      if (!free_.empty()) break;
      changed_.wait_for(lock, std::chrono::milliseconds(100));
    }
    Unit* u = free_.back();
    free_.pop_back();
    u->reset(next_seq_, line);
    return u;
  }

  void release_unused(Unit* u) {
    std::lock_guard lock(mutex_);
    u->state = Unit::State::kFree;
    free_.push_back(u);
  }

  void submit(Unit* u) {
    std::lock_guard lock(mutex_);
    ++next_seq_;
    u->state = Unit::State::kQueued;
    slots_[u->seq % slots_.size()] = u;
    queue_.push_back(u);
    changed_.notify_all();
  }

  void interrupt_locked() {
    stats_.interrupted = true;
    halt_ = true;
    changed_.notify_all();
  }

  // read_ with EINTR retried: bytes read, 0 at the end, -1 when stopped or failed.
  std::ptrdiff_t read_some(char* buffer, std::size_t size) {
    for (;;) {
      if (stop_requested()) {
        std::lock_guard lock(mutex_);
        interrupt_locked();
        return -1;
      }
      std::ptrdiff_t n = read_(buffer, size);
      if (n == 0 && stop_requested()) continue;  // a stop that came with the end of input
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      fail(fmt::format("cannot read the input: {}", std::strerror(errno)), true);
      return -1;
    }
  }

  // Reads into `u` until it holds `target` bytes, the input ends, or a read returns less than
  // asked (a pipe with nothing more for now: what came is worked on rather than left waiting).
  // Returns false when stopped or failed.
  bool fill(Unit* u, std::size_t target) {
    while (u->size < target && !eof_) {
      char* at = u->reserve(kReadBlock);
      std::ptrdiff_t n = read_some(at, kReadBlock);
      if (n < 0) return false;
      if (n == 0) {
        eof_ = true;
        break;
      }
      u->size += static_cast<std::size_t>(n);
      if (static_cast<std::size_t>(n) < kReadBlock) break;
    }
    return true;
  }

  // Moves the bytes of `u` from `cut` on to the next unit's start.
  void carry_from(Unit* u, std::size_t cut) {
    carry_.assign(u->input.data() + cut, u->input.data() + u->size);
    u->size = cut;
  }

  Unit* start_unit(std::uint64_t line) {
    Unit* u = acquire(line);
    if (!u) return nullptr;
    std::memcpy(u->reserve(carry_.size()), carry_.data(), carry_.size());
    u->size = carry_.size();
    carry_.clear();
    return u;
  }

  static std::uint64_t count_lines(const char* begin, std::size_t size) {
    return static_cast<std::uint64_t>(std::count(begin, begin + size, '\n'));
  }

  void read_json_lines() {
    std::uint64_t line = 1;
    bool first = true;
    const std::size_t limit = rules_.limits().max_household_bytes;
    for (;;) {
      if (eof_ && carry_.empty()) return;
      Unit* u = start_unit(line);
      if (!u) return;
      std::size_t target = options_.chunk_bytes;
      std::size_t cut = 0;
      for (;;) {
        if (!fill(u, target)) {
          release_unused(u);
          return;
        }
        if (first && u->data().substr(0, 3) == kByteOrderMark) {
          std::memmove(u->input.data(), u->input.data() + 3, u->size - 3);
          u->size -= 3;
          u->input_bytes += 3;
        }
        first = false;
        std::string_view data = u->data();
        std::size_t last = data.rfind('\n');
        if (last != std::string_view::npos) {
          cut = last + 1;
          break;
        }
        if (eof_) {
          cut = data.size();
          break;
        }
        if (data.size() > limit) break;  // one line, longer than any record may be
        target = data.size() + options_.chunk_bytes;
      }
      if (cut == 0 && !eof_) {
        // A record over the limit: note it and read past it, keeping nothing.
        u->oversized = true;
        u->oversized_line = line;
        u->input_bytes += u->size;
        if (!skip_json_line(u)) {
          release_unused(u);
          return;
        }
        line += 1;
        submit(u);
        continue;
      }
      submit_records(u, cut, line);
    }
  }

  // Queues the records of `u` before `cut` (the rest goes to the carry), counting their lines.
  void submit_records(Unit* u, std::size_t cut, std::uint64_t& line) {
    carry_from(u, cut);
    u->input_bytes += cut;
    line += count_lines(u->input.data(), cut);
    if (u->size == 0) {
      release_unused(u);
    } else {
      submit(u);
    }
  }

  // Discards input up to and including the next line break; what follows goes to the carry.
  bool skip_json_line(Unit* u) {
    for (;;) {
      u->size = 0;
      if (!fill(u, kReadBlock)) return false;
      std::string_view data = u->data();
      std::size_t newline = data.find('\n');
      if (newline != std::string_view::npos) {
        u->input_bytes += newline + 1;
        carry_from(u, newline + 1);
        u->size = 0;
        return true;
      }
      u->input_bytes += data.size();
      if (eof_) {
        u->size = 0;
        return true;
      }
    }
  }

  // Row boundaries of CSV data: the starts of the complete rows, and where they end.
  struct Rows {
    std::vector<std::size_t> starts;
    std::size_t end = 0;
    std::uint64_t line_breaks = 0;
  };

  void scan_rows(std::string_view data, bool at_eof, Rows& rows) {
    rows.starts.clear();
    rows.line_breaks = 0;
    const char* begin = data.data();
    const char* end = begin + data.size();
    const char* p = begin;
    while (p < end) {
      const char* row_end = facts::csv_row_end(p, end, rows.line_breaks);
      if (!row_end) {
        if (!at_eof) break;
        row_end = end;  // a last row without a line break
      }
      rows.starts.push_back(static_cast<std::size_t>(p - begin));
      p = row_end;
    }
    rows.end = static_cast<std::size_t>(p - begin);
  }

  bool row_id(std::string_view data, const Rows& rows, std::size_t index, std::string& id) {
    std::size_t begin = rows.starts[index];
    std::size_t end = index + 1 < rows.starts.size() ? rows.starts[index + 1] : rows.end;
    std::string_view text = facts::csv_row_text(data.data() + begin, data.data() + end);
    std::string_view cell;
    if (!facts::CsvBinder::household_id(layout_, text, id_scratch_, cell)) return false;
    id.assign(cell);
    return true;
  }

  // Reads the header row into layout_; false (with the failure set) when it is unusable.
  bool read_csv_header(std::uint64_t& line) {
    Unit* u = start_unit(line);
    if (!u) return false;
    std::size_t target = options_.chunk_bytes;
    const char* row_end = nullptr;
    std::uint64_t breaks = 0;
    for (;;) {
      if (!fill(u, target)) {
        release_unused(u);
        return false;
      }
      std::string_view data = u->data();
      breaks = 0;
      row_end = facts::csv_row_end(data.data(), data.data() + data.size(), breaks);
      if (row_end || eof_ || data.size() > rules_.limits().max_household_bytes) break;
      target = data.size() + options_.chunk_bytes;
    }
    std::string_view data = u->data();
    if (!row_end) row_end = data.data() + data.size();
    std::string_view header = facts::csv_row_text(data.data(), row_end);
    Diagnostics diagnostics;
    if (header.empty() || !layout_.parse(rules_, header, diagnostics)) {
      std::string why = header.empty() ? "the CSV input has no header row"
                                       : "the CSV header is unusable: " +
                                             error_message(diagnostics, BatchFormat::kJsonLines);
      release_unused(u);
      fail(std::move(why), true);
      return false;
    }
    std::size_t cut = static_cast<std::size_t>(row_end - data.data());
    carry_from(u, cut);
    line += breaks;
    read_bytes_before_ = cut;
    release_unused(u);
    return true;
  }

  void read_csv() {
    std::uint64_t line = 1;
    if (!read_csv_header(line)) return;
    const std::size_t limit = rules_.limits().max_household_bytes;
    Rows rows;
    std::string last_id, id;
    for (;;) {
      if (eof_ && carry_.empty()) return;
      Unit* u = start_unit(line);
      if (!u) return;
      u->input_bytes += read_bytes_before_;
      read_bytes_before_ = 0;
      enum class Cut { kRows, kLongRow, kLargeHousehold } kind = Cut::kRows;
      std::size_t target = options_.chunk_bytes;
      std::size_t cut = 0;
      for (;;) {
        if (!fill(u, target)) {
          release_unused(u);
          return;
        }
        std::string_view data = u->data();
        scan_rows(data, eof_, rows);
        if (eof_) {
          cut = rows.end;
          break;
        }
        // The last complete household ends where the last complete row's household begins.
        std::size_t n = rows.starts.size();
        if (n >= 2 && row_id(data, rows, n - 1, last_id)) {
          std::size_t k = n - 1;
          while (k > 0 && row_id(data, rows, k - 1, id) && id == last_id)
            --k;
          cut = rows.starts[k];
          if (cut > 0) break;
        }
        if (data.size() > limit) {
          // The complete rows are all one household: too large, or followed by a long row.
          if (n == 0) {
            kind = Cut::kLongRow;
          } else if (rows.end > limit) {
            kind = Cut::kLargeHousehold;
          } else {
            cut = rows.end;
          }
          break;
        }
        target = data.size() + options_.chunk_bytes;
      }
      if (kind != Cut::kRows) {
        // Note the record and read past it, keeping nothing.
        u->oversized = true;
        u->oversized_line = line;
        std::uint64_t breaks = 0;
        bool ok;
        if (kind == Cut::kLongRow) {
          std::string_view cell;
          if (facts::CsvBinder::household_id(layout_, u->data(), id_scratch_, cell, true)) {
            u->oversized_household = cell;
          }
          ok = skip_csv_row(u, breaks);
        } else {
          row_id(u->data(), rows, 0, u->oversized_household);
          carry_from(u, 0);
          ok = skip_csv_household(u, breaks);
        }
        if (!ok) {
          release_unused(u);
          return;
        }
        line += breaks;
        submit(u);
        continue;
      }
      submit_records(u, cut, line);
    }
  }

  // Discards `n` bytes from the start of `u`, counting them and their line breaks; the rest goes
  // to the carry.
  void discard(Unit* u, std::size_t n, std::uint64_t& breaks) {
    breaks += count_lines(u->input.data(), n);
    u->input_bytes += n;
    carry_from(u, n);
    u->size = 0;
  }

  // Reads past the row at the start of `u` (longer than any household may be).
  bool skip_csv_row(Unit* u, std::uint64_t& breaks) {
    bool quoted = false;
    for (;;) {
      std::string_view data = u->data();
      for (std::size_t i = 0; i < data.size(); ++i) {
        if (data[i] == '"') {
          quoted = !quoted;
        } else if (data[i] == '\n' && !quoted) {
          discard(u, i + 1, breaks);
          return true;
        }
      }
      discard(u, data.size(), breaks);
      if (eof_) return true;
      if (!fill(u, kReadBlock)) return false;
    }
  }

  // Reads past the rows of u->oversized_household, which start at the carry.
  bool skip_csv_household(Unit* u, std::uint64_t& breaks) {
    const std::size_t limit = rules_.limits().max_household_bytes;
    Rows rows;
    std::string id;
    for (;;) {
      std::memcpy(u->reserve(carry_.size()), carry_.data(), carry_.size());
      u->size = carry_.size();
      carry_.clear();
      if (!fill(u, u->size + kReadBlock)) return false;
      std::string_view data = u->data();
      scan_rows(data, eof_, rows);
      std::size_t k = 0;
      while (k < rows.starts.size() && row_id(data, rows, k, id) && id == u->oversized_household)
        ++k;
      if (k < rows.starts.size()) {
        discard(u, rows.starts[k], breaks);
        return true;
      }
      if (eof_) {
        discard(u, data.size(), breaks);
        return true;
      }
      discard(u, rows.end, breaks);
      // A long row follows: whose it is, the main loop finds out.
      if (carry_.size() > limit) return true;
    }
  }

  // ---- working ----

  void work(BatchWorker& worker) {
    Facts facts;
    Diagnostics diagnostics;
    facts::JsonBinder json;
    facts::CsvBinder csv;
    std::vector<facts::CsvRow> rows;
    std::string id, next_id;
    for (;;) {
      Unit* u = nullptr;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !queue_.empty() || reading_done_; });
        if (queue_.empty()) return;
        u = queue_.front();
        queue_.pop_front();
        if (halt_) {
          u->state = Unit::State::kSkipped;
          changed_.notify_all();
          continue;
        }
      }
      if (u->oversized) {
        error(worker, *u, u->oversized_line, u->oversized_household, oversized_message());
      } else if (options_.format == BatchFormat::kCsv) {
        work_csv(worker, *u, csv, facts, diagnostics, rows, id, next_id);
      } else {
        work_json_lines(worker, *u, json, facts, diagnostics);
      }
      std::lock_guard lock(mutex_);
      u->state = Unit::State::kDone;
      changed_.notify_all();
    }
  }

  // The error of a record over Limits::max_household_bytes, whether the reader read past it or
  // a worker found it: output must not depend on where chunks were cut.
  std::string oversized_message() const {
    return fmt::format("the record is longer than the limit of {} bytes (max_household_bytes) [{}]",
                       rules_.limits().max_household_bytes, codes::kFactLimit);
  }

  void error(BatchWorker& worker, Unit& u, std::uint64_t line, std::string_view household,
             std::string_view message) {
    worker.error(BatchError{line, household, message}, u.output);
    ++u.records;
    ++u.errors;
  }

  // A bound record: checks its date and hands it to the worker.
  void household(BatchWorker& worker, Unit& u, std::uint64_t line, std::string_view text,
                 const Facts& facts) {
    std::optional<Date> as_of = options_.as_of ? options_.as_of : facts.as_of();
    if (!as_of) {
      error(worker, u, line, facts.household_id(),
            "no evaluation date: give --as-of YYYY-MM-DD or an as_of field");
      return;
    }
    worker.household(BatchRecord{line, text, facts, *as_of}, u.output);
    ++u.records;
  }

  void work_json_lines(BatchWorker& worker, Unit& u, facts::JsonBinder& json, Facts& facts,
                       Diagnostics& diagnostics) {
    const char* p = u.input.data();
    const char* end = p + u.size;
    const char* readable_end = u.input.data() + u.input.size();
    std::uint64_t line = u.first_line;
    for (; p < end; ++line) {
      auto* newline = static_cast<const char*>(std::memchr(p, '\n', end - p));
      const char* line_end = newline ? newline : end;
      std::string_view text(p, static_cast<std::size_t>(line_end - p));
      p = newline ? newline + 1 : end;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (text.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
      if (text.size() > rules_.limits().max_household_bytes) {
        error(worker, u, line, {}, oversized_message());
        continue;
      }
      diagnostics.clear();
      std::size_t readable = static_cast<std::size_t>(readable_end - (text.data() + text.size()));
      if (json.bind(rules_, text, readable, "", facts, diagnostics)) {
        household(worker, u, line, text, facts);
      } else {
        error(worker, u, line, facts.household_id(),
              error_message(diagnostics, BatchFormat::kJsonLines));
      }
    }
  }

  void work_csv(BatchWorker& worker, Unit& u, facts::CsvBinder& csv, Facts& facts,
                Diagnostics& diagnostics, std::vector<facts::CsvRow>& rows, std::string& id,
                std::string& next_id) {
    const char* begin = u.input.data();
    const char* end = begin + u.size;
    std::uint64_t line = u.first_line;
    const char* group_begin = begin;
    const char* group_end = begin;
    rows.clear();
    auto flush = [&] {
      if (rows.empty()) return;
      std::string_view text(group_begin, static_cast<std::size_t>(group_end - group_begin));
      diagnostics.clear();
      if (text.size() > rules_.limits().max_household_bytes) {
        error(worker, u, rows.front().line, id, oversized_message());
      } else if (csv.bind(rules_, layout_, rows, facts, diagnostics)) {
        household(worker, u, rows.front().line, text, facts);
      } else {
        error(worker, u, rows.front().line, id, error_message(diagnostics, BatchFormat::kCsv));
      }
      rows.clear();
    };
    std::string scratch;
    for (const char* p = begin; p < end;) {
      std::uint64_t breaks = 0;
      const char* row_end = facts::csv_row_end(p, end, breaks);
      if (!row_end) row_end = end;
      std::string_view text = facts::csv_row_text(p, row_end);
      std::uint64_t row_line = line;
      line += breaks;
      const char* row_begin = p;
      p = row_end;
      if (text.empty()) continue;  // a blank line
      std::string_view cell;
      if (!facts::CsvBinder::household_id(layout_, text, scratch, cell)) {
        // A row that cannot be split is a record of its own; CsvBinder words the problem.
        flush();
        id.clear();
        rows.push_back({text, row_line});
        group_begin = row_begin;
        group_end = row_end;
        flush();
        continue;
      }
      next_id.assign(cell);
      if (!rows.empty() && next_id != id) flush();
      if (rows.empty()) group_begin = row_begin;
      id.swap(next_id);
      rows.push_back({text, row_line});
      group_end = row_end;
    }
    flush();
  }

  // ---- writing ----

  void write_units() {
    for (std::uint64_t seq = 0;; ++seq) {
      Unit* u = nullptr;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] {
          Unit* s = slots_[seq % slots_.size()];
          bool ready = seq < next_seq_ && s && s->seq == seq &&
                       (s->state == Unit::State::kDone || s->state == Unit::State::kSkipped);
          return ready || failed_ || (seq >= next_seq_ && (reading_done_ || halt_));
        });
        if (failed_ || seq >= next_seq_) return;
        u = slots_[seq % slots_.size()];
        if (u->state == Unit::State::kSkipped) {
          halt_ = true;  // output ends with the last complete unit before it
          changed_.notify_all();
          return;
        }
      }
      if (!u->output.empty() && !write_(u->output)) {
        fail(fmt::format("cannot write the output: {}", std::strerror(errno)), false);
        return;
      }
      BatchProgress progress;
      {
        std::lock_guard lock(mutex_);
        stats_.records += u->records;
        stats_.errors += u->errors;
        stats_.input_bytes += u->input_bytes;
        progress = {stats_.records, stats_.errors, stats_.input_bytes};
        // Keep the buffers of a typical chunk, not those of the largest ever seen.
        if (u->output.capacity() > (std::size_t{16} << 20)) std::string().swap(u->output);
        if (u->input.capacity() > 4 * options_.chunk_bytes + (std::size_t{1} << 20)) {
          std::vector<char>().swap(u->input);
        }
        u->state = Unit::State::kFree;
        slots_[seq % slots_.size()] = nullptr;
        free_.push_back(u);
        changed_.notify_all();
      }
      if (options_.progress) options_.progress(progress);
    }
  }

  const RuleSet& rules_;
  const BatchReader& read_;
  const BatchWriter& write_;
  std::span<BatchWorker* const> workers_;
  const BatchOptions& options_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Unit> units_;
  std::vector<Unit*> free_;
  std::deque<Unit*> queue_;
  std::vector<Unit*> slots_;  // units in flight, by seq modulo their number
  std::uint64_t next_seq_ = 0;
  bool reading_done_ = false;
  bool halt_ = false;
  bool failed_ = false;  // a failure: the writer stops at once
  bool writer_done_ = false;
  BatchStats stats_;

  // Reader's own state.
  std::vector<char> carry_;
  bool eof_ = false;
  facts::CsvLayout layout_;
  std::string id_scratch_;
  std::uint64_t read_bytes_before_ = 0;
};

}  // namespace

BatchStats run_batch(const RuleSet& rules, const BatchReader& read, const BatchWriter& write,
                     std::span<BatchWorker* const> workers, const BatchOptions& options) {
  if (workers.empty()) {
    BatchStats stats;
    stats.failure = "no workers";
    return stats;
  }
  Run run(rules, read, write, workers, options);
  return run.run();
}

unsigned default_batch_threads() noexcept {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

}  // namespace entitle
