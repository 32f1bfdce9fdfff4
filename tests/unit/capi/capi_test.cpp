#include "entitle/entitle.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "entitle/evaluate.hpp"
#include "entitle/render.hpp"
#include "entitle/ruleset.hpp"

namespace {

const std::string kPackage = ENTITLE_SOURCE_DIR "/rules/wuhan-2012";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct RulesetDeleter {
  void operator()(entitle_ruleset* r) const { entitle_ruleset_free(r); }
};
struct ErrorDeleter {
  void operator()(entitle_error* e) const { entitle_error_free(e); }
};
using RulesetPtr = std::unique_ptr<entitle_ruleset, RulesetDeleter>;
using ErrorPtr = std::unique_ptr<entitle_error, ErrorDeleter>;

RulesetPtr load_package() {
  entitle_error* error = nullptr;
  RulesetPtr rules(entitle_ruleset_load(kPackage.c_str(), &error));
  REQUIRE(rules);
  REQUIRE(error == nullptr);
  return rules;
}

// Evaluates through the C API; on failure returns the error and an empty string.
std::pair<std::string, ErrorPtr> evaluate(const entitle_ruleset* rules, const std::string& json,
                                          const char* as_of, unsigned flags = 0,
                                          const char* lang = nullptr, bool text = false) {
  char* out = reinterpret_cast<char*>(1);  // must be reset to NULL on failure
  entitle_error* error = reinterpret_cast<entitle_error*>(1);
  int rc = text ? entitle_evaluate_text(rules, json.c_str(), as_of, lang, flags, &out, &error)
                : entitle_evaluate_json(rules, json.c_str(), as_of, flags, &out, &error);
  ErrorPtr owned(error);
  if (rc != ENTITLE_OK) {
    CHECK(out == nullptr);
    CHECK(error != nullptr);
    CHECK(entitle_error_status(error) == rc);
    return {std::string(), std::move(owned)};
  }
  CHECK(error == nullptr);
  std::string result(out);
  entitle_string_free(out);
  return {result, std::move(owned)};
}

std::vector<std::string> diagnostic_codes(const entitle_error* error) {
  std::vector<std::string> codes;
  for (size_t i = 0; i < entitle_error_diagnostic_count(error); ++i)
    codes.emplace_back(entitle_error_diagnostic_code(error, i));
  return codes;
}

// The package's files as (name, text) pairs, in a form entitle_ruleset_load_documents takes.
struct Documents {
  std::vector<std::string> names, texts;
  std::vector<const char*> name_ptrs, text_ptrs;
  void add(std::string name, std::string text) {
    names.push_back(std::move(name));
    texts.push_back(std::move(text));
  }
  entitle_ruleset* load(entitle_error** error) {
    name_ptrs.clear();
    text_ptrs.clear();
    for (std::size_t i = 0; i < names.size(); ++i) {
      name_ptrs.push_back(names[i].c_str());
      text_ptrs.push_back(texts[i].c_str());
    }
    return entitle_ruleset_load_documents(name_ptrs.data(), text_ptrs.data(), names.size(), error);
  }
};

// In name order, as entitle_ruleset_load reads a folder: rules keep their order in the result.
Documents package_documents() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(kPackage)) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  Documents documents;
  for (const auto& path : paths)
    documents.add("wuhan-2012/" + path.filename().string(), read_file(path.string()));
  return documents;
}

const std::string& shidu_couple() {
  static const std::string text =
      read_file(ENTITLE_SOURCE_DIR "/examples/households/urban-shidu-couple.json");
  return text;
}

}  // namespace

TEST_CASE("C API: version macros match the library", "[capi]") {
  std::string expected = std::to_string(ENTITLE_VERSION_MAJOR) + "." +
                         std::to_string(ENTITLE_VERSION_MINOR) + "." +
                         std::to_string(ENTITLE_VERSION_PATCH);
  CHECK(entitle_version() == expected);
  CHECK(ENTITLE_VERSION ==
        ENTITLE_VERSION_MAJOR * 10000 + ENTITLE_VERSION_MINOR * 100 + ENTITLE_VERSION_PATCH);
}

