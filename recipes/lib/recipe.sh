# shellcheck shell=bash
# The steps every translation recipe shares after data preparation: train, average the last checkpoints,
# translate the test set, score it. Sourced by recipes/*/run.sh after recipes/lib/common.sh; each step is
# skipped when its output exists, so rerunning a recipe resumes it.
#
# The caller sets, before calling run_train_eval:
#   ROOT, WORK                    repository root; the run's output folder
#   BIN_DIR                       where nmt-train, nmt-translate, nmt-score are (ROOT/bin)
#   SRC, TGT, SPM                 languages; SentencePiece model
#   TRAIN_TEXT, VALID_TEXT        training/validation text: PREFIX.SRC and PREFIX.TGT (plain or .gz)
#   TEST_SRC, TEST_REF            test source and reference files
#   PRESET ARCH ATTENTION DEVICE MAX_STEPS MAX_EPOCHS MAX_TOKENS UPDATE_FREQ LR WARMUP_STEPS ADAM_BETAS
#   CLIP_NORM LABEL_SMOOTHING DROPOUT WEIGHT_DECAY SEED VALIDATE_EVERY SAVE_EVERY KEEP_LAST PATIENCE
#   EXTRA_TRAIN_ARGS             bin/nmt-train options (MAX_EPOCHS, PATIENCE, EXTRA_TRAIN_ARGS may be empty)
#   AVERAGE_LAST                  average this many last step checkpoints (1: use checkpoint_best)
#   BEAM LENPEN TRANSLATE_MAX_TOKENS SCORE_ARGS   decoding and scoring (SCORE_ARGS may be empty, e.g. -lc)
#   SHORTLIST                     optional FIRST/BEST (e.g. 100/10): translate with a lexical shortlist that
#                                 bin/nmt-lexicon estimates from the binarized training data (README "Faster decoding")
# and gets the score lines (sacreBLEU text format) on stdout, last.

# Trains into WORK/checkpoints; WORK/train.done marks a finished run. A rerun after an interruption calls
# nmt-train again with the same --save-dir.
train_step() {
  local save=$WORK/checkpoints args
  args=(--train "$TRAIN_TEXT" --valid "$VALID_TEXT" --src-lang "$SRC" --tgt-lang "$TGT" --spm "$SPM"
        --save-dir "$save" --preset "$PRESET" --arch "$ARCH" --attention "$ATTENTION"
        --max-tokens "$MAX_TOKENS" --update-freq "$UPDATE_FREQ" --max-steps "$MAX_STEPS"
        --lr "$LR" --warmup-steps "$WARMUP_STEPS" --lr-scheduler inverse_sqrt --adam-betas "$ADAM_BETAS"
        --clip-norm "$CLIP_NORM" --label-smoothing "$LABEL_SMOOTHING" --dropout "$DROPOUT"
        --weight-decay "$WEIGHT_DECAY" --seed "$SEED" --device "$DEVICE"
        --validate-every "$VALIDATE_EVERY" --save-every "$SAVE_EVERY" --keep-last "$KEEP_LAST"
        --valid-beam "$BEAM")
  if [ -n "$MAX_EPOCHS" ]; then args+=(--max-epochs "$MAX_EPOCHS"); fi
  if [ -n "$PATIENCE" ]; then args+=(--patience "$PATIENCE"); fi
  if [ -n "$EXTRA_TRAIN_ARGS" ]; then
    local extra
    read -r -a extra <<< "$EXTRA_TRAIN_ARGS"
    args+=("${extra[@]}")
  fi
  check_settings "$WORK/train.settings" "nmt-train ${args[*]}"
  if have_all "$WORK/train.done"; then
    log "training: done already ($save)"
    return 0
  fi
  log "training: nmt-train ${args[*]}"
  "$BIN_DIR/nmt-train" "${args[@]}" || die "nmt-train failed (exit $?); its log is above. Rerun to continue from $save."
  produce_to "$WORK/train.done" date -u '+%Y-%m-%dT%H:%M:%SZ'
}

