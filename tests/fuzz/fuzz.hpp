// Shared by the fuzz targets (tests/fuzz/fuzz_*.cpp). Each target defines the libFuzzer entry
// point; built with clang and -fsanitize=fuzzer it is a fuzzer (scripts/fuzz), built without it
// replay_main.cpp runs it over the committed corpus as an ordinary test.
//
// A target aborts (through check()) only when the engine breaks one of its own promises; a
// rejected input is a normal outcome and returns 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "entitle/render.hpp"
#include "entitle/ruleset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace entitle::fuzz {

// Stops the run with a message: the fuzzer records the input that got here as a crash.
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline void check(bool condition, const char* what) {
  if (!condition) fail(what);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The Wuhan 2012 package, loaded once per process with default limits.
inline const std::shared_ptr<const RuleSet>& wuhan() {
  static const std::shared_ptr<const RuleSet> rules = [] {
    LoadResult loaded = load_ruleset(ENTITLE_SOURCE_DIR "/rules/wuhan-2012");
    if (!loaded.rules) fail("the Wuhan package does not load");
    return loaded.rules;
  }();
  return rules;
}

// A load or bind that failed must say why, with every diagnostic printable: nothing from the
// input may reach a terminal as a control character.
inline void check_rejected(const Diagnostics& diagnostics) {
  check(has_errors(diagnostics), "an input was rejected without an error diagnostic");
  for (const auto& d : diagnostics) {
    check(!d.code.empty() && !d.message.empty(), "a diagnostic without code or message");
    for (char c : format_diagnostic(d)) {
      auto byte = static_cast<unsigned char>(c);
      check(byte >= 0x20 || c == '\n' || c == '\t', "a diagnostic prints a control character");
      check(byte != 0x7F, "a diagnostic prints DEL");
    }
  }
}

// Renders `result` every way the CLI can and checks what must hold of any output.
void check_renderings(const RuleSet& rules, const Facts& facts, const Result& result, bool traced);

// Evaluates `facts` untraced and traced on fresh Evaluators, checks that both agree (unless the
// step budget cut one short) and that a reused Evaluator repeats itself, then renders both.
void evaluate_both_ways(const std::shared_ptr<const RuleSet>& rules, const Facts& facts,
                        Date as_of);

}  // namespace entitle::fuzz
