package org.dmodel.metric.tokenize;

import java.util.Locale;

/**
 * Python's string semantics that sacreBLEU's results depend on: which code points {@code str.split()} and
 * {@code str.strip()} treat as whitespace, and {@code str.lower()}. Java's {@link Character#isWhitespace}
 * differs (it excludes U+0085, U+00A0, U+2007 and U+202F), so every metric and tokenizer here goes through
 * this class. Stateless and thread-safe.
 */
public final class PythonText {
    private PythonText() {
    }

    /**
     * True for the code points Python's {@code str.isspace()} accepts (bidirectional class WS, B or S, or
     * category Zs): tab to carriage return, U+001C–U+001F, space, U+0085, U+00A0, U+1680, U+2000–U+200A,
     * U+2028, U+2029, U+202F, U+205F, U+3000.
     */
    public static boolean isSpace(int c) {
        if (c <= 0x20) {
            return c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
        }
        if (c < 0x85) {
            return false;
        }
        return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028
                || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** Python's {@code s.rstrip()}: drops trailing whitespace. */
    public static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return end == s.length() ? s : s.substring(0, end);
    }

    /** Python's {@code s.strip()}: drops leading and trailing whitespace. */
    public static String strip(String s) {
        int end = s.length();
        while (end > 0 && isSpace(s.charAt(end - 1))) {
            end--;
        }
        int start = 0;
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        return s.substring(start, end);
    }

    /** Python's {@code ' '.join(s.split())}: one space between words, none at either end. */
    public static String collapseSpaces(CharSequence s) {
        StringBuilder out = new StringBuilder(s.length());
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && isSpace(s.charAt(i))) {
                i++;
            }
            if (i == n) {
                break;
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            while (i < n && !isSpace(s.charAt(i))) {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    /**
     * Python's {@code s.lower()} (full Unicode lowercasing, locale-independent). Java's tables follow its own
     * Unicode version, so characters added to Unicode after Java 17's (13.0) are left as they are.
     */
    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