# Sets MODEL to the model to translate with: the average of the last AVERAGE_LAST step checkpoints
# (WORK/model-avgN), or checkpoint_best when AVERAGE_LAST is 1.
average_step() {
  local save=$WORK/checkpoints steps=() inputs=() s
  if [ "$AVERAGE_LAST" -le 1 ]; then
    MODEL=$save/checkpoint_best
    [ -d "$MODEL" ] || die "$MODEL is missing: training wrote no best checkpoint. Check the training log."
    return 0
  fi
  MODEL=$WORK/model-avg$AVERAGE_LAST
  if have_all "$MODEL"; then
    log "averaging: done already ($MODEL)"
    return 0
  fi
  while IFS= read -r s; do steps+=("$s"); done < <(
    for d in "$save"/checkpoint_[0-9]*; do
      if [ -d "$d" ]; then echo "${d##*/checkpoint_}"; fi
    done | sort -n | tail -n "$AVERAGE_LAST")
  [ "${#steps[@]}" -gt 0 ] || die "no checkpoint_<step> folders in $save to average. Check SAVE_EVERY and the training log."
  if [ "${#steps[@]}" -lt "$AVERAGE_LAST" ]; then
    log "averaging: only ${#steps[@]} step checkpoints in $save (AVERAGE_LAST=$AVERAGE_LAST); averaging those"
  fi
  for s in "${steps[@]}"; do inputs+=("$save/checkpoint_$s"); done
  log "averaging: steps ${steps[*]}"
  new_temp_name "$MODEL"
  "$BIN_DIR/nmt-train" average --inputs "${inputs[@]}" --output "$TMP" || die "checkpoint averaging failed (exit $?)."
  publish "$TMP" "$MODEL"
}

# With SHORTLIST=FIRST/BEST, estimates WORK/lex.tsv.gz from the training data nmt-train binarized (nmt-lexicon
# writes it atomically); sets SHORTLIST_ARGS, the nmt-translate options (none without SHORTLIST).
lexicon_step() {
  SHORTLIST_ARGS=()
  [ -n "${SHORTLIST:-}" ] || return 0
  [[ $SHORTLIST =~ ^[0-9]+/[0-9]+$ ]] || die "SHORTLIST=$SHORTLIST: give FIRST/BEST, e.g. SHORTLIST=100/10."
  local lex=$WORK/lex.tsv.gz
  if have_all "$lex"; then
    log "lexicon: done already ($lex)"
  else
    log "lexicon: nmt-lexicon over $WORK/checkpoints/data-bin/train"
    "$BIN_DIR/nmt-lexicon" --data-bin "$WORK/checkpoints/data-bin/train" --spm "$SPM" --out "$lex" >&2 \
      || die "nmt-lexicon failed (exit $?)."
  fi
  SHORTLIST_ARGS=(--shortlist "$lex" --shortlist-first "${SHORTLIST%/*}" --shortlist-best "${SHORTLIST#*/}")
}

