#include "entitle/limits.hpp"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <charconv>
#include <type_traits>

#include "util/text.hpp"

namespace entitle {
namespace {

// One limit: its name, the values the engine can honour, and how to read and write it.
struct LimitSpec {
  std::string_view name;
  std::uint64_t min, max;
  std::string_view why_max;  // why values above `max` are refused
  std::uint64_t (*get)(const Limits&);
  void (*set)(Limits&, std::uint64_t);
};

template <auto Member>
constexpr LimitSpec spec(std::string_view name, std::uint64_t max, std::string_view why_max) {
  return {name,
          1,
          max,
          why_max,
          [](const Limits& l) { return static_cast<std::uint64_t>(l.*Member); },
          [](Limits& l, std::uint64_t v) {
            l.*Member = static_cast<std::remove_reference_t<decltype(l.*Member)>>(v);
          }};
}

constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

// In the order of the struct. Each maximum protects something the limit itself cannot.
constexpr LimitSpec kLimits[] = {
    spec<&Limits::max_yaml_depth>("max_yaml_depth", 256,
                                  "yaml-cpp 0.7 cannot parse nesting near 500 levels"),
    spec<&Limits::max_policy_file_bytes>("max_policy_file_bytes", kGiB, "files are read whole"),
    spec<&Limits::max_household_bytes>("max_household_bytes", kGiB, "inputs are read whole"),
    spec<&Limits::max_expression_depth>("max_expression_depth", 256,
                                        "the parser's stack grows with each level"),
    spec<&Limits::max_expression_length>("max_expression_length", kGiB, "texts are held whole"),
    spec<&Limits::max_evaluation_depth>("max_evaluation_depth", 4096,
                                        "the evaluator's stack grows with each level"),
    spec<&Limits::max_members>("max_members", 1'000'000, "members are held in memory"),
    spec<&Limits::max_eval_steps>("max_eval_steps", std::uint64_t{1} << 40,
                                  "a traced step keeps 40 bytes"),
    spec<&Limits::max_household_steps>("max_household_steps", std::uint64_t{1} << 40,
                                       "a traced step keeps 40 bytes"),
};

}  // namespace

std::string set_limit(Limits& limits, std::string_view name, std::string_view value) {
  const LimitSpec* found = nullptr;
  std::vector<std::string> names;
  for (const auto& s : kLimits) {
    if (s.name == name) found = &s;
    names.emplace_back(s.name);
  }
  if (!found) {
    std::string message = fmt::format("unknown limit '{}'", name);
    if (auto hint = closest_name(name, names)) {
      return message + fmt::format("; did you mean '{}'?", *hint);
    }
    return message + fmt::format("; the limits are {}", fmt::join(names, ", "));
  }
  std::uint64_t v = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), v);
  bool whole = !value.empty() && end == value.data() + value.size();
  if (!whole || (error != std::errc() && error != std::errc::result_out_of_range)) {
    return fmt::format("limit {} must be a whole number, found '{}'", name, value);
  }
  if (error == std::errc::result_out_of_range || v < found->min || v > found->max) {
    return fmt::format("limit {} must be from {} to {} ({}), found {}", name, found->min,
                       found->max, found->why_max, value);
  }
  found->set(limits, v);
  return {};
}

std::vector<std::string> describe_limits(const Limits& limits) {
  std::vector<std::string> out;
  for (const auto& s : kLimits)
    out.push_back(fmt::format("{}={}", s.name, s.get(limits)));
  return out;
}

}  // namespace entitle
