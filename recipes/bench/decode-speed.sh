#!/usr/bin/env bash
# Decoding throughput per architecture and attention type: builds one small model per type with a single
# training update (speed does not depend on the weights when the output length is fixed), then translates
# the bundled test set with every output forced to exactly LEN tokens (--min-len = --max-len-b = LEN), for
# greedy and beam 5, batch 1 and 64. Each cell runs ROUNDS times; the models of a cell run one after the other
# and the rounds alternate, so that a shared machine's drift hits every model alike. Prints a Markdown table of
# the medians of nmt-translate's own sentences/s (model load excluded; the JVM's warm-up included) and, on
# standard error, every run. Needs the built jars.
#
#   recipes/bench/decode-speed.sh        (WORK [/tmp/decode-speed], LEN [30], N1 [32], N64 [256], THREADS [2],
#                                         ROUNDS [3], OPTS: more nmt-translate options, e.g. "--precision int8")
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${WORK:-/tmp/decode-speed}
LEN=${LEN:-30}
N1=${N1:-32}
N64=${N64:-256}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
OPTS=${OPTS:-}
data=$root/data/tatoeba-eng-deu
models=("encdec mha" "encdec gqa:2" "encdec tpa:6/2/2" "lwc mha" "lwc gqa:2" "lwc tpa:6/2/2")
mkdir -p "$WORK"
gzip -dc "$data/test.en.gz" | awk -v n="$N64" 'NR <= n' > "$WORK/in64.en"
head -n "$N1" "$WORK/in64.en" > "$WORK/in1.en"

dir_of() {
  set -- $1
  echo "$WORK/$1-${2//[:\/]/_}"
}

declare -A cache runs
for model in "${models[@]}"; do
  set -- $model
  dir=$(dir_of "$model")
  if [ ! -d "$dir/checkpoint_last" ]; then
    "$root/bin/nmt-train" --train "$data/valid" --src-lang en --tgt-lang de --spm "$data/spm.model" \
      --save-dir "$dir" --preset small --arch "$1" --attention "$2" --max-steps 1 --valid-beam 0 >/dev/null 2>&1
  fi
  cache[$model]=$("$root/bin/nmt-translate" --model-info "$dir/checkpoint_last" 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["cacheElementsPerToken"])')
done

for ((r = 1; r <= ROUNDS; r++)); do
  for beam in 1 5; do
    for batch in 1 64; do
      for model in "${models[@]}"; do
        # shellcheck disable=SC2086 # OPTS is meant to split into words
        rate=$("$root/bin/nmt-translate" -m "$(dir_of "$model")/checkpoint_last" -i "$WORK/in$batch.en" -o "$WORK/out" \
          --beam "$beam" --batch-size "$batch" --min-len "$LEN" --max-len-a 0 --max-len-b "$LEN" --threads "$THREADS" \
          $OPTS 2>&1 | awk '/translated [0-9]+ sentences/ { for (i = 1; i <= NF; i++) if ($(i) == "sentences/s,") print $(i - 1) }')
        runs[$model/$beam/$batch]="${runs[$model/$beam/$batch]:-} $rate"
        echo "round $r, $model, beam $beam, batch $batch: $rate sentences/s" >&2
      done
    done
  done
done

median() {
  tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
echo "| model | cache elements/token (formula) | greedy b1 sent/s | greedy b64 sent/s | beam5 b1 sent/s | beam5 b64 sent/s |"
echo "|---|---:|---:|---:|---:|---:|"
for model in "${models[@]}"; do
  row="| $model | ${cache[$model]} |"
  for beam in 1 5; do
    for batch in 1 64; do
      row="$row $(median "${runs[$model/$beam/$batch]}") |"
    done
  done
  echo "$row"
done
