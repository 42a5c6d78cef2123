package org.dmodel.metric;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * Writes scores exactly as sacreBLEU prints them: the text line
 * {@code BLEU|nrefs:1|...|version:... = 40.40 70.8/46.3/... (BP = ...)}, the score alone ({@code -b}), and
 * the JSON object of {@code --format json} (one-space indent, keys in sacreBLEU's order). Numbers are
 * rounded like Python's {@code f"{x:.Nf}"} (the exact binary value, ties to even), and JSON numbers are
 * written like Python's {@code repr(float)}. Stateless and thread-safe.
 */
public final class ScoreFormat {
    private ScoreFormat() {
    }

    /** Python's {@code f"{x:.{digits}f}"}. */
    public static String fixed(double x, int digits) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        return (x < 0 || (x == 0 && 1 / x < 0)) && !s.startsWith("-") ? "-" + s : s;
    }

    /** Python's {@code repr(float(fixed(x, digits)))}, how sacreBLEU's JSON shows a score. */
    public static String jsonNumber(double x, int digits) {
        String f = fixed(x, digits);
        return pythonRepr(f.endsWith("nan") || f.endsWith("inf") ? x : Double.parseDouble(f));
    }

    /**
     * Python's {@code repr(x)} for a float: the shortest decimal that reads back as {@code x}, positional
     * between 1e-4 and 1e16 (always with a decimal point), otherwise {@code d.ddde±XX}; JSON's spellings
     * for NaN and infinities.
     */
    public static String pythonRepr(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "Infinity" : "-Infinity";
        }
        if (x == 0) {
            return 1 / x < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(x);
        BigDecimal v = exact;
        for (int p = 1; p <= 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == x) {
                v = r;
                break;
            }
        }
        v = v.stripTrailingZeros();
        double abs = Math.abs(x);
        if (abs < 1e-4 || abs >= 1e16) {
            String digitsText = v.unscaledValue().abs().toString();
            int exponent = digitsText.length() - 1 - v.scale();
            String mantissa = digitsText.length() == 1 ? digitsText
                    : digitsText.charAt(0) + "." + digitsText.substring(1);
            return (x < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
        }
        String plain = v.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    /**
     * sacreBLEU's text line for one score.
     *
     * @param signature the signature string, already formatted (long or short form)
     * @param confidence bootstrap estimate to print as {@code (μ = m ± c)}, or null
     * @param scoreOnly print the number (and interval) only, as {@code -b}
     */
    public static String text(Score score, String signature, int width, boolean scoreOnly, Confidence confidence) {
        String sc = scoreText(score, width, confidence);
        if (scoreOnly) {
            return sc;
        }
        StringBuilder sb = new StringBuilder(score.name());
        if (!signature.isEmpty()) {
            sb.append('|').append(signature);
        }
        sb.append(" = ").append(sc);
        if (!score.verbose().isEmpty()) {
            sb.append(' ').append(score.verbose());
        }
        return sb.toString();
    }

    /** sacreBLEU's {@code --format json} object for one score (without a trailing newline). */
    public static String json(Score score, Signature signature, int width, Confidence confidence) {
        StringBuilder sb = new StringBuilder("{\n");
        field(sb, "name", quote(score.name()));
        field(sb, "score", jsonNumber(score.score(), width));
        field(sb, "signature", quote(signature.format(false)));
        if (showsConfidence(confidence)) {
            field(sb, "confidence_mean", jsonNumber(confidence.mean(), width));
            field(sb, "confidence_var", jsonNumber(confidence.halfWidth(), width));
            field(sb, "confidence", quote(confidenceText(confidence, width)));
        }
        if (!score.verbose().isEmpty()) {
            field(sb, "verbose_score", quote(score.verbose()));
        }
        for (Map.Entry<String, String> e : signature.asMap().entrySet()) {
            field(sb, e.getKey(), quote(e.getValue()));
        }
        sb.setLength(sb.length() - 2);
        return sb.append("\n}").toString();
    }

    private static String scoreText(Score score, int width, Confidence confidence) {
        String sc = fixed(score.score(), width);
        return showsConfidence(confidence) ? sc + " (" + confidenceText(confidence, width) + ")" : sc;
    }

    /** sacreBLEU prints an interval only when its mean is positive. */
    private static boolean showsConfidence(Confidence c) {
        return c != null && c.mean() > 0;
    }

    private static String confidenceText(Confidence c, int width) {
        return "μ = " + fixed(c.mean(), width) + " ± " + fixed(c.halfWidth(), width);
    }

    private static void field(StringBuilder sb, String key, String value) {
        sb.append(' ').append(quote(key)).append(": ").append(value).append(",\n");
    }

    /** A JSON string literal as Python's {@code json.dumps(..., ensure_ascii=False)} writes it. */
    public static String quote(String s) {
        return quote(s, false);
    }

    /** A JSON string literal; {@code asciiOnly} escapes non-ASCII characters too, as json.dumps does by default. */
    public static String quote(String s, boolean asciiOnly) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || (asciiOnly && c > 0x7F)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
