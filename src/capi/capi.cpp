// The C API (include/entitle/entitle.h) over the public C++ API. Every extern "C" function is
// noexcept and catches everything: a C++ exception must never unwind into a C caller.
#include "entitle/entitle.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "entitle/evaluate.hpp"
#include "entitle/facts.hpp"
#include "entitle/render.hpp"
#include "entitle/ruleset.hpp"

namespace {

using namespace entitle;

// Scratch space for one evaluation at a time: the Evaluator's caches, the bound facts and the
// rendered output keep their buffers between calls.
struct Context {
  explicit Context(std::shared_ptr<const RuleSet> rules) : evaluator(std::move(rules)) {}
  Evaluator evaluator;
  Facts facts;
  Diagnostics diagnostics;
  std::string out;
  Context* next = nullptr;  // in the rule set's idle list
};

}  // namespace

struct entitle_error {
  int status = ENTITLE_OK;
  std::string message;
  Diagnostics diagnostics;
};

// A rule set and a pool of idle Contexts. The pool grows to the largest number of threads that
// ever evaluated at once and lives as long as the rule set, so a steady stream of calls from a
// fixed set of threads allocates no Context (unlike thread_local contexts, it never keeps a
// freed rule set alive and needs no key against reused addresses).
struct entitle_ruleset {
  explicit entitle_ruleset(std::shared_ptr<const RuleSet> r) : rules(std::move(r)) {}
  ~entitle_ruleset() {
    while (idle)
      delete std::exchange(idle, idle->next);
  }
  entitle_ruleset(const entitle_ruleset&) = delete;
  entitle_ruleset& operator=(const entitle_ruleset&) = delete;

  std::shared_ptr<const RuleSet> rules;
  // The pool is the only mutable part of a rule set, hence mutable: evaluation takes a const one.
  mutable std::mutex mutex;  // guards idle
  mutable Context* idle = nullptr;
};

