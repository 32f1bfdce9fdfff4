// run_batch: order, chunk boundaries, oversized records, CSV households across chunks, stopping
// and failing, with in-memory input and output.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "entitle/batch.hpp"
#include "entitle/render.hpp"
#include "population.hpp"

namespace entitle {
namespace {

const std::string kPackage = std::string(ENTITLE_SOURCE_DIR) + "/rules/wuhan-2012";
const Date kAsOf = *Date::parse("2013-06-01");

std::shared_ptr<const RuleSet> wuhan(std::size_t max_household_bytes = 0) {
  LoadOptions options;
  if (max_household_bytes) options.limits.max_household_bytes = max_household_bytes;
  auto loaded = load_ruleset(kPackage, options);
  REQUIRE(loaded.rules);
  return loaded.rules;
}

std::string population(std::size_t count, bench::PopulationFormat format, std::uint64_t seed = 1) {
  std::string out(format == bench::PopulationFormat::kCsv ? bench::population_csv_header() : "");
  for (std::size_t i = 0; i < count; ++i)
    bench::append_household(seed, i, kAsOf, format, out);
  return out;
}

struct Output {
  std::string text;
  BatchStats stats;
  BatchSummary summary;
};

// Runs `input` through `threads` EvaluateWorkers, reading at most `read_size` bytes at a time.
Output run(const std::shared_ptr<const RuleSet>& rules, const std::string& input,
           BatchOptions options, unsigned threads = 2, std::size_t read_size = 1 << 20) {
  std::vector<std::unique_ptr<EvaluateWorker>> workers;
  std::vector<BatchWorker*> pointers;
  for (unsigned i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<EvaluateWorker>(rules, EvalOptions{}));
    pointers.push_back(workers.back().get());
  }
  std::size_t pos = 0;
  Output out;
  out.stats = run_batch(
      *rules,
      [&](char* buffer, std::size_t size) -> std::ptrdiff_t {
        std::size_t n = std::min({size, read_size, input.size() - pos});
        std::copy_n(input.data() + pos, n, buffer);
        pos += n;
        return static_cast<std::ptrdiff_t>(n);
      },
      [&](std::string_view bytes) {
        out.text += bytes;
        return true;
      },
      pointers, options);
  for (const auto& w : workers)
    out.summary.merge(w->summary());
  return out;
}

// Concatenates (GCC 12 warns falsely on chains of std::string operator+).
template <typename... Pieces>
std::string cat(const Pieces&... pieces) {
  std::string out;
  (out.append(pieces), ...);
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST_CASE("run_batch: results in input order, whatever the threads and chunks", "[batch]") {
  auto rules = wuhan();
  std::string input = population(300, bench::PopulationFormat::kJsonLines);
  BatchOptions options;
  options.chunk_bytes = 700;  // about two households a chunk
  Output one = run(rules, input, options, 1);
  Output four = run(rules, input, options, 4);
  Output trickle = run(rules, input, options, 3, 7);  // a pipe delivering 7 bytes at a time
  CHECK(one.stats.failure.empty());
  CHECK(one.stats.records == 300);
  CHECK(one.stats.errors == 0);
  CHECK(one.stats.input_bytes == input.size());
  CHECK(four.text == one.text);
  CHECK(trickle.text == one.text);
  CHECK(one.summary.households == 300);
  CHECK(four.summary.with_entitlement == one.summary.with_entitlement);

  // Each line is what render_json writes for that household alone.
  auto lines = split_lines(one.text);
  auto records = split_lines(input);
  REQUIRE(lines.size() == records.size());
  Evaluator evaluator(rules);
  for (std::size_t i = 0; i < records.size(); i += 37) {
    Facts facts;
    Diagnostics diagnostics;
    REQUIRE(bind_json(*rules, records[i], "t", facts, diagnostics));
    std::string expected;
    render_json(*rules, facts, evaluator.evaluate(facts, kAsOf), RenderOptions{}, expected);
    CHECK(lines[i] == expected);
  }
}

TEST_CASE("run_batch: blank lines, CRLF and a byte-order mark", "[batch]") {
  auto rules = wuhan();
  std::string input = population(3, bench::PopulationFormat::kJsonLines);
  auto records = split_lines(input);
  std::string messy =
      cat("\xEF\xBB\xBF", records[0], "\r\n\r\n   \n", records[1], "\n", records[2]);
  Output clean = run(rules, input, {});
  Output got = run(rules, messy, {});
  CHECK(got.text == clean.text);
  CHECK(got.stats.records == 3);
}

TEST_CASE("run_batch: error records keep their line and the run goes on", "[batch]") {
  auto rules = wuhan(1000);
  auto records = split_lines(population(4, bench::PopulationFormat::kJsonLines));
  std::string big = R"({"id":"big","as_of":"2013-06-01","members":[)";
  for (int i = 0; i < 60; ++i)
    big += cat(i ? "," : "", R"({"id":"member)", std::to_string(i), "\"}");
  big += "]}";
  REQUIRE(big.size() > 1000);
  // The last line is oversized and has no line break.
  std::string input =
      cat(records[0], "\n", big, "\n", records[1], "\n{\"id\":\n", records[2], "\n", big);
  BatchOptions options;
  options.chunk_bytes = 300;
  Output got = run(rules, input, options);
  auto lines = split_lines(got.text);
  REQUIRE(lines.size() == 6);
  CHECK(
      lines[1] ==
      R"({"line":2,"household":null,"error":"the record is longer than the limit of 1000 bytes (max_household_bytes) [F006]"})");
  CHECK(lines[3].rfind(R"({"line":4,"household":null,"error":"column )", 0) == 0);
  CHECK(lines[5] == cat(lines[1].substr(0, 8), "6", lines[1].substr(9)));
  CHECK(lines[2].find(R"("household":"wh2")") != std::string::npos);
  CHECK(got.stats.errors == 3);
  CHECK(got.stats.records == 6);
  CHECK(got.stats.input_bytes == input.size());
}

TEST_CASE("run_batch: CSV households across chunks, and oversized ones", "[batch]") {
  auto rules = wuhan();
  std::string jsonl = population(120, bench::PopulationFormat::kJsonLines, 5);
  std::string csv = population(120, bench::PopulationFormat::kCsv, 5);
  BatchOptions options;
  Output expected = run(rules, jsonl, options);
  options.format = BatchFormat::kCsv;
  for (std::size_t chunk : {std::size_t{50}, std::size_t{333}, std::size_t{1} << 16}) {
    options.chunk_bytes = chunk;
    Output got = run(rules, csv, options, 3, 41);
    INFO("chunk " << chunk);
    CHECK(got.stats.failure.empty());
    CHECK(got.text == expected.text);
  }

  auto small = wuhan(400);  // a household of four rows is over 400 bytes
  std::string header(bench::population_csv_header());
  std::string row =
      "h,2013-06-01,false,false,false,false,false,false,false,m,parent,female,"
      "1950-01-01,urban,true,false,false,false,false,0,none\n";
  auto rename = [](std::string r, const std::string& household, const std::string& member) {
    r.replace(0, 1, household);
    r.replace(r.find(",m,"), 3, cat(",", member, ","));
    return r;
  };
  std::string input =
      cat(header, rename(row, "a", "x"), rename(row, "big", "1"), rename(row, "big", "2"),
          rename(row, "big", "3"), rename(row, "big", "4"), rename(row, "c", "y"));
  options.chunk_bytes = 100;
  Output got = run(small, input, options);
  auto lines = split_lines(got.text);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].find(R"("household":"a")") != std::string::npos);
  CHECK(
      lines[1] ==
      R"({"line":3,"household":"big","error":"the record is longer than the limit of 400 bytes (max_household_bytes) [F006]"})");
  CHECK(lines[2].find(R"("household":"c")") != std::string::npos);
  CHECK(got.stats.input_bytes == input.size());