TEST_CASE("C API: loads a package and evaluates like the C++ API", "[capi]") {
  RulesetPtr rules = load_package();
  CHECK(std::string(entitle_ruleset_name(rules.get())) == "wuhan-2012-family-support");
  CHECK(std::string(entitle_ruleset_version(rules.get())) == "1.0.0");
  CHECK(std::string(entitle_ruleset_digest(rules.get())).size() == 64);

  // The same evaluation through the C++ API is the reference.
  auto loaded = entitle::load_ruleset(kPackage);
  REQUIRE(loaded.rules);
  entitle::Facts facts;
  entitle::Diagnostics diagnostics;
  REQUIRE(entitle::bind_json(*loaded.rules, shidu_couple(), "x", facts, diagnostics));
  entitle::Evaluator evaluator(loaded.rules);
  auto reference = [&](entitle::Date as_of, bool trace, const char* lang, bool json,
                       bool not_granted = true) {
    const entitle::Result& result = evaluator.evaluate(facts, as_of, entitle::EvalOptions{trace});
    entitle::RenderOptions options;
    options.explain = trace;
    options.not_granted = not_granted;
    if (lang) options.lang = lang;
    std::string out;
    if (json) {
      entitle::render_json(*loaded.rules, facts, result, options, out);
    } else {
      out = entitle::render_text(*loaded.rules, facts, result, options);
    }
    return out;
  };
  const auto own_date = *entitle::Date::parse("2013-01-01");
  const auto later = *entitle::Date::parse("2030-06-01");

  auto [json, error] = evaluate(rules.get(), shidu_couple(), nullptr);
  CHECK(json == reference(own_date, false, nullptr, true));
  CHECK(json.find("\"household\":\"urban-shidu-couple\"") != std::string::npos);
  CHECK(json.find("\"trace\"") == std::string::npos);

  CHECK(evaluate(rules.get(), shidu_couple(), "2030-06-01").first ==
        reference(later, false, nullptr, true));
  std::string traced = evaluate(rules.get(), shidu_couple(), nullptr, ENTITLE_TRACE).first;
  CHECK(traced == reference(own_date, true, nullptr, true));
  CHECK(traced.find("\"trace\"") != std::string::npos);
  std::string granted_only =
      evaluate(rules.get(), shidu_couple(), nullptr, ENTITLE_OMIT_NOT_GRANTED).first;
  CHECK(granted_only == reference(own_date, false, nullptr, true, false));
  CHECK(granted_only.find("\"not_granted\"") == std::string::npos);

  CHECK(evaluate(rules.get(), shidu_couple(), nullptr, 0, nullptr, true).first ==
        reference(own_date, false, "en", false));
  CHECK(evaluate(rules.get(), shidu_couple(), nullptr, 0, "zh", true).first ==
        reference(own_date, false, "zh", false));
  CHECK(evaluate(rules.get(), shidu_couple(), "2030-06-01", ENTITLE_TRACE, "en", true).first ==
        reference(later, true, "en", false));
}

TEST_CASE("C API: loads a package from documents in memory", "[capi]") {
  Documents documents = package_documents();
  entitle_error* error = nullptr;
  RulesetPtr rules(documents.load(&error));
  REQUIRE(rules);
  CHECK(error == nullptr);
  RulesetPtr from_folder = load_package();
  CHECK(evaluate(rules.get(), shidu_couple(), nullptr).first ==
        evaluate(from_folder.get(), shidu_couple(), nullptr).first);
}

TEST_CASE("C API: a missing package folder is a package error with a diagnostic", "[capi]") {
  entitle_error* error = nullptr;
  const std::string folder = ENTITLE_SOURCE_DIR "/no/such/package";
  CHECK(entitle_ruleset_load(folder.c_str(), &error) == nullptr);
  ErrorPtr owned(error);
  REQUIRE(error != nullptr);
  CHECK(entitle_error_status(error) == ENTITLE_ERROR_PACKAGE);
  REQUIRE(entitle_error_diagnostic_count(error) >= 1);
  CHECK(std::string(entitle_error_diagnostic_code(error, 0)) == "E008");
  CHECK(std::string(entitle_error_diagnostic_severity(error, 0)) == "error");
  CHECK(std::string(entitle_error_diagnostic_file(error, 0)).find("no/such/package") !=
        std::string::npos);
  CHECK(std::string(entitle_error_message(error)).find("E008") != std::string::npos);
  // Without an error pointer the call still fails cleanly.
  CHECK(entitle_ruleset_load(folder.c_str(), nullptr) == nullptr);
}

