#!/usr/bin/env bash
# Learning-rate transfer across width and depth (papers.md §3.2): trains every (parameterization, shape,
# learning rate) of a grid for the same short budget of updates on the bundled Tatoeba English-German corpus,
# then writes $WORK/lr-transfer.md (final validation loss per run, the best learning rate per shape and
# whether it moved away from the base shape's) and $WORK/lr-transfer.png (loss against learning rate, one
# curve per shape and parameterization). Finished runs are skipped, so rerunning resumes the grid.
#
# Variables (defaults in brackets):
#   PARAMS ["standard nugpt"]                 parameterizations (standard, ngpt, nugpt)
#   LRS ["2.5e-4 7.9e-4 2.5e-3 7.9e-3 2.5e-2"] peak learning rates (log-spaced; for nugpt the base-shape rate)
#   SHAPES ["128x2 512x2 128x4"]              d_model x layers; heads = d_model/64 (head dim fixed at 64);
#   BASE [first of SHAPES]                    the shape the nugpt transfer rules start from
#   ARCH [lwc]  STEPS [100]  MAX_TOKENS [1024]  SEED [1]  THREADS [0 = all cores]  JOBS [1] runs at a time
#   TRAIN, VALID [bundled corpus prefixes: PREFIX.SRC and PREFIX.TGT, plain or .gz]  SRC [en] TGT [de]
#   SPM [bundled SentencePiece model]
#   WORK [runs/lr-transfer]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$root/recipes/lib/common.sh"
[ $# -eq 0 ] || usage
PARAMS=${PARAMS:-"standard nugpt"}
LRS=${LRS:-"2.5e-4 7.9e-4 2.5e-3 7.9e-3 2.5e-2"}
SHAPES=${SHAPES:-"128x2 512x2 128x4"}
ARCH=${ARCH:-lwc}
STEPS=${STEPS:-100}
MAX_TOKENS=${MAX_TOKENS:-1024}
SEED=${SEED:-1}
THREADS=${THREADS:-0}
JOBS=${JOBS:-1}
data=$root/data/tatoeba-eng-deu
TRAIN=${TRAIN:-$data/train}
VALID=${VALID:-$data/valid}
SRC=${SRC:-en}
TGT=${TGT:-de}
SPM=${SPM:-$data/spm.model}
WORK=${WORK:-$root/runs/lr-transfer}
for f in "$TRAIN.$SRC" "$TRAIN.$TGT" "$VALID.$SRC" "$VALID.$TGT"; do
  [ -r "$f" ] || [ -r "$f.gz" ] || die "$f: no such file (nor $f.gz). Set TRAIN/VALID to existing prefixes."
done
need_files "$SPM"
[ -x "$root/bin/nmt-train" ] || die "bin/nmt-train missing"
read -r first_shape _ <<< "$SHAPES"
base=${BASE:-$first_shape}
[[ $base =~ ^[0-9]+x[0-9]+$ ]] || die "BASE: '$base' is not WIDTHxLAYERS, e.g. 128x2"
base_d=${base%x*}
base_layers=${base#*x}

# One grid point: trains into $WORK/NAME and marks it done with sweep.json (read by the report).
train_one() {
  local param=$1 shape=$2 lr=$3
  local d=${shape%x*} layers=${shape#*x}
  local dir=$WORK/$param-d$d-l$layers-lr$lr
  [ ! -s "$dir/sweep.json" ] || return 0
  (( d % 64 == 0 )) || die "SHAPES: d_model $d is not a multiple of the head dimension 64"
  local extra=(--lr-scheduler cosine)
  case $param in
    standard) extra+=(--warmup-steps $((STEPS / 10))) ;;
    ngpt) ;;
    nugpt) extra+=(--base-width "$base_d" --base-depth "$base_layers" --base-steps "$STEPS") ;;
    *) die "PARAMS: unknown parameterization '$param' (standard, ngpt, nugpt)" ;;
  esac
  log "train $param d=$d layers=$layers lr=$lr"
  rm -rf "$dir"
  mkdir -p "$dir"
  if ! "$root/bin/nmt-train" --train "$TRAIN" --valid "$VALID" --src-lang "$SRC" --tgt-lang "$TGT" --spm "$SPM" \
      --data-bin "$WORK/data-bin" --save-dir "$dir" --arch "$ARCH" --param "$param" \
      --layers "$layers" --d-model "$d" --heads $((d / 64)) --ffn-dim $((4 * d)) \
      --max-steps "$STEPS" --max-tokens "$MAX_TOKENS" --lr "$lr" "${extra[@]}" \
      --dropout 0 --label-smoothing 0 --clip-norm 1.0 --seed "$SEED" --valid-beam 0 --log-every 25 \
      --keep-last 0 --threads "$THREADS" > "$dir/train.log" 2>&1; then
    die "training failed; see $dir/train.log"
  fi
  rm -rf "$dir"/checkpoint_* "$dir/data-bin"  # only the metrics are needed
  new_temp "$dir/sweep.json"
  printf '{"param": "%s", "dModel": %d, "layers": %d, "lr": %s, "steps": %d}\n' \
    "$param" "$d" "$layers" "$lr" "$STEPS" > "$TMP"
  publish "$TMP" "$dir/sweep.json"
}

mkdir -p "$WORK"
# Binarize once before the parallel runs so they share the data instead of racing to build it.
for split in train valid; do
  prefix=$TRAIN; [ $split = train ] || prefix=$VALID
  "$root/bin/nmt-binarize" --prefix "$prefix" --src-lang "$SRC" --tgt-lang "$TGT" --spm "$SPM" \
    --out "$WORK/data-bin/$split" >> "$WORK/binarize.log" 2>&1 || die "binarization failed; see $WORK/binarize.log"
done
running=0
for param in $PARAMS; do
  for shape in $SHAPES; do
    for lr in $LRS; do
      train_one "$param" "$shape" "$lr" &
      running=$((running + 1))
      if (( running >= JOBS )); then
        wait -n || die "a grid point failed"
        running=$((running - 1))
      fi
    done
  done
done
while (( running > 0 )); do
  wait -n || die "a grid point failed"
  running=$((running - 1))
done
"$root/bin/nmt-train" lr-sweep-report --work "$WORK" --base "$base_d"x"$base_layers"
