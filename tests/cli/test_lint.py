"""entitle lint end to end: exit statuses, the editor/CI text form, JSON, --emit-tests.

Run as: python3 test_lint.py ENTITLE_BINARY REPO_ROOT BUILD_DIR
"""
import json
import os
import re
import shutil
import sys

from clitest import Checks, runner
import tempfile

ENTITLE, ROOT, BUILD = sys.argv[1], sys.argv[2], sys.argv[3]
DATA = os.path.join(ROOT, "tests", "data", "lint")
CHECKS = ["unused-parameter", "unused-definition", "never-granted", "missing-basis",
          "missing-title", "parameter-gap", "duplicate-title", "orphan-test-file"]
check = Checks()
run = runner(ENTITLE)




# The Wuhan package is clean even with --strict.
r = run("lint", os.path.join(ROOT, "rules", "wuhan-2012"), "--strict")
check(r.returncode == 0, f"wuhan --strict exited {r.returncode}: {r.stdout}{r.stderr}")
check("0 errors, 0 warnings" in r.stdout, f"wuhan summary: {r.stdout}")

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>warning|error): "
                  r".+ \[(?P<code>[A-Za-z0-9-]+)\]$")
for name in CHECKS:
    fail = os.path.join(DATA, name, "fail")
    r = run("lint", fail)
    check(r.returncode == 0, f"{name}: warnings without --strict must exit 0, got {r.returncode}")
    r = run("lint", fail, "--strict")
    check(r.returncode == 1, f"{name}: warnings with --strict must exit 1, got {r.returncode}")
    located = [m for m in map(LINE.match, r.stdout.splitlines()) if m]
    check(located and all(m["code"] == name and m["sev"] == "warning" for m in located),
          f"{name}: expected 'file:line:col: warning: … [{name}]' lines, got:\n{r.stdout}")
    check(all(os.path.exists(m["file"]) for m in located), f"{name}: file names must exist")
    r = run("lint", os.path.join(DATA, name, "pass"), "--strict")
    check(r.returncode == 0, f"{name}: passing package exited {r.returncode}:\n{r.stdout}")

# Errors: exit 2 whatever the flags, and the checker's code in the text.
r = run("lint", os.path.join(DATA, "errors"))
check(r.returncode == 2, f"errors package exited {r.returncode}")
check(re.search(r"policy\.yaml:20:11: error: unknown name 'agee'.*\[E011\]", r.stdout),
      f"errors package text: {r.stdout}")
r = run("lint", os.path.join(DATA, "no-such-package"))
check(r.returncode == 2, f"missing folder exited {r.returncode}")

# JSON for tools.
r = run("lint", os.path.join(DATA, "never-granted", "fail"), "--format", "json")
report = json.loads(r.stdout)
check(report["errors"] == 0 and report["warnings"] == 7, f"json counts: {report}")
check({d["code"] for d in report["diagnostics"]} == {"never-granted"}, "json codes")
check(len(report["tests"]) == 7 and all(t["yaml"].startswith("#") for t in report["tests"]),
      "json test cases")

# --emit-tests writes cases that `entitle test` runs green in the package.
with tempfile.TemporaryDirectory() as tmp:
    package = os.path.join(tmp, "pkg")
    shutil.copytree(os.path.join(DATA, "never-granted", "fail"), package)
    r = run("lint", package, "--emit-tests", os.path.join(package, "tests"))
    check(r.returncode == 0, f"emit-tests exited {r.returncode}: {r.stderr}")
    written = sorted(os.listdir(os.path.join(package, "tests")))
    check(len(written) == 7, f"emitted {written}")
    r = run("test", package)
    check(r.returncode == 0 and "7 passed, 0 failed" in r.stdout,
          f"emitted tests: {r.stdout}{r.stderr}")

check.finish("ok")