TEST_CASE("C API: bad YAML reports every diagnostic with its location", "[capi]") {
  SECTION("malformed YAML") {
    Documents documents;
    documents.add("bad/package.yaml", "package:\n  name: [unclosed\n");
    entitle_error* error = nullptr;
    CHECK(documents.load(&error) == nullptr);
    ErrorPtr owned(error);
    REQUIRE(error != nullptr);
    CHECK(entitle_error_status(error) == ENTITLE_ERROR_PACKAGE);
    REQUIRE(entitle_error_diagnostic_count(error) >= 1);
    CHECK(std::string(entitle_error_diagnostic_code(error, 0)) == "E001");
    CHECK(std::string(entitle_error_diagnostic_file(error, 0)) == "bad/package.yaml");
    CHECK(entitle_error_diagnostic_line(error, 0) > 0);
  }
  SECTION("a misspelt fact name in a rule") {
    Documents documents = package_documents();
    bool replaced = false;
    for (std::size_t i = 0; i < documents.names.size(); ++i) {
      if (documents.names[i] != "wuhan-2012/rules-1-special-families.yaml") continue;
      std::string& text = documents.texts[i];
      auto at = text.find("            - retired\n");
      REQUIRE(at != std::string::npos);
      text.replace(at, 21, "            - retird\n");
      replaced = true;
    }
    REQUIRE(replaced);
    entitle_error* error = nullptr;
    CHECK(documents.load(&error) == nullptr);
    ErrorPtr owned(error);
    REQUIRE(error != nullptr);
    CHECK(entitle_error_status(error) == ENTITLE_ERROR_PACKAGE);
    auto codes = diagnostic_codes(error);
    auto index = std::find(codes.begin(), codes.end(), "E011") - codes.begin();
    REQUIRE(static_cast<std::size_t>(index) < codes.size());
    CHECK(std::string(entitle_error_diagnostic_file(error, index)) ==
          "wuhan-2012/rules-1-special-families.yaml");
    CHECK(entitle_error_diagnostic_line(error, index) == 14);
    CHECK(entitle_error_diagnostic_column(error, index) == 15);
    CHECK(std::string(entitle_error_diagnostic_message(error, index)).find("retird") !=
          std::string::npos);
  }
  SECTION("NULL documents") {
    const char* names[] = {"package.yaml"};
    const char* texts[] = {nullptr};
    entitle_error* error = nullptr;
    CHECK(entitle_ruleset_load_documents(names, texts, 1, &error) == nullptr);
    ErrorPtr owned(error);
    CHECK(entitle_error_status(error) == ENTITLE_ERROR_ARGUMENT);
    CHECK(entitle_ruleset_load_documents(nullptr, nullptr, 2, nullptr) == nullptr);
  }
}

TEST_CASE("C API: bad household JSON is an input error naming the problem", "[capi]") {
  RulesetPtr rules = load_package();
  SECTION("malformed JSON") {
    auto [out, error] = evaluate(rules.get(), "{\"id\": \"x\", \"members\": [", "2013-01-01");
    REQUIRE(error);
    CHECK(entitle_error_status(error.get()) == ENTITLE_ERROR_INPUT);
    CHECK(diagnostic_codes(error.get()) == std::vector<std::string>{"F001"});
  }
  SECTION("a fact of the wrong type") {
    std::string json = shidu_couple();
    json.replace(json.find("1950-05-10"), 10, "yesterday");
    auto [out, error] = evaluate(rules.get(), json, nullptr);
    REQUIRE(error);
    CHECK(entitle_error_status(error.get()) == ENTITLE_ERROR_INPUT);
    REQUIRE(entitle_error_diagnostic_count(error.get()) == 1);
    CHECK(std::string(entitle_error_diagnostic_path(error.get(), 0)) == "members[0].birth_date");
    CHECK(std::string(entitle_error_message(error.get())).find("members[0].birth_date") !=
          std::string::npos);
  }
  SECTION("no evaluation date anywhere") {
    auto [out, error] = evaluate(rules.get(), R"({"id": "x", "members": []})", nullptr);
    REQUIRE(error);
    CHECK(entitle_error_status(error.get()) == ENTITLE_ERROR_INPUT);
    CHECK(std::string(entitle_error_message(error.get())).find("as_of") != std::string::npos);
  }
}

