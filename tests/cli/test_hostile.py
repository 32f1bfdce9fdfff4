"""Hostile inputs: runs `entitle eval` on every case of tests/hostile/cases.json.

    python3 test_hostile.py ENTITLE_BINARY REPO_ROOT BUILD_DIR

A case is a bad policy package (tests/hostile/packages/<name>/, evaluated with the household
{"id": "h"}), a bad household (tests/hostile/households/<name>, against rules/wuhan-2012), or a
large input this script generates (`generate`, with its `kind`: package or household). Each must
make the CLI
  - exit with a failure status: 3 for a package, 4 for a household, or the case's `exit`;
  - print a diagnostic with the case's `code` ("[E002]"), at the place the case names: `where`
    is file[:line:col] ("rules.yaml:1:9: error: ..."), `path` a field path ("error: members: ");
  - name the limit (or range) in `mentions`, when the case has one;
  - print nothing on stdout;
  - stay within 60 s of CPU and, outside sanitizer builds, 2 GiB of address space (setrlimit in
    the child), and within 512 MiB of resident memory (measured).
Optional keys: `args` (more CLI arguments), `as_of` (null: no --as-of), `stdin` (send the input
on a pipe), `why`.
"""

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading

entitle, repo, build = sys.argv[1], sys.argv[2], sys.argv[3]
hostile = os.path.join(repo, "tests", "hostile")
failures = []

MANIFEST = 'package:\n  name: hostile\n  version: "1"\n  sources: [{id: s, title: t}]\n'
SCHEMA = (
    "schema:\n  household:\n    income: {type: money, description: {zh: x, en: x}}\n"
    "  member:\n    age: {type: integer, description: {zh: a, en: a}}\n"
)
RULE = (
    "rules:\n  - id: r\n    title: {zh: r, en: r}\n    recipient: household\n"
    "    when: '%s'\n    grant: {kind: priority}\n    basis: {source: s, clause: c}\n"
)


def sanitized():
    try:
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as cache:
            return "ENTITLE_SANITIZE:BOOL=ON" in cache.read()
    except OSError:
        return False


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def package(tmp, name, rules):
    folder = os.path.join(tmp, name)
    write(os.path.join(folder, "package.yaml"), MANIFEST)
    write(os.path.join(folder, "rules.yaml"), rules)
    return folder


def household(tmp, name, text):
    path = os.path.join(tmp, name, "household.json")
    write(path, text)
    return path


def deep_definitions():
    # d<i> uses d<i+1>: checking d0 walks the whole chain.
    n = 100_000
    lines = ["    d%d: {expr: d%d + 1}\n" % (i, i + 1) for i in range(n - 1)]
    lines.append("    d%d: {expr: income}\n" % (n - 1))
    return SCHEMA + "definitions:\n  household:\n" + "".join(lines) + RULE % "d0 > 0"


def unknown_names():
    lines = ["    d%d: {expr: unknown_%d > 0}\n" % (i, i) for i in range(100_000)]
    return SCHEMA + "definitions:\n  household:\n" + "".join(lines)


def members(n):
    return json.dumps({"id": "h", "members": [{"id": "m%d" % i, "age": i} for i in range(n)]})


