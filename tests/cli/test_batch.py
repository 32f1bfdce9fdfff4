"""End-to-end tests of `entitle batch`.

Run by ctest as: python3 test_batch.py ENTITLE_BINARY REPO_ROOT BUILD_DIR
The population comes from BUILD_DIR/benchmarks/generate_population.
"""
import json
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time

ENTITLE, ROOT, BUILD = sys.argv[1], sys.argv[2], sys.argv[3]
RULES = os.path.join(ROOT, "rules", "wuhan-2012")
GENERATOR = os.path.join(BUILD, "benchmarks", "generate_population")
TMP = tempfile.mkdtemp(prefix="entitle-batch-test-")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def generate(count, fmt="jsonl", seed=7, first=0):
    return subprocess.run(
        [GENERATOR, "--count", str(count), "--seed", str(seed), "--format", fmt,
         "--first", str(first)],
        check=True, capture_output=True).stdout


def batch(args, data=None, path=None):
    """Runs entitle batch; returns (status, stdout bytes, stderr text)."""
    if path is None:
        path = write("input.jsonl", data)
    p = subprocess.run([ENTITLE, "batch", "--rules", RULES] + args + [path],
                       capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode()


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def lines(data):
    return data.decode().splitlines()


def test_order_and_threads():
    # ~1.1 MB: many chunks of work, so that threads finish them out of order.
    population = generate(3000)
    ids = [json.loads(l)["id"] for l in lines(population)]
    status1, out1, err1 = batch(["--threads", "1"], population)
    status2, out2, _ = batch(["--threads", "2"], population)
    status3, out3, _ = batch(["--threads", "3"], population)
    check(status1 == 0 and status2 == 0 and status3 == 0,
          f"clean runs exit 0 ({status1}, {status2}, {status3})")
    check([json.loads(l)["household"] for l in lines(out2)] == ids,
          "results come in input order")
    check(out1 == out2 == out3, "--threads 1, 2 and 3 give byte-identical output")
    check("3,000 records, 0 errors" in err1, "summary counts the records: " + err1[:200])
    check("households with at least one entitlement" in err1, "summary has the households")
    check("shidu_parent_lump_sum" in err1 and "CNY" in err1, "summary has per-rule cash")
    check("\r" not in err1, "no progress line when stderr is not a terminal")


def test_error_records():
    good = lines(generate(6, seed=11))
    huge = '{"id":"huge","members":[' + ",".join(['{"id":"m%d"}' % i for i in range(120000)]) + "]}"
    records = [
        good[0],
        '{"id":"bad-date","as_of":"2013-06-01","members":[{"id":"a","birth_date":"1950-02-30"}]}',
        good[1],
        "{not json",
        "",  # a blank line is no record
        good[2],
        '{"id":"typo","as_of":"2013-06-01","living_dificulty":true}',
        '{"id":"no-date","members":[]}',
        huge,
        good[3],
        '{"id":"twice","id":"again"}',
        good[4],
    ]
    data = ("\n".join(records) + "\n").encode()
    status, out, err = batch([], data)
    check(status == 1, f"a run with error records exits 1 (got {status})")
    results = [json.loads(l) for l in lines(out)]
    check(len(results) == 11, f"one output line per record, blank lines skipped ({len(results)})")
    by_line = {r["line"]: r for r in results if "line" in r}
    check(sorted(by_line) == [2, 4, 7, 8, 9, 11], f"error records at their lines: {sorted(by_line)}")
    check(by_line.get(2, {}).get("household") == "bad-date" and
          "members[0].birth_date" in by_line.get(2, {}).get("error", ""),
          f"bad date names the field: {by_line.get(2)}")
    check(by_line.get(4, {}).get("household") is None and
          "malformed JSON" in by_line.get(4, {}).get("error", ""),
          f"malformed JSON, household unknown: {by_line.get(4)}")
    check("did you mean 'living_difficulty'" in by_line.get(7, {}).get("error", ""),
          f"unknown fact with a hint: {by_line.get(7)}")
    check("no evaluation date" in by_line.get(8, {}).get("error", ""),
          f"a record without as_of and no --as-of: {by_line.get(8)}")
    check("max_household_bytes" in by_line.get(9, {}).get("error", ""),
          f"an oversized record is read past: {by_line.get(9)}")
    check("duplicate key" in by_line.get(11, {}).get("error", ""),
          f"duplicate keys are rejected: {by_line.get(11)}")
    good_results = [r["household"] for r in results if "line" not in r]
    check(good_results == [json.loads(g)["id"] for g in good[:5]],
          f"good records around the bad ones are all there, in order: {good_results}")
    check("6 errors" in err, "the summary counts the errors: " + err[:120])
    # --as-of gives the dated record a date.
    status, out, _ = batch(["--as-of", "2013-06-01"], data)
    check(sum(1 for l in lines(out) if '"line":' in l) == 5, "--as-of dates records without as_of")


def test_csv_equals_jsonl():
    jsonl = generate(500, "jsonl", seed=3)
    csv = generate(500, "csv", seed=3)
    s1, out1, _ = batch([], jsonl)
    s2, out2, _ = batch([], path=write("population.csv", csv))
    s3, out3, _ = batch(["--input-format", "csv", "--threads", "2"], path=write("csv-data", csv))
    check(s1 == 0 and s2 == 0 and s3 == 0, f"CSV runs exit 0 ({s1}, {s2}, {s3})")
    check(out1 == out2, "CSV and JSON Lines give byte-identical results")
    check(out2 == out3, "--input-format csv reads a file of any name")


def test_csv_errors():
    header = ("household_id,as_of,living_difficulty,member_id,role,sex,birth_date,hukou\n")
    rows = [
        "h1,2013-06-01,false,a,parent,female,1950-01-01,urban",
        "h1,2013-06-01,false,b,parent,male,1949-01-01,urban",
        "h2,2013-06-01,false,a,parent,female,1950-13-01,urban",
        "h3,2013-06-01,false,a,parent,female,1950-01-01,urban",
        "h3,2013-06-01,true,b,parent,male,1950-01-01,urban",
        'h4,2013-06-01,false,a,"par""ent",female,1950-01-01,urban',
        'h5,2013-06-01,false,"a,b",parent,female,"1950-01-01",rural',
        "h6,2013-06-01,false,a,parent",
    ]
    status, out, err = batch([], path=write("errors.csv", (header + "\n".join(rows) + "\n").encode()))
    results = [json.loads(l) for l in lines(out)]
    check(status == 1, f"CSV with bad households exits 1 ({status})")
    check([r.get("household") for r in results] == ["h1", "h2", "h3", "h4", "h5", "h6"],
          f"one record per household, in order: {[r.get('household') for r in results]}")
    errors = {r["household"]: r for r in results if "error" in r}
    check(set(errors) == {"h2", "h3", "h4", "h6"}, f"the bad households: {sorted(errors)}")
    check(errors.get("h2", {}).get("line") == 4 and
          "members[0].birth_date" in errors.get("h2", {}).get("error", ""),
          f"a bad cell names its field and line: {errors.get('h2')}")
    check("living_difficulty" in errors.get("h3", {}).get("error", "") and
          errors.get("h3", {}).get("line") == 5, f"household facts must agree: {errors.get('h3')}")
    check('par"ent' in errors.get("h4", {}).get("error", ""),
          f"quoted cells are unescaped: {errors.get('h4')}")
    check("cells" in errors.get("h6", {}).get("error", ""), f"short rows: {errors.get('h6')}")
    h5 = [r for r in results if r.get("household") == "h5"]
    check(h5 and any(e["recipient"] == "a,b" for e in h5[0]["not_granted"]),
          "a quoted cell may hold a comma")
    # An unusable header stops the run before any record, with exit status 4.
    status, out, err = batch([], path=write("bad-header.csv", b"household_id,retird\nh,true\n"))
    check(status == 4 and out == b"" and "did you mean 'retired'" in err,
          f"a bad CSV header exits 4 with a hint ({status}, {err.strip()})")


def test_batch_equals_eval():
    population = lines(generate(40, seed=5))
    status, out, _ = batch(["--trace", "full"], "\n".join(population).encode() + b"\n")
    check(status == 0, "traced batch exits 0")
    for record, result in zip(population, lines(out)):
        path = write("one.json", record.encode())
        p = subprocess.run([ENTITLE, "eval", "--rules", RULES, "--format", "json", "--explain",
                            path], capture_output=True)
        if p.stdout.decode().rstrip("\n") != result:
            check(False, "batch --trace full equals eval --explain for " + json.loads(record)["id"])
            return
    status, plain, _ = batch([], "\n".join(population).encode() + b"\n")
    for record, result in zip(population[:10], lines(plain)):
        p = subprocess.run([ENTITLE, "eval", "--rules", RULES, "--format", "json",
                            write("one.json", record.encode())], capture_output=True)
        check(p.stdout.decode().rstrip("\n") == result,
              "batch equals eval --format json for " + json.loads(record)["id"])


def test_omit_not_granted():
    population = lines(generate(200, seed=11))
    data = ("\n".join(population) + "\n").encode()
    _, full, _ = batch([], data)
    status, lean, _ = batch(["--omit-not-granted"], data)
    check(status == 0, "batch --omit-not-granted exits 0")
    full_results = [json.loads(l) for l in lines(full)]
    lean_results = [json.loads(l) for l in lines(lean)]
    check(len(lean_results) == len(population), "one lean result per record")
    check(any(r.get("not_granted") for r in full_results), "the full results list not_granted")
    for f in full_results:
        f.pop("not_granted", None)
    check(full_results == lean_results,
          "--omit-not-granted leaves out not_granted and nothing else")
    check(len(lean) < len(full) * 0.7, f"the lean output is smaller ({len(lean)} of {len(full)})")
    p = subprocess.run([ENTITLE, "eval", "--rules", RULES, "--format", "json",
                        "--omit-not-granted", write("one.json", population[0].encode())],
                       capture_output=True)
    check(p.stdout.decode().rstrip("\n") == lines(lean)[0],
          "batch --omit-not-granted equals eval --omit-not-granted")


def test_shards_concatenate():
    population = lines(generate(900, seed=9))
    _, whole, _ = batch(["--threads", "2"], ("\n".join(population) + "\n").encode())
    shards = [population[0:250], population[250:251], population[251:900]]
    pieces = []
    for i, shard in enumerate(shards):
        p = subprocess.run([ENTITLE, "batch", "--rules", RULES, "--threads", "1", "-"],
                           input=("\n".join(shard) + "\n").encode(), capture_output=True)
        check(p.returncode == 0, f"shard {i} from stdin exits 0")
        pieces.append(p.stdout)
    check(b"".join(pieces) == whole, "shards run separately and concatenated equal one run")


def test_huge_lines():
    # A 100 MB line amid good records, then a last line without an end: the big one becomes an
    # error record without being held in memory, and the run goes on.
    population = lines(generate(3, seed=19))
    path = os.path.join(TMP, "huge.jsonl")
    with open(path, "wb") as f:
        f.write(population[0].encode() + b"\n")
        f.write(b'{"id":"huge","note":"')
        block = b"x" * (1 << 20)
        for _ in range(100):
            f.write(block)
        f.write(b'"}\n')
        f.write(population[1].encode() + b"\n")
        f.write(population[2].encode())  # no line break at the end
    # Peak memory from /usr/bin/time (scripts/setup installs it): a forked child's own
    # getrusage figure would include the pages it shares with this test process before exec.
    peak_file = os.path.join(TMP, "huge.peak")
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak_file, ENTITLE, "batch", "--rules",
                        RULES, "--threads", "2", path], capture_output=True)
    status, out = p.returncode, p.stdout
    results = [json.loads(l) for l in lines(out)]
    check(status == 1, f"a run with a bad record exits 1 ({status})")
    check(len(results) == 4, f"one result per record ({len(results)})")
    if len(results) == 4:
        check(results[1].get("line") == 2 and "max_household_bytes" in results[1].get("error", ""),
              f"the 100 MB line is an error record naming the limit: {str(results[1])[:200]}")
        check([r.get("household") for r in (results[0], results[2], results[3])] ==
              [json.loads(l)["id"] for l in population],
              "the records around it, and the last one without a line break, are evaluated")
    with open(peak_file) as f:
        peak_kib = int(f.read().split()[-1])
    # Under the sanitizers the shadow memory alone is larger; the point is that 100 MB is not held.
    if "ASAN_OPTIONS" not in os.environ:
        check(peak_kib < 64 * 1024, f"peak memory stays under 64 MB ({peak_kib // 1024} MB)")
    else:
        check(peak_kib < 100 * 1024, f"the 100 MB line is not held ({peak_kib // 1024} MB)")


