package org.dmodel.metric.tokenize;

/**
 * sacreBLEU's {@code char} tokenizer: every code point becomes a token (spaces between all of them;
 * whitespace characters vanish when BLEU splits the result). Stateless and thread-safe.
 */
public final class TokenizerChar implements SegmentTokenizer {
    @Override
    public String tokenize(String segment) {
        StringBuilder out = new StringBuilder(segment.length() * 2);
        segment.codePoints().forEach(c -> {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.appendCodePoint(c);
        });
        return out.toString();
    }

    @Override
    public String signature() {
        return "char";
    }
}
