"""entitle schema end to end: the JSON Schema validates every example household with a real
validator (ajv, installed in tests/tools by scripts/setup) and rejects the known-bad ones, and
agrees with `entitle eval` on both; the Markdown form lists every fact.

Run as: python3 test_schema.py ENTITLE_BINARY REPO_ROOT BUILD_DIR
Exits 77 (skipped) when node or the validators are missing, unless ENTITLE_REQUIRE_TEST_TOOLS=1.
"""
import glob
import json
import os
import shutil
import sys

from clitest import Checks, runner

ENTITLE, ROOT, BUILD = sys.argv[1], sys.argv[2], sys.argv[3]
RULES = os.path.join(ROOT, "rules", "wuhan-2012")
TOOLS = os.path.join(ROOT, "tests", "tools")
DATA = os.path.join(ROOT, "tests", "data", "schema")
# (package, households it accepts, households it rejects)
SETS = [
    (RULES, sorted(glob.glob(os.path.join(ROOT, "examples", "households", "*.*"))),
     sorted(glob.glob(os.path.join(DATA, "wuhan-bad", "*.*")))),
    (os.path.join(DATA, "all-types", "package"),
     sorted(glob.glob(os.path.join(DATA, "all-types", "good", "*.*"))),
     sorted(glob.glob(os.path.join(DATA, "all-types", "bad", "*.*")))),
]
check = Checks()
run = runner(ENTITLE)




r = run("schema", RULES)
check(r.returncode == 0, f"schema exited {r.returncode}: {r.stderr}")
schema = json.loads(r.stdout)
check(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", "draft 2020-12")
check(schema["required"] == ["id"], f"household required: {schema['required']}")
check(schema["additionalProperties"] is False, "unknown household facts are rejected")
member = schema["$defs"]["member"]
check(member["required"] == ["id"], f"member required: {member['required']}")
props = member["properties"]
check(props["role"]["enum"] == ["parent", "child", "other", None], f"role: {props['role']}")
check(props["disability_grade"]["minimum"] == 0 and props["disability_grade"]["maximum"] == 4,
      "disability_grade bounds")
check(props["school_stage"]["default"] == "none", "school_stage default")
check(props["local_hukou"]["default"] is True, "local_hukou default")
check(props["birth_date"]["format"] == "date", "birth_date format")
check(props["retired"]["title"] == "已退休" and props["retired"]["description"] == "retired",
      "descriptions in both languages")
schema_path = os.path.join(BUILD, "wuhan-2012.schema.json")
with open(schema_path, "w", encoding="utf-8") as f:
    f.write(r.stdout)

r = run("schema", RULES, "--format", "markdown")
check(r.returncode == 0, f"markdown exited {r.returncode}")
for fact in list(schema["properties"]) + list(props):
    check(f"| `{fact}` |" in r.stdout, f"markdown lists {fact}")
check("| `role` | enum | `parent`, `child`, `other` |" in r.stdout, "markdown enum row")
r = run("schema", os.path.join(DATA, "all-types", "package"), "--format", "markdown")
check("| `income` | money (exact, e.g. \"100.50\") |  | optional (absent: unknown) | 0 to … | "
      "月收入 | monthly income \\| in yuan |" in r.stdout, f"markdown escaping: {r.stdout}")

# entitle itself accepts the good households and rejects the bad ones.
schemas = []
for index, (package, good, bad) in enumerate(SETS):
    r = run("schema", package)
    path = os.path.join(BUILD, f"schema-test-{index}.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(r.stdout)
    schemas.append(path)
    for household in good:
        r = run("eval", "--rules", package, "--as-of", "2013-01-01", household)
        check(r.returncode == 0, f"entitle eval rejects good household {household}: {r.stderr}")
    for household in bad:
        r = run("eval", "--rules", package, "--as-of", "2013-01-01", household)
        check(r.returncode == 4, f"entitle eval accepts bad household {household}")
check([len(s[1]) >= 2 and len(s[2]) >= 7 for s in SETS] == [True, True], "test households")

node = shutil.which("node")
have_tools = node and os.path.isdir(os.path.join(TOOLS, "node_modules", "ajv-formats"))
if not have_tools:
    message = "node or tests/tools/node_modules missing: run scripts/setup"
    if os.environ.get("ENTITLE_REQUIRE_TEST_TOOLS") == "1" or check.failures:
        check(False, message)
    else:
        print(f"SKIPPED the validator half: {message}")
        sys.exit(77)
else:
    for schema_file, (package, good, bad) in zip(schemas, SETS):
        r = runner(node)(os.path.join(TOOLS, "validate-households.cjs"), schema_file, *good, *bad)
        check(r.returncode == 0, f"validator exited {r.returncode}: {r.stderr}")
        results = {}
        for line in r.stdout.splitlines():
            answer = json.loads(line)
            results[answer["file"]] = answer
        check(len(results) == len(good) + len(bad), f"validator answered {len(results)} files")
        for household in good:
            res = results.get(household, {})
            check(res.get("valid") is True,
                  f"good household {household} fails the schema: {res.get('errors')}")
        for household in bad:
            res = results.get(household, {})
            check(res.get("valid") is False, f"bad household {household} passes the schema")

check.finish("ok")
