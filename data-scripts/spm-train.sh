#!/usr/bin/env bash
# Train a SentencePiece model with dmodel's special ids (pad=0 unk=1 bos=2 eos=3).
#
#   data-scripts/spm-train.sh OUTPUT_PREFIX TEXT_FILE [TEXT_FILE ...]
#
# Writes OUTPUT_PREFIX.model and OUTPUT_PREFIX.vocab. Inputs may be plain or .gz. Give the source and
# target training files together for a joint vocabulary (required for tied embeddings).
# Environment (defaults in brackets):
#   VOCAB_SIZE [8000]  MODEL_TYPE [unigram]  LANGS [en de]: character coverage is 1.0 when every
#   language is written in a small alphabet (European languages), 0.9995 otherwise (e.g. zh, ja);
#   CHARACTER_COVERAGE overrides it.  INPUT_SENTENCE_SIZE [2000000]: lines sampled for training.
#   NORMALIZATION [nmt_nfkc]  THREADS [nproc]  SEED [1]
#   BYTE_FALLBACK [true]: characters outside the vocabulary become UTF-8 byte pieces instead of <unk>,
#   so any text survives encode/decode.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
out=$1; shift

if ! command -v spm_train >/dev/null 2>&1; then
  echo "spm-train.sh: spm_train not found. Install SentencePiece's tools:" >&2
  echo "  Debian/Ubuntu: sudo apt-get install sentencepiece   macOS: brew install sentencepiece" >&2
  exit 3
fi
for f in "$@"; do
  [ -r "$f" ] || { echo "spm-train.sh: $f: no such file or not readable" >&2; exit 3; }
done

VOCAB_SIZE=${VOCAB_SIZE:-8000}
MODEL_TYPE=${MODEL_TYPE:-unigram}
LANGS=${LANGS:-en de}
NORMALIZATION=${NORMALIZATION:-nmt_nfkc}
INPUT_SENTENCE_SIZE=${INPUT_SENTENCE_SIZE:-2000000}
THREADS=${THREADS:-$(nproc 2>/dev/null || echo 2)}
SEED=${SEED:-1}
BYTE_FALLBACK=${BYTE_FALLBACK:-true}
if [ -z "${CHARACTER_COVERAGE:-}" ]; then
  CHARACTER_COVERAGE=1.0
  for lang in $LANGS; do
    case $lang in
      zh*|ja*|ko*|th*|yue*|wuu*) CHARACTER_COVERAGE=0.9995 ;;
    esac
  done
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/spm-train.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# spm_train reads plain text only: decompress .gz inputs into one training file.
for f in "$@"; do
  case $f in
    *.gz) gzip -dc "$f" ;;
    *) cat "$f" ;;
  esac
done > "$tmp/input.txt"

spm_train --input="$tmp/input.txt" --model_prefix="$tmp/spm" \
  --vocab_size="$VOCAB_SIZE" --model_type="$MODEL_TYPE" \
  --character_coverage="$CHARACTER_COVERAGE" --normalization_rule_name="$NORMALIZATION" \
  --pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3 \
  --pad_piece='<pad>' --unk_piece='<unk>' --bos_piece='<s>' --eos_piece='</s>' \
  --byte_fallback="$BYTE_FALLBACK" \
  --input_sentence_size="$INPUT_SENTENCE_SIZE" --shuffle_input_sentence=true \
  --num_threads="$THREADS" --random_seed="$SEED" --minloglevel=1

# Publish both files only when training succeeded (atomic rename into place).
mkdir -p "$(dirname "$out")"
mv "$tmp/spm.vocab" "$out.vocab.tmp.$$" && mv "$out.vocab.tmp.$$" "$out.vocab"
mv "$tmp/spm.model" "$out.model.tmp.$$" && mv "$out.model.tmp.$$" "$out.model"
echo "spm-train.sh: wrote $out.model and $out.vocab (vocab $VOCAB_SIZE, $MODEL_TYPE, coverage $CHARACTER_COVERAGE)" >&2
