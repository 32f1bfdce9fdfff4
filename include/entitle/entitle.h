/* entitle.h: the C API of the entitle rules engine.
 *
 * For systems that link the engine from C or call it across a language boundary (Python ctypes,
 * Java FFM/JNA, Go cgo, C# P/Invoke). It wraps the C++ library: load a policy package into a rule
 * set, evaluate households against it, get back the result JSON of the core contract (README,
 * "Result (JSON contract)") or a readable report.
 *
 * STABILITY PROMISE
 *   From version 0.1.0 on, within one major version (ENTITLE_VERSION_MAJOR, which is also the
 *   shared library's SONAME, libentitle.so.<major>):
 *   - no function, type, macro or status code declared here is removed or renamed, and none
 *     changes its signature or meaning; a program built against an older header works,
 *     unchanged and without recompiling, with any newer library of the same major version;
 *   - new functions, flags and status codes may be added. Treat an unknown status code other
 *     than ENTITLE_OK as a failure, and read the message;
 *   - the result JSON only gains fields: parse it leniently (ignore keys you do not know);
 *   - the wording of messages is not part of the promise; diagnostic codes ("E011") are.
 *   The C++ API (the .hpp headers) is exported from the same library but carries a weaker
 *   promise: see README "Embedding".
 *
 * CONVENTIONS
 *   - Every function is safe to call with any argument: no C++ exception ever leaves this API,
 *     and a null pointer where an object is required is reported as ENTITLE_ERROR_ARGUMENT.
 *   - A function that can fail returns a status (ENTITLE_OK is 0) or a null handle, and when
 *     its last parameter `error` is not NULL it sets *error: to NULL on success, or to a new
 *     entitle_error on failure, which the caller frees with entitle_error_free.
 *   - Strings are UTF-8 and NUL-terminated. Strings returned as `char*` belong to the caller
 *     (free them with entitle_string_free); strings returned as `const char*` belong to the
 *     object they came from and live as long as it does.
 *   - Threads: an entitle_ruleset is immutable after loading; any number of threads may call
 *     entitle_evaluate_* on one rule set at the same time (each call borrows scratch space from
 *     a small per-rule-set pool). entitle_ruleset_free must not race with other calls on the
 *     same rule set. Errors and strings are plain data, owned by one thread at a time. */
#ifndef ENTITLE_ENTITLE_H_
#define ENTITLE_ENTITLE_H_

#include <stddef.h>

#include "entitle/export.h"

/* The version of this header; entitle_version() gives the library's. CMake reads these lines
   to set the project version, so they are the one place the version is written. */
