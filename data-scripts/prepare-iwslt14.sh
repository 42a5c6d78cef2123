#!/usr/bin/env bash
# Prepare IWSLT'14 German-English (TED talks) with fairseq's split.
#
#   data-scripts/prepare-iwslt14.sh
#
# Reproduces the data steps of fairseq's examples/translation/prepare-iwslt14.sh on raw text: the same
# archive, the same tag filtering, the same cleaning bounds (1-175 words, ratio 1.5), lowercasing
# (LOWERCASE=1, the default, as in the literature), every 23rd line of the cleaned training data held out
# as valid, and test = dev2010 + TEDX.dev2012 + tst2010 + tst2011 + tst2012 concatenated in that order.
# Without Moses tokenization, word counts differ slightly from fairseq's, so a few pairs near the
# length/ratio bounds differ and valid/train are not byte-identical to fairseq's (test has the same
# sentences, untokenized). A joint SentencePiece model replaces fairseq's 10k BPE.
#
# Writes OUT/{train,valid,test}.{de,en} and OUT/spm.model (unless SPM_MODEL is given); intermediate
# files go to OUT/tmp. Each step is skipped when its output exists, so a rerun resumes.
# Environment (defaults in brackets):
#   OUT [runs/iwslt14-de-en/data]  DATA_DIR [OUT/orig]: where de-en.tgz is, or is downloaded to; put the
#   archive there to run offline (OFFLINE=1 refuses to download).  IWSLT_URL, IWSLT_CHECKSUM: below.
#   LOWERCASE [1]  VALID_EVERY [23]  MAX_WORDS [175]  RATIO [1.5]
#   SPM_MODEL: an existing SentencePiece model to use instead of training one.  VOCAB_SIZE [10000]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../recipes/lib/common.sh
. "$ROOT/recipes/lib/common.sh"

if [ $# -ne 0 ]; then
  usage
fi

OUT=${OUT:-$ROOT/runs/iwslt14-de-en/data}
DATA_DIR=${DATA_DIR:-$OUT/orig}
# The archive fairseq's script downloads (WIT3 2014-01 release, mirrored by fairseq). No checksum for it
# is published anywhere we could find, so none is pinned: download.sh prints and records the sha256 of
# what it got. Set IWSLT_CHECKSUM=sha256:HEX to pin one.
IWSLT_URL=${IWSLT_URL:-http://dl.fbaipublicfiles.com/fairseq/data/iwslt14/de-en.tgz}
IWSLT_CHECKSUM=${IWSLT_CHECKSUM:-}
LOWERCASE=${LOWERCASE:-1}
VALID_EVERY=${VALID_EVERY:-23}
MAX_WORDS=${MAX_WORDS:-175}
RATIO=${RATIO:-1.5}
SPM_MODEL=${SPM_MODEL:-}
VOCAB_SIZE=${VOCAB_SIZE:-10000}

LANGS=(de en)
# fairseq's test set, in fairseq's order (test.* = these files concatenated).
TEST_PARTS=(IWSLT14.TED.dev2010 IWSLT14.TEDX.dev2012 IWSLT14.TED.tst2010 IWSLT14.TED.tst2011 IWSLT14.TED.tst2012)
ARCHIVE=$DATA_DIR/de-en.tgz
TMPD=$OUT/tmp

need_tools awk sed perl tar gzip
[[ $VALID_EVERY =~ ^[1-9][0-9]*$ ]] || die "VALID_EVERY must be a positive whole number (got '$VALID_EVERY')."
case $LOWERCASE in 0|1) ;; *) die "LOWERCASE must be 0 or 1 (got '$LOWERCASE')." ;; esac
if [ -n "$SPM_MODEL" ]; then need_files "$SPM_MODEL"; fi
mkdir -p "$OUT"
check_settings "$OUT/settings" "iwslt14 LOWERCASE=$LOWERCASE VALID_EVERY=$VALID_EVERY MAX_WORDS=$MAX_WORDS RATIO=$RATIO SPM_MODEL=${SPM_MODEL:-trained:$VOCAB_SIZE}"
export LC_ALL=C

# Downloads (or checks) the archive the first time a step needs it.
archive_ready=0
need_archive() {
  if [ "$archive_ready" = 0 ]; then
    "$ROOT/data-scripts/download.sh" "$IWSLT_URL" "$ARCHIVE" "$IWSLT_CHECKSUM"
    archive_ready=1
  fi
}

# Prints one member of the archive.
member() {
  tar -xzOf "$ARCHIVE" "de-en/$1" || die "$ARCHIVE has no member de-en/$1: is it the IWSLT'14 de-en archive ($IWSLT_URL)?"
}

# Lowercases UTF-8 text with Perl's lc, as Moses lowercase.perl (used by fairseq) does, when LOWERCASE=1.
apply_case() {
  if [ "$LOWERCASE" = 1 ]; then perl -CS -pe '$_ = lc'; else cat; fi
}