namespace {

// Handed out when even an entitle_error cannot be allocated; entitle_error_free ignores it.
entitle_error out_of_memory_error{ENTITLE_ERROR_NO_MEMORY, "out of memory", {}};

int fail(entitle_error** error, int status, std::string message,
         Diagnostics diagnostics = {}) noexcept {
  if (!error) return status;
  try {
    *error = new entitle_error{status, std::move(message), std::move(diagnostics)};
  } catch (...) {
    *error = &out_of_memory_error;
    return ENTITLE_ERROR_NO_MEMORY;
  }
  return status;
}

// Runs `body` (which returns a status and reports its own failures through fail) and turns any
// exception into a status.
template <typename Body>
int guarded(entitle_error** error, Body&& body) noexcept {
  if (error) *error = nullptr;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(error, ENTITLE_ERROR_NO_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    try {
      return fail(error, ENTITLE_ERROR_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
      return fail(error, ENTITLE_ERROR_NO_MEMORY, "out of memory");
    }
  } catch (...) {
    return fail(error, ENTITLE_ERROR_INTERNAL, "internal error: unknown exception");
  }
}

std::string summary(std::string_view what, const Diagnostics& diagnostics) {
  std::size_t errors = 0;
  for (const auto& d : diagnostics)
    errors += d.severity == Severity::kError;
  return std::string(what) + " has " + std::to_string(errors) +
         (errors == 1 ? " error" : " errors") + ":\n" + format_diagnostics(diagnostics);
}

int finish_load(LoadResult loaded, std::string_view what, entitle_ruleset** out,
                entitle_error** error) {
  if (!loaded.rules) {
    std::string message = summary(what, loaded.diagnostics);
    return fail(error, ENTITLE_ERROR_PACKAGE, std::move(message), std::move(loaded.diagnostics));
  }
  *out = new entitle_ruleset(std::move(loaded.rules));
  return ENTITLE_OK;
}

// Applies "NAME=VALUE" strings to options.limits (set_limit says what each may be).
int read_limits(const char* const* limits, size_t count, LoadOptions& options,
                entitle_error** error) {
  if (count > 0 && !limits) return fail(error, ENTITLE_ERROR_ARGUMENT, "limits must not be NULL");
  for (size_t i = 0; i < count; ++i) {
    if (!limits[i]) {
      return fail(error, ENTITLE_ERROR_ARGUMENT, "limit " + std::to_string(i) + " is NULL");
    }
    std::string_view spec = limits[i];
    auto equals = spec.find('=');
    std::string problem =
        equals == std::string_view::npos
            ? "expected NAME=VALUE, found '" + std::string(spec) + "'"
            : set_limit(options.limits, spec.substr(0, equals), spec.substr(equals + 1));
    if (!problem.empty()) return fail(error, ENTITLE_ERROR_ARGUMENT, std::move(problem));
  }
  return ENTITLE_OK;
}

// Lends an idle Context of the rule set, or a new one, and gives it back when the evaluation
// completed. A Context whose evaluation threw is dropped, not reused.
class Lease {
 public:
  explicit Lease(const entitle_ruleset& owner) : owner_(owner) {
    {
      std::lock_guard lock(owner_.mutex);
      if (owner_.idle) context_ = std::exchange(owner_.idle, owner_.idle->next);
    }
    if (!context_) context_ = new Context(owner_.rules);
  }
  ~Lease() {
    if (!completed_) {
      delete context_;
      return;
    }
    std::lock_guard lock(owner_.mutex);
    context_->next = owner_.idle;
    owner_.idle = context_;
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  Context& operator*() const noexcept { return *context_; }
  void complete() noexcept { completed_ = true; }

 private:
  const entitle_ruleset& owner_;
  Context* context_ = nullptr;
  bool completed_ = false;
};

constexpr unsigned kKnownFlags = ENTITLE_TRACE | ENTITLE_OMIT_NOT_GRANTED;

char* copy_out(const std::string& text) {
  char* s = static_cast<char*>(std::malloc(text.size() + 1));
  if (!s) throw std::bad_alloc();
  std::memcpy(s, text.data(), text.size() + 1);
  return s;
}

// The shared body of entitle_evaluate_json and entitle_evaluate_text; `render` writes the output
// for the bound facts and result into the context's `out`.
template <typename Render>
int evaluate(const entitle_ruleset* rules, const char* household_json, const char* as_of,
             unsigned flags, char** output, entitle_error** error, Render&& render) noexcept {
  if (output) *output = nullptr;
  return guarded(error, [&] {
    if (!rules || !household_json || !output) {
      return fail(error, ENTITLE_ERROR_ARGUMENT,
                  "rules, household_json and the output pointer must not be NULL");
    }
    if (flags & ~kKnownFlags) {
      return fail(error, ENTITLE_ERROR_ARGUMENT,
                  "unknown flags " + std::to_string(flags & ~kKnownFlags));
    }
    std::optional<Date> date;
    if (as_of) {
      date = Date::parse(as_of);
      if (!date) {
        return fail(error, ENTITLE_ERROR_ARGUMENT,
                    "as_of must be a date YYYY-MM-DD between " + std::to_string(Date::kMinYear) +
                        " and " + std::to_string(Date::kMaxYear) + ", found '" + as_of + "'");
      }
    }
    Lease lease(*rules);
    Context& c = *lease;
    c.diagnostics.clear();
    if (!bind_json(*rules->rules, household_json, "household", c.facts, c.diagnostics)) {
      lease.complete();
      std::string message = summary("the household", c.diagnostics);
      return fail(error, ENTITLE_ERROR_INPUT, std::move(message), std::move(c.diagnostics));
    }
    if (!date) date = c.facts.as_of();
    if (!date) {
      lease.complete();
      return fail(error, ENTITLE_ERROR_INPUT,
                  "no evaluation date: pass as_of or give the household an as_of field");
    }
    const Result& result =
        c.evaluator.evaluate(c.facts, *date, EvalOptions{(flags & ENTITLE_TRACE) != 0});
    RenderOptions options;
    options.explain = (flags & ENTITLE_TRACE) != 0;
    options.not_granted = (flags & ENTITLE_OMIT_NOT_GRANTED) == 0;
    c.out.clear();
    render(*rules->rules, c.facts, result, options, c.out);
    *output = copy_out(c.out);
    lease.complete();
    return static_cast<int>(ENTITLE_OK);
  });
}

template <typename Field>
auto diagnostic_field(const entitle_error* error, size_t index, Field&& field) noexcept {
  static const Diagnostic empty;
  if (!error || index >= error->diagnostics.size()) return field(empty);
  return field(error->diagnostics[index]);
}

#define ENTITLE_STRINGIFY_(x) #x
#define ENTITLE_STRINGIFY(x) ENTITLE_STRINGIFY_(x)

}  // namespace

extern "C" {

const char* entitle_version(void) {
  return ENTITLE_STRINGIFY(ENTITLE_VERSION_MAJOR) "." ENTITLE_STRINGIFY(
      ENTITLE_VERSION_MINOR) "." ENTITLE_STRINGIFY(ENTITLE_VERSION_PATCH);
}

entitle_ruleset* entitle_ruleset_load(const char* package_dir, entitle_error** error) {
  return entitle_ruleset_load_with_limits(package_dir, nullptr, 0, error);
}

entitle_ruleset* entitle_ruleset_load_documents(const char* const* names, const char* const* texts,
                                                size_t count, entitle_error** error) {
  return entitle_ruleset_load_documents_with_limits(names, texts, count, nullptr, 0, error);
}

entitle_ruleset* entitle_ruleset_load_with_limits(const char* package_dir,
                                                  const char* const* limits, size_t limit_count,
                                                  entitle_error** error) {
  entitle_ruleset* out = nullptr;
  guarded(error, [&] {
    if (!package_dir) return fail(error, ENTITLE_ERROR_ARGUMENT, "package_dir must not be NULL");
    LoadOptions options;
    if (int status = read_limits(limits, limit_count, options, error)) return status;
    return finish_load(load_ruleset(package_dir, options),
                       std::string("policy package ") + package_dir, &out, error);
  });
  return out;
}

entitle_ruleset* entitle_ruleset_load_documents_with_limits(const char* const* names,
                                                            const char* const* texts, size_t count,
                                                            const char* const* limits,
                                                            size_t limit_count,
                                                            entitle_error** error) {
  entitle_ruleset* out = nullptr;
  guarded(error, [&] {
    if (count > 0 && (!names || !texts)) {
      return fail(error, ENTITLE_ERROR_ARGUMENT, "names and texts must not be NULL");
    }
    LoadOptions options;
    if (int status = read_limits(limits, limit_count, options, error)) return status;
    std::vector<std::pair<std::string, std::string>> files;
    files.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      if (!names[i] || !texts[i]) {
        return fail(error, ENTITLE_ERROR_ARGUMENT,
                    "document " + std::to_string(i) + " has a NULL name or text");
      }
      files.emplace_back(names[i], texts[i]);
    }
    return finish_load(load_ruleset_from_files(std::move(files), options), "the policy package",
                       &out, error);
  });
  return out;
}

void entitle_ruleset_free(entitle_ruleset* rules) {
  delete rules;
}

const char* entitle_ruleset_name(const entitle_ruleset* rules) {
  return rules ? rules->rules->info().name.c_str() : "";
}

const char* entitle_ruleset_version(const entitle_ruleset* rules) {
  return rules ? rules->rules->info().version.c_str() : "";
}

const char* entitle_ruleset_digest(const entitle_ruleset* rules) {
  return rules ? rules->rules->info().digest.c_str() : "";
}

int entitle_evaluate_json(const entitle_ruleset* rules, const char* household_json,
                          const char* as_of, unsigned flags, char** result_json,
                          entitle_error** error) {
  return evaluate(
      rules, household_json, as_of, flags, result_json, error,
      [](const RuleSet& r, const Facts& facts, const Result& result, const RenderOptions& options,
         std::string& out) { render_json(r, facts, result, options, out); });
}

int entitle_evaluate_text(const entitle_ruleset* rules, const char* household_json,
                          const char* as_of, const char* lang, unsigned flags, char** report,
                          entitle_error** error) {
  std::string_view language = lang ? lang : "en";
  if (language != "en" && language != "zh") {
    if (report) *report = nullptr;
    return guarded(error, [&] {
      return fail(error, ENTITLE_ERROR_ARGUMENT,
                  "lang must be \"en\" or \"zh\", found '" + std::string(language) + "'");
    });
  }
  return evaluate(rules, household_json, as_of, flags, report, error,
                  [language](const RuleSet& r, const Facts& facts, const Result& result,
                             RenderOptions options, std::string& out) {
                    options.lang = std::string(language);
                    out = render_text(r, facts, result, options);
                  });
}

int entitle_error_status(const entitle_error* error) {
  return error ? error->status : ENTITLE_ERROR_ARGUMENT;
}

const char* entitle_error_message(const entitle_error* error) {
  return error ? error->message.c_str() : "no error object (NULL)";
}

size_t entitle_error_diagnostic_count(const entitle_error* error) {
  return error ? error->diagnostics.size() : 0;
}

const char* entitle_error_diagnostic_severity(const entitle_error* error, size_t index) {
  if (!error || index >= error->diagnostics.size()) return "";
  // to_string(Severity) views a string literal, so data() is NUL-terminated.
  return to_string(error->diagnostics[index].severity).data();
}

const char* entitle_error_diagnostic_code(const entitle_error* error, size_t index) {
  return diagnostic_field(error, index, [](const Diagnostic& d) { return d.code.c_str(); });
}

const char* entitle_error_diagnostic_file(const entitle_error* error, size_t index) {
  return diagnostic_field(error, index, [](const Diagnostic& d) { return d.file.c_str(); });
}

int entitle_error_diagnostic_line(const entitle_error* error, size_t index) {
  return diagnostic_field(error, index, [](const Diagnostic& d) { return d.line; });
}

int entitle_error_diagnostic_column(const entitle_error* error, size_t index) {
  return diagnostic_field(error, index, [](const Diagnostic& d) { return d.column; });
}

const char* entitle_error_diagnostic_path(const entitle_error* error, size_t index) {
  return diagnostic_field(error, index, [](const Diagnostic& d) { return d.path.c_str(); });
}

const char* entitle_error_diagnostic_message(const entitle_error* error, size_t index) {
  return diagnostic_field(error, index, [](const Diagnostic& d) { return d.message.c_str(); });
}

void entitle_error_free(entitle_error* error) {
  if (error != &out_of_memory_error) delete error;
}

void entitle_string_free(char* s) {
  std::free(s);
}

}  // extern "C"