# Each returns (what to pass: a package folder or a household file, the package to evaluate
# against, the household to evaluate or None for the input itself).
GENERATORS = {
    "policy-file-too-large": lambda tmp: package(tmp, "big", SCHEMA + "#" * (5 << 20) + "\n"),
    "yaml-nested-100000": lambda tmp: package(tmp, "nested", "schema: " + "[" * 100_000),
    "definition-chain-100000": lambda tmp: package(tmp, "chain", deep_definitions()),
    "unknown-names-100000": lambda tmp: package(tmp, "unknown", unknown_names()),
    "aggregation-cubed": lambda tmp: package(
        tmp,
        "cubed",
        SCHEMA
        + RULE
        % "count(members where count(members where count(members where age >= 0) >= 0) >= 0) > 0",
    ),
    "household-too-large": lambda tmp: household(
        tmp, "large", '{"id": "h", "income": "' + "1" * (2 << 20) + '"}'
    ),
    "household-too-large-stdin": lambda tmp: household(
        tmp, "large-stdin", '{"id": "h", "income": "' + "1" * (2 << 20) + '"}'
    ),
    "members-300": lambda tmp: household(tmp, "members", members(300)),
    "json-nested-100000": lambda tmp: household(
        tmp, "json-nested", '{"id": "h", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    ),
    "unknown-facts-1MiB": lambda tmp: household(
        tmp,
        "unknown-facts",
        "{" + ", ".join('"k%d": 1' % i for i in range(80_000)) + ', "id": "h"}',
    ),
    "household-is-a-folder": lambda tmp: os.makedirs(
        os.path.join(tmp, "folder", "household.json")
    )
    or os.path.join(tmp, "folder", "household.json"),
}
# Generated packages are evaluated on this household.
HOUSEHOLD_FOR = {"aggregation-cubed": members(200)}


def run(command, stdin_data, limit_memory):
    """Runs `command`; returns (exit status, stdout, stderr, peak RSS in KiB, CPU seconds)."""

    def limits():
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
        if limit_memory:
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=limits,
        )
        watchdog = threading.Timer(300, child.kill)  # the CPU limit should come first
        watchdog.start()
        if stdin_data is not None:
            try:
                child.stdin.write(stdin_data)
            except BrokenPipeError:
                pass  # the CLI stops reading at its limit
            try:
                child.stdin.close()
            except BrokenPipeError:
                pass
        _, status, usage = os.wait4(child.pid, 0)
        watchdog.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (
            child.returncode,
            out.read(),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss,
            usage.ru_utime + usage.ru_stime,
        )


def main():
    with open(os.path.join(hostile, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    limit_memory = not sanitized()
    wuhan = os.path.join(repo, "rules", "wuhan-2012")
    peak_rss, peak_cpu = (0, ""), (0.0, "")
    with tempfile.TemporaryDirectory() as tmp:
        plain = household(tmp, "plain", '{"id": "h"}')
        for case in cases:
            name = case.get("input") or case["generate"]
            if "generate" in case:
                target = GENERATORS[case["generate"]](tmp)
            else:
                target = os.path.join(hostile, case["input"])
            is_package = case.get("kind", name.split("/")[0].rstrip("s")) == "package"
            command = [entitle, "eval"]
            if case.get("as_of", "2013-06-01"):
                command += ["--as-of", case.get("as_of", "2013-06-01")]
            command += case.get("args", [])
            stdin_data = None
            if is_package:
                text = HOUSEHOLD_FOR.get(name)
                house = household(tmp, name + "-household", text) if text else plain
                command += ["--rules", target, house]
            elif case.get("stdin"):
                with open(target, "rb") as f:
                    stdin_data = f.read()
                command += ["--rules", wuhan, "-"]
            else:
                command += ["--rules", wuhan, target]
            status, out, err, rss, cpu = run(command, stdin_data, limit_memory)
            expected = case.get("exit", 3 if is_package else 4)
            problems = []
            if status != expected:
                problems.append("exit status %d, expected %d" % (status, expected))
            if out:
                problems.append("wrote %d bytes on stdout" % len(out))
            if "[%s]" % case["code"] not in err:
                problems.append("no [%s] diagnostic" % case["code"])
            if "where" in case:
                place = r"(^|/)%s: error: " % re.escape(case["where"])
                if not re.search(place, err, re.M):
                    problems.append("no diagnostic at %s" % case["where"])
            if "path" in case and ("error: %s: " % case["path"]) not in err:
                problems.append("no diagnostic at field path %s" % case["path"])
            if "mentions" in case and case["mentions"] not in err:
                problems.append("the message does not name %s" % case["mentions"])
            if rss > 512 * 1024 and limit_memory:
                problems.append("used %d MiB of memory" % (rss // 1024))
            peak_rss = max(peak_rss, (rss, name))
            peak_cpu = max(peak_cpu, (cpu, name))
            if problems:
                failures.append(name)
                print("FAIL %s: %s\n  %s\n%s" % (name, "; ".join(problems), " ".join(command),
                                                  err[:2000]))
    print(
        "%d hostile cases, %d failed; most memory %d MiB (%s), most CPU %.2f s (%s)"
        % (len(cases), len(failures), peak_rss[0] // 1024, peak_rss[1], peak_cpu[0], peak_cpu[1])
    )
    return 1 if failures else 0


sys.exit(main())
