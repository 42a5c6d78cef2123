#!/usr/bin/env bash
# Peak memory (RSS: Java heap, native arrays and allocator caches together) and speed of training and decoding,
# as BENCHMARKS.md "Memory" reports them. Needs the built jars and a trained model for the decoding part.
#
#   recipes/bench/memory.sh   (MODEL [runs/quickstart/model], UPDATES [120], THREADS [2], WORK [/tmp/memory-bench])
#
# 1. nmt-train, the quickstart recipe's options, UPDATES updates without validation: peak RSS, median tokens/s.
# 2. nmt-translate over the bundled test set, beam 5, batches of up to 64 sentences: peak RSS, sentences/s.
# 3. The first 256 test sentences with every hypothesis forced to the default maximum of 200 tokens (--min-len 200):
#    the worst case of runaway hypotheses, every cache of every batch at its longest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODEL=${MODEL:-$root/runs/quickstart/model}
UPDATES=${UPDATES:-120}
THREADS=${THREADS:-2}
WORK=${WORK:-/tmp/memory-bench}
data=$root/data/tatoeba-eng-deu
mkdir -p "$WORK"
gzip -dc "$data/test.en.gz" > "$WORK/test.en"
head -n 256 "$WORK/test.en" > "$WORK/test256.en"

rm -rf "$WORK/train"
"$root/bin/nmt-train" --train "$data/train" --src-lang en --tgt-lang de --spm "$data/spm.model" \
  --save-dir "$WORK/train" --data-bin "$WORK/data-bin" --preset small --arch encdec --max-tokens 4096 --lr 1.5e-3 \
  --warmup-steps 250 --dropout 0.1 --label-smoothing 0.1 --clip-norm 1.0 --seed 1 --max-steps "$UPDATES" \
  --validate-every 100000 --log-every 10 --threads "$THREADS" 2> "$WORK/train.log"
python3 - "$WORK/train/metrics.jsonl" <<'PY'
import json, statistics, sys
logged = [o for o in map(json.loads, open(sys.argv[1])) if o["kind"] == "train"]
print(f"train: {logged[-1]['step']} updates, peak RSS {max(o['peakRssBytes'] for o in logged) / 2**20:,.0f} MiB, "
      f"{statistics.median(o['tokensPerSecond'] for o in logged):,.0f} tok/s (median of 10-update windows), "
      f"{logged[-1]['nanTotal']} skipped")
PY

decode() {  # decode NAME INPUT [options]: beam 5, batches of 64
  local name=$1 input=$2; shift 2
  "$root/bin/nmt-translate" -m "$MODEL" -i "$input" -o "$WORK/$name.de" --beam 5 --batch-size 64 \
    --threads "$THREADS" "$@" 2> "$WORK/$name.log"
  echo "$name: $(tr '\r' '\n' < "$WORK/$name.log" | grep -o 'translated .*' | tail -n 1)"
}
decode decode "$WORK/test.en"
decode decode-200-tokens "$WORK/test256.en" --min-len 200 --max-len-a 0 --max-len-b 200