  // A single row longer than the limit, with a quoted line break in it.
  std::string long_row =
      cat("d,2013-06-01,false,false,false,false,false,false,false,\"m\n", std::string(500, 'x'),
          "\",parent,female,1950-01-01,urban,true,false,false,false,false,0,none\n");
  got = run(small, cat(header, rename(row, "a", "x"), long_row, rename(row, "c", "y")), options);
  lines = split_lines(got.text);
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].rfind(R"({"line":3,"household":"d","error":"the record is longer)", 0) == 0);
  CHECK(lines[2].find(R"("household":"c")") != std::string::npos);
}

TEST_CASE("run_batch: an unusable CSV header stops the run before any record", "[batch]") {
  auto rules = wuhan();
  BatchOptions options;
  options.format = BatchFormat::kCsv;
  Output got = run(rules, "household_id,sex,sex,bogus\nh,female,female,1\n", options);
  CHECK(got.text.empty());
  CHECK(got.stats.input_failed);
  CHECK(got.stats.failure.find("column 'sex' is given twice") != std::string::npos);
  CHECK(got.stats.failure.find("unknown column 'bogus'") != std::string::npos);
}

TEST_CASE("run_batch: stopping ends the output with a whole chunk", "[batch]") {
  auto rules = wuhan();
  std::string input = population(400, bench::PopulationFormat::kJsonLines);
  Output full = run(rules, input, {});
  std::atomic<bool> stop{false};
  BatchOptions options;
  options.chunk_bytes = 1000;
  options.stop = &stop;
  EvaluateWorker worker(rules, EvalOptions{});
  BatchWorker* workers[] = {&worker};
  std::size_t pos = 0, reads = 0;
  std::string text;
  BatchStats stats = run_batch(
      *rules,
      [&](char* buffer, std::size_t size) -> std::ptrdiff_t {
        if (++reads == 20) stop = true;
        std::size_t n = std::min({size, std::size_t{2000}, input.size() - pos});
        std::copy_n(input.data() + pos, n, buffer);
        pos += n;
        return static_cast<std::ptrdiff_t>(n);
      },
      [&](std::string_view bytes) {
        text += bytes;
        return true;
      },
      workers, options);
  CHECK(stats.interrupted);
  CHECK(stats.failure.empty());
  CHECK(stats.records > 0);
  CHECK(stats.records < 400);
  CHECK(split_lines(text).size() == stats.records);
  CHECK(full.text.compare(0, text.size(), text) == 0);
  CHECK(text.back() == '\n');
}

