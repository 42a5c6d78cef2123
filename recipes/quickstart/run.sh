#!/usr/bin/env bash
# dmodel quickstart: build, train a small model on the bundled Tatoeba English-German corpus, translate
# its test set with beam search and score it (sacreBLEU-compatible BLEU and chrF). Offline; about
# BUDGET_MINUTES of training plus a few minutes of building and decoding on 2 CPU cores.
#
# Variables (defaults in brackets):
#   SRC [en] TGT [de]            translation direction (the bundled corpus has en and de)
#   ARCH [encdec]                encdec (standard Transformer) or lwc (layer-wise coordinated)
#   ATTENTION [mha]              mha, mqa, gqa:G, tpa:RQ/RK/RV or tpa-kv:RK/RV (one for all layers, or ';'-separated)
#   PRESET [small]               model size preset (tiny, small, iwslt, base, big)
#   BUDGET_MINUTES [14]          training time
#   MAX_TOKENS [4096] LR [1.5e-3] WARMUP [250]   batch size in tokens, peak learning rate, warm-up updates
#   VALIDATE_EVERY [250]         updates between validations (best checkpoint by validation BLEU)
#   BEAM [5]                     beam size for the test set
#   THREADS [all cores]          intra-op threads
#   TRAIN_ARGS []                further nmt-train options, given last so they win (e.g. "--param ngpt")
#   QUICKSTART_DIR [runs/quickstart]  where everything is written; the model lands in $QUICKSTART_DIR/model
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SRC=${SRC:-en}
TGT=${TGT:-de}
ARCH=${ARCH:-encdec}
ATTENTION=${ATTENTION:-mha}
PRESET=${PRESET:-small}
BUDGET_MINUTES=${BUDGET_MINUTES:-14}
MAX_TOKENS=${MAX_TOKENS:-4096}
LR=${LR:-1.5e-3}
WARMUP=${WARMUP:-250}
VALIDATE_EVERY=${VALIDATE_EVERY:-250}
BEAM=${BEAM:-5}
THREADS=${THREADS:-0}
read -ra train_args <<< "${TRAIN_ARGS:-}"
QUICKSTART_DIR=${QUICKSTART_DIR:-$root/runs/quickstart}
data=$root/data/tatoeba-eng-deu

for lang in "$SRC" "$TGT"; do
  [ -f "$data/train.$lang.gz" ] || { echo "quickstart: no bundled data for language '$lang' (have: en, de)" >&2; exit 2; }
done
[ "$SRC" != "$TGT" ] || { echo "quickstart: SRC and TGT must differ" >&2; exit 2; }
command -v java >/dev/null || { echo "quickstart: java not found; install Java 17 or newer" >&2; exit 2; }
command -v mvn >/dev/null || { echo "quickstart: mvn not found; install Maven 3.8 or newer" >&2; exit 2; }

mkdir -p "$QUICKSTART_DIR"
echo "== build" >&2
(cd "$root" && mvn -B -q package -DskipTests) >&2  # stdout carries only the scores

echo "== train ($ARCH, attention $ATTENTION, preset $PRESET, $BUDGET_MINUTES min)" >&2
"$root/bin/nmt-train" \
  --train "$data/train" --valid "$data/valid" --src-lang "$SRC" --tgt-lang "$TGT" \
  --spm "$data/spm.model" --save-dir "$QUICKSTART_DIR/train" \
  --preset "$PRESET" --arch "$ARCH" --attention "$ATTENTION" \
  --max-tokens "$MAX_TOKENS" --lr "$LR" --warmup-steps "$WARMUP" --lr-scheduler inverse_sqrt \
  --dropout 0.1 --label-smoothing 0.1 --clip-norm 1.0 --seed 1 \
  --time-budget $((BUDGET_MINUTES * 60)) --validate-every "$VALIDATE_EVERY" --valid-beam 1 --log-every 50 \
  --threads "$THREADS" ${train_args[@]+"${train_args[@]}"}

# The best checkpoint (by validation BLEU) becomes the model directory; swap it in atomically.
rm -rf "$QUICKSTART_DIR/model.tmp"
# Copied whole: its manifest lists (and checksums) the trainer state too, so nothing may be left out.
cp -r "$QUICKSTART_DIR/train/checkpoint_best" "$QUICKSTART_DIR/model.tmp"
rm -rf "$QUICKSTART_DIR/model.old"
[ ! -e "$QUICKSTART_DIR/model" ] || mv "$QUICKSTART_DIR/model" "$QUICKSTART_DIR/model.old"
mv "$QUICKSTART_DIR/model.tmp" "$QUICKSTART_DIR/model"
rm -rf "$QUICKSTART_DIR/model.old"

echo "== translate test set (beam $BEAM)" >&2
gzip -dc "$data/test.$SRC.gz" > "$QUICKSTART_DIR/test.$SRC"
gzip -dc "$data/test.$TGT.gz" > "$QUICKSTART_DIR/test.$TGT"
"$root/bin/nmt-translate" -m "$QUICKSTART_DIR/model" -i "$QUICKSTART_DIR/test.$SRC" \
  -o "$QUICKSTART_DIR/test.hyp.$TGT" --beam "$BEAM" --threads "$THREADS"

echo "== score" >&2
"$root/bin/nmt-score" "$QUICKSTART_DIR/test.$TGT" -i "$QUICKSTART_DIR/test.hyp.$TGT" -m bleu chrf --format text
