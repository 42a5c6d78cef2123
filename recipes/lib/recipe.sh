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

# Translates TEST_SRC with MODEL; sets HYP.
translate_step() {
  HYP=$WORK/test.$(basename "$MODEL").beam$BEAM.lenpen$LENPEN.$TGT
  if have_all "$HYP"; then
    log "translating: done already ($HYP)"
    return 0
  fi
  log "translating $TEST_SRC with $MODEL"
  new_temp "$HYP"
  "$BIN_DIR/nmt-translate" -m "$MODEL" -i "$TEST_SRC" -o "$TMP" --beam "$BEAM" --lenpen "$LENPEN" \
    --max-tokens "$TRANSLATE_MAX_TOKENS" --device "$DEVICE" || die "nmt-translate failed (exit $?)."
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

run_train_eval() {
  train_step
  average_step
  translate_step
  score_step
}
