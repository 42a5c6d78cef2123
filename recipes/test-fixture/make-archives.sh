#!/usr/bin/env bash
# Build tiny archives shaped like the real IWSLT'14 and WMT'14 downloads from this folder's 400 Tatoeba
# pairs, so the prepare scripts and recipes can run end to end offline.
#
#   recipes/test-fixture/make-archives.sh OUT_DIR
#
# Writes OUT_DIR/iwslt14/de-en.tgz (train.tags with talk metadata lines, five test-set XML files; the
# first, dev2010, has one extra segment with ’ and untrimmed spaces) and OUT_DIR/wmt14/ with the five
# archives of prepare-wmt14-en-de.sh (commoncrawl gets 5 repeated pairs and one with a control character;
# the newstest2014 SGML segments are padded with spaces). Prints nothing; the archives' checksums are for
# the caller to compute.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 1 ]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
out=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/make-archives.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/iwslt14" "$out/wmt14"

# IWSLT'14: three "talks" of 100 lines each, with the metadata lines the real train.tags files have.
mkdir -p "$work/iwslt/de-en"
for l in de en; do
  awk -v l="$l" '
    (NR - 1) % 100 == 0 {
      talk = (NR - 1) / 100 + 1
      print "<url>http://www.ted.com/talks/talk" talk ".html</url>"
      print "<keywords>talks, fixture</keywords>"
      print "<speaker>Speaker " talk "</speaker>"
      print "<talkid>" talk "</talkid>"
      print "<title>Title " talk " (" l ")</title>"
      print "<description>Description of talk " talk " (" l ")</description>"
    }
    { print }' "$HERE/train.$l" > "$work/iwslt/de-en/train.tags.de-en.$l"
done
parts=(IWSLT14.TED.dev2010 IWSLT14.TEDX.dev2012 IWSLT14.TED.tst2010 IWSLT14.TED.tst2011 IWSLT14.TED.tst2012)
for i in "${!parts[@]}"; do
  for l in de en; do
    {
      printf '<?xml version="1.0" encoding="UTF-8"?>\n<mteval>\n<srcset setid="%s" srclang="%s">\n' "${parts[i]}" "$l"
      printf '<doc docid="%d" genre="lectures">\n<talkid>%d</talkid>\n<title>Test talk</title>\n' "$i" "$i"
      sed -n "$((i * 10 + 1)),$((i * 10 + 10))p" "$HERE/test.$l" | awk '{ printf "<seg id=\"%d\"> %s </seg>\n", NR, $0 }'
      if [ "$i" = 0 ]; then
        # shellcheck disable=SC1112 # the typographic apostrophe is the point of this segment
        if [ "$l" = en ]; then echo '<seg id="11">   It’s  a TEST.   </seg>'; else echo '<seg id="11"> Es’s ist  ein TEST. </seg>'; fi
      fi
      printf '</doc>\n</srcset>\n</mteval>\n'
    } > "$work/iwslt/de-en/${parts[i]}.de-en.$l.xml"
  done
done
tar -czf "$out/iwslt14/de-en.tgz" -C "$work/iwslt" de-en

# WMT'14: the three training corpora (100 pairs each), newstest2013 as plain text, newstest2014 as SGML.
mkdir -p "$work/wmt/training" "$work/wmt/cc" "$work/wmt/dev" "$work/wmt/test-full"
for l in de en; do
  sed -n '1,100p' "$HERE/train.$l" > "$work/wmt/training/europarl-v7.de-en.$l"
  { sed -n '101,200p' "$HERE/train.$l"; sed -n '101,105p' "$HERE/train.$l"; } > "$work/wmt/cc/commoncrawl.de-en.$l"
  sed -n '201,300p' "$HERE/train.$l" > "$work/wmt/training/news-commentary-v9.de-en.$l"
  cp "$HERE/valid.$l" "$work/wmt/dev/newstest2013.$l"
done
printf 'A line with a \001control character.\n' >> "$work/wmt/cc/commoncrawl.de-en.en"
printf 'Eine Zeile mit einem Steuerzeichen.\n' >> "$work/wmt/cc/commoncrawl.de-en.de"
for side in src.en ref.de; do
  l=${side#*.}
  {
    printf '<srcset setid="newstest2014" srclang="any">\n<doc sysid="ref" docid="fixture" genre="news" origlang="en">\n<p>\n'
    awk '{ printf "<seg id=\"%d\">  %s </seg>\n", NR, $0 }' "$HERE/test.$l"
    printf '</p>\n</doc>\n</srcset>\n'
  } > "$work/wmt/test-full/newstest2014-deen-$side.sgm"
done
tar -czf "$out/wmt14/training-parallel-europarl-v7.tgz" -C "$work/wmt" training/europarl-v7.de-en.de training/europarl-v7.de-en.en
tar -czf "$out/wmt14/training-parallel-commoncrawl.tgz" -C "$work/wmt/cc" commoncrawl.de-en.de commoncrawl.de-en.en
tar -czf "$out/wmt14/training-parallel-nc-v9.tgz" -C "$work/wmt" training/news-commentary-v9.de-en.de training/news-commentary-v9.de-en.en
tar -czf "$out/wmt14/dev.tgz" -C "$work/wmt" dev
tar -czf "$out/wmt14/test-full.tgz" -C "$work/wmt" test-full
