package org.dmodel.metric.tokenize;

/**
 * TER's normalizer as sacreBLEU implements it (after Tercom's {@code Normalizer.java}): optional
 * lowercasing, optional Western (and Asian) normalization, optional punctuation removal, then whitespace
 * collapsed. Immutable and thread-safe.
 *
 * <p>Normalization: join hyphenated line breaks ({@code \n-}) and lines, unescape {@code &quot; &amp; &lt;
 * &gt;}, pad with spaces, space out ASCII symbols, split {@code 's} possessives, then the period, comma and
 * dash rules of {@link MtevalPunctuation}. With Asian support it also puts spaces around CJK ideographs,
 * strokes, radicals, compatibility characters, U+3200–U+3F22 (sacreBLEU's range, wider than the block its
 * comment names), and CJK and full-width punctuation. sacreBLEU's kana rules and its {@code 's$} rule never
 * match after the padding, so they are left out.
 */
public final class TercomTokenizer {
    private final boolean normalized;
    private final boolean noPunct;
    private final boolean asianSupport;
    private final boolean caseSensitive;

    /** A normalizer with sacreBLEU's TER options ({@code --ter-normalized}, {@code --ter-no-punct}, ...). */
    public TercomTokenizer(boolean normalized, boolean noPunct, boolean asianSupport, boolean caseSensitive) {
        this.normalized = normalized;
        this.noPunct = noPunct;
        this.asianSupport = asianSupport;
        this.caseSensitive = caseSensitive;
    }

    /** The normalized segment, words separated by single spaces. */
    public String tokenize(String segment) {
        if (segment.isEmpty()) {
            return "";
        }
        String s = caseSensitive ? segment : PythonText.lower(segment);
        if (normalized) {
            s = normalizeWestern(s);
            if (asianSupport) {
                s = spaceAsian(s);
            }
        }
        if (noPunct) {
            s = removePunctuation(s, asianSupport);
        }
        return PythonText.collapseSpaces(s);
    }

    /** The {@code tok:} field of the TER signature. */
    public String signature() {
        return "tercom";
    }

    private static String normalizeWestern(String sent) {
        String s = sent.replace("\n-", "").replace("\n", " ")
                .replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        StringBuilder spaced = MtevalPunctuation.spaceSymbols(" " + s + " ");
        String possessive = spaced.toString().replace("'s ", " 's ");
        return MtevalPunctuation.splitDash(MtevalPunctuation.splitBeforeNonDigit(
                MtevalPunctuation.splitAfterNonDigit(possessive))).toString();
    }

    /**
     * sacreBLEU applies one substitution per character class, each putting spaces around single
     * characters; one pass over their union gives the same words.
     */
    private static String spaceAsian(String s) {
        StringBuilder out = new StringBuilder(s.length() * 2);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isAsianSplit(c) || isAsianPunct(c) || isFullWidthPunct(c)) {
                out.append(' ').append(c).append(' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String removePunctuation(String s, boolean asian) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean punct = c == '.' || c == ',' || c == '?' || c == ':' || c == ';' || c == '!' || c == '"'
                    || c == '(' || c == ')';
            if (!punct && !(asian && (isAsianPunct(c) || isFullWidthPunct(c)))) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** CJK ideographs (and Extension A), strokes, radicals, compatibility blocks, U+3200–U+3F22. */
    private static boolean isAsianSplit(char c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x31C0 && c <= 0x31EF)
                || (c >= 0x2E80 && c <= 0x2EFF) || (c >= 0x3300 && c <= 0x33FF) || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0x3200 && c <= 0x3F22);
    }

    /** sacreBLEU's {@code ASIAN_PUNCT}. */
    private static boolean isAsianPunct(char c) {
        return c == 0x3001 || c == 0x3002 || (c >= 0x3008 && c <= 0x3011) || (c >= 0x3014 && c <= 0x301F)
                || (c >= 0xFF61 && c <= 0xFF65) || c == 0x30FB;
    }

    /** sacreBLEU's {@code FULL_WIDTH_PUNCT}. */
    private static boolean isFullWidthPunct(char c) {
        return c == 0xFF0E || c == 0xFF0C || c == 0xFF1F || c == 0xFF1A || c == 0xFF1B || c == 0xFF01
                || c == 0xFF02 || c == 0xFF08 || c == 0xFF09;
    }
}