# Fails unless both language sides of PREFIX have the same number of lines; prints that number.
same_length() {
  local n_de n_en
  n_de=$(count_lines "$1.de")
  n_en=$(count_lines "$1.en")
  [ "$n_de" = "$n_en" ] || die "$1.de has $n_de lines but $1.en has $n_en: the sides are not parallel."
  echo "$n_de"
}

# Each step below makes its outputs only when they are missing, and asks for the outputs of the steps
# before it only then: a rerun resumes, and intermediate files already present are used as they are.

# 1. Training text: drop the talk metadata lines and keep title and description text, as fairseq does.
train_text() {
  member "train.tags.de-en.$1" \
    | sed -e '/<url>/d' -e '/<talkid>/d' -e '/<keywords>/d' \
          -e 's/<title>//g' -e 's/<\/title>//g' -e 's/<description>//g' -e 's/<\/description>//g'
}
make_train_text() {
  have_all "$TMPD/train.tags.de-en.de" "$TMPD/train.tags.de-en.en" && return
  need_archive
  for l in "${LANGS[@]}"; do
    log "extracting training text ($l)"
    produce_to "$TMPD/train.tags.de-en.$l" train_text "$l"
  done
}

# 2. Cleaning as fairseq's clean-corpus-n.perl call (1-175 words, ratio 1.5, no deduplication: fairseq
# keeps duplicates, and dropping them would shift its every-23rd-line split), then lowercasing.
make_train_all() {
  have_all "$TMPD/train.all.de" "$TMPD/train.all.en" && return
  if ! have_all "$TMPD/train.clean.de" "$TMPD/train.clean.en"; then
    make_train_text
    MIN_WORDS=1 MAX_WORDS=$MAX_WORDS RATIO=$RATIO DEDUP=0 "$ROOT/data-scripts/clean-corpus.sh" \
      "$TMPD/train.tags.de-en.de" "$TMPD/train.tags.de-en.en" "$TMPD/train.clean.de" "$TMPD/train.clean.en"
  fi
  for l in "${LANGS[@]}"; do
    produce_to "$TMPD/train.all.$l" apply_case < "$TMPD/train.clean.$l"
  done
}

# 3. Split: every VALID_EVERY-th line of the training text is valid, the rest train.
make_split() {
  have_all "$OUT/train.de" "$OUT/train.en" "$OUT/valid.de" "$OUT/valid.en" && return
  make_train_all
  same_length "$TMPD/train.all" > /dev/null
  local l valid_tmp train_tmp
  for l in "${LANGS[@]}"; do
    new_temp "$OUT/valid.$l"; valid_tmp=$TMP
    new_temp "$OUT/train.$l"; train_tmp=$TMP
    VALID=$valid_tmp TRAIN=$train_tmp EVERY=$VALID_EVERY awk '
      { if (NR % ENVIRON["EVERY"] == 0) print > ENVIRON["VALID"]; else print > ENVIRON["TRAIN"] }
    ' "$TMPD/train.all.$l"
    publish "$valid_tmp" "$OUT/valid.$l"
    publish "$train_tmp" "$OUT/train.$l"
  done
}

# 4. Test: the <seg> lines of each XML file, with fairseq's tag removal and ’ -> ' (runs of spaces become
# one, as Moses' tokenizer makes them in fairseq's pipeline), the parts concatenated in fairseq's order.
segments() {
  member "$1.de-en.$2.xml" \
    | sed -n -e '/<seg id/!d' -e 's/<seg id="[0-9]*">[[:space:]]*//g' \
             -e 's/[[:space:]]*<\/seg>[[:space:]]*//g' -e "s/’/'/g" -e 's/[[:space:]][[:space:]]*/ /g' -e p \
    | apply_case
}
make_test() {
  have_all "$OUT/test.de" "$OUT/test.en" && return
  local part l parts
  for part in "${TEST_PARTS[@]}"; do
    for l in "${LANGS[@]}"; do
      if ! have_all "$TMPD/$part.de-en.$l"; then
        need_archive
        log "extracting $part ($l)"
        produce_to "$TMPD/$part.de-en.$l" segments "$part" "$l"
      fi
    done
    same_length "$TMPD/$part.de-en" > /dev/null
  done
  for l in "${LANGS[@]}"; do
    parts=()
    for part in "${TEST_PARTS[@]}"; do parts+=("$TMPD/$part.de-en.$l"); done
    produce_to "$OUT/test.$l" cat "${parts[@]}"
  done
}

make_split
make_test

# 5. Joint SentencePiece model on the training split (unless one was given).
if [ -z "$SPM_MODEL" ] && ! have_all "$OUT/spm.model"; then
  VOCAB_SIZE=$VOCAB_SIZE LANGS="de en" "$ROOT/data-scripts/spm-train.sh" "$OUT/spm" "$OUT/train.de" "$OUT/train.en"
fi

log "$OUT: train $(same_length "$OUT/train"), valid $(same_length "$OUT/valid"), test $(same_length "$OUT/test") pairs; SentencePiece model ${SPM_MODEL:-$OUT/spm.model}"