# Translates TEST_SRC with MODEL (and the shortlist of lexicon_step); sets HYP.
translate_step() {
  HYP=$WORK/test.$(basename "$MODEL").beam$BEAM.lenpen$LENPEN${SHORTLIST:+.shortlist${SHORTLIST/\//-}}.$TGT
  if have_all "$HYP"; then
    log "translating: done already ($HYP)"
    return 0
  fi
  log "translating $TEST_SRC with $MODEL"
  new_temp "$HYP"
  "$BIN_DIR/nmt-translate" -m "$MODEL" -i "$TEST_SRC" -o "$TMP" --beam "$BEAM" --lenpen "$LENPEN" \
    --max-tokens "$TRANSLATE_MAX_TOKENS" --device "$DEVICE" ${SHORTLIST_ARGS[@]+"${SHORTLIST_ARGS[@]}"} \
    || die "nmt-translate failed (exit $?)."
  local n_hyp n_src
  n_hyp=$(count_lines "$TMP")
  n_src=$(count_lines "$TEST_SRC")
  [ "$n_hyp" = "$n_src" ] || die "nmt-translate wrote $n_hyp lines for $n_src source lines."
  publish "$TMP" "$HYP"
}

# Scores HYP against TEST_REF (BLEU and chrF, sacreBLEU text format) into HYP.score.
score_step() {
  local score=$HYP.score args=()
  if [ -n "$SCORE_ARGS" ]; then read -r -a args <<< "$SCORE_ARGS"; fi
  if ! have_all "$score"; then
    new_temp "$score"
    "$BIN_DIR/nmt-score" "$TEST_REF" -i "$HYP" -m bleu chrf "${args[@]}" > "$TMP" || die "nmt-score failed (exit $?)."
    publish "$TMP" "$score"
  fi
  log "scores of $HYP against $TEST_REF:"
  cat "$score"
}

# FILE, or FILE.gz when only that exists (nmt-train reads PREFIX.LANG either way).
text_file() { if [ -e "$1" ]; then echo "$1"; else echo "$1.gz"; fi; }

# Tagged back-translation (Sennrich et al. 2016; the tag as in Caswell et al. 2019): trains the reverse model
# (TGT->SRC, same data and settings) in WORK/reverse, translates the monolingual target-side text BT_MONO with
# it through bin/nmt-spark-translate (Spark master BT_MASTER), and sets TRAIN_TEXT to WORK/bt/train: the
# original pairs plus each synthetic pair, its source prefixed with BT_TAG so the model can tell them apart.
# Pairs whose back-translation is empty are dropped.
back_translate_step() {
  local work=$WORK rev=$WORK/reverse bt=$WORK/bt rev_model src=$SRC tgt=$TGT
  # the reverse direction with the same steps, then this run's variables back
  WORK=$rev SRC=$tgt TGT=$src
  train_step
  average_step
  rev_model=$MODEL
  WORK=$work SRC=$src TGT=$tgt
  if have_all "$bt/mono.$src"; then
    log "back-translation: done already ($bt/mono.$src)"
  else
    log "back-translating $BT_MONO with $rev_model (Spark master $BT_MASTER)"
    new_temp_name "$bt/mono.$src"
    "$BIN_DIR/nmt-spark-translate" -m "$rev_model" -i "$BT_MONO" -o "$TMP" --master "$BT_MASTER" \
      --beam "$BEAM" --lenpen "$LENPEN" --max-tokens "$TRANSLATE_MAX_TOKENS" --device "$DEVICE" \
      || die "nmt-spark-translate failed (exit $?)."
    local n_bt n_mono
    n_bt=$(cat "$TMP"/part-* | wc -l | tr -d ' ')
    n_mono=$(count_lines "$BT_MONO")
    [ "$n_bt" = "$n_mono" ] || die "nmt-spark-translate wrote $n_bt lines for $n_mono monolingual lines."
    publish "$TMP" "$bt/mono.$src"
  fi
  if ! have_all "$bt/train.$src.gz" "$bt/train.$tgt.gz"; then
    log "adding $(count_lines "$BT_MONO") back-translated pairs, tagged $BT_TAG, to the training data"
    # one pass writes both sides, so they stay line-aligned; published together after both are complete
    new_temp "$bt/train.$src.gz"
    local tmp_src=$TMP
    new_temp "$bt/train.$tgt.gz"
    local tmp_tgt=$TMP
    read_text "$(text_file "$TRAIN_TEXT.$src")" | gzip -c > "$tmp_src"
    read_text "$(text_file "$TRAIN_TEXT.$tgt")" | gzip -c > "$tmp_tgt"
    paste -d '\t' <(cat "$bt/mono.$src"/part-*) <(read_text "$BT_MONO") \
      | awk -F '\t' -v tag="$BT_TAG" -v src="$tmp_src.add" -v tgt="$tmp_tgt.add" \
          '$1 != "" { print tag " " $1 > src; print $2 > tgt }'
    TEMPS+=("$tmp_src.add" "$tmp_tgt.add")
    gzip -c "$tmp_src.add" >> "$tmp_src"
    gzip -c "$tmp_tgt.add" >> "$tmp_tgt"
    publish "$tmp_tgt" "$bt/train.$tgt.gz"
    publish "$tmp_src" "$bt/train.$src.gz"
  fi
  TRAIN_TEXT=$bt/train
}

run_train_eval() {
  train_step
  average_step
  lexicon_step
  translate_step
  score_step
}
