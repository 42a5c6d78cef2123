#!/usr/bin/env bash
# The Spark job's overhead: bin/nmt-translate and bin/nmt-spark-translate (MASTER) on the same input, in
# alternating rounds, each with its wall and CPU time and the load average before it, and whether the part
# files equal nmt-translate's output. Needs the built jars (mvn -B -q package -DskipTests).
#
#   recipes/bench/spark-overhead.sh MODEL_DIR INPUT    (WORK [/tmp/spark-overhead], ROUNDS [3], MASTER [local[2]])
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ $# -eq 2 ] || { sed -n '2,6p' "$0" >&2; exit 2; }
model=$1 input=$2
WORK=${WORK:-/tmp/spark-overhead}
ROUNDS=${ROUNDS:-3}
MASTER=${MASTER:-local[2]}
mkdir -p "$WORK"
TIMEFORMAT='%R s wall, %U s user, %S s sys'
for round in $(seq "$ROUNDS"); do
  echo "round $round, before nmt-translate: $(uptime)"
  rm -f "$WORK/translate.out"
  { time "$root/bin/nmt-translate" -m "$model" -i "$input" -o "$WORK/translate.out" -q; } 2>&1 \
    | sed "s/^/round $round nmt-translate: /"
  echo "round $round, before nmt-spark-translate: $(uptime)"
  rm -rf "$WORK/spark.out"
  { time "$root/bin/nmt-spark-translate" -m "$model" -i "$input" -o "$WORK/spark.out" --master "$MASTER"; } 2>&1 \
    | sed "s/^/round $round nmt-spark-translate $MASTER: /"
  if cat "$WORK"/spark.out/part-* | cmp -s - "$WORK/translate.out"; then
    echo "round $round: identical output ($(find "$WORK/spark.out" -name 'part-*' | wc -l) part files)"
  else
    echo "round $round: OUTPUTS DIFFER"
  fi
done
