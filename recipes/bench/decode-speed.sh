#!/usr/bin/env bash
# Decoding throughput per architecture and attention type: builds one small model per type with a single
# training update (speed does not depend on the weights when the output length is fixed), then translates
# the bundled test set with every output forced to exactly LEN tokens (--min-len = --max-len-b = LEN), for
# greedy and beam 5, batch 1 and 64. Prints a Markdown table. Needs the built jars.
#
#   recipes/bench/decode-speed.sh        (WORK [/tmp/decode-speed], LEN [30], N1 [32], N64 [256], THREADS [2],
#                                         OPTS: more nmt-translate options, e.g. "--precision int8")
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${WORK:-/tmp/decode-speed}
LEN=${LEN:-30}
N1=${N1:-32}
N64=${N64:-256}
THREADS=${THREADS:-2}
OPTS=${OPTS:-}
data=$root/data/tatoeba-eng-deu
mkdir -p "$WORK"
gzip -dc "$data/test.en.gz" | awk -v n="$N64" 'NR <= n' > "$WORK/in64.en"
head -n "$N1" "$WORK/in64.en" > "$WORK/in1.en"
echo "| model | cache elements/token (formula) | greedy b1 sent/s | greedy b64 sent/s | beam5 b1 sent/s | beam5 b64 sent/s |"
echo "|---|---:|---:|---:|---:|---:|"
for model in "encdec mha" "encdec gqa:2" "encdec tpa:6/2/2" "lwc mha" "lwc gqa:2" "lwc tpa:6/2/2"; do
  set -- $model
  dir=$WORK/$1-${2//[:\/]/_}
  if [ ! -d "$dir/checkpoint_last" ]; then
    "$root/bin/nmt-train" --train "$data/valid" --src-lang en --tgt-lang de --spm "$data/spm.model" \
      --save-dir "$dir" --preset small --arch "$1" --attention "$2" --max-steps 1 --valid-beam 0 >/dev/null 2>&1
  fi
  cache=$("$root/bin/nmt-translate" --model-info "$dir/checkpoint_last" 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["cacheElementsPerToken"])')
  row="| $1 $2 | $cache |"
  for beam in 1 5; do
    for batch in 1 64; do
      n=$([ "$batch" = 1 ] && echo "$N1" || echo "$N64")
      start=$(date +%s.%N)
      # shellcheck disable=SC2086 # OPTS is meant to split into words
      "$root/bin/nmt-translate" -m "$dir/checkpoint_last" -i "$WORK/in$batch.en" -o "$WORK/out" -q \
        --beam "$beam" --batch-size "$batch" --min-len "$LEN" --max-len-a 0 --max-len-b "$LEN" --threads "$THREADS" $OPTS 2>/dev/null
      end=$(date +%s.%N)
      row="$row $(python3 -c "print(f'{$n/($end-$start):.1f}')") |"
    done
  done
  echo "$row"
done
