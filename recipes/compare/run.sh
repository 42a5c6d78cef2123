#!/usr/bin/env bash
# Architecture x attention comparison on the bundled Tatoeba English-German corpus (the same 162,830-pair split
# as ../shared/data/tatoeba-anki/splits): runs the quickstart once per row with the same seed and training
# time budget, then prints a Markdown table: parameters, test BLEU and chrF (beam 5), KV-cache bytes per
# token (float32), median training tokens/s, updates skipped for a non-finite loss or gradient, training peak RSS
# and decoding sentences/s on the test set.
#
# Variables (defaults in brackets):
#   ROWS ["encdec mha;encdec gqa:2;encdec tpa:6/2/2;lwc mha;lwc gqa:2;lwc tpa:6/2/2"]  ';'-separated rows
#                        "ARCH ATTENTION [nmt-train options]", e.g. "lwc mha --param ngpt --warmup-steps 0"
#   BUDGET_MINUTES [10]  training time per row      THREADS [0 = all cores]   VALIDATE_EVERY [500]
#   MAX_TOKENS, LR, WARMUP  passed to the quickstart (its defaults when unset)
#   COMPARE_DIR [runs/compare]  one quickstart directory per row; a row whose scores exist is not rerun
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ROWS=${ROWS:-"encdec mha;encdec gqa:2;encdec tpa:6/2/2;lwc mha;lwc gqa:2;lwc tpa:6/2/2"}
BUDGET_MINUTES=${BUDGET_MINUTES:-10}
THREADS=${THREADS:-0}
VALIDATE_EVERY=${VALIDATE_EVERY:-500}
COMPARE_DIR=${COMPARE_DIR:-$root/runs/compare}
command -v python3 >/dev/null || { echo "compare: python3 not found (it parses the run logs); install it" >&2; exit 2; }
mkdir -p "$COMPARE_DIR"

table=$COMPARE_DIR/table.md
tmp=$(mktemp "$table.tmp.XXXXXX")  # per invocation: two runs may share COMPARE_DIR
trap 'rm -f "$tmp"' EXIT
{
  echo "| arch | attention | options | parameters | BLEU | chrF2 | cache bytes/token | train tok/s | skipped updates | train peak RSS MiB | decode sent/s |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$tmp"
IFS=';' read -ra rows <<< "$ROWS"
for row in "${rows[@]}"; do
  read -r arch attention options <<< "$row"
  name=$arch-$attention${options:+-$options}
  dir=$COMPARE_DIR/$(tr -c 'A-Za-z0-9.=\n-' _ <<< "$name" | tr -s _)
  if [ ! -s "$dir/scores.txt" ]; then
    echo "== $arch $attention ($BUDGET_MINUTES min)" >&2
    mkdir -p "$dir"
    QUICKSTART_DIR=$dir ARCH=$arch ATTENTION=$attention BUDGET_MINUTES=$BUDGET_MINUTES THREADS=$THREADS \
      VALIDATE_EVERY=$VALIDATE_EVERY TRAIN_ARGS=${options:-} "$root/recipes/quickstart/run.sh" > "$dir/scores.tmp" 2> "$dir/run.log"
    mv "$dir/scores.tmp" "$dir/scores.txt"
  fi
  "$root/bin/nmt-translate" --model-info "$dir/model" > "$dir/model-info.json" 2>/dev/null
  python3 - "$dir" "$arch" "$attention" "${options:-}" >> "$tmp" <<'PY'
import json, re, statistics, sys
d, arch, attention, options = sys.argv[1:]
info = json.load(open(f"{d}/model-info.json"))
scores = open(f"{d}/scores.txt").read()
bleu = re.search(r"BLEU\|.*? = ([0-9.]+)", scores).group(1)
chrf = re.search(r"chrF2\|.*? = ([0-9.]+)", scores).group(1)
train = [json.loads(l) for l in open(f"{d}/train/metrics.jsonl")]
logged = [o for o in train if o["kind"] == "train"]
tok_s = statistics.median(o["tokensPerSecond"] for o in logged)
skipped = json.load(open(f"{d}/train/checkpoint_last/trainer-state.json"))["nanTotal"]
peak_rss = max(o["peakRssBytes"] for o in logged) / 1048576
sent_s = re.findall(r"translated \d+ sentences, ([0-9.]+) sentences/s", open(f"{d}/run.log").read())[-1]
cache = 4 * info["cacheElementsPerToken"]
if "crossCacheElementsPerSourceToken" in info:
    cache = f"{cache} + {4 * info['crossCacheElementsPerSourceToken']}/src"
print(f"| {arch} | {attention} | {options or '-'} | {info['parameters']:,} | {bleu} | {chrf} | {cache} | {tok_s:,.0f}"
      f" | {skipped} | {peak_rss:,.0f} | {sent_s} |")
PY
done
mv "$tmp" "$table"
cat "$table"
