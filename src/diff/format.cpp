#include "diff/format.hpp"

#include <fmt/format.h>

namespace entitle::diff {

namespace {

std::string grouped(std::string digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string money(Decimal amount) {
  std::string text = amount.to_string(2);
  bool negative = text.front() == '-';
  if (negative) text.erase(0, 1);
  auto dot = text.find('.');
  return fmt::format("{}{}{}", negative ? "-" : "", grouped(text.substr(0, dot)), text.substr(dot));
}

std::string signed_money(Decimal amount) {
  return fmt::format("{}{}", amount > Decimal() ? "+" : "", money(amount));
}

std::string count(std::uint64_t n) {
  return grouped(std::to_string(n));
}

std::string count_change(std::uint64_t base, std::uint64_t reform) {
  if (reform >= base) return fmt::format("{}{}", reform > base ? "+" : "", count(reform - base));
  return fmt::format("-{}", count(base - reform));
}

std::optional<Decimal> change(Decimal base, Decimal reform) {
  return checked_sub(reform, base);
}

std::optional<std::string> percent(Decimal base, Decimal reform) {
  if (base == Decimal()) return std::nullopt;
  auto delta = change(base, reform);
  auto hundredfold = delta ? checked_mul(*delta, *Decimal::from_integer(100)) : std::nullopt;
  auto ratio = hundredfold ? checked_div(*hundredfold, base) : std::nullopt;
  if (!ratio) return std::nullopt;
  // Units are 0.0001 percent; tenths of a percent are 1000 units.
  std::int64_t units = ratio->units(), tenths = units / 1000, rest = units % 1000;
  if (rest >= 500) ++tenths;
  if (rest <= -500) --tenths;
  std::uint64_t magnitude =
      tenths < 0 ? 0 - static_cast<std::uint64_t>(tenths) : static_cast<std::uint64_t>(tenths);
  std::string_view sign = tenths > 0 ? "+" : tenths < 0 ? "-" : "";
  return fmt::format("{}{}.{}", sign, count(magnitude / 10), magnitude % 10);
}

std::string bin_label(const DiffBin& bin) {
  if (bin.low == bin.high) return signed_money(bin.low);
  if (bin.low >= Decimal()) return fmt::format("({}, {}]", money(bin.low), money(bin.high));
  return fmt::format("[{}, {})", money(bin.low), money(bin.high));
}

}  // namespace entitle::diff
