"""Installs the build into a temporary prefix and builds two out-of-tree consumers against it.

    python3 test_install.py ENTITLE_BINARY REPO_ROOT BUILD_DIR

Checks the installed layout, the shared library's SONAME and exported symbols (only the C API
and the C++ API, under their symbol versions), the installed CLI on the bundled package, then
  - examples/c built with its Makefile through pkg-config, whose result JSON and zh report must
    equal `entitle eval`'s byte for byte, and whose errors name the field path;
  - examples/cpp built with CMake through find_package(entitle), whose entitlements and totals,
    read from the typed C++ Result, must agree with `entitle eval --format json`.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal

entitle, repo, build = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)
    return condition


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    return result


def must(args, **kwargs):
    result = run(args, **kwargs)
    if result.returncode != 0:
        print("$", " ".join(args), "\n", result.stdout, result.stderr, file=sys.stderr)
        sys.exit(f"FAIL: {args[0]} exited {result.returncode}")
    return result


def version_of_header():
    text = open(os.path.join(repo, "include", "entitle", "entitle.h"), encoding="utf-8").read()
    return [re.search(rf"#define ENTITLE_VERSION_{p} (\d+)", text).group(1)
            for p in ("MAJOR", "MINOR", "PATCH")]


def sanitizer_flags():
    """A sanitized build's libraries need the sanitizer runtime in the consumers too."""
    cache = open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8").read()
    if re.search(r"^ENTITLE_SANITIZE:BOOL=(ON|TRUE|1)$", cache, re.M):
        return "-fsanitize=address,undefined"
    return ""


