#!/usr/bin/env bash
# Prepare WMT'14 English-German: Europarl v7 + Common Crawl + News Commentary v9 for training,
# newstest2013 for validation, the full newstest2014 (3,003 segments) for test.
#
#   data-scripts/prepare-wmt14-en-de.sh
#
# The corpora of fairseq's prepare-wmt14en2de.sh --icml17 (the WMT'14 set of Vaswani et al. 2017), kept as
# raw, cased text: no Moses normalization or tokenization, because a joint SentencePiece model is
# trained on the result and test output is scored with sacreBLEU on detokenized text. Training pairs are
# cleaned with data-scripts/clean-corpus.sh (1-250 words, ratio 1.5, exact duplicates and lines with
# control characters dropped). Unlike fairseq, valid is newstest2013 rather than 1% of the training data.
# newstest2014 is read from the SGML files as sacreBLEU does (-t wmt14/full): tags removed, runs of
# spaces collapsed, ends trimmed.
#
# Writes OUT/train.{en,de}.gz, OUT/{valid,test}.{en,de} and OUT/spm.model (unless SPM_MODEL is given);
# intermediate files go to OUT/tmp. Each step is skipped when its output exists, so a rerun resumes.
# Environment (defaults in brackets):
#   OUT [runs/wmt14-en-de/data]  DATA_DIR [OUT/orig]: where the five archives are, or are downloaded to;
#   put them there to run offline (OFFLINE=1 refuses to download). *_URL, *_CHECKSUM: below.
#   VALID_PREFIX, TEST_PREFIX: plain-text PREFIX.en/PREFIX.de to use instead of the dev/test archives.
#   MIN_WORDS [1]  MAX_WORDS [250]  RATIO [1.5]  DEDUP [1]
#   SPM_MODEL: an existing SentencePiece model to use instead of training one.  VOCAB_SIZE [32000]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../recipes/lib/common.sh
. "$ROOT/recipes/lib/common.sh"

