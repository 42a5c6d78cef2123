package org.dmodel.metric.tokenize;

/**
 * The language-dependent part of mteval-v13a's tokenization, shared by the {@code 13a} and {@code zh}
 * tokenizers (sacreBLEU's {@code TokenizerRegexp}) and, with an extra possessive rule, by TER's
 * normalizer. Each step reproduces one of sacreBLEU's regular-expression substitutions as a hand-written
 * scan that matches left to right without overlap, as Python's {@code re.sub} does:
 * <ol>
 *   <li>{@code ([\{-\~\[-\` -\&\(-\+\:-\@\/])} → {@code " \1 "}: ASCII symbols get spaces around them;</li>
 *   <li>{@code ([^0-9])([\.,])} → {@code "\1 \2 "}: period and comma split unless after a digit;</li>
 *   <li>{@code ([\.,])([^0-9])} → {@code " \1 \2"}: period and comma split unless before a digit;</li>
 *   <li>{@code ([0-9])(-)} → {@code "\1 \2 "}: a dash after a digit splits.</li>
 * </ol>
 * The patterns only look at ASCII characters, so scanning UTF-16 units gives the same text as Python's
 * scan over code points.
 */
final class MtevalPunctuation {
    private MtevalPunctuation() {
    }

    /** The whole of sacreBLEU's {@code TokenizerRegexp}: the four steps, then whitespace collapsed. */
    static String tokenize(CharSequence line) {
        return PythonText.collapseSpaces(splitDash(splitBeforeNonDigit(splitAfterNonDigit(spaceSymbols(line)))));
    }

    /** Step 1: spaces around {@code { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /}. */
    static StringBuilder spaceSymbols(CharSequence s) {
        int n = s.length();
        StringBuilder out = new StringBuilder(n + n / 2 + 8);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (isSymbol(c)) {
                out.append(' ').append(c).append(' ');
            } else {
                out.append(c);
            }
        }
        return out;
    }

    /** Step 2: {@code ([^0-9])([\.,])} → {@code "\1 \2 "}. */
    static StringBuilder splitAfterNonDigit(CharSequence s) {
        int n = s.length();
        StringBuilder out = new StringBuilder(n + 8);
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (i + 1 < n && !isDigit(c) && isPeriodOrComma(s.charAt(i + 1))) {
                out.append(c).append(' ').append(s.charAt(i + 1)).append(' ');
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out;
    }

    /** Step 3: {@code ([\.,])([^0-9])} → {@code " \1 \2"}. */
    static StringBuilder splitBeforeNonDigit(CharSequence s) {
        int n = s.length();
        StringBuilder out = new StringBuilder(n + 8);
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (i + 1 < n && isPeriodOrComma(c) && !isDigit(s.charAt(i + 1))) {
                out.append(' ').append(c).append(' ').append(s.charAt(i + 1));
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out;
    }

    /** Step 4: {@code ([0-9])(-)} → {@code "\1 \2 "}. */
    static StringBuilder splitDash(CharSequence s) {
        int n = s.length();
        StringBuilder out = new StringBuilder(n + 8);
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (i + 1 < n && isDigit(c) && s.charAt(i + 1) == '-') {
                out.append(c).append(" - ");
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out;
    }

    private static boolean isSymbol(char c) {
        return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26)
                || (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == '/';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isPeriodOrComma(char c) {
        return c == '.' || c == ',';
    }
}
