"""End-to-end tests of `entitle diff` (text and JSON) and of reform packages on the command line.

Run by ctest as: python3 test_diff.py ENTITLE_BINARY REPO_ROOT BUILD_DIR
The small population and its hand-worked figures: tests/data/diff/README.md.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ENTITLE, ROOT, BUILD = sys.argv[1], sys.argv[2], sys.argv[3]
BASE = os.path.join(ROOT, "rules", "wuhan-2012")
REFORMS = os.path.join(ROOT, "examples", "reforms")
POPULATION = os.path.join(ROOT, "tests", "data", "diff", "population.jsonl")
GENERATOR = os.path.join(BUILD, "benchmarks", "generate_population")
TMP = tempfile.mkdtemp(prefix="entitle-diff-test-")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def diff(reform, args=(), population=POPULATION, base=BASE, stdin=None):
    """Runs entitle diff; returns (status, stdout text, stderr text)."""
    p = subprocess.run([ENTITLE, "diff", "--base", base, "--reform", reform,
                        "--as-of", "2014-06-01", *args, population],
                       input=stdin, capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def test_text_report():
    status, out, err = diff(os.path.join(REFORMS, "care-allowance-200"))
    check(status == 0 and err == "", f"a clean diff exits 0 quietly ({status}): {err}")
    check("base wuhan-2012-family-support 1.0.0 → reform wuhan-2012-care-allowance-200 1.0.0"
          in out, "the header names both packages")
    check("5 records: 5 households evaluated, 0 errors." in out, "the population is counted")
    rows = {}
    for line in out.splitlines():  # the first line that starts with each word
        if line.startswith("  ") and len(line.split()) > 1:
            rows.setdefault(line.split()[0], line.split())
    check(rows.get("care_allowance_70") ==
          ["care_allowance_70", "3", "3", "0", "3,600.00", "7,200.00", "+3,600.00", "year"],
          f"care_allowance_70: 3 parents, 1200 a year more each: {rows.get('care_allowance_70')}")
    check(rows.get("annual") == ["annual", "6,000.00", "9,600.00", "+3,600.00", "(+60.0%)"],
          f"annual totals with percent: {rows.get('annual')}")
    check(rows.get("one-time") == ["one-time", "36,000.00", "36,000.00", "0.00", "(0.0%)"],
          f"one-time totals: {rows.get('one-time')}")
    check("Households: 2 better off, 0 worse off, 3 unchanged" in out, "better / worse / same")
    check("+1,200.00  1  " in out and "+2,400.00  1  " in out, "the distribution's bins")
    check("1. couple-70s (line 1, as of 2014-06-01): +2,400.00" in out, "the largest gain first")
    check("care_allowance_70_amount: 100.00 → 200.00 (from 2014-01-01)" in out,
          "the parameter that changed is the reason")
    check("Largest losses\n  (none)" in out, "no losses")


def test_json_report():
    status, out, _ = diff(os.path.join(REFORMS, "care-allowance-age-65"), ["--format", "json"])
    check(status == 0, f"json exits 0 ({status})")
    report = json.loads(out)
    check(report["as_of"] == "2014-06-01" and report["currency"] == "CNY", "date and currency")
    check(report["population"] == {"records": 5, "households": 5, "errors": 0}, "population")
    care = next(r for r in report["rules"] if r["rule"] == "care_allowance_70")
    check(care["base"]["recipients"] == 3 and care["reform"]["recipients"] == 4
          and care["change"] == {"recipients": 1, "once": "0.00", "annual": "1200.00"},
          f"the allowance from 65 adds one recipient, 1200 a year: {care}")
    check(report["totals"]["annual"] == {"base": "6000.00", "reform": "7200.00",
                                         "change": "1200.00", "percent": "+20.0"},
          f"annual totals: {report['totals']['annual']}")
    check(report["households"] == {"better_off": 1, "worse_off": 0, "unchanged": 4,
                                   "unchanged_other_entitlements_changed": 0}, "households")
    check(report["distribution"]["annual"] == [
        {"low": "0.00", "high": "0.00", "households": 4},
        {"low": "1200.00", "high": "1200.00", "households": 1}], "annual bins")
    gain = report["largest_gains"][0]
    check(gain["household"] == "mother-66" and gain["line"] == 5 and gain["change"] == "1200.00",
          f"the largest gain: {gain['household']}")
    why = gain["rules"][0]["why"]
    check("care_allowance_age: 70 → 65 (from 2014-01-01)" in why and
          any(w.startswith("+ ") for w in why) and any(w.startswith("- ") for w in why),
          f"why: the parameter and the trace lines that differ: {why}")


def test_against_itself_and_csv():
    population = subprocess.run([GENERATOR, "--count", "600", "--seed", "3", "--as-of",
                                 "2014-06-01"], check=True, capture_output=True).stdout
    jsonl = os.path.join(TMP, "population.jsonl")
    with open(jsonl, "wb") as f:
        f.write(population)
    status, out, _ = diff(BASE, ["--format", "json"], population=jsonl)
    report = json.loads(out)
    check(status == 0 and report["households"]["unchanged"] == 600 and
          report["totals"]["annual"]["change"] == "0.00" and
          report["totals"]["once"]["change"] == "0.00" and not report["largest_gains"],
          "a package against itself changes nothing")
    csv = subprocess.run([GENERATOR, "--count", "600", "--seed", "3", "--as-of", "2014-06-01",
                          "--format", "csv"], check=True, capture_output=True).stdout
    csv_path = os.path.join(TMP, "population.csv")
    with open(csv_path, "wb") as f:
        f.write(csv)
    reform = os.path.join(REFORMS, "festival-visits-300")
    _, from_jsonl, _ = diff(reform, ["--format", "json", "--threads", "1"], population=jsonl)
    _, from_csv, _ = diff(reform, ["--format", "json", "--threads", "2"], population=csv_path)
    a, b = json.loads(from_jsonl), json.loads(from_csv)
    check(a["totals"] == b["totals"] and a["rules"] == b["rules"] and
          a["households"] == b["households"], "CSV and JSON Lines give the same figures")
    check(a["totals"]["annual"]["change"] != "0.00", "the festival reform costs something")


def test_errors_and_statuses():
    bad = os.path.join(TMP, "with-errors.jsonl")
    with open(POPULATION) as f, open(bad, "w") as out:
        out.write(f.read() + '{"id":"broken","members":[{"id":"a","birth_date":"1950-02-30"}]}\n')
    status, out, err = diff(os.path.join(REFORMS, "care-allowance-200"), population=bad)
    check(status == 1, f"error records exit 1 as in batch ({status})")
    check("6 records: 5 households evaluated, 1 errors." in out and
          "line 6 (broken): members[0].birth_date" in out, "errors counted and listed")
    check("1 of 6 records could not be evaluated" in err, f"and said on stderr: {err}")
    status, out, _ = diff(os.path.join(REFORMS, "care-allowance-200"),
                          population=os.path.join(TMP, "missing.jsonl"))
    check(status == 4 and out == "", f"a missing population exits 4 ({status})")
    status, out, _ = diff(os.path.join(REFORMS, "care-allowance-200"), ["--format", "pdf"])
    check(status == 2 and out == "", f"an unknown format is a usage error ({status})")
    output = os.path.join(TMP, "report.json")
    status, out, _ = diff(os.path.join(REFORMS, "care-allowance-200"),
                          ["--format", "json", "--output", output])
    check(status == 0 and out == "" and json.load(open(output))["totals"]["annual"]["reform"]
          == "9600.00", "--output writes the report to the file")
    check(os.listdir(TMP).count("report.json") == 1 and
          not [n for n in os.listdir(TMP) if n.endswith(".tmp")], "no temporary file left")
    status, out, _ = diff(os.path.join(REFORMS, "care-allowance-200"), ["--top", "0"],
                          population="-", stdin=open(POPULATION, "rb").read())
    check(status == 0 and "Largest gains\n  (none)" in out, "stdin and --top 0")


def test_bad_reform():
    reform = os.path.join(TMP, "bad-reform")
    os.makedirs(reform)
    with open(os.path.join(reform, "package.yaml"), "w") as f:
        f.write("package:\n  name: bad\n  version: 1.0.0\n  extends: %s\n" % BASE)
    with open(os.path.join(reform, "reform.yaml"), "w") as f:
        f.write("reform:\n  parameters:\n    care_alowance_70_amount:\n"
                "      - {from: 2014-01-01, value: \"200.00\"}\n"
                "  remove_rules: [festival_visit]\n")
    status, out, err = diff(reform)
    check(status == 3 and out == "", f"a bad reform exits 3 with nothing on stdout ({status})")
    path = os.path.join(reform, "reform.yaml")
    check(f"{path}:3:5: error: the base package 'wuhan-2012-family-support' has no parameter "
          "'care_alowance_70_amount'; did you mean 'care_allowance_70_amount'? [E011]" in err,
          f"the unknown parameter at file:line:col: {err}")
    check(f"{path}:5:18: error: the base package 'wuhan-2012-family-support' has no rule "
          "'festival_visit'; did you mean 'festival_visits'? [E011]" in err,
          "the unknown rule at file:line:col")
    p = subprocess.run([ENTITLE, "test", reform], capture_output=True)
    check(p.returncode == 3, f"entitle test on the bad reform exits 3 ({p.returncode})")
    moved = os.path.join(TMP, "moved-reform")
    shutil.copytree(os.path.join(REFORMS, "care-allowance-200"), moved)
    p = subprocess.run([ENTITLE, "eval", "--rules", moved, "-"], input=b"id: x\n",
                       capture_output=True)
    check(p.returncode == 3 and b"package.yaml:6:12: error: 'extends' names" in p.stderr,
          f"a reform moved away from its base says where 'extends' points: {p.stderr[:300]}")


def test_readme_walkthrough():
    population = subprocess.run([GENERATOR, "--count", "10000", "--as-of", "2014-06-01"],
                                check=True, capture_output=True).stdout
    path = os.path.join(TMP, "walkthrough.jsonl")
    with open(path, "wb") as f:
        f.write(population)
    _, out, _ = diff(os.path.join(REFORMS, "care-allowance-age-65"), ["--top", "1"],
                     population=path)
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    start = readme.index("--as-of 2014-06-01 --top 1 population.jsonl\n") + 44
    shown = readme[start:readme.index("```", start)]
    check(len(out) > 1000 and shown == out, "README's diff walkthrough shows what the command prints")


for test in [test_text_report, test_json_report, test_against_itself_and_csv,
             test_errors_and_statuses, test_bad_reform, test_readme_walkthrough]:
    test()

shutil.rmtree(TMP, ignore_errors=True)
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all diff checks passed")