TEST_CASE("C API: wrong arguments are argument errors", "[capi]") {
  RulesetPtr rules = load_package();
  for (const char* date :
       {"2024-13-01", "2024-01-05x", "", "24-01-05", "2023-02-29", "1700-01-01"}) {
    CAPTURE(date);
    auto [out, error] = evaluate(rules.get(), shidu_couple(), date);
    REQUIRE(error);
    CHECK(entitle_error_status(error.get()) == ENTITLE_ERROR_ARGUMENT);
    CHECK(std::string(entitle_error_message(error.get())).find("YYYY-MM-DD") != std::string::npos);
  }
  CHECK(entitle_error_status(evaluate(rules.get(), shidu_couple(), nullptr, 0x80).second.get()) ==
        ENTITLE_ERROR_ARGUMENT);
  CHECK(entitle_error_status(
            evaluate(rules.get(), shidu_couple(), nullptr, 0, "fr", true).second.get()) ==
        ENTITLE_ERROR_ARGUMENT);

  char* out = nullptr;
  CHECK(entitle_evaluate_json(nullptr, shidu_couple().c_str(), nullptr, 0, &out, nullptr) ==
        ENTITLE_ERROR_ARGUMENT);
  CHECK(entitle_evaluate_json(rules.get(), nullptr, nullptr, 0, &out, nullptr) ==
        ENTITLE_ERROR_ARGUMENT);
  CHECK(entitle_evaluate_json(rules.get(), shidu_couple().c_str(), nullptr, 0, nullptr, nullptr) ==
        ENTITLE_ERROR_ARGUMENT);
  CHECK(out == nullptr);
  CHECK(entitle_ruleset_load(nullptr, nullptr) == nullptr);

  // Accessors accept NULL and indexes out of range.
  CHECK(entitle_error_status(nullptr) == ENTITLE_ERROR_ARGUMENT);
  CHECK(entitle_error_diagnostic_count(nullptr) == 0);
  CHECK(std::string(entitle_error_diagnostic_code(nullptr, 3)).empty());
  CHECK(std::string(entitle_error_diagnostic_severity(nullptr, 0)).empty());
  CHECK(entitle_error_diagnostic_line(nullptr, 0) == 0);
  CHECK(std::string(entitle_ruleset_name(nullptr)).empty());
  entitle_error_free(nullptr);
  entitle_ruleset_free(nullptr);
  entitle_string_free(nullptr);
}

TEST_CASE("C API: concurrent evaluation on one rule set equals single-threaded", "[capi]") {
  RulesetPtr rules = load_package();
  struct Case {
    const std::string* household;
    std::string as_of;
    unsigned flags;
  };
  const std::string two_daughters = R"({"id": "rural-two-daughters", "members": [
    {"id": "father", "role": "parent", "sex": "male", "birth_date": "1971-02-02", "hukou": "rural"},
    {"id": "mother", "role": "parent", "sex": "female", "birth_date": "1973-01-10",
     "hukou": "rural", "sterilized": true},
    {"id": "elder", "role": "child", "sex": "female", "birth_date": "1997-09-01",
     "hukou": "rural", "school_stage": "junior_final"},
    {"id": "younger", "role": "child", "sex": "female", "birth_date": "2001-05-05",
     "hukou": "rural"}]})";
  const std::string unknown_ages = R"({"id": "unknown-ages", "members": [
    {"id": "a", "role": "parent", "hukou": "urban"},
    {"id": "b", "role": "child", "deceased": true}]})";
  std::vector<Case> cases;
  for (const std::string* household : {&shidu_couple(), &two_daughters, &unknown_ages}) {
    for (int year = 2010; year <= 2034; year += 2) {
      for (unsigned flags : {0u, ENTITLE_TRACE}) {
        cases.push_back({household, std::to_string(year) + "-06-30", flags});
      }
    }
  }
  std::vector<std::string> expected;
  for (const Case& c : cases) {
    expected.push_back(evaluate(rules.get(), *c.household, c.as_of.c_str(), c.flags).first);
    REQUIRE(!expected.back().empty());
  }
  // Outcomes differ by date, so a mixed-up context would show.
  CHECK(expected[0] != expected[cases.size() / 3 - 2]);

  constexpr int kThreads = 4, kRounds = 3;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread walks the cases from a different start, so different households and dates
      // run at the same time.
      for (int round = 0; round < kRounds; ++round) {
        for (std::size_t k = 0; k < cases.size(); ++k) {
          std::size_t i = (k + t * cases.size() / kThreads) % cases.size();
          const Case& c = cases[i];
          char* out = nullptr;
          int rc = entitle_evaluate_json(rules.get(), c.household->c_str(), c.as_of.c_str(),
                                         c.flags, &out, nullptr);
          got[t].push_back(rc == ENTITLE_OK && out ? out : "");
          entitle_string_free(out);
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(got[t].size() == kRounds * cases.size());
    for (std::size_t k = 0; k < got[t].size(); ++k) {
      std::size_t i = (k % cases.size() + t * cases.size() / kThreads) % cases.size();
      if (got[t][k] != expected[i]) FAIL("thread " << t << " case " << i << " differs");
    }
  }
}