if [ $# -ne 0 ]; then
  usage
fi

OUT=${OUT:-$ROOT/runs/wmt14-en-de/data}
DATA_DIR=${DATA_DIR:-$OUT/orig}
# URLs as in fairseq's script (dev.tgz: the WMT'19 copy, whose checksum is published). Checksums: the
# three training archives and dev.tgz are the sha256 values TensorFlow Datasets pins for these URLs
# (url_checksums/wmt14_translate.txt); test-full.tgz is the md5 sacreBLEU pins for wmt14/full. None of
# them could be checked against a download here (no network), so a mismatch may also mean the publisher
# changed the file: download.sh prints the sha256 it got.
EUROPARL_URL=${EUROPARL_URL:-http://statmt.org/wmt13/training-parallel-europarl-v7.tgz}
EUROPARL_CHECKSUM=${EUROPARL_CHECKSUM:-sha256:0224c7c710c8a063dfd893b0cc0830202d61f4c75c17eb8e31836103d27d96e7}
COMMONCRAWL_URL=${COMMONCRAWL_URL:-http://statmt.org/wmt13/training-parallel-commoncrawl.tgz}
COMMONCRAWL_CHECKSUM=${COMMONCRAWL_CHECKSUM:-sha256:c7a74e2ea01ac6c920123108627e35278d4ccb5701e15428ffa34de86fa3a9e5}
NEWS_COMMENTARY_URL=${NEWS_COMMENTARY_URL:-http://statmt.org/wmt14/training-parallel-nc-v9.tgz}
NEWS_COMMENTARY_CHECKSUM=${NEWS_COMMENTARY_CHECKSUM:-sha256:cb8953f292298e6877ae433c98912b927cb0766b303f4540512ddd286c748485}
DEV_URL=${DEV_URL:-http://data.statmt.org/wmt19/translation-task/dev.tgz}
DEV_CHECKSUM=${DEV_CHECKSUM:-sha256:7a7deccf82ebb05ba508dba5eb21356492224e8f630ec4f992132b029b4b25e7}
TEST_URL=${TEST_URL:-http://statmt.org/wmt14/test-full.tgz}
TEST_CHECKSUM=${TEST_CHECKSUM:-md5:a8cd784e006feb32ac6f3d9ec7eb389a}
VALID_PREFIX=${VALID_PREFIX:-}
TEST_PREFIX=${TEST_PREFIX:-}
MIN_WORDS=${MIN_WORDS:-1}
MAX_WORDS=${MAX_WORDS:-250}
RATIO=${RATIO:-1.5}
DEDUP=${DEDUP:-1}
SPM_MODEL=${SPM_MODEL:-}
VOCAB_SIZE=${VOCAB_SIZE:-32000}

LANGS=(en de)
TMPD=$OUT/tmp

need_tools awk sed tar gzip
if [ -n "$SPM_MODEL" ]; then need_files "$SPM_MODEL"; fi
if [ -n "$VALID_PREFIX" ]; then need_files "$VALID_PREFIX.en" "$VALID_PREFIX.de"; fi
if [ -n "$TEST_PREFIX" ]; then need_files "$TEST_PREFIX.en" "$TEST_PREFIX.de"; fi
mkdir -p "$OUT"
check_settings "$OUT/settings" "wmt14-en-de MIN_WORDS=$MIN_WORDS MAX_WORDS=$MAX_WORDS RATIO=$RATIO DEDUP=$DEDUP VALID=${VALID_PREFIX:-newstest2013} TEST=${TEST_PREFIX:-newstest2014} SPM_MODEL=${SPM_MODEL:-trained:$VOCAB_SIZE}"
export LC_ALL=C

# Downloads (or checks) an archive once per run: fetch NAME URL CHECKSUM.
FETCHED=' '
fetch() {
  case $FETCHED in *" $1 "*) return 0 ;; esac
  "$ROOT/data-scripts/download.sh" "$2" "$DATA_DIR/$1" "$3"
  FETCHED+="$1 "
}

# Prints one member of an archive in DATA_DIR: member ARCHIVE PATH.
member() {
  tar -xzOf "$DATA_DIR/$1" "$2" || die "$DATA_DIR/$1 has no member $2: is it the right archive?"
}

# The three training corpora, one language side, concatenated.
train_side() {
  member training-parallel-europarl-v7.tgz "training/europarl-v7.de-en.$1"
  member training-parallel-commoncrawl.tgz "commoncrawl.de-en.$1"
  member training-parallel-nc-v9.tgz "training/news-commentary-v9.de-en.$1"
}

# newstest2014 from test-full.tgz: the English source and German reference files hold the same 3,003
# segments (sacreBLEU's wmt14/full en-de pair).
test_side() {
  local file
  if [ "$1" = en ]; then file=test-full/newstest2014-deen-src.en.sgm; else file=test-full/newstest2014-deen-ref.de.sgm; fi
  member test-full.tgz "$file" \
    | sed -n -e '/<seg[ >]/!d' -e 's/.*<seg[^>]*>//' -e 's/<\/seg>.*//' \
             -e 's/[[:space:]][[:space:]]*/ /g' -e 's/^ //' -e 's/ $//' -e p
}

# Fails unless both language sides of PREFIX (SUFFIX after the language, e.g. .gz) have the same number
# of lines; prints that number.
same_length() {
  local n_en n_de
  n_en=$(count_lines "$1.en${2:-}")
  n_de=$(count_lines "$1.de${2:-}")
  [ "$n_en" = "$n_de" ] || die "$1.en${2:-} has $n_en lines but $1.de${2:-} has $n_de: the sides are not parallel."
  echo "$n_en"
}

# 1. Training text: the three corpora concatenated, per language.
if ! have_all "$OUT/train.en.gz" "$OUT/train.de.gz" && ! have_all "$TMPD/train.raw.en.gz" "$TMPD/train.raw.de.gz"; then
  fetch training-parallel-europarl-v7.tgz "$EUROPARL_URL" "$EUROPARL_CHECKSUM"
  fetch training-parallel-commoncrawl.tgz "$COMMONCRAWL_URL" "$COMMONCRAWL_CHECKSUM"
  fetch training-parallel-nc-v9.tgz "$NEWS_COMMENTARY_URL" "$NEWS_COMMENTARY_CHECKSUM"
  for l in "${LANGS[@]}"; do
    log "extracting training text ($l)"
    produce_to "$TMPD/train.raw.$l.gz" train_side "$l"
  done
fi

# 2. Cleaning.
if ! have_all "$OUT/train.en.gz" "$OUT/train.de.gz"; then
  MIN_WORDS=$MIN_WORDS MAX_WORDS=$MAX_WORDS RATIO=$RATIO DEDUP=$DEDUP "$ROOT/data-scripts/clean-corpus.sh" \
    "$TMPD/train.raw.en.gz" "$TMPD/train.raw.de.gz" "$OUT/train.en.gz" "$OUT/train.de.gz"
fi

# 3. Validation: newstest2013 (plain text in dev.tgz), or VALID_PREFIX.
for l in "${LANGS[@]}"; do
  if ! have_all "$OUT/valid.$l"; then
    if [ -n "$VALID_PREFIX" ]; then
      produce_to "$OUT/valid.$l" cat "$VALID_PREFIX.$l"
    else
      fetch dev.tgz "$DEV_URL" "$DEV_CHECKSUM"
      produce_to "$OUT/valid.$l" member dev.tgz "dev/newstest2013.$l"
    fi
  fi
done

# 4. Test: newstest2014 (SGML in test-full.tgz), or TEST_PREFIX.
for l in "${LANGS[@]}"; do
  if ! have_all "$OUT/test.$l"; then
    if [ -n "$TEST_PREFIX" ]; then
      produce_to "$OUT/test.$l" cat "$TEST_PREFIX.$l"
    else
      fetch test-full.tgz "$TEST_URL" "$TEST_CHECKSUM"
      produce_to "$OUT/test.$l" test_side "$l"
    fi
  fi
done

# 5. Joint SentencePiece model on the cleaned training data (unless one was given).
if [ -z "$SPM_MODEL" ] && ! have_all "$OUT/spm.model"; then
  VOCAB_SIZE=$VOCAB_SIZE LANGS="en de" "$ROOT/data-scripts/spm-train.sh" "$OUT/spm" "$OUT/train.en.gz" "$OUT/train.de.gz"
fi

log "$OUT: train $(same_length "$OUT/train" .gz), valid $(same_length "$OUT/valid"), test $(same_length "$OUT/test") pairs; SentencePiece model ${SPM_MODEL:-$OUT/spm.model}"
