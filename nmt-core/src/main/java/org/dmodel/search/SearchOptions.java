package org.dmodel.search;

import java.util.Objects;
import org.dmodel.text.SpecialIds;

/**
 * How to decode: the strategy and its knobs, with fairseq's flags and defaults except for the output length
 * limit, which is relative to the source as in Marian. A value: immutable and thread-safe; change a field with
 * its {@code with...} method, which returns a validated copy.
 *
 * <p>Fields (flag, default, meaning):
 * <ul>
 *   <li>{@code beam} ({@code --beam}, 5): hypotheses kept per sentence; with {@code sampling}, the number of
 *       independent samples drawn per sentence. Beam 1 without sampling is greedy search.
 *   <li>{@code lenpen} ({@code --lenpen}, 1.0): α in score = Σ log p / len^α, where len counts the EOS.
 *       α &gt; 1 favours longer, α &lt; 1 shorter outputs; 0 ranks by the raw sum.
 *   <li>{@code maxLenA}, {@code maxLenB} ({@code --max-len-a} 3, {@code --max-len-b} 10): a sentence whose
 *       source has n tokens (its EOS included) gets at most ⌊a·n + b⌋ tokens before the EOS, which is forced
 *       at that point (and never more than the model's positions allow). fairseq takes n from the batch's longest
 *       source; per sentence, a sentence decodes the same in any batch. fairseq's default is a flat 200
 *       ({@code --max-len-a 0 --max-len-b 200}); a sentence whose beam loops then runs 200 steps. The default here
 *       is Marian's factor of 3 plus 10 tokens for very short sources: 1.05–1.26× the sentences/s (1.26–1.48× with
 *       a shortlist) at the same BLEU on three Tatoeba sets (BENCHMARKS.md "Output length limit").
 *   <li>{@code minLen} ({@code --min-len}, 1): EOS is forbidden until this many tokens have been produced.
 *   <li>{@code nbest} ({@code --nbest}, 1): hypotheses returned per sentence, best first; at most {@code beam}.
 *   <li>{@code unkPenalty} ({@code --unk-penalty}, 0): subtracted from the unknown piece's log-probability
 *       (negative values favour it).
 *   <li>{@code sampling} ({@code --sampling}, off): draw from the model's distribution instead of searching.
 *   <li>{@code temperature} ({@code --temperature}, 1.0): sampling draws from softmax(log p / T).
 *   <li>{@code topK} ({@code --top-k}, 0 = off): sampling draws among the K most likely tokens only.
 *   <li>{@code topP} ({@code --top-p}, 1.0 = off): sampling draws from the smallest set of most likely tokens
 *       whose probability reaches P (nucleus sampling); applied after {@code topK} when both are set.
 *   <li>{@code seed} ({@code --seed}, 1): sampling seed; each sentence's draws depend only on the seed and
 *       that sentence's source tokens, never on the rest of the batch.
 *   <li>{@code noRepeatNgramSize} ({@code --no-repeat-ngram-size}, 0 = off): no hypothesis contains the same
 *       n-gram of output tokens twice (fairseq's option): a token that would complete an n-gram already in the
 *       hypothesis is forbidden.
 *   <li>{@code repetitionPenalty} ({@code --repetition-penalty}, 1 = off): θ; the log-probability of every token
 *       already in the hypothesis is multiplied by θ (log p ≤ 0, so θ &gt; 1 makes repeats less likely), without
 *       renormalizing, as CTranslate2's penalty on scores (Keskar et al. 2019 divide logits by θ).
 *   <li>{@code specialIds} (from the model's vocabulary, {@link SpecialIds#DEFAULT}): pad, unk, bos, eos.
 *   <li>{@code shortlist} ({@code --shortlist}, none): when set, each sentence may produce only the target pieces
 *       its {@link Shortlist} allows, and a step computes the output layer over the batch's union of them.
 * </ul>
 *
 * <p>Each field is checked on construction; rules that relate two fields ({@code nbest ≤ beam}, sampling
 * knobs only with {@code sampling}) are checked by {@link #checkConsistent()} when a search starts, so that
 * {@code with...} calls may come in any order.
 */
