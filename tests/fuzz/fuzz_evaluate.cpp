// Evaluation: any bytes as a household (YAML or JSON) against the Wuhan package; a household that
// binds is evaluated untraced and traced, and both results are rendered every way.
#include "entitle/facts.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace entitle;
  const auto& rules = fuzz::wuhan();
  Facts facts;
  Diagnostics diagnostics;
  if (!bind_household(*rules, fuzz::as_text(data, size), "fuzz", facts, diagnostics)) {
    fuzz::check_rejected(diagnostics);
    return 0;
  }
  Date as_of = facts.as_of().value_or(*Date::parse("2013-06-01"));
  fuzz::evaluate_both_ways(rules, facts, as_of);
  return 0;
}
