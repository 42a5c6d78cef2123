#!/usr/bin/env bash
# Decoding option sets side by side on one test set: translates SOURCE with each set in turn, ROUNDS times
# (alternating, so that a shared machine's drift hits every set alike), and prints a Markdown table: BLEU and
# chrF2 against REFERENCE, and nmt-translate's own sentences/s (model load excluded) per round with their median.
# An empty set ("") is the defaults. Needs the built jars and a trained model.
#
#   recipes/bench/options.sh MODEL SOURCE REFERENCE "OPTIONS" ["OPTIONS" ...]   (ROUNDS [3], WORK [/tmp/options-bench])
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ $# -lt 4 ]; then
  echo "usage: $0 MODEL_DIR SOURCE_FILE REFERENCE_FILE OPTIONS [OPTIONS ...]" >&2
  exit 2
fi
model=$1
src=$2
ref=$3
shift 3
ROUNDS=${ROUNDS:-3}
WORK=${WORK:-/tmp/options-bench}
mkdir -p "$WORK"

# one run: prints "sentences/s BLEU chrF2"
run() {
  # shellcheck disable=SC2086 # the options are meant to split into words
  "$root/bin/nmt-translate" -m "$model" -i "$src" -o "$WORK/out" -r "$ref" $1 2>&1 | awk '
    /translated [0-9]+ sentences/ { for (i = 1; i <= NF; i++) if ($(i) == "sentences/s,") rate = $(i - 1) }
    /BLEU\|/ { split($0, a, "= "); split(a[2], b, " "); bleu = b[1] }
    /chrF2\|/ { split($0, a, "= "); chrf = a[2] }
    END { print rate, bleu, chrf }'
}

declare -A rates quality
for ((r = 1; r <= ROUNDS; r++)); do
  for opts in "$@"; do
    key=${opts:-defaults} # bash refuses an empty array key
    read -r rate bleu chrf < <(run "$opts")
    rates[$key]="${rates[$key]:-} $rate"
    quality[$key]="$bleu | $chrf"
    echo "round $r, [$key]: $rate sentences/s, BLEU $bleu, chrF2 $chrf" >&2
  done
done
echo "| options | BLEU | chrF2 | sentences/s, median of $ROUNDS | runs |"
echo "|---|---:|---:|---:|---|"
for opts in "$@"; do
  key=${opts:-defaults}
  median=$(tr ' ' '\n' <<< "${rates[$key]}" | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
  echo "| $key | ${quality[$key]} | $median |${rates[$key]} |"
done