public record SearchOptions(
        int beam,
        double lenpen,
        double maxLenA,
        int maxLenB,
        int minLen,
        int nbest,
        double unkPenalty,
        boolean sampling,
        double temperature,
        int topK,
        double topP,
        long seed,
        int noRepeatNgramSize,
        double repetitionPenalty,
        SpecialIds specialIds,
        Shortlist shortlist) {

    /** Beam 5, lenpen 1, max length 3·n + 10, min length 1, 1-best, no unk penalty (see the class comment). */
    public static final SearchOptions DEFAULTS =
            new SearchOptions(5, 1.0, 3.0, 10, 1, 1, 0.0, false, 1.0, 0, 1.0, 1L, 0, 1.0, SpecialIds.DEFAULT, null);

    /** Checks each field on its own; see {@link #checkConsistent()} for the rules between fields. */
    public SearchOptions {
        require(beam >= 1, "--beam must be at least 1, got " + beam);
        require(Double.isFinite(lenpen), "--lenpen must be a finite number, got " + lenpen);
        require(Double.isFinite(maxLenA) && maxLenA >= 0, "--max-len-a must be a finite number >= 0, got " + maxLenA);
        require(maxLenB >= 0, "--max-len-b must be >= 0, got " + maxLenB);
        require(minLen >= 0, "--min-len must be >= 0, got " + minLen);
        require(nbest >= 1, "--nbest must be at least 1, got " + nbest);
        require(Double.isFinite(unkPenalty), "--unk-penalty must be a finite number, got " + unkPenalty);
        require(Double.isFinite(temperature) && temperature > 0,
                "--temperature must be a finite number > 0, got " + temperature);
        require(topK >= 0, "--top-k must be >= 0 (0 turns it off), got " + topK);
        require(topP > 0 && topP <= 1, "--top-p must be in (0, 1] (1 turns it off), got " + topP);
        require(noRepeatNgramSize >= 0, "--no-repeat-ngram-size must be >= 0 (0 turns it off), got " + noRepeatNgramSize);
        require(Double.isFinite(repetitionPenalty) && repetitionPenalty > 0,
                "--repetition-penalty must be a finite number > 0 (1 turns it off), got " + repetitionPenalty);
        Objects.requireNonNull(specialIds, "specialIds");
    }

    /**
     * Checks the rules that relate fields: {@code nbest ≤ beam}, and temperature, top-k and top-p only
     * together with sampling.
     *
     * @throws IllegalArgumentException naming the options and what to change
     */
    public SearchOptions checkConsistent() {
        require(nbest <= beam, "--nbest " + nbest + " exceeds --beam " + beam
                + ": the n-best list comes from the beam (or the samples). Raise --beam or lower --nbest.");
        if (!sampling) {
            require(temperature == 1.0, "--temperature " + temperature + " only applies with --sampling. "
                    + "Add --sampling or drop --temperature.");
            require(topK == 0, "--top-k " + topK + " only applies with --sampling. Add --sampling or drop --top-k.");
            require(topP == 1.0, "--top-p " + topP + " only applies with --sampling. Add --sampling or drop --top-p.");
        }
        return this;
    }

    /**
     * The most target tokens (EOS excluded) a sentence with {@code sourceLength} source tokens (EOS included)
     * may get: ⌊maxLenA · sourceLength + maxLenB⌋, as fairseq's {@code int(a * src_len + b)}.
     */
    public int maxLength(int sourceLength) {
        double limit = Math.floor(maxLenA * sourceLength + maxLenB);
        return limit >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) limit;
    }

    /** A copy with {@code --beam} changed. */
    public SearchOptions withBeam(int value) {
        return new SearchOptions(value, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                temperature, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --lenpen} changed. */
    public SearchOptions withLenpen(double value) {
        return new SearchOptions(beam, value, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                temperature, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --max-len-a} and {@code --max-len-b} changed. */
    public SearchOptions withMaxLen(double a, int b) {
        return new SearchOptions(beam, lenpen, a, b, minLen, nbest, unkPenalty, sampling,
                temperature, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --min-len} changed. */
    public SearchOptions withMinLen(int value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, value, nbest, unkPenalty, sampling,
                temperature, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --nbest} changed. */
    public SearchOptions withNbest(int value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, value, unkPenalty, sampling,
                temperature, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --unk-penalty} changed. */
    public SearchOptions withUnkPenalty(double value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, value, sampling,
                temperature, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --sampling} switched on or off. */
    public SearchOptions withSampling(boolean value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, value,
                temperature, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --temperature} changed. */
    public SearchOptions withTemperature(double value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                value, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --top-k} changed. */
    public SearchOptions withTopK(int value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                temperature, value, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --top-p} changed. */
    public SearchOptions withTopP(double value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                temperature, topK, value, seed, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --seed} changed. */
    public SearchOptions withSeed(long value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                temperature, topK, topP, value, noRepeatNgramSize, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --no-repeat-ngram-size} changed. */
    public SearchOptions withNoRepeatNgramSize(int value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                temperature, topK, topP, seed, value, repetitionPenalty, specialIds, shortlist);
    }

    /** A copy with {@code --repetition-penalty} changed. */
    public SearchOptions withRepetitionPenalty(double value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                temperature, topK, topP, seed, noRepeatNgramSize, value, specialIds, shortlist);
    }

    /** A copy with the vocabulary's special ids. */
    public SearchOptions withSpecialIds(SpecialIds value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                temperature, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, value, shortlist);
    }

    /** A copy with a lexical shortlist, or none ({@code null}: the whole vocabulary). */
    public SearchOptions withShortlist(Shortlist value) {
        return new SearchOptions(beam, lenpen, maxLenA, maxLenB, minLen, nbest, unkPenalty, sampling,
                temperature, topK, topP, seed, noRepeatNgramSize, repetitionPenalty, specialIds, value);
    }

    /** The columns a batch of {@code sources} decodes over, for a target vocabulary of {@code vocabSize}. */
    VocabularySubset vocabulary(int[][] sources, int vocabSize) {
        return shortlist == null ? VocabularySubset.all(vocabSize) : shortlist.subset(sources);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
