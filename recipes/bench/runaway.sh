#!/usr/bin/env bash
# The options against runaway (looping) hypotheses side by side on held-out lines: BLEU, chrF2, sentences/s, how
# many outputs run past twice their reference's words plus 5, and the longest output. Prints a Markdown table.
# Each row is the defaults (output limit 3·n + 10) plus its options; the second row is fairseq's flat limit.
# Needs the built jars and a trained model.
#
#   recipes/bench/runaway.sh MODEL SOURCE REFERENCE     (WORK [/tmp/runaway], BEAM [5], THREADS [2])
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ $# -ne 3 ]; then
  echo "usage: $0 MODEL_DIR SOURCE_FILE REFERENCE_FILE" >&2
  exit 2
fi
model=$1
src=$2
ref=$3
WORK=${WORK:-/tmp/runaway}
BEAM=${BEAM:-5}
THREADS=${THREADS:-2}
mkdir -p "$WORK"
lines=$(wc -l < "$src")
echo "| options | BLEU | chrF2 | sentences/s | long | longest output (words) |"
echo "|---|---:|---:|---:|---:|---:|"
i=0
while IFS= read -r opts; do
  i=$((i + 1))
  start=$(date +%s.%N)
  # shellcheck disable=SC2086 # the options are meant to split into words
  "$root/bin/nmt-translate" -m "$model" -i "$src" -o "$WORK/out.$i" -r "$ref" -q --beam "$BEAM" --batch-size 64 \
    --threads "$THREADS" $opts > /dev/null 2> "$WORK/err.$i"
  end=$(date +%s.%N)
  bleu=$(grep -o 'BLEU|[^=]*= [0-9.]*' "$WORK/err.$i" | awk '{print $NF}')
  chrf=$(grep -o 'chrF2|[^=]*= [0-9.]*' "$WORK/err.$i" | awk '{print $NF}')
  long=$(paste "$WORK/out.$i" "$ref" | awk -F'\t' '{ if (split($1, h, " ") > 2 * split($2, r, " ") + 5) n++ } END { print n + 0 }')
  longest=$(awk '{ if (NF > m) m = NF } END { print m + 0 }' "$WORK/out.$i")
  speed=$(awk -v n="$lines" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", n / (e - s) }')
  echo "| ${opts:-defaults} | $bleu | $chrf | $speed | $long | $longest |"
done <<'OPTIONS'

--max-len-a 0 --max-len-b 200
--no-repeat-ngram-size 3
--no-repeat-ngram-size 4
--repetition-penalty 1.2
--max-len-a 1.5 --max-len-b 10
--max-len-a 2 --max-len-b 10
OPTIONS
