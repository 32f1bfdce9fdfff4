// The speed-of-light baseline: eight Wuhan rules written by hand in C++, on the same JSON Lines
// input as entitle, to show what the engine costs over code that knows its rules at compile time.
//
// It is what a programmer would write for speed, not a second implementation of the package: a
// missing fact is read as false (no three-valued logic), there is no trace, no undetermined
// rules and no legal basis in the output, and the output line is a short summary. The rules:
// shidu_consolation, shidu_parent_lump_sum, festival_visits, care_allowance_70,
// sterilization_reward, cancer_screening, girl_zhongkao_bonus and freshman_gift, with the
// package's parameters as constants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace entitle::bench {

struct BaselineMember {
  char id[16] = {};
  bool parent = false, child = false, female = false, urban = false, rural = false;
  bool retired = false, deceased = false, sterilized = false, born_after_loss = false;
  bool junior_final = false, freshman = false;
  std::int32_t birth = INT32_MIN;  // days since 1970-01-01; INT32_MIN when unknown
  int disability = 0;
};

struct BaselineHousehold {
  char id[32] = {};
  bool living_difficulty = false;
  int member_count = 0;
  BaselineMember members[16];
};

struct BaselineResult {
  int granted = 0;
  std::int64_t once_fen = 0, annual_fen = 0;  // money in fen (0.01 yuan)
};

// A parser reusable for many lines (one per thread). Returns false for a line it cannot read.
class BaselineParser {
 public:
  BaselineParser();
  ~BaselineParser();
  bool parse(std::string_view line, BaselineHousehold& out);

 private:
  struct Impl;
  Impl* impl_;
};

// Evaluates the eight rules as of `as_of` (days since 1970-01-01); appends a summary line to
// `out` when it is non-null.
BaselineResult baseline_evaluate(const BaselineHousehold& h, std::int32_t as_of, std::string* out);

}  // namespace entitle::bench