TEST_CASE("C API: rule sets loaded with limits apply them", "[capi]") {
  const char* limits[] = {"max_members=1", "max_eval_steps=5000000"};
  entitle_error* error = nullptr;
  RulesetPtr rules(entitle_ruleset_load_with_limits(kPackage.c_str(), limits, 2, &error));
  REQUIRE(rules);
  CHECK(error == nullptr);
  auto [json, failed] = evaluate(rules.get(), shidu_couple(), "2013-06-01");
  REQUIRE(failed);
  CHECK(entitle_error_status(failed.get()) == ENTITLE_ERROR_INPUT);
  REQUIRE(entitle_error_diagnostic_count(failed.get()) == 1);
  CHECK(std::string(entitle_error_diagnostic_code(failed.get(), 0)) == "F006");
  CHECK(std::string(entitle_error_diagnostic_path(failed.get(), 0)) == "members");

  // NULL and 0 are the defaults.
  RulesetPtr defaults(entitle_ruleset_load_with_limits(kPackage.c_str(), nullptr, 0, nullptr));
  REQUIRE(defaults);
  CHECK(!evaluate(defaults.get(), shidu_couple(), "2013-06-01").first.empty());
}

TEST_CASE("C API: a limit that is not one is an argument error", "[capi]") {
  for (const char* bad : {"max_member=1", "max_members", "max_members=-1", "max_yaml_depth=999"}) {
    CAPTURE(bad);
    entitle_error* error = nullptr;
    const char* limits[] = {bad};
    CHECK(entitle_ruleset_load_with_limits(kPackage.c_str(), limits, 1, &error) == nullptr);
    ErrorPtr owned(error);
    REQUIRE(error);
    CHECK(entitle_error_status(error) == ENTITLE_ERROR_ARGUMENT);
    CHECK(std::string(entitle_error_message(error)).find("max_") != std::string::npos);
  }
  entitle_error* error = nullptr;
  CHECK(entitle_ruleset_load_with_limits(kPackage.c_str(), nullptr, 1, &error) == nullptr);
  ErrorPtr owned(error);
  CHECK(entitle_error_status(error) == ENTITLE_ERROR_ARGUMENT);
}

TEST_CASE("C API: documents loaded with limits obey them", "[capi]") {
  const char* names[] = {"package.yaml"};
  const char* texts[] = {"package:\n  name: x\n  version: \"1\"\n"};
  const char* limits[] = {"max_policy_file_bytes=10"};
  entitle_error* error = nullptr;
  CHECK(entitle_ruleset_load_documents_with_limits(names, texts, 1, limits, 1, &error) == nullptr);
  ErrorPtr owned(error);
  REQUIRE(error);
  CHECK(entitle_error_status(error) == ENTITLE_ERROR_PACKAGE);
  REQUIRE(entitle_error_diagnostic_count(error) >= 1);
  CHECK(std::string(entitle_error_diagnostic_code(error, 0)) == "E002");
}
