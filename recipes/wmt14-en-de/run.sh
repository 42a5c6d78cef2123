#!/usr/bin/env bash
# WMT'14 English->German end to end: prepare -> train -> average the last checkpoints -> translate
# newstest2014 -> score it (BLEU and chrF, sacreBLEU text format, printed last).
#
#   recipes/wmt14-en-de/run.sh
#
# Every step is skipped when its output exists, so a rerun resumes. README.md beside this script has
# the steps, the expected BLEU and the GPU assumed. Environment (defaults in brackets; the training
# defaults depend on PRESET, base | big):
#   ARCH [encdec] (or lwc)  ATTENTION [mha] (gqa:2, tpa:6/2/2, ...)  PRESET [base]  DEVICE [gpu]
#   SRC [en]  TGT [de]  WORK [runs/wmt14-en-de/SRC-TGT-ARCH-ATTENTION-PRESET]: checkpoints, model, output
#   PREPARED_DIR [runs/wmt14-en-de/data]  DATA_DIR [PREPARED_DIR/orig]: the five WMT archives
#   VALID_PREFIX, TEST_PREFIX: plain-text newstest2013 / newstest2014 instead of the dev/test archives
#   BIN_DIR [bin]: where nmt-train, nmt-translate, nmt-score are.
#   SPM_MODEL: use this SentencePiece model instead of training one.  VOCAB_SIZE [32000]  OFFLINE [0]
#   MAX_STEPS [base 100000, big 300000]  MAX_EPOCHS []  MAX_TOKENS [8192]  UPDATE_FREQ [3]
#   LR [base 7e-4, big 5e-4]  WARMUP_STEPS [4000]  DROPOUT [base 0.1, big 0.3]  WEIGHT_DECAY [0]
#   LABEL_SMOOTHING [0.1]  CLIP_NORM [0]  ADAM_BETAS [0.9,0.98]  SEED [1]  VALIDATE_EVERY [2000]
#   SAVE_EVERY [2000]  KEEP_LAST [base 10, big 20]  PATIENCE []  EXTRA_TRAIN_ARGS []
#   AVERAGE_LAST [base 5, big 20]  BEAM [4]  LENPEN [0.6]  TRANSLATE_MAX_TOKENS [8192]
#   SHORTLIST []: FIRST/BEST (e.g. 100/10) translates the test set with a lexical shortlist estimated from the
#   training data by bin/nmt-lexicon (README "Faster decoding with a lexical shortlist").
#   BT_MONO []: monolingual TGT-side text (plain or .gz). When set, tagged back-translation runs first: a reverse
#   model is trained in WORK/reverse, BT_MONO is translated with bin/nmt-spark-translate, and the synthetic pairs
#   (source prefixed with BT_TAG [<BT>]) join the training data in WORK/bt.  BT_MASTER [local[*]]: Spark master.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$ROOT/recipes/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/recipe.sh
. "$ROOT/recipes/lib/recipe.sh"

if [ $# -ne 0 ]; then
  usage
fi

ARCH=${ARCH:-encdec}
ATTENTION=${ATTENTION:-mha}
PRESET=${PRESET:-base}
DEVICE=${DEVICE:-gpu}
SRC=${SRC:-en}
TGT=${TGT:-de}
WORK=${WORK:-$ROOT/runs/wmt14-en-de/$SRC-$TGT-$ARCH-${ATTENTION//[:\/]/-}-$PRESET}
PREPARED_DIR=${PREPARED_DIR:-$ROOT/runs/wmt14-en-de/data}
DATA_DIR=${DATA_DIR:-$PREPARED_DIR/orig}
VALID_PREFIX=${VALID_PREFIX:-}
TEST_PREFIX=${TEST_PREFIX:-}
SPM_MODEL=${SPM_MODEL:-}
VOCAB_SIZE=${VOCAB_SIZE:-32000}
# Vaswani et al. 2017: base 100k steps, dropout 0.1; big 300k steps, dropout 0.3 (EN-DE); both about 25k
# source + 25k target tokens per step (here MAX_TOKENS x UPDATE_FREQ) and averaged last checkpoints (5
# base, 20 big). LR: fairseq's WMT'14 settings for the inverse-sqrt schedule (7e-4 base, 5e-4 big).
case $PRESET in
  big) d_steps=300000 d_lr=5e-4 d_dropout=0.3 d_average=20 ;;
  *) d_steps=100000 d_lr=7e-4 d_dropout=0.1 d_average=5 ;;
esac
MAX_STEPS=${MAX_STEPS:-$d_steps}
MAX_EPOCHS=${MAX_EPOCHS:-}
MAX_TOKENS=${MAX_TOKENS:-8192}
UPDATE_FREQ=${UPDATE_FREQ:-3}
LR=${LR:-$d_lr}
WARMUP_STEPS=${WARMUP_STEPS:-4000}
DROPOUT=${DROPOUT:-$d_dropout}
WEIGHT_DECAY=${WEIGHT_DECAY:-0}
LABEL_SMOOTHING=${LABEL_SMOOTHING:-0.1}
CLIP_NORM=${CLIP_NORM:-0}
ADAM_BETAS=${ADAM_BETAS:-0.9,0.98}
SEED=${SEED:-1}
VALIDATE_EVERY=${VALIDATE_EVERY:-2000}
SAVE_EVERY=${SAVE_EVERY:-2000}
AVERAGE_LAST=${AVERAGE_LAST:-$d_average}
KEEP_LAST=${KEEP_LAST:-$((d_average > 10 ? d_average : 10))}
PATIENCE=${PATIENCE:-}
EXTRA_TRAIN_ARGS=${EXTRA_TRAIN_ARGS:-}
BEAM=${BEAM:-4}
LENPEN=${LENPEN:-0.6}
TRANSLATE_MAX_TOKENS=${TRANSLATE_MAX_TOKENS:-8192}
BT_MONO=${BT_MONO:-}
BT_TAG=${BT_TAG:-<BT>}
BT_MASTER=${BT_MASTER:-local[*]}

BIN_DIR=${BIN_DIR:-$ROOT/bin}

if [ "$BIN_DIR" = "$ROOT/bin" ]; then need_tools java; fi  # the bin/ launchers run java
case "$SRC-$TGT" in en-de|de-en) ;; *) die "SRC-TGT must be en-de or de-en (got $SRC-$TGT)." ;; esac

OUT=$PREPARED_DIR DATA_DIR=$DATA_DIR VALID_PREFIX=$VALID_PREFIX TEST_PREFIX=$TEST_PREFIX \
  SPM_MODEL=$SPM_MODEL VOCAB_SIZE=$VOCAB_SIZE "$ROOT/data-scripts/prepare-wmt14-en-de.sh"

SPM=${SPM_MODEL:-$PREPARED_DIR/spm.model}
TRAIN_TEXT=$PREPARED_DIR/train
VALID_TEXT=$PREPARED_DIR/valid
TEST_SRC=$PREPARED_DIR/test.$SRC
TEST_REF=$PREPARED_DIR/test.$TGT
SCORE_ARGS=
if [ -n "$BT_MONO" ]; then
  need_files "$BT_MONO"
  back_translate_step
fi
run_train_eval
