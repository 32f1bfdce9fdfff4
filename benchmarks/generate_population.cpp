// generate_population: N synthetic Wuhan households (rules/wuhan-2012 schema) from a seed, as
// JSON Lines or as the CSV form of `entitle batch`, on stdout. What the population looks like and
// why the output is deterministic: population.hpp.
//
//   generate_population [--count N] [--seed S] [--as-of YYYY-MM-DD] [--format jsonl|csv]
//                       [--first I]
//
// --first I starts at household I (0-based), so that shards can be generated separately and
// concatenate to the whole population.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "population.hpp"

namespace {

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr,
               "generate_population: %s\nusage: generate_population [--count N] [--seed S] "
               "[--as-of YYYY-MM-DD] [--format jsonl|csv] [--first I]\n",
               message);
  std::exit(2);
}

std::uint64_t whole_number(const char* text, const char* option) {
  char* end = nullptr;
  std::uint64_t n = std::strtoull(text, &end, 10);
  if (*text == '\0' || *end != '\0' || *text == '-') {
    usage((std::string(option) + " takes a whole number").c_str());
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  using entitle::bench::PopulationFormat;
  std::uint64_t count = 1000, seed = 2012, first = 0;
  std::string as_of_text = "2013-06-01";
  PopulationFormat format = PopulationFormat::kJsonLines;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc) usage("every option takes a value");
    const char* value = argv[++i];
    if (arg == "--count") {
      count = whole_number(value, "--count");
    } else if (arg == "--seed") {
      seed = whole_number(value, "--seed");
    } else if (arg == "--first") {
      first = whole_number(value, "--first");
    } else if (arg == "--as-of") {
      as_of_text = value;
    } else if (arg == "--format") {
      std::string_view f = value;
      if (f != "jsonl" && f != "csv") usage("--format is jsonl or csv");
      format = f == "csv" ? PopulationFormat::kCsv : PopulationFormat::kJsonLines;
    } else {
      usage("unknown option");
    }
  }
  auto as_of = entitle::Date::parse(as_of_text);
  if (!as_of) usage("--as-of takes a date YYYY-MM-DD");
  std::string out;
  if (format == PopulationFormat::kCsv) out = entitle::bench::population_csv_header();
  for (std::uint64_t i = first; i < first + count; ++i) {
    entitle::bench::append_household(seed, i, *as_of, format, out);
    if (out.size() > (std::size_t{1} << 20)) {
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) return 1;
      out.clear();
    }
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) return 1;
  return std::fflush(stdout) == 0 ? 0 : 1;
}
