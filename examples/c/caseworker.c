/* A caseworker system's back end in C: loads a policy package once, then computes the
 * entitlements of each household given on the command line through the C API (entitle.h).
 *
 *   caseworker [--json] [--lang en|zh] [--trace] [--as-of YYYY-MM-DD] RULES_DIR HOUSEHOLD.json...
 *
 * Prints each household's report (or result JSON, one line per household) on stdout. A bad
 * package or household is reported on stderr with every diagnostic; exit status 3 for a bad
 * package, 4 when a household was unusable, 2 for a wrong command line.
 *
 * Build against an installed entitle with pkg-config (see Makefile). */
#include <entitle/entitle.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void report_error(const char* what, entitle_error* error) {
  size_t i, n = entitle_error_diagnostic_count(error);
  fprintf(stderr, "caseworker: %s: status %d\n", what, entitle_error_status(error));
  if (n == 0) fprintf(stderr, "  %s\n", entitle_error_message(error));
  /* The fields one by one, as a system would store them or show them next to a form field. */
  for (i = 0; i < n; ++i) {
    fprintf(stderr, "  %s:%d:%d: %s [%s]%s%s: %s\n", entitle_error_diagnostic_file(error, i),
            entitle_error_diagnostic_line(error, i), entitle_error_diagnostic_column(error, i),
            entitle_error_diagnostic_severity(error, i), entitle_error_diagnostic_code(error, i),
            *entitle_error_diagnostic_path(error, i) ? " at " : "",
            entitle_error_diagnostic_path(error, i), entitle_error_diagnostic_message(error, i));
  }
}

/* The whole file as a NUL-terminated string, or NULL. */
static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  char* text = NULL;
  size_t size = 0, capacity = 0, n;
  int failed = 0;
  if (!f) return NULL;
  for (;;) {
    if (capacity - size < 4096) {
      char* bigger = realloc(text, capacity = capacity * 2 + 4096);
      if (!bigger) {
        failed = 1;
        break;
      }
      text = bigger;
    }
    n = fread(text + size, 1, capacity - size - 1, f);
    if (n == 0) break;
    size += n;
  }
  if (failed || ferror(f)) {
    free(text);
    text = NULL;
  } else {
    text[size] = '\0';
  }
  fclose(f);
  return text;
}

int main(int argc, char** argv) {
  const char* lang = "en";
  const char* as_of = NULL;
  unsigned flags = 0;
  int json = 0, status = 0, i = 1;
  entitle_ruleset* rules;
  entitle_error* error = NULL;

  for (; i < argc && strncmp(argv[i], "--", 2) == 0; ++i) {
    if (strcmp(argv[i], "--json") == 0) {
      json = 1;
    } else if (strcmp(argv[i], "--trace") == 0) {
      flags |= ENTITLE_TRACE;
    } else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
      lang = argv[++i];
    } else if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
      as_of = argv[++i];
    } else {
      break;
    }
  }
  if (argc - i < 2) {
    fprintf(stderr,
            "usage: caseworker [--json] [--lang en|zh] [--trace] [--as-of YYYY-MM-DD] RULES_DIR "
            "HOUSEHOLD.json...\n(entitle %s)\n",
            entitle_version());
    return 2;
  }

  rules = entitle_ruleset_load(argv[i], &error);
  if (!rules) {
    report_error(argv[i], error);
    entitle_error_free(error);
    return 3;
  }
  for (++i; i < argc; ++i) {
    char* household = read_file(argv[i]);
    char* output = NULL;
    int rc;
    if (!household) {
      fprintf(stderr, "caseworker: cannot read %s\n", argv[i]);
      status = 4;
      continue;
    }
    rc = json ? entitle_evaluate_json(rules, household, as_of, flags, &output, &error)
              : entitle_evaluate_text(rules, household, as_of, lang, flags, &output, &error);
    if (rc == ENTITLE_OK) {
      fputs(output, stdout);
      if (json) fputc('\n', stdout);
    } else {
      report_error(argv[i], error);
      status = rc == ENTITLE_ERROR_INPUT ? 4 : rc == ENTITLE_ERROR_ARGUMENT ? 2 : 1;
    }
    entitle_string_free(output);
    entitle_error_free(error);
    free(household);
  }
  entitle_ruleset_free(rules);
  return status;
}
