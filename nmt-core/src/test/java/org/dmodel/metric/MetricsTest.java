package org.dmodel.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metrics through the library API against sacreBLEU 2.6.0's own outputs (copies of a few shared
 * vectors in test resources; the full set runs through {@code bin/nmt-score} in nmt-translate's ScoreCommandIT).
 * Scores must agree to sacreBLEU's printed 4 decimals, BLEU's verbose part (precisions, BP, lengths) exactly.
 */
class MetricsTest {
    private static final double PRINTED = 0.00005; // half a unit of the 4th decimal sacreBLEU printed

    @Test
    void bleu13aCorpus() throws IOException {
        check("case000", new Bleu(Bleu.Options.defaults()), 0);
    }

    @Test
    void bleuZhThreeReferences() throws IOException {
        check("case003", new Bleu(new Bleu.Options("zh", false, Bleu.Smoothing.EXP, Double.NaN, false, false)), 0);
    }

    @Test
    void chrfPlusPlusTwoReferences() throws IOException {
        check("case012", new Chrf(Chrf.Options.chrfPlusPlus()), 0);
    }

    @Test
    void terCaseSensitiveFourReferences() throws IOException {
        check("case017", new Ter(new Ter.Options(false, false, false, true)), 0);
    }

    @Test
    void terAsianSupport() throws IOException {
        check("case020", new Ter(new Ter.Options(false, false, true, false)), 0);
    }

    @Test
    void threeMetricsTogether() throws IOException {
        check("case021", new Bleu(Bleu.Options.defaults()), 0);
        check("case021", new Chrf(Chrf.Options.defaults()), 1);
        check("case021", new Ter(Ter.Options.defaults()), 2);
    }

    @Test
    void sentenceBleuUsesEffectiveOrder() throws IOException {
        Bleu bleu = new Bleu(new Bleu.Options("13a", false, Bleu.Smoothing.EXP, Double.NaN, true, false));
        List<String> expected = lines("case022", "expected.txt");
        List<String> hyps = lines("case022", "hyp.txt");
        List<List<String>> refs = List.of(lines("case022", "ref0.txt"), lines("case022", "ref1.txt"));
        String sig = bleu.signature(2).format(false);
        for (int i = 0; i < hyps.size(); i++) {
            Score s = bleu.sentenceScore(hyps.get(i), List.of(refs.get(0).get(i), refs.get(1).get(i)));
            assertEquals(expected.get(i).replace("version:2.6.0", "version:" + Signature.VERSION),
                    ScoreFormat.text(s, sig, 4, false, null), "line " + (i + 1));
        }
    }

    @Test
    void perfectHypothesisScoresHundredAndEmptyScoresZero() {
        List<String> refs = List.of("the cat sat on the mat .", "a dog barked");
        assertEquals(100.0, new Bleu(Bleu.Options.defaults()).corpusScore(refs, List.of(refs)).score(), 1e-12);
        assertEquals(100.0, new Chrf(Chrf.Options.chrfPlusPlus()).corpusScore(refs, List.of(refs)).score(), 1e-12);
        assertEquals(0.0, new Ter(Ter.Options.defaults()).corpusScore(refs, List.of(refs)).score(), 0.0);
        BleuScore empty = new Bleu(Bleu.Options.defaults()).corpusScore(List.of("", ""), List.of(refs));
        assertEquals(0.0, empty.score(), 0.0);
        assertEquals(0.0, empty.bp(), 0.0);
    }

    @Test
    void closestReferenceLengthPrefersTheShorterOnTies() {
        // hypothesis 3 tokens, references 2 and 4 tokens: both differ by one, sacreBLEU takes 2
        BleuScore s = new Bleu(Bleu.Options.defaults()).corpusScore(List.of("a b c"), List.of(List.of("a b"), List.of("a b c d")));
        assertEquals(3, s.sysLen());
        assertEquals(2, s.refLen());
        assertArrayEquals(new long[] {3, 2, 1, 0}, s.counts());
        assertArrayEquals(new long[] {3, 2, 1, 0}, s.totals());
    }

    @Test
    void terShiftsMatchSacrebleu() {
        // (edits, reference length) from sacreBLEU's translation_edit_rate
        assertEquals(1, TerAligner.edits(ids("b c a"), ids("a b c")));
        assertEquals(1, TerAligner.edits(ids("the cat sat on the mat"), ids("on the mat the cat sat")));
        assertEquals(3, TerAligner.edits(ids("a b c d e f g"), ids("a x c d y f g z")));
        assertEquals(2, TerAligner.edits(new int[0], ids("a b")));
        assertEquals(2, TerAligner.edits(ids("a b"), new int[0]));
    }

    @Test
    void pythonNumberFormatting() {
        assertEquals("0.12", ScoreFormat.fixed(0.125, 2)); // ties to even on the exact value
        assertEquals("2.67", ScoreFormat.fixed(2.675, 2)); // 2.675 is 2.67499999... in binary
        assertEquals("6.662", ScoreFormat.jsonNumber(6.6620, 4));
        assertEquals("100.0", ScoreFormat.jsonNumber(100.0, 4));
        assertEquals("1e-05", ScoreFormat.pythonRepr(0.00001));
        assertEquals("0.0001", ScoreFormat.pythonRepr(0.0001));
        assertEquals("0.1", ScoreFormat.pythonRepr(0.1));
    }

    private static int[] ids(String words) {
        return Arrays.stream(words.split(" ")).mapToInt(w -> w.charAt(0)).toArray();
    }

    /** Scores the case's files with {@code metric} and compares with the {@code index}-th expected JSON object. */
    private static void check(String c, Metric metric, int index) throws IOException {
        JsonElement parsed = JsonParser.parseString(String.join("\n", lines(c, "expected.json")));
        JsonObject exp = parsed.isJsonArray() ? ((JsonArray) parsed).get(index).getAsJsonObject() : parsed.getAsJsonObject();
        List<List<String>> refs = new ArrayList<>();
        for (int r = 0; resource(c, "ref" + r + ".txt") != null; r++) {
            refs.add(lines(c, "ref" + r + ".txt"));
        }
        Score s = metric.corpusScore(lines(c, "hyp.txt"), refs);
        assertEquals(exp.get("name").getAsString(), s.name());
        assertEquals(exp.get("score").getAsDouble(), s.score(), PRINTED, c);
        if (exp.has("verbose_score")) {
            assertEquals(exp.get("verbose_score").getAsString(), s.verbose(), c);
        }
        assertEquals(exp.get("signature").getAsString().replace("version:2.6.0", "version:" + Signature.VERSION),
                metric.signature(refs.size()).format(false));
    }

    private static InputStream resource(String c, String file) {
        return MetricsTest.class.getResourceAsStream("sacrebleu/" + c + "/" + file);
    }

    /** A resource's lines as sacreBLEU reads a file: split on '\n', trailing whitespace removed. */
    static List<String> lines(String c, String file) throws IOException {
        try (InputStream in = resource(c, file)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            for (String l : text.split("\n", -1)) {
                out.add(org.dmodel.metric.tokenize.PythonText.rstrip(l));
            }
            if (text.endsWith("\n")) {
                out.remove(out.size() - 1);
            }
            return out;
        }
    }
}
