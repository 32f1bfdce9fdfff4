// Synthetic Wuhan households (rules/wuhan-2012 schema) for benchmarks and tests.
//
// The same (seed, index, as_of) always gives the same household, byte for byte: the generator
// uses its own PRNG (xoshiro256**) and integer arithmetic only, never std::*_distribution (whose
// output differs between standard libraries). Household i depends only on (seed, i), so shards of
// a population can be generated separately.
//
// The mix follows the groups the Wuhan 2012 policy addresses: urban and rural, local and
// floating (local_hukou false), only-child, only-daughter and two-daughter families, shidu
// families (the only child died, sometimes with a child born after the loss) and families whose
// only child is disabled, three-generation households, elderly couples, widowed parents, young
// couples planning a pregnancy and families with a university freshman. Ages cluster around the
// policy's thresholds (49, 60, 64, 70) with birthdays on, just before and just after the
// evaluation date, and include 29 February births; children's school stages follow their ages.
// About 2% of households lack a fact (birth date, sex or hukou), so that undetermined rules occur
// as they do in real data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "entitle/date.hpp"

namespace entitle::bench {

enum class PopulationFormat { kJsonLines, kCsv };

// The CSV header line (with its newline) of the CSV form `entitle batch` reads.
std::string_view population_csv_header();

// Appends household `index` of the population `seed` as one JSON line (facts at their default
// values left out, as a case-management export would) or as CSV rows (one per member, every
// column written, household facts repeated, an unknown fact as an empty cell).
void append_household(std::uint64_t seed, std::uint64_t index, Date as_of, PopulationFormat format,
                      std::string& out);

}  // namespace entitle::bench
