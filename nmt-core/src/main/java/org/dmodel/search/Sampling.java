package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sampling: each of a sentence's {@code --beam} rows draws its own output, token by token, from
 * softmax(adjusted log p / T), optionally restricted to the K most likely tokens ({@code --top-k}) and then to
 * the smallest most-likely set whose probability reaches P ({@code --top-p}). The samples are ranked like beam
 * hypotheses, by their adjusted (untempered) log-probabilities with the length penalty; {@code --nbest} of them
 * are returned.
 *
 * <p>Reproducible: every sentence has its own random stream, seeded from {@code --seed} and the sentence's
 * source tokens, so a sentence gets the same samples in any batch, position or thread. The draw itself runs on
 * the device: one uniform number per row goes in, the cumulative distribution is compared with it, and the
 * chosen token comes back. Stateless and thread-safe.
 */
final class Sampling implements SearchStrategy {
    private static final NDIndex LAST_COLUMN = new NDIndex(":, -1:");

    /** Tokens sorted first when looking for a top-p nucleus; a full sort of V costs far more. */
    private static final int NUCLEUS_CANDIDATES = 128;

    @Override
    public List<List<Hypothesis>> search(StepModel model, int[][] sources, SearchOptions options,
            NDManager manager) {
        options.checkConsistent();
        SplittableRandom[] streams = new SplittableRandom[sources.length];
        for (int s = 0; s < sources.length; s++) {
            streams[s] = new SplittableRandom(streamSeed(options.seed(), sources[s]));
        }
        IndependentRows.TokenChooser chooser = (logProbs, batch, step) -> {
            int k = batch.beamSize();
            float[] uniforms = new float[batch.liveSentences() * k];
            for (int s = 0; s < batch.liveSentences(); s++) {
                SplittableRandom stream = streams[batch.original(s)];
                for (int j = 0; j < k; j++) {
                    uniforms[s * k + j] = (float) (1.0 - stream.nextDouble()); // in (0, 1]
                }
            }
            return draw(logProbs, uniforms, options, step);
        };
        return IndependentRows.run(model, sources, options, options.beam(), chooser, manager);
    }

    /**
     * Draws one token per row: the first token whose cumulative (restricted, tempered) probability reaches
     * {@code uniforms[r]} times the row's kept mass; a token of probability 0 is never drawn.
     *
     * @param logProbs (rows, V) adjusted log-probabilities, left unchanged: samples are scored by them
     * @return tokens (rows, 1) int64 and their log-probabilities in {@code logProbs} (rows, 1), owned by
     *     {@code step}
     */
    static NDArray[] draw(NDArray logProbs, float[] uniforms, SearchOptions options, NDManager step) {
        int vocab = (int) logProbs.getShape().get(1);
        NDArray tempered = options.temperature() == 1.0 ? logProbs : logProbs.div(options.temperature()); // (rows, V)
        NDArray probs = tempered.softmax(1); // (rows, V)
        NDArray ids = null;
        double nucleus = options.topP();
        boolean truncated = options.topK() > 0 && options.topK() < vocab;
        if (truncated) {
            NDList top = probs.topK(options.topK(), 1, true, true); // sorted (rows, K) probabilities and ids
            probs = top.get(0);
            ids = top.get(1);
        } else if (nucleus < 1.0) {
            NDList top = nucleusCandidates(probs, nucleus); // sorted (rows, C) probabilities and ids
            probs = top.get(0);
            ids = top.get(1);
        }
        if (nucleus < 1.0) {
            // keep the shortest prefix of the sorted tokens whose mass reaches P of what top-k kept (top-k first,
            // then top-p, as Hugging Face does): the tokens with less than that mass before them
            NDArray before = probs.cumSum(1).subi(probs); // (rows, K)
            NDArray inside = truncated
                    ? before.lt(probs.sum(new int[] {1}, true).mul(nucleus)) // (rows, K)
                    : before.lt(nucleus); // (rows, K)
            probs = probs.mul(inside.toType(DataType.FLOAT32, false)); // (rows, K)
        }
        NDArray cumulative = probs.cumSum(1); // (rows, K)
        NDArray u = step.create(uniforms, new Shape(uniforms.length, 1)); // (rows, 1)
        NDArray target = cumulative.get(LAST_COLUMN).mul(u); // (rows, 1)
        NDArray position = cumulative.lt(target).sum(new int[] {1}, true); // (rows, 1) int64
        NDArray tokens = ids == null ? position : ids.gather(position, 1); // (rows, 1)
        return new NDArray[] {tokens, logProbs.gather(tokens, 1)};
    }

    /**
     * The most likely tokens of each row, sorted, enough of them to hold the nucleus of mass {@code p}: a
     * partial sort of {@link #NUCLEUS_CANDIDATES} when every row's nucleus fits (one scalar read to check), else
     * the full sort. Both give the same nucleus (up to the order of exactly tied probabilities), so the choice,
     * which depends on the whole batch, does not change a row's sample.
     */
    private static NDList nucleusCandidates(NDArray probs, double p) {
        int vocab = (int) probs.getShape().get(1);
        if (vocab > NUCLEUS_CANDIDATES) {
            NDList top = probs.topK(NUCLEUS_CANDIDATES, 1, true, true); // (rows, C)
            if (top.get(0).sum(new int[] {1}).min().getFloat() >= p) {
                return top;
            }
        }
        return probs.topK(vocab, 1, true, true); // (rows, V)
    }

    /** The seed of a sentence's random stream: {@code seed} mixed with every source token (SplitMix64 steps). */
    static long streamSeed(long seed, int[] source) {
        long h = mix(seed);
        for (int token : source) {
            h = mix(h ^ (token & 0xffffffffL));
        }
        return h;
    }

    private static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
