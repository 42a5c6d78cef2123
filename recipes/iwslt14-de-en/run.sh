#!/usr/bin/env bash
# IWSLT'14 German->English end to end: prepare -> train -> average the last checkpoints -> translate
# the test set -> score it (BLEU and chrF, sacreBLEU text format, printed last).
#
#   recipes/iwslt14-de-en/run.sh
#
# Every step is skipped when its output exists, so a rerun resumes. README.md beside this script has
# the steps, the expected BLEU and the GPU assumed. Environment (defaults in brackets):
#   ARCH [encdec] (or lwc)  ATTENTION [mha] (gqa:2, tpa:6/2/2, ...)  PRESET [iwslt]  DEVICE [gpu]
#   SRC [de]  TGT [en]  LOWERCASE [1]: lowercased data, as the literature numbers use
#   WORK [runs/iwslt14-de-en/SRC-TGT-ARCH-ATTENTION-PRESET]: this run's checkpoints, model, output
#   PREPARED_DIR [runs/iwslt14-de-en/data-lc or data-cased]  DATA_DIR [PREPARED_DIR/orig]: de-en.tgz
#   BIN_DIR [bin]: where nmt-train, nmt-translate, nmt-score are.
#   SPM_MODEL: use this SentencePiece model instead of training one.  OFFLINE [0]
#   MAX_STEPS [50000]  MAX_EPOCHS []  MAX_TOKENS [4096]  UPDATE_FREQ [1]  LR [5e-4]  WARMUP_STEPS [4000]
#   DROPOUT [0.3]  WEIGHT_DECAY [1e-4]  LABEL_SMOOTHING [0.1]  CLIP_NORM [0]  ADAM_BETAS [0.9,0.98]
#   SEED [1]  VALIDATE_EVERY [1000]  SAVE_EVERY [1000]  KEEP_LAST [10]  PATIENCE []  EXTRA_TRAIN_ARGS []
#   AVERAGE_LAST [5]  BEAM [5]  LENPEN [1.0]  TRANSLATE_MAX_TOKENS [8192]
#   SHORTLIST []: FIRST/BEST (e.g. 100/10) translates the test set with a lexical shortlist estimated from the
#   training data by bin/nmt-lexicon (README "Faster decoding with a lexical shortlist").
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
PRESET=${PRESET:-iwslt}
DEVICE=${DEVICE:-gpu}
SRC=${SRC:-de}
TGT=${TGT:-en}
LOWERCASE=${LOWERCASE:-1}
WORK=${WORK:-$ROOT/runs/iwslt14-de-en/$SRC-$TGT-$ARCH-${ATTENTION//[:\/]/-}-$PRESET}
if [ "$LOWERCASE" = 1 ]; then case_name=lc; else case_name=cased; fi
PREPARED_DIR=${PREPARED_DIR:-$ROOT/runs/iwslt14-de-en/data-$case_name}
DATA_DIR=${DATA_DIR:-$PREPARED_DIR/orig}
SPM_MODEL=${SPM_MODEL:-}
MAX_STEPS=${MAX_STEPS:-50000}
MAX_EPOCHS=${MAX_EPOCHS:-}
MAX_TOKENS=${MAX_TOKENS:-4096}
UPDATE_FREQ=${UPDATE_FREQ:-1}
LR=${LR:-5e-4}
WARMUP_STEPS=${WARMUP_STEPS:-4000}
DROPOUT=${DROPOUT:-0.3}
WEIGHT_DECAY=${WEIGHT_DECAY:-1e-4}
LABEL_SMOOTHING=${LABEL_SMOOTHING:-0.1}
CLIP_NORM=${CLIP_NORM:-0}
ADAM_BETAS=${ADAM_BETAS:-0.9,0.98}
SEED=${SEED:-1}
VALIDATE_EVERY=${VALIDATE_EVERY:-1000}
SAVE_EVERY=${SAVE_EVERY:-1000}
KEEP_LAST=${KEEP_LAST:-10}
PATIENCE=${PATIENCE:-}
EXTRA_TRAIN_ARGS=${EXTRA_TRAIN_ARGS:-}
AVERAGE_LAST=${AVERAGE_LAST:-5}
BEAM=${BEAM:-5}
LENPEN=${LENPEN:-1.0}
TRANSLATE_MAX_TOKENS=${TRANSLATE_MAX_TOKENS:-8192}

BIN_DIR=${BIN_DIR:-$ROOT/bin}

if [ "$BIN_DIR" = "$ROOT/bin" ]; then need_tools java; fi  # the bin/ launchers run java
case "$SRC-$TGT" in de-en|en-de) ;; *) die "SRC-TGT must be de-en or en-de (got $SRC-$TGT)." ;; esac

OUT=$PREPARED_DIR DATA_DIR=$DATA_DIR LOWERCASE=$LOWERCASE SPM_MODEL=$SPM_MODEL \
  "$ROOT/data-scripts/prepare-iwslt14.sh"

SPM=${SPM_MODEL:-$PREPARED_DIR/spm.model}
TRAIN_TEXT=$PREPARED_DIR/train
VALID_TEXT=$PREPARED_DIR/valid
TEST_SRC=$PREPARED_DIR/test.$SRC
TEST_REF=$PREPARED_DIR/test.$TGT
# The data is lowercased already; -lc only makes the signature say so (case:lc).
if [ "$LOWERCASE" = 1 ]; then SCORE_ARGS=-lc; else SCORE_ARGS=; fi
run_train_eval
