"""entitle explain end to end: every "turns N on DATE; from that day M qualifies for R" sentence
about the example households is checked against `entitle eval` on the day before and on the
day itself; option errors and the timeline form.

Run as: python3 test_explain.py ENTITLE_BINARY REPO_ROOT BUILD_DIR
"""
import datetime
import glob
import json
import os
import re
import sys

from clitest import Checks, runner

ENTITLE, ROOT, BUILD = sys.argv[1], sys.argv[2], sys.argv[3]
RULES = os.path.join(ROOT, "rules", "wuhan-2012")
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "examples", "households", "*.yaml")))
check = Checks()
run = runner(ENTITLE)




def granted(household, day, rule, member):
    r = run("eval", "--rules", RULES, "--as-of", day, "--format", "json", household)
    result = json.loads(r.stdout)
    return any(e["rule"] == rule and e["recipient"] == member for e in result["entitlements"])


WHEN = re.compile(r"(\S+) turns (\d+) on (\d{4}-\d\d-\d\d); from that day (\S+) qualifies for "
                  r"(\w+)\.")
claims = 0
for household in EXAMPLES:
    r = run("explain", "--rules", RULES, household)
    check(r.returncode == 0, f"explain {household} exited {r.returncode}: {r.stderr}")
    for member, _, day, who, rule in WHEN.findall(r.stdout):
        claims += 1
        check(member == who, f"{household}: {member} / {who}")
        before = (datetime.date.fromisoformat(day) - datetime.timedelta(days=1)).isoformat()
        check(not granted(household, before, rule, who),
              f"{household}: {rule} already granted to {who} on {before}")
        check(granted(household, day, rule, who),
              f"{household}: {rule} not granted to {who} on {day} as explain says")
    z = run("explain", "--rules", RULES, household, "--lang", "zh")
    check(z.returncode == 0 and "评估日期" in z.stdout, f"zh explain of {household}")
    check(len(re.findall(r"年满 \d+ 周岁；自该日起 \S+ 可享受 \w+", z.stdout)) == len(WHEN.findall(r.stdout)),
          f"{household}: the zh and en 'when' sentences differ in number")
check(claims >= 3, f"only {claims} 'when' sentences in the examples")

shidu = os.path.join(ROOT, "examples", "households", "urban-shidu-couple.yaml")
r = run("explain", "--rules", RULES, shidu, "--rule", "home_cair")
check(r.returncode == 2 and "did you mean 'home_care'" in r.stderr, f"unknown rule: {r.stderr}")
check(r.stdout == "", "nothing on stdout after an error")
r = run("explain", "--rules", RULES, shidu, "--member", "uncle")
check(r.returncode == 2 and "no member 'uncle'" in r.stderr, f"unknown member: {r.stderr}")
r = run("explain", "--rules", RULES, shidu, "--timeline", "2019-01-01..2010-01-01")
check(r.returncode == 2 and "FROM..TO" in r.stderr, f"reversed window: {r.stderr}")
undated = os.path.join(ROOT, "tests", "data", "timeline", "households", "leap-day-family.yaml")
r = run("explain", "--rules", os.path.join(ROOT, "tests", "data", "timeline", "package"), undated)
check(r.returncode == 4 and "no evaluation date" in r.stderr, f"no as_of: {r.returncode}")

r = run("explain", "--rules", RULES, shidu, "--timeline", "2010-01-01..2019-12-31",
        "--member", "mother")
check(r.returncode == 0, f"timeline exited {r.returncode}")
check(r.stdout.startswith("Timeline of household urban-shidu-couple from 2010-01-01 to "
                          "2019-12-31: 4 period(s)"), f"timeline header: {r.stdout[:200]}")
check("2015-03-03 to 2019-12-31 — mother turns 60 on 2015-03-03\n  + home_care → mother: "
      "1 hour/day" in r.stdout, f"timeline boundary: {r.stdout}")
check("→ father" not in r.stdout, "--member filters the timeline")

check.finish(f"ok ({claims} when-sentences checked)")
