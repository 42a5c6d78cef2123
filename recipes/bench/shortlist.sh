#!/usr/bin/env bash
# Lexical shortlist against the whole vocabulary, as BENCHMARKS.md "Issue 14, third pass" reports it: builds the
# lexicon of the bundled training corpus once (nmt-binarize, nmt-lexicon), then translates the held-out Tatoeba test
# lines (501 and on) with each setting in turn, ROUNDS times, and prints a Markdown table: BLEU, chrF2 and the
# median of nmt-translate's own sentences/s (model load excluded). Needs the built jars and a trained model.
#
#   recipes/bench/shortlist.sh   (MODEL [runs/quickstart/model], SIZES ["100/10 100/50"] as FIRST/BEST,
#                                 ROUNDS [3], BATCH [64], WORK [/tmp/shortlist-bench])
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODEL=${MODEL:-$root/runs/quickstart/model}
SIZES=${SIZES:-100/10 100/50}
ROUNDS=${ROUNDS:-3}
BATCH=${BATCH:-64}
WORK=${WORK:-/tmp/shortlist-bench}
data=$root/data/tatoeba-eng-deu
mkdir -p "$WORK"
gzip -dc "$data/test.en.gz" | tail -n +501 > "$WORK/held-out.en"
gzip -dc "$data/test.de.gz" | tail -n +501 > "$WORK/held-out.de"
if [ ! -f "$WORK/lex.tsv.gz" ]; then
  "$root/bin/nmt-binarize" --prefix "$data/train" --src-lang en --tgt-lang de --spm "$MODEL/spm.model" \
    --out "$WORK/train" >&2
  "$root/bin/nmt-lexicon" --data-bin "$WORK/train" --spm "$MODEL/spm.model" --out "$WORK/lex.tsv.gz" >&2
fi

# one run: prints "sentences/s BLEU chrF2"
run() {
  "$root/bin/nmt-translate" -m "$MODEL" -i "$WORK/held-out.en" -o "$WORK/out.de" -r "$WORK/held-out.de" \
    --batch-size "$BATCH" "$@" 2>&1 | awk '
      /translated [0-9]+ sentences/ { for (i = 1; i <= NF; i++) if ($(i) == "sentences/s,") rate = $(i - 1) }
      /BLEU\|/ { split($0, a, "= "); split(a[2], b, " "); bleu = b[1] }
      /chrF2\|/ { split($0, a, "= "); chrf = a[2] }
      END { print rate, bleu, chrf }'
}

settings=(none $SIZES)
declare -A rates quality
for ((r = 1; r <= ROUNDS; r++)); do
  for s in "${settings[@]}"; do
    if [ "$s" = none ]; then flags=(); else flags=(--shortlist "$WORK/lex.tsv.gz" --shortlist-first "${s%/*}" --shortlist-best "${s#*/}"); fi
    read -r rate bleu chrf < <(run ${flags[@]+"${flags[@]}"})
    rates[$s]="${rates[$s]:-} $rate"
    quality[$s]="$bleu | $chrf"
    echo "round $r, $s: $rate sentences/s, BLEU $bleu, chrF2 $chrf" >&2
  done
done
echo "| shortlist (first/best) | BLEU | chrF2 | sentences/s, median of $ROUNDS | runs |"
echo "|---|---:|---:|---:|---|"
for s in "${settings[@]}"; do
  median=$(tr ' ' '\n' <<< "${rates[$s]}" | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
  echo "| $s | ${quality[$s]} | $median |${rates[$s]} |"
done
