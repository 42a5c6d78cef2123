#!/usr/bin/env bash
# Lexical shortlist against the whole vocabulary, as BENCHMARKS.md "Issue 14, third pass" reports it: builds the
# lexicon of the bundled training corpus once (nmt-binarize, nmt-lexicon), then translates the held-out Tatoeba test
# lines (501 and on) with each setting in turn, ROUNDS times, and prints recipes/bench/options.sh's table: BLEU,
# chrF2 and nmt-translate's own sentences/s (model load excluded). Needs the built jars and a trained model.
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

sets=("--batch-size $BATCH")
for size in $SIZES; do
  sets+=("--batch-size $BATCH --shortlist $WORK/lex.tsv.gz --shortlist-first ${size%/*} --shortlist-best ${size#*/}")
done
ROUNDS=$ROUNDS WORK=$WORK "$root/recipes/bench/options.sh" "$MODEL" "$WORK/held-out.en" "$WORK/held-out.de" "${sets[@]}"
