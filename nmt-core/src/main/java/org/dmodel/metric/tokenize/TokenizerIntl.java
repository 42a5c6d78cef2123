package org.dmodel.metric.tokenize;

/**
 * sacreBLEU's {@code intl} tokenizer (mteval-v14's international tokenization): splits Unicode punctuation
 * (category P) from a neighbour that is not a number (category N), then puts spaces around every symbol
 * (category S). Three substitutions in order, each a left-to-right scan over code points without overlap:
 * {@code (\P{N})(\p{P})} → {@code "\1 \2 "}, {@code (\p{P})(\P{N})} → {@code " \1 \2"},
 * {@code (\p{S})} → {@code " \1 "}. Categories come from Java's Unicode tables (Unicode 13 on Java 17);
 * sacreBLEU's {@code regex} module may know characters assigned later. Stateless and thread-safe.
 */
public final class TokenizerIntl implements SegmentTokenizer {
    @Override
    public String tokenize(String segment) {
        int[] cps = segment.codePoints().toArray();
        int[] a = splitNonNumberPunct(cps);
        int[] b = splitPunctNonNumber(a);
        StringBuilder out = new StringBuilder(b.length + 16);
        for (int c : b) {
            if (isSymbol(c)) {
                out.append(' ').appendCodePoint(c).append(' ');
            } else {
                out.appendCodePoint(c);
            }
        }
        return PythonText.collapseSpaces(out);
    }

    @Override
    public String signature() {
        return "intl";
    }

    /** {@code (\P{N})(\p{P})} → {@code "\1 \2 "}. */
    private static int[] splitNonNumberPunct(int[] s) {
        IntBuilder out = new IntBuilder(s.length + 16);
        int i = 0;
        while (i < s.length) {
            if (i + 1 < s.length && !isNumber(s[i]) && isPunctuation(s[i + 1])) {
                out.add(s[i]).add(' ').add(s[i + 1]).add(' ');
                i += 2;
            } else {
                out.add(s[i++]);
            }
        }
        return out.toArray();
    }

    /** {@code (\p{P})(\P{N})} → {@code " \1 \2"}. */
    private static int[] splitPunctNonNumber(int[] s) {
        IntBuilder out = new IntBuilder(s.length + 16);
        int i = 0;
        while (i < s.length) {
            if (i + 1 < s.length && isPunctuation(s[i]) && !isNumber(s[i + 1])) {
                out.add(' ').add(s[i]).add(' ').add(s[i + 1]);
                i += 2;
            } else {
                out.add(s[i++]);
            }
        }
        return out.toArray();
    }

    static boolean isPunctuation(int c) {
        switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION:
            case Character.DASH_PUNCTUATION:
            case Character.START_PUNCTUATION:
            case Character.END_PUNCTUATION:
            case Character.INITIAL_QUOTE_PUNCTUATION:
            case Character.FINAL_QUOTE_PUNCTUATION:
            case Character.OTHER_PUNCTUATION:
                return true;
            default:
                return false;
        }
    }

    static boolean isSymbol(int c) {
        switch (Character.getType(c)) {
            case Character.MATH_SYMBOL:
            case Character.CURRENCY_SYMBOL:
            case Character.MODIFIER_SYMBOL:
            case Character.OTHER_SYMBOL:
                return true;
            default:
                return false;
        }
    }

    static boolean isNumber(int c) {
        switch (Character.getType(c)) {
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return true;
            default:
                return false;
        }
    }

    /** A growable int array for code points. */
    private static final class IntBuilder {
        private int[] data;
        private int size;

        IntBuilder(int capacity) {
            data = new int[Math.max(capacity, 8)];
        }

        IntBuilder add(int v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
            return this;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
