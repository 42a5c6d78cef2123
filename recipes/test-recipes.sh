#!/usr/bin/env bash
# Runs each recipe end to end on the tiny fixture (recipes/test-fixture: 400 Tatoeba pairs packed like
# the real IWSLT'14 and WMT'14 archives), a few CPU training steps each, and checks that every stage
# wrote its output; then reruns each recipe and checks that the rerun resumes (skips every step) and
# prints the same scores. Keeps the scripts from rotting; says nothing about translation quality.
#
#   recipes/test-recipes.sh
#
# Needs the built jars (mvn -B -q package -DskipTests), java, perl, tar, gzip. No network, no GPU.
# Environment: KEEP [0]: 1 keeps the work folder (always kept, and named, when a check fails).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KEEP=${KEEP:-0}
T=$(mktemp -d "${TMPDIR:-/tmp}/test-recipes.XXXXXX")
passed=0 failed=0
finish() {
  if [ "$failed" = 0 ] && [ "$KEEP" != 1 ]; then rm -rf "$T"; else echo "work folder kept: $T"; fi
}
trap finish EXIT
ok() { echo "ok    $1"; passed=$((passed + 1)); }
bad() { echo "FAIL  $1${2:+: $2}"; failed=$((failed + 1)); }
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
lines() { wc -l < "$1" | tr -d ' '; }
# Names with these patterns exist (globs).
exists() { local p; for p in "$@"; do compgen -G "$p" > /dev/null || return 1; done; }

unset OFFLINE DATA_DIR SPM_MODEL VALID_PREFIX TEST_PREFIX LOWERCASE ARCH ATTENTION PRESET MAX_EPOCHS PATIENCE EXTRA_TRAIN_ARGS
FX=$T/fixture
"$ROOT/recipes/test-fixture/make-archives.sh" "$FX"
tiny=(DEVICE=cpu PRESET=tiny MAX_STEPS=4 SAVE_EVERY=2 VALIDATE_EVERY=2 KEEP_LAST=2 AVERAGE_LAST=2
      MAX_TOKENS=512 TRANSLATE_MAX_TOKENS=512 BEAM=2 OFFLINE=1 SPM_MODEL="$ROOT/data/tatoeba-eng-deu/spm.model")
w=$FX/wmt14
wmt_sums=(EUROPARL_CHECKSUM="sha256:$(sha "$w/training-parallel-europarl-v7.tgz")"
          COMMONCRAWL_CHECKSUM="sha256:$(sha "$w/training-parallel-commoncrawl.tgz")"
          NEWS_COMMENTARY_CHECKSUM="sha256:$(sha "$w/training-parallel-nc-v9.tgz")"
          DEV_CHECKSUM="sha256:$(sha "$w/dev.tgz")" TEST_CHECKSUM="sha256:$(sha "$w/test-full.tgz")")

# run_recipe NAME SCRIPT TGT TEST_LINES TRAIN_FILE VAR=VALUE...: runs a recipe twice and checks each stage.
run_recipe() {
  local name=$1 script=$2 tgt=$3 test_lines=$4 train_file=$5 work=$T/$1
  shift 5
  echo "# $name"
  if ! env "${tiny[@]}" WORK="$work" PREPARED_DIR="$work/data" "$@" "$ROOT/$script" > "$work.out" 2> "$work.log"; then
    bad "$script runs" "exit status non-zero; last lines of $work.log:"
    tail -n 15 "$work.log" | sed 's/^/      /'
    return 0
  fi
  ok "$script runs"
  check "  prepare: $train_file, valid, test" exists "$work/data/$train_file" "$work/data/valid.$tgt" "$work/data/test.$tgt"
  check "  train: checkpoint_2, checkpoint_4, checkpoint_last" exists "$work/checkpoints/checkpoint_2" "$work/checkpoints/checkpoint_4" "$work/checkpoints/checkpoint_last" "$work/train.done"
  check "  average: model-avg2" exists "$work/model-avg2"
  local hyp
  hyp=$(compgen -G "$work/test.model-avg2.beam2.lenpen*.$tgt" | head -n 1 || true)
  hyp_complete() { [ -n "$hyp" ] && [ "$(lines "$hyp")" = "$test_lines" ]; }
  check "  translate: one line per test sentence ($test_lines)" hyp_complete
  scores_last() {
    [ -s "$hyp.score" ] && grep -q BLEU "$hyp.score" && grep -q -i chrf "$hyp.score" \
      && [ "$(tail -n "$(lines "$hyp.score")" "$work.out")" = "$(cat "$hyp.score")" ]
  }
  check "  score: BLEU and chrF lines, printed last" scores_last
  if env "${tiny[@]}" WORK="$work" PREPARED_DIR="$work/data" "$@" "$ROOT/$script" > "$work.out2" 2> "$work.log2"; then
    resumed() { grep -q "training: done already" "$work.log2" && ! grep -q extracting "$work.log2" && cmp -s "$work.out" "$work.out2"; }
    check "  a rerun skips every step and prints the same scores" resumed
  else
    bad "  a rerun succeeds" "see $work.log2"
  fi
}

