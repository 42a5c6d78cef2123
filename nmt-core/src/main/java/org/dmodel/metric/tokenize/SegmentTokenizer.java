package org.dmodel.metric.tokenize;

/**
 * Turns one detokenized segment into space-separated tokens the way one of sacreBLEU's BLEU tokenizers
 * does, so that BLEU counts match sacreBLEU's. Implementations are stateless and thread-safe.
 *
 * <p>Use {@link Tokenizers#forName} to get one by its sacreBLEU name ({@code 13a}, {@code intl},
 * {@code zh}, {@code char}, {@code none}).
 */
public interface SegmentTokenizer {
    /** The tokenized segment; BLEU then splits it on Python whitespace. */
    String tokenize(String segment);

    /** The name written in the {@code tok:} field of the BLEU signature, e.g. {@code 13a}. */
    String signature();
}
