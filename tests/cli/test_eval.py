"""End-to-end tests of `entitle eval` and `entitle test` on the built binary.

Run by ctest as: python3 test_eval.py ENTITLE_BINARY REPO_ROOT BUILD_DIR (passes when it exits 0).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

BINARY, ROOT = sys.argv[1], sys.argv[2]
PACKAGE = os.path.join(ROOT, "rules", "wuhan-2012")
HOUSEHOLDS = os.path.join(ROOT, "examples", "households")
LOCATION = re.compile(r"^\S+\.yaml:\d+:\d+: error: ", re.M)


def run(*args, stdin=None):
    return subprocess.run([BINARY, *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def household(name):
    return os.path.join(HOUSEHOLDS, name)


class Eval(unittest.TestCase):
    def test_text_report(self):
        r = run("eval", "--rules", PACKAGE, household("urban-shidu-couple.yaml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        self.assertIn("Household urban-shidu-couple — as of 2013-01-01", r.stdout)
        self.assertIn("✓ shidu_parent_lump_sum → father:", r.stdout)
        self.assertIn("7000.00 CNY once", r.stdout)
        self.assertRegex(r.stdout, r"Totals: once 16000\.00, .* annual 600\.00 CNY\n$")

    def test_text_report_in_chinese_with_explanation(self):
        r = run("eval", "--rules", PACKAGE, "--lang", "zh", "--explain",
                household("urban-shidu-couple.yaml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("享受\n", r.stdout)
        self.assertIn("失独父母一次性扶助金", r.stdout)
        self.assertIn("✓ hukou == \"urban\"   (hukou = urban)", r.stdout)

    def test_json_result(self):
        r = run("eval", "--rules", PACKAGE, "--format", "json", "--explain",
                household("urban-shidu-couple.json"))
        self.assertEqual(r.returncode, 0, r.stderr)
        result = json.loads(r.stdout)
        self.assertEqual(result["household"], "urban-shidu-couple")
        self.assertEqual(result["as_of"], "2013-01-01")
        self.assertEqual(len(result["decision_id"]), 32)
        self.assertEqual(result["ruleset"]["name"], "wuhan-2012-family-support")
        lump = [e for e in result["entitlements"] if e["rule"] == "shidu_parent_lump_sum"]
        self.assertEqual([e["recipient"] for e in lump], ["father", "mother"])
        self.assertEqual(lump[0]["amount"], "7000.00")
        self.assertIn("when", lump[0]["trace"])
        self.assertEqual(result["totals"]["once"], "16000.00")
        self.assertEqual(result["undetermined"], [])

    def test_yaml_and_json_inputs_give_the_same_result(self):
        a = run("eval", "--rules", PACKAGE, "--format", "json",
                household("urban-shidu-couple.yaml"))
        b = run("eval", "--rules", PACKAGE, "--format", "json",
                household("urban-shidu-couple.json"))
        self.assertEqual(a.returncode, 0, a.stderr)
        self.assertEqual(a.stdout, b.stdout)

    def test_as_of_flag_overrides_the_file(self):
        r = run("eval", "--rules", PACKAGE, "--format", "json", "--as-of", "2012-07-31",
                household("urban-shidu-couple.yaml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        result = json.loads(r.stdout)
        self.assertEqual(result["as_of"], "2012-07-31")
        # The support rules take effect on 2012-08-01.
        granted = {e["rule"] for e in result["entitlements"]}
        self.assertNotIn("shidu_parent_lump_sum", granted)
        later = [n for n in result["not_granted"] if n["rule"] == "shidu_parent_lump_sum"]
        self.assertEqual([n["reason"] for n in later], ["not_in_effect"])

    def test_missing_as_of_is_an_error(self):
        r = run("eval", "--rules", PACKAGE, "-",
                stdin="id: h\nmembers:\n  - {id: a, role: parent}\n")
        self.assertEqual(r.returncode, 4)
        self.assertEqual(r.stdout, "")
        self.assertIn("--as-of", r.stderr)

    def test_flow_style_yaml_on_stdin(self):
        r = run("eval", "--rules", PACKAGE, "--as-of", "2013-01-01", "-",
                stdin="{id: h, members: [{id: a, role: parent, sex: male}]}\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Household h", r.stdout)

    def test_bad_household_exits_4_with_the_field_path(self):
        text = read(household("urban-shidu-couple.yaml"))
        text = text.replace("birth_date: 1955-03-03", "birth_date: 1955-02-30")
        text = text.replace("retired: true\n  - id: son", "retird: true\n  - id: son")
        r = run("eval", "--rules", PACKAGE, "-", stdin=text)
        self.assertEqual(r.returncode, 4)
        self.assertEqual(r.stdout, "")
        self.assertIn("members[1].birth_date", r.stderr)
        self.assertIn("members[1].retird", r.stderr)
        self.assertIn("did you mean 'retired'?", r.stderr)
        r = run("eval", "--rules", PACKAGE, "-", stdin='{"id": "h", "members": [}')
        self.assertEqual(r.returncode, 4)
        self.assertEqual(r.stdout, "")
        self.assertIn("malformed JSON", r.stderr)

    def test_bad_package_exits_3_with_locations(self):
        with tempfile.TemporaryDirectory() as tmp:
            broken = os.path.join(tmp, "pkg")
            shutil.copytree(PACKAGE, broken)
            path = os.path.join(broken, "definitions.yaml")
            text = read(path)
            self.assertIn('role == "parent"', text)
            write(path, text.replace('role == "parent"', 'rol == "parent"', 1))
            write(os.path.join(broken, "zz-extra.yaml"),
                  "parameters:\n  extra:\n    type: integer\n    description: {zh: x, en: x}\n"
                  "    values: [{from: 2012-01-01, value: yes}]\n")
            r = run("eval", "--rules", broken, household("urban-shidu-couple.yaml"))
            self.assertEqual(r.returncode, 3)
            self.assertEqual(r.stdout, "")
            self.assertRegex(r.stderr, r"definitions\.yaml:\d+:\d+: error: unknown name 'rol'")
            self.assertIn("did you mean 'role'?", r.stderr)
            self.assertIn("zz-extra.yaml:5:40: error: value of parameter 'extra'", r.stderr)
            self.assertEqual(len(LOCATION.findall(r.stderr)), 2, r.stderr)

    def test_usage_error_exits_2(self):
        r = run("eval", household("urban-shidu-couple.yaml"))
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, "")


class PolicyTests(unittest.TestCase):
    def test_package_tests_pass(self):
        r = run("test", PACKAGE)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        last = r.stdout.strip().splitlines()[-1]
        self.assertRegex(last, r"^\d+ passed, 0 failed$")
        self.assertGreater(int(last.split()[0]), 100)

    def test_a_broken_expectation_fails_with_a_trace(self):
        with tempfile.TemporaryDirectory() as tmp:
            broken = os.path.join(tmp, "pkg")
            shutil.copytree(PACKAGE, broken)
            path = os.path.join(broken, "tests", "special-families.yaml")
            text = read(path)
            needle = '{rule: shidu_parent_lump_sum, recipient: father, amount: "7000.00"}'
            self.assertIn(needle, text)
            write(path, text.replace(needle, needle.replace("7000.00", "7001.00"), 1))
            junit = os.path.join(tmp, "report.xml")
            r = run("test", broken, "--junit", junit)
            self.assertEqual(r.returncode, 1)
            self.assertRegex(r.stdout, r"FAIL \S+special-families\.yaml:\d+ ")
            self.assertIn("expected shidu_parent_lump_sum → father to grant 7001.00; "
                          "it granted 7000.00", r.stdout)
            self.assertIn("shidu_parent_lump_sum → father:", r.stdout)  # the trace
            self.assertIn("✓ hukou == \"urban\"", r.stdout)
            last = r.stdout.strip().splitlines()[-1]
            self.assertRegex(last, r"^\d+ passed, 1 failed$")

            suite = ET.parse(junit).getroot()
            self.assertEqual(suite.tag, "testsuite")
            self.assertEqual(suite.get("failures"), "1")
            cases = suite.findall("testcase")
            self.assertEqual(len(cases), int(suite.get("tests")))
            failed = [c for c in cases if c.find("failure") is not None]
            self.assertEqual(len(failed), 1)
            self.assertIn("7001.00", failed[0].find("failure").get("message"))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=1)