run_recipe iwslt14 recipes/iwslt14-de-en/run.sh en 51 train.de \
  ARCH=lwc ATTENTION=mha DATA_DIR="$FX/iwslt14" IWSLT_CHECKSUM="sha256:$(sha "$FX/iwslt14/de-en.tgz")"
run_recipe wmt14 recipes/wmt14-en-de/run.sh de 50 train.en.gz \
  ARCH=encdec ATTENTION=mha DATA_DIR="$w" "${wmt_sums[@]}" SHORTLIST=100/10
check "  shortlist: lex.tsv.gz and the test set translated with it" \
  exists "$T/wmt14/lex.tsv.gz" "$T/wmt14/test.model-avg2.beam2.lenpen*.shortlist100-10.de.score"

# Tagged back-translation on the wmt14 fixture, reusing its prepared data: the reverse model, the Spark job over
# 50 monolingual German lines, the tagged pairs added to the training data, then the usual steps.
echo "# wmt14 with back-translation"
bt=$T/wmt14-bt
if env "${tiny[@]}" WORK="$bt" PREPARED_DIR="$T/wmt14/data" ARCH=encdec ATTENTION=mha DATA_DIR="$w" "${wmt_sums[@]}" \
    BT_MONO="$ROOT/recipes/test-fixture/valid.de" BT_MASTER='local[2]' "$ROOT/recipes/wmt14-en-de/run.sh" \
    > "$bt.out" 2> "$bt.log"; then
  ok "recipes/wmt14-en-de/run.sh with BT_MONO runs"
  check "  reverse model: reverse/model-avg2" exists "$bt/reverse/model-avg2"
  bt_lines() { [ "$(cat "$bt/bt/mono.en"/part-* | wc -l)" = 50 ]; }
  check "  back-translation: 50 lines from the Spark job" bt_lines
  bt_added() {
    local orig tagged
    orig=$(lines <(gzip -dc "$T/wmt14/data/train.en.gz"))
    tagged=$(gzip -dc "$bt/bt/train.en.gz" | grep -c '^<BT> ')
    [ "$tagged" -gt 0 ] && [ "$(lines <(gzip -dc "$bt/bt/train.en.gz"))" = $((orig + tagged)) ] \
      && [ "$(lines <(gzip -dc "$bt/bt/train.de.gz"))" = $((orig + tagged)) ]
  }
  check "  training data: the original pairs plus tagged synthetic pairs, aligned" bt_added
  trained_on_bt() { grep -q -- "--train $bt/bt/train " "$bt/train.settings"; }
  check "  the forward model trains on them" trained_on_bt
  check "  score: BLEU and chrF" exists "$bt/test.model-avg2.beam2.lenpen*.de.score"
else
  bad "recipes/wmt14-en-de/run.sh with BT_MONO runs" "exit status non-zero; last lines of $bt.log:"
  tail -n 15 "$bt.log" | sed 's/^/      /'
fi

# The launchers: DJL's INFO lines and its CUDA probe's warnings only with --verbose; JAVA_OPTS may pick the collector.
echo "# launchers"
engine_lines() { grep -E "(INFO|WARN) (PtEngine|Platform|CudaUtils) -|GPU count" "$1"; }
if [ -d "$T/iwslt14/model-avg2" ]; then
  translate_once() { echo "hallo welt" | "$ROOT/bin/nmt-translate" -m "$T/iwslt14/model-avg2" -o "$T/launch.out" "$@"; }
  quiet() { translate_once 2> "$T/quiet.err" && ! engine_lines "$T/quiet.err" > /dev/null; }
  check "  quiet by default" quiet
  verbose() { translate_once --verbose 2> "$T/verbose.err" && engine_lines "$T/verbose.err" | grep -q PtEngine; }
  check "  --verbose shows the engine's lines" verbose
  own_collector() { JAVA_OPTS=-XX:+UseG1GC translate_once 2> "$T/g1.err"; }
  check "  a collector in JAVA_OPTS replaces the default one" own_collector
else
  bad "launchers" "no model from the iwslt14 recipe to translate with"
fi

# The learning-rate transfer grid on the fixture: 2 parameterizations × 2 shapes × 2 rates, 2 updates each.
echo "# lr-transfer"
lt=$T/lr-transfer
fx=$ROOT/recipes/test-fixture
if env PARAMS="standard nugpt" SHAPES="64x1 128x1" LRS="1e-3 1e-2" STEPS=2 MAX_TOKENS=256 JOBS=2 THREADS=1 \
    TRAIN="$fx/train" VALID="$fx/valid" WORK="$lt" "$ROOT/recipes/lr-transfer/run.sh" > "$lt.out" 2> "$lt.log"; then
  ok "recipes/lr-transfer/run.sh runs"
  runs_done() { [ "$(compgen -G "$lt/*/sweep.json" | wc -l)" = 8 ]; }
  check "  8 finished runs" runs_done
  check "  report: lr-transfer.md and lr-transfer.png" exists "$lt/lr-transfer.md" "$lt/lr-transfer.png"
  verdict() { grep -q "^nugpt: " "$lt.out" && grep -q "^standard: " "$lt.out"; }
  check "  a verdict line per parameterization" verdict
else
  bad "recipes/lr-transfer/run.sh runs" "exit status non-zero; last lines of $lt.log:"
  tail -n 15 "$lt.log" | sed 's/^/      /'
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
