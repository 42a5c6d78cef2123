#!/usr/bin/env bash
# Tests of the data scripts that need neither Java nor a network: downloads (resume, checksums, missing
# tools, offline), corpus cleaning, and both prepare scripts on the fixture archives of
# recipes/test-fixture, including fairseq's IWSLT'14 split arithmetic on a synthetic corpus of its real
# size and, when the shared reference data is present, a byte-exact check of the test concatenation.
#
#   data-scripts/test-data-scripts.sh
#
# Prints one line per check and exits non-zero when any failed. Needs bash, coreutils, awk, sed, perl,
# tar, gzip and curl (for file:// downloads); spm_train and shellcheck checks are skipped when absent.
# Environment: SHARED_DIR [/work/shared]: reference data (data/iwslt14-de-en, data/wmt14-en-de); checks
# that need it are skipped when it is absent.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_DIR=${SHARED_DIR:-/work/shared}
T=$(mktemp -d "${TMPDIR:-/tmp}/test-data-scripts.XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C
unset OFFLINE DATA_DIR SPM_MODEL VALID_PREFIX TEST_PREFIX LOWERCASE MIN_WORDS MAX_WORDS RATIO DEDUP

passed=0 failed=0 skipped=0
ok() { echo "ok    $1"; passed=$((passed + 1)); }
bad() { echo "FAIL  $1${2:+: $2}"; failed=$((failed + 1)); }
skip() { echo "skip  $1: $2"; skipped=$((skipped + 1)); }
# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}
# run_capture COMMAND...: runs COMMAND with stderr in $T/err; sets RC.
run_capture() {
  RC=0
  "$@" > "$T/out" 2> "$T/err" || RC=$?
}
# expect_failure NAME PATTERN COMMAND...: passes when COMMAND fails and its stderr matches PATTERN.
expect_failure() {
  local name=$1 pattern=$2
  shift 2
  run_capture "$@"
  if [ "$RC" = 0 ]; then bad "$name" "succeeded, expected a failure"
  elif grep -q -- "$pattern" "$T/err"; then ok "$name"
  else bad "$name" "stderr lacks '$pattern': $(tr '\n' ' ' < "$T/err")"
  fi
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
md5() { md5sum "$1" | cut -d' ' -f1; }
same() { cmp -s "$1" "$2"; }
lines() { wc -l < "$1" | tr -d ' '; }
DL=$ROOT/data-scripts/download.sh
CLEAN=$ROOT/data-scripts/clean-corpus.sh

echo "# download.sh"
head -c 200000 /dev/urandom > "$T/blob"
url=file://$T/blob
run_capture "$DL" "$url" "$T/dl/a"
check "download without a published checksum" same "$T/blob" "$T/dl/a"
check "  prints the sha256 and says it is not verified" grep -q "sha256 $(sha "$T/blob") (not verified" "$T/err"
check "  records the sha256 beside the file" grep -q "^$(sha "$T/blob")  a$" "$T/dl/a.sha256"
run_capture "$DL" "$url" "$T/dl/b" "sha256:$(sha "$T/blob")"
check "download verified by sha256" grep -q "verified: sha256 matches" "$T/err"
run_capture "$DL" "$url" "$T/dl/c" "md5:$(md5 "$T/blob" | tr 'a-f' 'A-F')"
check "download verified by md5 (upper-case hex accepted)" grep -q "verified: md5 matches" "$T/err"
head -c 50000 "$T/blob" > "$T/dl/d.part"
run_capture "$DL" "$url" "$T/dl/d" "sha256:$(sha "$T/blob")"
check "a partial download is resumed" same "$T/blob" "$T/dl/d"
check "  and its .part is gone" test ! -e "$T/dl/d.part"
expect_failure "a checksum mismatch is refused" "checksum mismatch" "$DL" "$url" "$T/dl/e" "sha256:$(printf '%064d' 0)"
check "  nothing under the final name" test ! -e "$T/dl/e"
check "  the download is kept as .bad" same "$T/blob" "$T/dl/e.bad"
expect_failure "an existing file with another checksum is refused" "checksum mismatch" "$DL" "$url" "$T/dl/a" "md5:$(printf '%032d' 0)"
check "  and kept" same "$T/blob" "$T/dl/a"
expect_failure "OFFLINE=1 names the URL of a missing file" "Download $url to $T/dl/f" env OFFLINE=1 "$DL" "$url" "$T/dl/f"
expect_failure "a malformed checksum is refused" "sha256 needs 64 hex digits" "$DL" "$url" "$T/dl/g" "sha256:abc"
mkdir -p "$T/nonet"
for tool in dirname basename sha256sum md5sum cut tr mkdir mktemp chmod mv rm cat sed; do
  ln -s "$(command -v "$tool")" "$T/nonet/$tool"
done
expect_failure "no curl and no wget: says so" "neither curl nor wget" env PATH="$T/nonet" "$BASH" "$DL" "$url" "$T/dl/h"

echo "# clean-corpus.sh"
printf '%s\n' 'a b c' '' $'x\ty  z \r' 'foo bar' 'one two three four' 'a b c' $'ctl\001x' $'c1 \302\205 x' 'last one' 'w w w w w w' > "$T/c.src"
printf '%s\n' 'A B C' 'empty source' 'X Y Z' 'FOO BAR' 'ONE' 'A B C' 'CTL' 'C1 X' 'LAST ONE' 'W W W W W W' > "$T/c.tgt"
gzip -c "$T/c.tgt" > "$T/c.tgt.gz"
run_capture env MAX_WORDS=5 "$CLEAN" "$T/c.src" "$T/c.tgt.gz" "$T/c.out.src.gz" "$T/c.out.tgt"
printf '%s\n' 'a b c' 'x y z' 'foo bar' 'last one' > "$T/c.want.src"
printf '%s\n' 'A B C' 'X Y Z' 'FOO BAR' 'LAST ONE' > "$T/c.want.tgt"
cleaned_as_wanted() { gzip -dc "$T/c.out.src.gz" | cmp -s - "$T/c.want.src" && same "$T/c.out.tgt" "$T/c.want.tgt"; }
check "cleans: whitespace, empty, control (C0, C1), ratio, length, duplicates; .gz in and out" cleaned_as_wanted
check "  reports the counts" grep -q "kept 4 of 10 pairs; dropped 2 with control characters, 1 under 1 words, 1 over 5 words, 1 over ratio 1.5, 1 duplicates" "$T/err"
run_capture env DEDUP=0 RATIO=0 MAX_WORDS=5 "$CLEAN" "$T/c.src" "$T/c.tgt" "$T/c2.src" "$T/c2.tgt"
kept_duplicates() { [ "$(lines "$T/c2.src")" = 6 ] && [ "$(grep -c '^a b c$' "$T/c2.src")" = 2 ]; }
check "DEDUP=0 keeps duplicates, RATIO=0 keeps unequal lengths" kept_duplicates
head -n 4 "$T/c.tgt" > "$T/c.short"
expect_failure "unequal line counts are refused" "has more lines than" "$CLEAN" "$T/c.src" "$T/c.short" "$T/c3.src" "$T/c3.tgt"
no_files() { ! compgen -G "$1" > /dev/null; }
check "  and write no output" no_files "$T/c3.*"
expect_failure "a missing input is named" "$T/nope: no such file" "$CLEAN" "$T/nope" "$T/c.tgt" "$T/c4.src" "$T/c4.tgt"

echo "# prepare-iwslt14.sh (fixture archive)"
FX=$T/fixture
"$ROOT/recipes/test-fixture/make-archives.sh" "$FX"
SPM=$ROOT/data/tatoeba-eng-deu/spm.model
iw=$T/iwslt
run_capture env OUT="$iw" DATA_DIR="$FX/iwslt14" OFFLINE=1 SPM_MODEL="$SPM" "$ROOT/data-scripts/prepare-iwslt14.sh"
if [ "$RC" != 0 ]; then bad "prepare-iwslt14.sh runs offline on the fixture" "$(tail -n 3 "$T/err" | tr '\n' ' ')"; else
  ok "prepare-iwslt14.sh runs offline on the fixture"
  filtered_like_fairseq() {
    ! grep -q -e '<url>' -e '<talkid>' -e '<keywords>' -e '<title>' "$iw"/train.* "$iw"/valid.* \
      && grep -qx '<speaker>speaker 1</speaker>' "$iw/train.en" && grep -qx 'title 1 (en)' "$iw/train.en"
  }
  check "  metadata lines removed, speaker lines kept, title text kept (fairseq's filter)" filtered_like_fairseq
  every_23rd_is_valid() {
    local l
    for l in de en; do
      awk 'NR % 23 == 0' "$iw/tmp/train.all.$l" | cmp -s - "$iw/valid.$l" || return 1
      awk 'NR % 23 != 0' "$iw/tmp/train.all.$l" | cmp -s - "$iw/train.$l" || return 1
    done
  }
  check "  valid = every 23rd line of the cleaned text, train = the rest" every_23rd_is_valid
  test_in_fairseq_order() {
    local l d=$iw/tmp
    for l in de en; do
      cat "$d/IWSLT14.TED.dev2010.de-en.$l" "$d/IWSLT14.TEDX.dev2012.de-en.$l" "$d/IWSLT14.TED.tst2010.de-en.$l" \
        "$d/IWSLT14.TED.tst2011.de-en.$l" "$d/IWSLT14.TED.tst2012.de-en.$l" | cmp -s - "$iw/test.$l" || return 1
    done
    [ "$(lines "$iw/test.en")" = 51 ]
  }
  check "  test = dev2010 + TEDX.dev2012 + tst2010 + tst2011 + tst2012, in that order" test_in_fairseq_order
  check "  segments trimmed, ’ made ', lowercased" grep -qx "it's a test." "$iw/test.en"
  sides_line_up() { paste -d '|' "$iw/test.de" "$iw/test.en" | grep -qx "es's ist ein test.|it's a test."; }
  check "  the test sides line up" sides_line_up
  all_lowercase() { ! grep -q -e '[A-Z]' -e 'Ä' -e 'Ö' -e 'Ü' "$iw"/train.* "$iw"/valid.* "$iw"/test.*; }
  check "  everything lowercased" all_lowercase
  outputs_hash() { cat "$iw"/train.* "$iw"/valid.* "$iw"/test.* | sha256sum; }
  before=$(outputs_hash)
  run_capture env OUT="$iw" DATA_DIR="$T/empty" OFFLINE=1 SPM_MODEL="$SPM" "$ROOT/data-scripts/prepare-iwslt14.sh"
  rerun_changed_nothing() { [ "$RC" = 0 ] && ! grep -q extracting "$T/err" && [ "$(outputs_hash)" = "$before" ]; }
  check "  a rerun skips every step (no archive needed) and changes nothing" rerun_changed_nothing
  expect_failure "  a rerun with other settings is refused" "made with other settings" \
    env OUT="$iw" DATA_DIR="$FX/iwslt14" OFFLINE=1 SPM_MODEL="$SPM" LOWERCASE=0 "$ROOT/data-scripts/prepare-iwslt14.sh"
fi
run_capture env OUT="$T/iwslt-cased" DATA_DIR="$FX/iwslt14" OFFLINE=1 SPM_MODEL="$SPM" LOWERCASE=0 "$ROOT/data-scripts/prepare-iwslt14.sh"
check "LOWERCASE=0 keeps the case" grep -qx "It's a TEST." "$T/iwslt-cased/test.en"
expect_failure "a missing archive with OFFLINE=1 names the URL" "Download http://dl.fbaipublicfiles.com/fairseq/data/iwslt14/de-en.tgz to $T/empty/de-en.tgz" \
  env OUT="$T/iwslt-none" DATA_DIR="$T/empty" OFFLINE=1 SPM_MODEL="$SPM" "$ROOT/data-scripts/prepare-iwslt14.sh"
expect_failure "a pinned checksum that does not match is refused" "checksum mismatch" \
  env OUT="$T/iwslt-sum" DATA_DIR="$FX/iwslt14" OFFLINE=1 SPM_MODEL="$SPM" IWSLT_CHECKSUM="md5:$(printf '%032d' 0)" "$ROOT/data-scripts/prepare-iwslt14.sh"
check "  and leaves no outputs" no_files "$T/iwslt-sum/*.de"
if command -v spm_train > /dev/null 2>&1; then
  run_capture env OUT="$T/iwslt-spm" DATA_DIR="$FX/iwslt14" OFFLINE=1 VOCAB_SIZE=400 "$ROOT/data-scripts/prepare-iwslt14.sh"
  check "without SPM_MODEL a joint SentencePiece model is trained" test -s "$T/iwslt-spm/spm.model"
else
  skip "SentencePiece training" "spm_train not found"
fi

echo "# prepare-iwslt14.sh split arithmetic (fairseq's cleaned training set has 167,522 pairs)"
sy=$T/iwslt-synthetic
mkdir -p "$sy/tmp"
for l in de en; do awk -v l="$l" 'BEGIN { for (i = 1; i <= 167522; i++) print l " sentence " i }' > "$sy/tmp/train.all.$l"; done
parts=(IWSLT14.TED.dev2010 IWSLT14.TEDX.dev2012 IWSLT14.TED.tst2010 IWSLT14.TED.tst2011 IWSLT14.TED.tst2012)
ref=$SHARED_DIR/data/iwslt14-de-en
if [ -d "$ref/test-parts" ]; then
  for p in "${parts[@]}"; do for l in de en; do cp "$ref/test-parts/$p.de-en.$l" "$sy/tmp/"; done; done
else
  for p in "${parts[@]}"; do for l in de en; do echo "$p $l" > "$sy/tmp/$p.de-en.$l"; done; done
fi
run_capture env OUT="$sy" DATA_DIR="$T/empty" OFFLINE=1 SPM_MODEL="$SPM" "$ROOT/data-scripts/prepare-iwslt14.sh"
check "runs from intermediate files alone (no archive)" test "$RC" = 0
fairseq_sizes() {
  [ "$(lines "$sy/valid.de")" = 7283 ] && [ "$(lines "$sy/valid.en")" = 7283 ] \
    && [ "$(lines "$sy/train.de")" = 160239 ] && [ "$(lines "$sy/train.en")" = 160239 ]
}
check "  valid 7,283 and train 160,239 pairs, as fairseq's" fairseq_sizes
line_23k() { [ "$(sed -n 1p "$sy/valid.en")" = 'en sentence 23' ] && [ "$(tail -n 1 "$sy/valid.de")" = 'de sentence 167509' ]; }
check "  valid line k is line 23k" line_23k
if [ -d "$ref/test-parts" ]; then
  fairseq_test() { same "$sy/test.de" "$ref/test.de" && same "$sy/test.en" "$ref/test.en" && [ "$(lines "$sy/test.en")" = 6750 ]; }
  check "  test.de and test.en equal fairseq's test files byte for byte (6,750 lines)" fairseq_test
else
  skip "  byte-exact test concatenation" "$ref not found"
fi

echo "# prepare-wmt14-en-de.sh (fixture archives)"
wm=$T/wmt
w=$FX/wmt14
sums=(EUROPARL_CHECKSUM="sha256:$(sha "$w/training-parallel-europarl-v7.tgz")"
      COMMONCRAWL_CHECKSUM="sha256:$(sha "$w/training-parallel-commoncrawl.tgz")"
      NEWS_COMMENTARY_CHECKSUM="sha256:$(sha "$w/training-parallel-nc-v9.tgz")"
      DEV_CHECKSUM="sha256:$(sha "$w/dev.tgz")" TEST_CHECKSUM="md5:$(md5 "$w/test-full.tgz")")
expect_failure "the pinned checksums refuse other archives" "checksum mismatch" \
  env OUT="$T/wmt-pinned" DATA_DIR="$w" OFFLINE=1 SPM_MODEL="$SPM" "$ROOT/data-scripts/prepare-wmt14-en-de.sh"
run_capture env OUT="$wm" DATA_DIR="$w" OFFLINE=1 SPM_MODEL="$SPM" "${sums[@]}" "$ROOT/data-scripts/prepare-wmt14-en-de.sh"
if [ "$RC" != 0 ]; then bad "prepare-wmt14-en-de.sh runs offline on the fixture" "$(tail -n 3 "$T/err" | tr '\n' ' ')"; else
  ok "prepare-wmt14-en-de.sh runs offline on the fixture"
  fx=$ROOT/recipes/test-fixture
  # Independent count: the 300 fixture pairs that pass the 1.5 ratio test (the archives add 5 repeated
  # pairs and one with a control character, which cleaning must drop).
  want=$(paste -d '\t' "$fx/train.en" "$fx/train.de" | awk -F '\t' '{ a = split($1, x, " "); b = split($2, y, " "); if (a <= 1.5 * b && b <= 1.5 * a) n++ } END { print n }')
  wmt_train() {
    [ "$(gzip -dc "$wm/train.en.gz" | wc -l | tr -d ' ')" = "$want" ] \
      && [ -z "$(paste <(gzip -dc "$wm/train.en.gz") <(gzip -dc "$wm/train.de.gz") | sort | uniq -d)" ]
  }
  check "  train: the three corpora, cleaned and deduplicated ($want pairs)" wmt_train
  same_pair() { same "$1.en" "$2.en" && same "$1.de" "$2.de"; }
  check "  valid: newstest2013 from dev.tgz" same_pair "$wm/valid" "$fx/valid"
  check "  test: newstest2014 from the SGML files, padding removed" same_pair "$wm/test" "$fx/test"
fi
wref=$SHARED_DIR/data/wmt14-en-de
if [ -f "$wref/newstest2014.en" ]; then
  mkdir -p "$T/wmt-train-only"
  cp "$w"/training-parallel-*.tgz "$T/wmt-train-only/"
  run_capture env OUT="$T/wmt-prefix" DATA_DIR="$T/wmt-train-only" OFFLINE=1 SPM_MODEL="$SPM" "${sums[@]}" \
    VALID_PREFIX="$wref/newstest2013" TEST_PREFIX="$wref/newstest2014" "$ROOT/data-scripts/prepare-wmt14-en-de.sh"
  prefixes_used() {
    [ "$RC" = 0 ] && same_pair "$T/wmt-prefix/test" "$wref/newstest2014" && same_pair "$T/wmt-prefix/valid" "$wref/newstest2013" \
      && [ "$(lines "$T/wmt-prefix/test.en")" = 3003 ]
  }
  check "VALID_PREFIX/TEST_PREFIX take plain newstest files instead of the dev/test archives" prefixes_used
else
  skip "VALID_PREFIX/TEST_PREFIX" "$wref not found"
fi

echo "# recipes with stand-in launchers (recipes/test-fixture/stand-in-bin: no Java, no training)"
stand_in=(BIN_DIR="$ROOT/recipes/test-fixture/stand-in-bin" DEVICE=cpu PRESET=tiny MAX_STEPS=10 SAVE_EVERY=2 KEEP_LAST=3
          AVERAGE_LAST=2 BEAM=2 OFFLINE=1 SPM_MODEL="$SPM")
ri=$T/recipe-iwslt
run_capture env "${stand_in[@]}" WORK="$ri" PREPARED_DIR="$ri/data" DATA_DIR="$FX/iwslt14" ARCH=lwc ATTENTION=tpa:6/2/2 \
  "$ROOT/recipes/iwslt14-de-en/run.sh"
cp "$T/out" "$T/recipe-iwslt.out"
if [ "$RC" != 0 ]; then bad "the IWSLT recipe runs" "$(tail -n 3 "$T/err" | tr '\n' ' ')"; else
  ok "the IWSLT recipe runs"
  check "  passes the model choice to nmt-train" grep -q -- "--preset tiny --arch lwc --attention tpa:6/2/2" "$ri/train.settings"
  averaged_last_two() { printf '%s\n' "$ri/checkpoints/checkpoint_8" "$ri/checkpoints/checkpoint_10" | cmp -s - "$ri/model-avg2/averaged-from"; }
  check "  averages the last AVERAGE_LAST checkpoints by step number (8, 10)" averaged_last_two
  hyp=$ri/test.model-avg2.beam2.lenpen1.0.en
  check "  translates test.de with the averaged model" same "$hyp" "$ri/data/test.de"
  scores_printed_last() { [ "$(tail -n 2 "$T/recipe-iwslt.out")" = "$(cat "$hyp.score")" ] && grep -q '^BLEU|.*case:lc' "$hyp.score"; }
  check "  prints the scores last (lowercased data: -lc)" scores_printed_last
  run_capture env "${stand_in[@]}" WORK="$ri" PREPARED_DIR="$ri/data" DATA_DIR="$T/empty" ARCH=lwc ATTENTION=tpa:6/2/2 \
    "$ROOT/recipes/iwslt14-de-en/run.sh"
  recipe_resumed() { [ "$RC" = 0 ] && grep -q "training: done already" "$T/err" && grep -q "averaging: done already" "$T/err" && same "$T/out" "$T/recipe-iwslt.out"; }
  check "  a rerun skips every step and prints the same scores" recipe_resumed
  expect_failure "  a rerun with another ARCH in the same WORK is refused" "made with other settings" \
    env "${stand_in[@]}" WORK="$ri" PREPARED_DIR="$ri/data" DATA_DIR="$FX/iwslt14" ARCH=encdec ATTENTION=tpa:6/2/2 \
    "$ROOT/recipes/iwslt14-de-en/run.sh"
  run_capture env "${stand_in[@]}" WORK="$T/recipe-best" PREPARED_DIR="$ri/data" AVERAGE_LAST=1 "$ROOT/recipes/iwslt14-de-en/run.sh"
  check "  AVERAGE_LAST=1 translates with checkpoint_best" test -s "$T/recipe-best/test.checkpoint_best.beam2.lenpen1.0.en.score"
fi
rw=$T/recipe-wmt
run_capture env "${stand_in[@]}" WORK="$rw" PREPARED_DIR="$rw/data" DATA_DIR="$FX/wmt14" "${sums[@]}" AVERAGE_LAST=3 \
  "$ROOT/recipes/wmt14-en-de/run.sh"
if [ "$RC" != 0 ]; then bad "the WMT recipe runs" "$(tail -n 3 "$T/err" | tr '\n' ' ')"; else
  ok "the WMT recipe runs"
  wmt_recipe_outputs() {
    local hyp=$rw/test.model-avg3.beam2.lenpen0.6.de
    same "$hyp" "$rw/data/test.en" && [ "$(tail -n 2 "$T/out")" = "$(cat "$hyp.score")" ] && grep -q '^BLEU|.*case:mixed' "$hyp.score" \
      && [ "$(wc -l < "$rw/model-avg3/averaged-from")" = 3 ] && grep -q -- "--arch encdec --attention mha" "$rw/train.settings"
  }
  check "  translates test.en with the average of 3, prints cased scores last" wmt_recipe_outputs
fi

echo "# shellcheck"
if command -v shellcheck > /dev/null 2>&1; then
  check "shellcheck finds nothing" shellcheck -x "$ROOT"/data-scripts/*.sh "$ROOT"/recipes/lib/*.sh "$ROOT"/recipes/*/run.sh \
    "$ROOT"/recipes/test-recipes.sh "$ROOT"/recipes/test-fixture/*.sh
else
  skip "shellcheck" "not installed"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
