#include "diff/distribution.hpp"

#include <algorithm>
#include <limits>

namespace entitle::diff {

namespace {

using Wide = __int128;

Wide floor_div(Wide a, Wide b) {
  Wide q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

Wide ceil_div(Wide a, Wide b) {
  Wide q = a / b;
  return (a % b != 0 && a > 0) ? q + 1 : q;
}

// A bin edge; the extreme edges of the extreme bins may lie outside the range of Decimal.
Decimal edge(Wide units) {
  constexpr Wide lo = std::numeric_limits<std::int64_t>::min();
  constexpr Wide hi = std::numeric_limits<std::int64_t>::max();
  return Decimal::from_units(static_cast<std::int64_t>(std::clamp(units, lo, hi)));
}

}  // namespace

void Distribution::add(Decimal change, std::uint64_t households) {
  add_units(change.units(), households);
}

void Distribution::add_units(std::int64_t units, std::uint64_t households) {
  auto key = static_cast<std::int64_t>(floor_div(units, grain_) * grain_);
  counts_[key] += households;
  while (counts_.size() > kMaxDistinct)
    coarsen();
}

void Distribution::coarsen() {
  grain_ *= 10;
  std::map<std::int64_t, std::uint64_t> coarser;
  for (const auto& [units, n] : counts_)
    coarser[static_cast<std::int64_t>(floor_div(units, grain_) * grain_)] += n;
  counts_ = std::move(coarser);
}

void Distribution::merge(const Distribution& other) {
  while (grain_ < other.grain_)
    coarsen();
  for (const auto& [units, n] : other.counts_)
    add_units(units, n);
}

std::vector<DiffBin> Distribution::bins() const {
  std::vector<DiffBin> out;
  std::size_t nonzero = counts_.size() - counts_.count(0);
  if (grain_ == 1 && nonzero <= static_cast<std::size_t>(kMaxBins)) {
    for (const auto& [units, n] : counts_) {
      out.push_back({Decimal::from_units(units), Decimal::from_units(units), n});
    }
    return out;
  }
  // Nice widths: 1, 2 or 5 times a power of ten, from 0.01, the smallest that needs at most
  // kMaxBins bins for the losses and the gains together.
  auto lowest = counts_.begin()->first, highest = counts_.rbegin()->first;
  auto first_gain = counts_.upper_bound(0);
  auto last_loss = counts_.lower_bound(0);
  bool losses = lowest<0, gains = highest> 0;
  Wide width = 0;
  for (Wide power = 100;; power *= 10) {
    for (int m : {1, 2, 5}) {
      Wide w = power * m;
      if (w < grain_) continue;
      Wide bins = 0;
      if (losses) bins += floor_div(std::prev(last_loss)->first, w) - floor_div(lowest, w) + 1;
      if (gains) bins += ceil_div(highest, w) - ceil_div(first_gain->first, w) + 1;
      if (bins <= kMaxBins) {
        width = w;
        break;
      }
    }
    if (width) break;
  }
  auto emit = [&](Wide first, Wide last, auto index, auto begin, auto end) {
    for (Wide k = first; k <= last; ++k)
      out.push_back({edge(k * width), edge((k + 1) * width), 0});
    for (auto it = begin; it != end; ++it)
      out[out.size() - static_cast<std::size_t>(last - index(it->first) + 1)].households +=
          it->second;
  };
  auto loss_index = [&](std::int64_t u) { return floor_div(u, width); };
  auto gain_index = [&](std::int64_t u) { return ceil_div(u, width) - 1; };
  if (losses) {
    emit(loss_index(lowest), loss_index(std::prev(last_loss)->first), loss_index, counts_.begin(),
         last_loss);
  }
  if (auto zero = counts_.find(0); zero != counts_.end()) out.push_back({{}, {}, zero->second});
  if (gains) {
    emit(gain_index(first_gain->first), gain_index(highest), gain_index, first_gain, counts_.end());
  }
  return out;
}

}  // namespace entitle::diff