major, minor, patch = version_of_header()
sanitize = sanitizer_flags()
tmp = tempfile.mkdtemp(prefix="entitle-install-")
try:
    prefix = os.path.join(tmp, "prefix")
    must(["cmake", "--install", build, "--prefix", prefix])

    # ---- Layout --------------------------------------------------------------------------------
    pc_files = glob.glob(os.path.join(prefix, "**", "pkgconfig", "entitle.pc"), recursive=True)
    check(len(pc_files) == 1, f"one entitle.pc installed, found {pc_files}")
    libdir = os.path.dirname(os.path.dirname(pc_files[0]))
    rules = os.path.join(prefix, "share", "entitle", "rules", "wuhan-2012")
    for path in [
        "include/entitle/entitle.h", "include/entitle/export.h", "include/entitle/ruleset.hpp",
        "bin/entitle", "share/entitle/rules/wuhan-2012/package.yaml",
        "share/entitle/rules/wuhan-2012/tests",
    ]:
        check(os.path.exists(os.path.join(prefix, path)), f"{path} installed")
    for name in ["libentitle.a", "libentitle.so", f"libentitle.so.{major}",
                 f"libentitle.so.{major}.{minor}.{patch}", "cmake/entitle/entitle-config.cmake",
                 "cmake/entitle/entitle-config-version.cmake"]:
        check(os.path.exists(os.path.join(libdir, name)), f"{name} installed in {libdir}")
    shared = os.path.join(libdir, f"libentitle.so.{major}")

    # ---- Shared library: SONAME and exports ----------------------------------------------------
    dynamic = must(["readelf", "-d", shared]).stdout
    check(f"Library soname: [libentitle.so.{major}]" in dynamic, "SONAME libentitle.so.<major>")
    header = open(os.path.join(repo, "include", "entitle", "entitle.h"), encoding="utf-8").read()
    declared = set(re.findall(r"ENTITLE_EXPORT[^;(]*?\b(entitle_\w+)\(", header))
    check(len(declared) >= 20, f"entitle.h declares the C API ({len(declared)} functions)")
    exported = set()
    for line in must(["nm", "-D", "--defined-only", shared]).stdout.splitlines():
        kind, symbol = line.split()[-2:]
        name, _, version = symbol.partition("@@")
        if kind == "A":  # the version nodes themselves
            continue
        if version == f"ENTITLE_{major}":
            check(name.startswith("entitle_"), f"only entitle_* in ENTITLE_{major}: {name}")
            exported.add(name)
        else:
            check(version == f"ENTITLE_CXX_{major}.{minor}" and
                  re.match(r"_Z(N|NK|TIN|TSN|TVN)7entitle", name),
                  f"exported symbol outside the C and C++ APIs: {symbol}")
    check(declared == exported, f"C API exported as declared: missing {declared - exported}, "
          f"extra {exported - declared}")

    # ---- The installed CLI runs the bundled package's policy tests -----------------------------
    installed_cli = os.path.join(prefix, "bin", "entitle")
    tests = run([installed_cli, "test", rules])
    check(tests.returncode == 0 and " 0 failed" in tests.stdout,
          f"installed `entitle test` passes: {tests.stdout[-200:]} {tests.stderr[-500:]}")

    households = sorted(glob.glob(os.path.join(repo, "examples", "households", "*.*")))
    shidu = os.path.join(repo, "examples", "households", "urban-shidu-couple.json")

    def cli(*args):
        return must([entitle, "eval", "--rules", rules, *args]).stdout

    # ---- C consumer through pkg-config ---------------------------------------------------------
    c_dir = os.path.join(tmp, "c")
    shutil.copytree(os.path.join(repo, "examples", "c"), c_dir)
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc_files[0]))
    if sanitize:
        env["CFLAGS"] = f"-O1 -Wall -Wextra -Werror -std=c99 -pedantic {sanitize}"
        env["LDFLAGS"] = sanitize
    must(["make", "-s"], cwd=c_dir, env=env)
    caseworker_c = os.path.join(c_dir, "caseworker")
    out = must([caseworker_c, "--json", rules, shidu]).stdout
    check(out == cli("--format", "json", shidu), "C example JSON equals `entitle eval` JSON")
    out = must([caseworker_c, "--lang", "zh", "--trace", "--as-of", "2030-01-01", rules,
                shidu]).stdout
    check(out == cli("--lang", "zh", "--explain", "--as-of", "2030-01-01", shidu),
          "C example zh report with trace equals `entitle eval --lang zh --explain`")
    bad = os.path.join(tmp, "bad.json")
    with open(shidu, encoding="utf-8") as f:
        household = json.load(f)
    household["members"][1]["birth_date"] = "1955-02-30"
    with open(bad, "w", encoding="utf-8") as f:
        json.dump(household, f)
    result = run([caseworker_c, rules, bad])
    check(result.returncode == 4 and "members[1].birth_date" in result.stderr and
          result.stdout == "", f"C example reports a bad household: {result.stderr}")
    result = run([caseworker_c, os.path.join(tmp, "no-such-package"), shidu])
    check(result.returncode == 3 and "E008" in result.stderr,
          f"C example reports a missing package: {result.stderr}")

    # ---- C++ consumer through find_package -----------------------------------------------------
    cpp_dir = os.path.join(tmp, "cpp")
    shutil.copytree(os.path.join(repo, "examples", "cpp"), cpp_dir)
    configure = ["cmake", "-S", cpp_dir, "-B", os.path.join(cpp_dir, "build"),
                 f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_BUILD_TYPE=Release"]
    if shutil.which("ninja"):
        configure += ["-G", "Ninja"]
    if sanitize:
        configure += [f"-DCMAKE_CXX_FLAGS={sanitize}", f"-DCMAKE_EXE_LINKER_FLAGS={sanitize}"]
    must(configure)
    must(["cmake", "--build", os.path.join(cpp_dir, "build")])
    lines = must([os.path.join(cpp_dir, "build", "caseworker"), *households]).stdout.splitlines()
    # Group the output by household, in order.
    reports = []
    for line in lines:
        fields = line.split("\t")
        if fields[0] == "household":
            reports.append({"id": fields[1], "granted": set(), "undetermined": set()})
        elif fields[0] == "granted":
            reports[-1]["granted"].add((fields[1], fields[2], fields[3]))
        elif fields[0] == "undetermined":
            reports[-1]["undetermined"].add((fields[1], fields[2], fields[3]))
        elif fields[0] == "annual":
            reports[-1]["annual"] = Decimal(fields[1])
    check(len(reports) == len(households), f"C++ example reported {len(reports)} households")
    for path, report in zip(households, reports):
        expected = json.loads(cli("--format", "json", path))
        granted = {(e["rule"], e["recipient"], e.get("amount", "-"))
                   for e in expected["entitlements"]}
        undetermined = {(u["rule"], u["recipient"] or "", ",".join(u["missing"]))
                        for u in expected["undetermined"]}
        name = os.path.basename(path)
        check(report["id"] == expected["household"], f"{name}: household id")
        check(report["granted"] == granted,
              f"{name}: C++ entitlements {report['granted']} != CLI {granted}")
        check(report["undetermined"] == undetermined, f"{name}: C++ undetermined rules")
        check(report.get("annual") == Decimal(expected["totals"]["annual"]), f"{name}: annual")
    check(any(r["granted"] for r in reports), "some household is entitled to something")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("install and both consumers OK")
