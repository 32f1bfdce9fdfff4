// Numbers as the diff reports write them for people (text and HTML); JSON writes plain decimals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "entitle/decimal.hpp"
#include "entitle/diff.hpp"

namespace entitle::diff {

// "14,400.00": two decimals at least, thousands separated.
std::string money(Decimal amount);
// "+1,200.00", "-300.00", "0.00".
std::string signed_money(Decimal amount);
// "1,234".
std::string count(std::uint64_t n);
// "+3", "-2", "0": reform − base.
std::string count_change(std::uint64_t base, std::uint64_t reform);
// reform − base; nullopt when it leaves the range of Decimal.
std::optional<Decimal> change(Decimal base, Decimal reform);
// The change as a percent of `base`, rounded half away from zero to one decimal ("+100.0",
// "-12.5", "0.0"); nullopt when base is zero or on overflow.
std::optional<std::string> percent(Decimal base, Decimal reform);
// "+1,200.00" for a bin of one change, "(500.00, 1,000.00]" for gains, "[-1,000.00, -500.00)"
// for losses (DiffBin).
std::string bin_label(const DiffBin& bin);

}  // namespace entitle::diff
