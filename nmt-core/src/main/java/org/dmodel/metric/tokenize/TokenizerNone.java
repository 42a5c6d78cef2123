package org.dmodel.metric.tokenize;

/**
 * sacreBLEU's {@code none} tokenizer: the segment is used as it is (for already tokenized text; scores are
 * then not comparable with published ones). Stateless and thread-safe.
 */
public final class TokenizerNone implements SegmentTokenizer {
    @Override
    public String tokenize(String segment) {
        return segment;
    }

    @Override
    public String signature() {
        return "none";
    }
}