TEST_CASE("run_batch: reading and writing failures end the run", "[batch]") {
  auto rules = wuhan();
  EvaluateWorker worker(rules, EvalOptions{});
  BatchWorker* workers[] = {&worker};
  std::string input = population(50, bench::PopulationFormat::kJsonLines);
  std::size_t pos = 0;
  BatchStats stats = run_batch(
      *rules,
      [&](char* buffer, std::size_t size) -> std::ptrdiff_t {
        if (pos > 5000) {
          errno = EIO;
          return -1;
        }
        std::size_t n = std::min({size, std::size_t{1000}, input.size() - pos});
        std::copy_n(input.data() + pos, n, buffer);
        pos += n;
        return static_cast<std::ptrdiff_t>(n);
      },
      [](std::string_view) { return true; }, workers, {});
  CHECK(stats.input_failed);
  CHECK(stats.failure.find("cannot read the input") != std::string::npos);

  pos = 0;
  int writes = 0;
  BatchOptions options;
  options.chunk_bytes = 500;
  stats = run_batch(
      *rules,
      [&](char* buffer, std::size_t size) -> std::ptrdiff_t {
        std::size_t n = std::min({size, std::size_t{600}, input.size() - pos});
        std::copy_n(input.data() + pos, n, buffer);
        pos += n;
        return static_cast<std::ptrdiff_t>(n);
      },
      [&](std::string_view) {
        errno = ENOSPC;
        return ++writes < 3;
      },
      workers, options);
  CHECK_FALSE(stats.input_failed);
  CHECK(stats.failure.find("cannot write the output") != std::string::npos);
  CHECK(writes == 3);
}

}  // namespace
}  // namespace entitle
