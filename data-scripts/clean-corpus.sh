#!/usr/bin/env bash
# Clean a parallel corpus: drop pairs that are empty, too long, too unequal in length, duplicated or
# holding control characters.
#
#   data-scripts/clean-corpus.sh SRC_IN TGT_IN SRC_OUT TGT_OUT
#
# Files may be plain or .gz. Each side is first normalized as Moses clean-corpus-n.perl does (a final CR
# dropped, runs of spaces and tabs made one space, ends trimmed). A pair is then dropped when a side holds
# a control character (C0 other than tab, DEL, C1), when a side has fewer than MIN_WORDS or more than
# MAX_WORDS space-separated words, when one side has more than RATIO times the words of the other, or,
# with DEDUP=1, when the same pair came earlier. Order is kept (the first of duplicates stays). Streams
# with awk; deduplication sorts on disk (TMPDIR), so memory stays small on WMT-sized data.
# Environment: MIN_WORDS [1]  MAX_WORDS [250]  RATIO [1.5; 0 turns the ratio test off]  DEDUP [1]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../recipes/lib/common.sh
. "$ROOT/recipes/lib/common.sh"

if [ $# -ne 4 ]; then
  usage
fi
SRC_IN=$1
TGT_IN=$2
SRC_OUT=$3
TGT_OUT=$4
MIN_WORDS=${MIN_WORDS:-1}
MAX_WORDS=${MAX_WORDS:-250}
RATIO=${RATIO:-1.5}
DEDUP=${DEDUP:-1}

need_tools awk sort gzip
need_files "$SRC_IN" "$TGT_IN"
for out in "$SRC_OUT" "$TGT_OUT"; do
  if [ "$out" = "$SRC_IN" ] || [ "$out" = "$TGT_IN" ]; then die "$out is both an input and an output; write to another file."; fi
done
[[ $MIN_WORDS =~ ^[0-9]+$ && $MAX_WORDS =~ ^[0-9]+$ ]] || die "MIN_WORDS and MAX_WORDS must be whole numbers (got '$MIN_WORDS', '$MAX_WORDS')."
[[ $RATIO =~ ^[0-9]+([.][0-9]+)?$ ]] || die "RATIO must be a number (got '$RATIO')."
export LC_ALL=C

new_temp "$SRC_OUT"; src_tmp=$TMP
new_temp "$TGT_OUT"; tgt_tmp=$TMP
new_temp "$SRC_OUT.counts"; counts=$TMP
if [[ $SRC_OUT == *.gz ]]; then new_temp "$SRC_OUT.plain"; src_plain=$TMP; else src_plain=$src_tmp; fi
if [[ $TGT_OUT == *.gz ]]; then new_temp "$TGT_OUT.plain"; tgt_plain=$TMP; else tgt_plain=$tgt_tmp; fi

# Filters pairs; prints "line<TAB>source<TAB>target" (neither side holds a tab after normalization).
# Exit 3: the target ran out first; 4: the source did. Counts go to $COUNTS.
# shellcheck disable=SC2016 # an awk program, not shell
filter='
function norm(x) { sub(/\r$/, "", x); gsub(/[ \t]+/, " ", x); sub(/^ /, "", x); sub(/ $/, "", x); return x }
BEGIN {
  tf = ENVIRON["TGT_FILE"]; min = ENVIRON["MIN_WORDS"] + 0; max = ENVIRON["MAX_WORDS"] + 0
  ratio = ENVIRON["RATIO"] + 0
  control = "[\001-\010\013-\037\177]|\302[\200-\237]"
}
{
  if ((getline t < tf) <= 0) { short = 3; exit }
  s = norm($0); t = norm(t)
  if (s ~ control || t ~ control) { n_control++; next }
  ns = split(s, w, " "); nt = split(t, w, " ")
  if (ns < min || nt < min) { n_short++; next }
  if (ns > max || nt > max) { n_long++; next }
  if (ratio > 0 && (ns > ratio * nt || nt > ratio * ns)) { n_ratio++; next }
  print NR "\t" s "\t" t
}
END {
  if (!short && (getline t < tf) > 0) short = 4
  printf "%d %d %d %d %d\n", NR, n_control, n_short, n_long, n_ratio > ENVIRON["COUNTS"]
  exit short
}'

# Keeps the first occurrence of each (source, target) pair: a stable unique sort on the pair, then
# back into input order by line number.
dedup() {
  if [ "$DEDUP" = 1 ]; then
    sort -t "$(printf '\t')" -k2 -s -u | sort -t "$(printf '\t')" -k1,1n
  else
    cat
  fi
}

rc=0
read_text "$SRC_IN" \
  | TGT_FILE=<(read_text "$TGT_IN") COUNTS=$counts MIN_WORDS=$MIN_WORDS MAX_WORDS=$MAX_WORDS RATIO=$RATIO \
      awk "$filter" \
  | dedup \
  | SRC_PLAIN=$src_plain TGT_PLAIN=$tgt_plain \
      awk -F '\t' '{ print $2 > ENVIRON["SRC_PLAIN"]; print $3 > ENVIRON["TGT_PLAIN"] }' \
  || rc=$?
case $rc in
  0) ;;
  3) die "$SRC_IN has more lines than $TGT_IN: the two sides are not parallel." ;;
  4) die "$TGT_IN has more lines than $SRC_IN: the two sides are not parallel." ;;
  *) die "cleaning $SRC_IN / $TGT_IN failed (exit $rc)." ;;
esac
# awk creates its output files only when it prints: an empty result still gets empty files.
touch "$src_plain" "$tgt_plain"
if [ "$src_plain" != "$src_tmp" ]; then gzip -c "$src_plain" > "$src_tmp"; fi
if [ "$tgt_plain" != "$tgt_tmp" ]; then gzip -c "$tgt_plain" > "$tgt_tmp"; fi

read -r n_in n_control n_short n_long n_ratio < "$counts"
n_out=$(wc -l < "$src_plain" | tr -d ' ')
n_dup=$((n_in - n_control - n_short - n_long - n_ratio - n_out))
publish "$tgt_tmp" "$TGT_OUT"
publish "$src_tmp" "$SRC_OUT"
log "$SRC_OUT, $TGT_OUT: kept $n_out of $n_in pairs; dropped $n_control with control characters, $n_short under $MIN_WORDS words, $n_long over $MAX_WORDS words, $n_ratio over ratio $RATIO, $n_dup duplicates"