#define ENTITLE_VERSION_MAJOR 0
#define ENTITLE_VERSION_MINOR 1
#define ENTITLE_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH, for comparisons in #if. */
#define ENTITLE_VERSION \
  (ENTITLE_VERSION_MAJOR * 10000 + ENTITLE_VERSION_MINOR * 100 + ENTITLE_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded, checked and compiled policy package. */
typedef struct entitle_ruleset entitle_ruleset;
/* What went wrong in a failed call: a status, a message and, for bad policy packages and bad
   households, the list of diagnostics. */
typedef struct entitle_error entitle_error;

/* Status codes. Values are fixed forever; new ones may be added. */
enum entitle_status {
  ENTITLE_OK = 0,
  /* A required pointer was NULL, as_of is not a date YYYY-MM-DD between 1800 and 2200, the
     language is not "en" or "zh", or a flag is unknown. */
  ENTITLE_ERROR_ARGUMENT = 1,
  /* The policy package cannot be used: unreadable folder or file, malformed YAML, unknown
     names, type errors... The diagnostics list every problem found. */
  ENTITLE_ERROR_PACKAGE = 2,
  /* The household cannot be used: malformed JSON, a fact of the wrong type, an unknown field,
     no evaluation date... The diagnostics name each field path. */
  ENTITLE_ERROR_INPUT = 3,
  /* Memory ran out. */
  ENTITLE_ERROR_NO_MEMORY = 4,
  /* A bug in entitle; the message says what failed. */
  ENTITLE_ERROR_INTERNAL = 5
};

/* Flags of entitle_evaluate_json and entitle_evaluate_text; combine them with |. */
/* Record and include the explanation trace of every rule ("trace" in the JSON). */
#define ENTITLE_TRACE 0x1u
/* Leave out the rules that were decided against ("not_granted" in the JSON). */
#define ENTITLE_OMIT_NOT_GRANTED 0x2u

/* "MAJOR.MINOR.PATCH" of the library that is running. Never NULL; static storage. */
ENTITLE_EXPORT const char* entitle_version(void);

/* ---- Rule sets ---------------------------------------------------------------------------- */

/* Loads, checks and compiles the policy package in the folder `package_dir` (its package.yaml
   and the other *.yaml files directly in it; docs/policy-format.md). Returns NULL on failure:
   ENTITLE_ERROR_PACKAGE with every problem as a diagnostic, or ENTITLE_ERROR_ARGUMENT,
   ENTITLE_ERROR_NO_MEMORY. Free the rule set with entitle_ruleset_free. */
ENTITLE_EXPORT entitle_ruleset* entitle_ruleset_load(const char* package_dir,
                                                     entitle_error** error);

/* The same from documents in memory: `count` pairs of a name and YAML text. Names stand for
   file paths: they name the documents in diagnostics, and the one ending in "package.yaml" is
   the manifest. The texts are copied; the caller keeps ownership of its arrays. */
ENTITLE_EXPORT entitle_ruleset* entitle_ruleset_load_documents(const char* const* names,
                                                               const char* const* texts,
                                                               size_t count, entitle_error** error);

/* The same two loads with resource limits other than the defaults (docs/limits.md): `limits`
   holds `limit_count` strings "NAME=VALUE", e.g. "max_members=1000" or "max_eval_steps=10000000";
   NULL and 0 keep every default. An unknown name, a value that is not a whole number or one
   outside what the engine supports is ENTITLE_ERROR_ARGUMENT, and the message says which. The
   rule set keeps its limits for everything done with it: households bound to it obey
   max_household_bytes, max_members and max_yaml_depth, evaluations max_eval_steps and
   max_household_steps (a rule a step budget stopped is reported in the result's "errors"). */
ENTITLE_EXPORT entitle_ruleset* entitle_ruleset_load_with_limits(const char* package_dir,
                                                                 const char* const* limits,
                                                                 size_t limit_count,
                                                                 entitle_error** error);
ENTITLE_EXPORT entitle_ruleset* entitle_ruleset_load_documents_with_limits(
    const char* const* names, const char* const* texts, size_t count, const char* const* limits,
    size_t limit_count, entitle_error** error);

/* Frees a rule set; NULL is allowed. No other call may be using it. */
ENTITLE_EXPORT void entitle_ruleset_free(entitle_ruleset* rules);

/* The package's name, version (package.yaml) and digest (sha256 over its files), as they appear
   in the result's "ruleset" object. "" when `rules` is NULL. */
ENTITLE_EXPORT const char* entitle_ruleset_name(const entitle_ruleset* rules);
ENTITLE_EXPORT const char* entitle_ruleset_version(const entitle_ruleset* rules);
ENTITLE_EXPORT const char* entitle_ruleset_digest(const entitle_ruleset* rules);

/* ---- Evaluation --------------------------------------------------------------------------- */

/* household_json: the input contract of `entitle eval` written as JSON (docs/policy-format.md);
   as_of: "YYYY-MM-DD", or NULL for the household's own as_of; flags: ENTITLE_TRACE and the other
   ENTITLE_* flags, or 0; *result_json: the result contract (README), one line of JSON, freed
   with entitle_string_free. The JSON carries every title in both languages.
   Returns ENTITLE_OK, or ENTITLE_ERROR_INPUT (with diagnostics) for an unusable household or a
   missing date, ENTITLE_ERROR_ARGUMENT, ENTITLE_ERROR_NO_MEMORY; *result_json is then NULL.
   A fault inside one rule (overflow, division by zero) is not a failure: it is reported in the
   result's "errors". Thread-safe on one rule set. */
ENTITLE_EXPORT int entitle_evaluate_json(const entitle_ruleset* rules, const char* household_json,
                                         const char* as_of, unsigned flags, char** result_json,
                                         entitle_error** error);

/* The same evaluation as a readable report for a caseworker, in `lang` ("en" or "zh"; NULL is
   "en"): the text of `entitle eval --format text`, with the trace when flags has ENTITLE_TRACE. */
ENTITLE_EXPORT int entitle_evaluate_text(const entitle_ruleset* rules, const char* household_json,
                                         const char* as_of, const char* lang, unsigned flags,
                                         char** report, entitle_error** error);

/* ---- Errors ------------------------------------------------------------------------------- */

/* One of entitle_status; ENTITLE_ERROR_ARGUMENT when `error` is NULL. */
ENTITLE_EXPORT int entitle_error_status(const entitle_error* error);

/* A readable account of the failure: a summary line, then each diagnostic formatted like a
   compiler's ("file:line:col: error: message [E011]"). Never NULL. */
ENTITLE_EXPORT const char* entitle_error_message(const entitle_error* error);

/* The diagnostics of a failed load or evaluation (0 for other failures), and their fields by
   index in [0, count). With a NULL error or an index out of range the strings are "" and the
   numbers 0. line and column are 1-based, 0 when unknown. */
ENTITLE_EXPORT size_t entitle_error_diagnostic_count(const entitle_error* error);
/* "error", "warning" or "note". */
ENTITLE_EXPORT const char* entitle_error_diagnostic_severity(const entitle_error* error,
                                                             size_t index);
/* The stable code: E0xx for policy packages, F0xx for household facts (docs/policy-format.md). */
ENTITLE_EXPORT const char* entitle_error_diagnostic_code(const entitle_error* error, size_t index);
/* The file (or document name) the diagnostic points into; "" when there is none. */
ENTITLE_EXPORT const char* entitle_error_diagnostic_file(const entitle_error* error, size_t index);
ENTITLE_EXPORT int entitle_error_diagnostic_line(const entitle_error* error, size_t index);
ENTITLE_EXPORT int entitle_error_diagnostic_column(const entitle_error* error, size_t index);
/* For household facts, the field path, e.g. "members[1].birth_date"; otherwise "". */
ENTITLE_EXPORT const char* entitle_error_diagnostic_path(const entitle_error* error, size_t index);
/* One sentence saying what was expected, without location or code. */
ENTITLE_EXPORT const char* entitle_error_diagnostic_message(const entitle_error* error,
                                                            size_t index);

/* Frees an error; NULL is allowed. */
ENTITLE_EXPORT void entitle_error_free(entitle_error* error);

/* Frees a string this API returned as `char*`; NULL is allowed. */
ENTITLE_EXPORT void entitle_string_free(char* s);

#ifdef __cplusplus
}
#endif

#endif /* ENTITLE_ENTITLE_H_ */
