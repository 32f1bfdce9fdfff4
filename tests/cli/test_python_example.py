"""The Python example (examples/python: entitle.py over ctypes, caseworker.py) against the
shared library of this build, with the system python3.

    python3 test_python_example.py ENTITLE_BINARY REPO_ROOT BUILD_DIR

The checks run in a child python3 whose environment points ENTITLE_LIBRARY at the build's
libentitle.so; in a sanitized build the child also preloads the ASan runtime, which must come
before every other library of a process that dlopens an instrumented library.
"""

import json
import os
import re
import subprocess
import sys
import threading

entitle_cli, repo, build = sys.argv[1], sys.argv[2], sys.argv[3]
examples = os.path.join(repo, "examples", "python")
rules_dir = os.path.join(repo, "rules", "wuhan-2012")
shidu = os.path.join(repo, "examples", "households", "urban-shidu-couple.json")


def child_environment():
    env = dict(os.environ, ENTITLE_TEST_CHILD="1",
               PYTHONPATH=examples + os.pathsep + os.environ.get("PYTHONPATH", ""))
    header = open(os.path.join(repo, "include", "entitle", "entitle.h"), encoding="utf-8").read()
    major = re.search(r"#define ENTITLE_VERSION_MAJOR (\d+)", header).group(1)
    env["ENTITLE_LIBRARY"] = os.path.join(build, f"libentitle.so.{major}")
    cache = open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8").read()
    if re.search(r"^ENTITLE_SANITIZE:BOOL=(ON|TRUE|1)$", cache, re.M):
        # libstdc++ too: ASan resolves the __cxa_throw it intercepts when it starts, and python
        # does not load libstdc++ by itself.
        env["LD_PRELOAD"] = " ".join(
            subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True,
                           text=True).stdout.strip() for name in ("libasan.so", "libstdc++.so"))
        # The interpreter itself keeps memory until exit; leaks of entitle show in the C tests.
        env["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                     "detect_leaks=0"]))
    return env


def cli(*args):
    result = subprocess.run([entitle_cli, "eval", "--rules", rules_dir, *args],
                            capture_output=True, text=True, check=True)
    return result.stdout


failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def child():
    import entitle

    with open(shidu, encoding="utf-8") as f:
        household = json.load(f)

    check(re.fullmatch(r"\d+\.\d+\.\d+", entitle.version()), "version() is MAJOR.MINOR.PATCH")
    rules = entitle.RuleSet.load(rules_dir)
    check(rules.name == "wuhan-2012-family-support", f"name {rules.name}")
    check(len(rules.digest) == 64, "digest is a sha256")

    # The wrapper returns exactly the CLI's result contract.
    check(rules.evaluate(household) == json.loads(cli("--format", "json", shidu)),
          "evaluate(household) equals `entitle eval --format json`")
    check(rules.evaluate(household, "2030-01-01", trace=True) ==
          json.loads(cli("--format", "json", "--explain", "--as-of", "2030-01-01", shidu)),
          "evaluate with as_of and trace equals the CLI's")
    check(rules.report(household, lang="zh") == cli("--lang", "zh", shidu),
          "report(lang='zh') equals the CLI's zh report")
    check("not_granted" not in rules.evaluate(household, not_granted=False), "not_granted=False")

    def expect_error(call, status, predicate, what):
        try:
            call()
        except entitle.EntitleError as e:
            check(e.status == status and predicate(e), f"{what}: {e.status} {e.diagnostics}")
            return
        check(False, f"{what}: no EntitleError")

    expect_error(lambda: entitle.RuleSet.load(os.path.join(repo, "no-such-package")),
                 entitle.ERROR_PACKAGE, lambda e: e.diagnostics[0].code == "E008",
                 "a missing folder")
    expect_error(lambda: entitle.RuleSet.from_documents(
        {"p/package.yaml": "package:\n  name: x\n  version: [\n"}), entitle.ERROR_PACKAGE,
        lambda e: e.diagnostics[0].code == "E001" and e.diagnostics[0].file == "p/package.yaml"
        and e.diagnostics[0].line > 0, "malformed YAML in memory")
    bad = json.loads(json.dumps(household))
    bad["members"][0]["retired"] = "sometimes"
    expect_error(lambda: rules.evaluate(bad), entitle.ERROR_INPUT,
                 lambda e: e.diagnostics[0].path == "members[0].retired", "a fact of wrong type")
    expect_error(lambda: rules.evaluate(household, "2013-02-30"), entitle.ERROR_ARGUMENT,
                 lambda e: "YYYY-MM-DD" in e.message, "an impossible date")
    expect_error(lambda: rules.report(household, lang="fr"), entitle.ERROR_ARGUMENT,
                 lambda e: True, "an unknown language")

    # Threads share the rule set; ctypes releases the GIL, so calls overlap in the library.
    dates = [f"{year}-07-01" for year in range(2008, 2040)]
    expected = [rules.evaluate(household, d) for d in dates]
    results = {}

    def worker(t):
        results[t] = [rules.evaluate(household, d) for d in dates[t:] + dates[:t]]

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for t in range(4):
        check(results[t] == expected[t:] + expected[:t], f"thread {t} results equal sequential")
    rules.close()

    # The caseworker script, as a user runs it.
    run = subprocess.run([sys.executable, os.path.join(examples, "caseworker.py"), shidu],
                         capture_output=True, text=True)
    check(run.returncode == 0, f"caseworker.py exits 0: {run.stderr}")
    check("Lump-sum support for parents who lost their only child: 7,000.00 CNY once" in
          run.stdout, f"caseworker.py lists the lump sum: {run.stdout}")
    check("Yearly total: 600.00 CNY" in run.stdout, "caseworker.py prints the yearly total")
    run = subprocess.run([sys.executable, os.path.join(examples, "caseworker.py"), "--lang", "zh",
                          "--as-of", "2013-02-30", shidu], capture_output=True, text=True)
    check(run.returncode == 4 and "YYYY-MM-DD" in run.stderr, "caseworker.py rejects a bad date")


if os.environ.get("ENTITLE_TEST_CHILD"):
    child()
    print(f"{checks - len(failures)} of {checks} checks passed")
    sys.exit(1 if failures else 0)

result = subprocess.run([sys.executable, __file__, *sys.argv[1:]], env=child_environment())
sys.exit(result.returncode)
