#!/usr/bin/env bash
# Whole-program benchmark of `entitle batch`: N generated Wuhan households (JSON Lines in, JSON
# Lines out, trace off) with 1 and 2 working threads, each run R times; prints households per
# second (wall clock), CPU seconds and peak memory (/usr/bin/time -v) per run, and the medians.
#
#   benchmarks/run_batch_benchmark.sh [N] [R] [OUTPUT]
#
# N defaults to 1000000, R to 3, OUTPUT (where results go) to /dev/null; give a file path to
# include the cost of writing it. The population is generated once into benchmarks/out/ (seed
# 2012, as of 2013-06-01) and kept for later runs. Build first (scripts/build); BUILD_DIR selects
# the build (default build/); BATCH_FLAGS adds options to every run (e.g. --omit-not-granted).
# The machine is shared: run it when it is quiet, and quote medians.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
count=${1:-1000000}
runs=${2:-3}
output=${3:-/dev/null}
read -r -a flags <<< "${BATCH_FLAGS:-}"
entitle=$build/entitle
generator=$build/benchmarks/generate_population
for tool in "$entitle" "$generator" /usr/bin/time; do
  [ -x "$tool" ] || { echo "missing $tool (run scripts/build and scripts/setup)" >&2; exit 2; }
done

mkdir -p "$root/benchmarks/out"
population=$root/benchmarks/out/population-$count.jsonl
if [ ! -s "$population" ]; then
  echo "generating $count households into $population" >&2
  "$generator" --count "$count" --seed 2012 --as-of 2013-06-01 > "$population.tmp"
  mv "$population.tmp" "$population"
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "input: $count households, $(du -h "$population" | cut -f1) of JSON Lines; output to $output"
echo "options: ${flags[*]:-(none)}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-4s %12s %10s %10s %12s\n' threads run "households/s" "wall s" "cpu s" "peak RSS MB"

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

for threads in 1 2; do
  rates=() ; rss=()
  for run in $(seq 1 "$runs"); do
    log=$(mktemp)
    /usr/bin/time -v "$entitle" batch --rules "$root/rules/wuhan-2012" --threads "$threads" \
      "${flags[@]}" "$population" > "$output" 2> "$log"
    wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' |
           awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    user=$(grep 'User time' "$log" | awk '{print $NF}')
    sys=$(grep 'System time' "$log" | awk '{print $NF}')
    peak=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
    rate=$(awk -v n="$count" -v s="$wall" 'BEGIN { printf "%.0f", n / s }')
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    rss_mb=$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')
    printf '%-8s %-4s %12s %10s %10s %12s\n' "$threads" "$run" "$rate" "$wall" "$cpu" "$rss_mb"
    rates+=("$rate"); rss+=("$rss_mb")
    rm -f "$log"
  done
  printf '%-8s %-4s %12s %10s %10s %12s\n' "$threads" median \
    "$(printf '%s\n' "${rates[@]}" | median)" "" "" "$(printf '%s\n' "${rss[@]}" | median)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
