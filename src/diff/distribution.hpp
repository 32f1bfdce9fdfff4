// The distribution of per-household changes, mergeable across threads with the same result
// whatever the split: exact counts per distinct change while there are at most kMaxDistinct of
// them; beyond that every change is rounded down to a multiple of a coarser grain (a power of ten
// of Decimal units), the smallest grain that brings the count back under the limit.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "entitle/decimal.hpp"
#include "entitle/diff.hpp"

namespace entitle::diff {

class Distribution {
 public:
  // Memory bound: a few hundred kilobytes per worker and measure.
  static constexpr std::size_t kMaxDistinct = 4096;
  // At most this many bins besides the zero bin.
  static constexpr std::int64_t kMaxBins = 12;

  void add(Decimal change, std::uint64_t households = 1);
  void merge(const Distribution& other);

  // The bins (DiffBin), in increasing order, with a zero bin when some change is zero.
  std::vector<DiffBin> bins() const;

 private:
  void add_units(std::int64_t units, std::uint64_t households);
  void coarsen();

  std::map<std::int64_t, std::uint64_t> counts_;  // change (units, a multiple of grain_) → count
  std::int64_t grain_ = 1;
};

}  // namespace entitle::diff
