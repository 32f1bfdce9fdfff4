// Household reader: any bytes through bind_json, bind_yaml and bind_household against the Wuhan
// rule set. Each either binds or rejects the input with diagnostics; none may crash or hang.
#include "entitle/facts.hpp"
#include "fuzz.hpp"
#include "util/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace entitle;
  const RuleSet& rules = *fuzz::wuhan();
  std::string_view text = fuzz::as_text(data, size);
  Facts facts;  // reused on purpose: binding again must not see the previous household
  for (auto bind : {&bind_json, &bind_yaml, &bind_household}) {
    Diagnostics diagnostics;
    if (!bind(rules, text, "fuzz", facts, diagnostics)) {
      fuzz::check_rejected(diagnostics);
      continue;
    }
    fuzz::check(!has_errors(diagnostics), "a household bound with errors");
    fuzz::check(facts.member_count() <= rules.limits().max_members, "max_members not enforced");
    fuzz::check(is_valid_utf8(facts.household_id()), "a household id is not UTF-8");
    for (std::size_t m = 0; m < facts.member_count(); ++m) {
      fuzz::check(!facts.member_id(m).empty(), "a member without id was accepted");
    }
  }
  return 0;
}