def test_atomic_output():
    population = generate(2000, seed=13)
    target = os.path.join(TMP, "results.jsonl")
    status, out, _ = batch(["--output", target], population)
    check(status == 0 and out == b"", "--output writes nothing to stdout")
    with open(target, "rb") as f:
        written = f.read()
    _, expected, _ = batch([], population)
    check(written == expected, "--output FILE holds the results")
    check(sorted(os.listdir(TMP)).count("results.jsonl") == 1 and
          not [n for n in os.listdir(TMP) if n.endswith(".tmp")], "no temporary file is left")

    # Interrupted: FILE keeps its old content, no temporary is left, the message counts records.
    with open(target, "wb") as f:
        f.write(b"old\n")
    p = subprocess.Popen([ENTITLE, "batch", "--rules", RULES, "--output", target, "-"],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(population)
    p.stdin.flush()  # stdin stays open: the run waits for more
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    err = err.decode()
    check(p.returncode == 130, f"Ctrl-C exits 130 ({p.returncode}, {err.strip()})")
    check("interrupted after" in err and "not written" in err, "the message says so: " + err)
    with open(target, "rb") as f:
        check(f.read() == b"old\n", "an interrupted run leaves FILE as it was")
    check(not [n for n in os.listdir(TMP) if n.endswith(".tmp")], "no temporary is left")

    # Interrupted on stdout: every line written is complete.
    with open(os.path.join(TMP, "stdout.jsonl"), "w+b") as stdout:
        p = subprocess.Popen([ENTITLE, "batch", "--rules", RULES, "-"], stdin=subprocess.PIPE,
                             stdout=stdout, stderr=subprocess.PIPE)
        p.stdin.write(population)
        p.stdin.flush()
        time.sleep(1.0)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
        err = err.decode()
        stdout.seek(0)
        out = stdout.read()
    done = [l for l in lines(out)]
    check(p.returncode == 130, f"Ctrl-C on stdout exits 130 ({p.returncode})")
    check(all(json.loads(l)["household"] for l in done) and out.endswith(b"\n"),
          "every line written before Ctrl-C is complete")
    check(f"interrupted after {len(done):,} records" in err,
          f"the message counts the records written ({len(done)}): {err.strip()}")


def test_progress_on_terminal():
    population = write("progress.jsonl", generate(3000, seed=17))
    master, slave = pty.openpty()
    p = subprocess.Popen([ENTITLE, "batch", "--rules", RULES, population],
                         stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    p.wait(timeout=30)
    os.close(master)
    text = seen.decode(errors="replace")
    check("\r" in text and "records" in text and "/s" in text and "%" in text and "left" in text,
          "a progress line on a terminal, with percent and time left for a file: " + text[:200])


def test_exit_statuses():
    status, out, err = batch([], path=os.path.join(TMP, "does-not-exist.jsonl"))
    check(status == 4 and out == b"", f"a missing input exits 4 ({status})")
    p = subprocess.run([ENTITLE, "batch", "--rules", TMP, "-"], input=b"", capture_output=True)
    check(p.returncode == 3, f"a bad package exits 3 ({p.returncode})")
    p = subprocess.run([ENTITLE, "batch", "--rules", RULES, "--threads", "0", "-"],
                       input=b"", capture_output=True)
    check(p.returncode == 2, f"--threads 0 is a usage error ({p.returncode})")
    status, out, _ = batch([], b"")
    check(status == 0 and out == b"", "an empty input is an empty output")


def test_generator_is_deterministic():
    once, again = generate(300, seed=21), generate(300, seed=21)
    check(once == again, "the same seed gives the same population")
    check(once != generate(300, seed=22), "another seed gives another population")
    check(generate(100, seed=21) + generate(200, seed=21, first=100) == once,
          "shards generated with --first concatenate to the whole population")
    check(generate(50, "csv", seed=21) == generate(50, "csv", seed=21), "CSV is deterministic too")


for test in [test_generator_is_deterministic, test_order_and_threads, test_error_records, test_csv_equals_jsonl, test_csv_errors,
             test_batch_equals_eval, test_huge_lines, test_omit_not_granted,
             test_shards_concatenate, test_atomic_output,
             test_progress_on_terminal, test_exit_statuses]:
    test()

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all batch checks passed")
