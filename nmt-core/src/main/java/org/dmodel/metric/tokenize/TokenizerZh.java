package org.dmodel.metric.tokenize;

/**
 * sacreBLEU's {@code zh} tokenizer for Chinese: strips the line, puts spaces around every character it
 * counts as Chinese, then applies {@link MtevalPunctuation} (without 13a's padding or unescaping).
 * Stateless and thread-safe.
 *
 * <p>The ranges are the ones sacreBLEU's code actually tests, not the ones its comments name: it writes
 * the CJK Extension B and Compatibility Supplement bounds as {@code '\u20000'} and {@code '\u2f800'}, which
 * Python reads as two-character strings, so its string comparison accepts U+2001–U+2A6D (including general
 * punctuation such as U+2019 and U+201C) and no supplementary-plane character at all. We reproduce that,
 * since the point is to print sacreBLEU's numbers.
 */
public final class TokenizerZh implements SegmentTokenizer {
    /** Inclusive code point ranges sacreBLEU's {@code _is_chinese_char} accepts, merged and sorted. */
    private static final int[][] RANGES = {
        {0x2001, 0x2A6D}, {0x2E80, 0x2FDF}, {0x2FF0, 0x303F}, {0x3100, 0x312F}, {0x31A0, 0x31EF},
        {0x3200, 0x4DB5}, {0x4E00, 0x9FBB}, {0xF900, 0xFA2D}, {0xFA30, 0xFA6A}, {0xFA70, 0xFAD9},
        {0xFE10, 0xFE1F}, {0xFE30, 0xFE4F}, {0xFF00, 0xFFEF},
    };

    @Override
    public String tokenize(String segment) {
        String line = PythonText.strip(segment);
        StringBuilder out = new StringBuilder(line.length() * 2);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (isChinese(c)) {
                out.append(' ').append(c).append(' ');
            } else {
                out.append(c);
            }
        }
        return MtevalPunctuation.tokenize(out);
    }

    @Override
    public String signature() {
        return "zh";
    }

    /** True for the characters sacreBLEU's {@code zh} tokenizer splits off (all in the BMP, see class doc). */
    static boolean isChinese(char c) {
        if (c < 0x2001) {
            return false;
        }
        for (int[] r : RANGES) {
            if (c < r[0]) {
                return false;
            }
            if (c <= r[1]) {
                return true;
            }
        }
        return false;
    }
}
