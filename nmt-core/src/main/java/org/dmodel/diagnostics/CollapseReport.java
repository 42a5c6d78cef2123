package org.dmodel.diagnostics;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dmodel.plot.LinePlot;

/**
 * The collapse diagnostics of a model, averaged over sentences (built by {@link CollapseDiagnostics}): per side and
 * layer the rank statistics of the token representations and, per attention module, head redundancy,
 * non-identifiability and attention entropy (papers.md §4). Renders as JSON, a text table and a PNG. Immutable.
 *
 * @param architecture {@code lwc} or {@code encdec}
 * @param sentences sentences measured
 * @param sides {@code joint}, {@code source}, {@code target} (lwc) or {@code source}, {@code target} (encdec)
 */
public record CollapseReport(String architecture, int sentences, List<Side> sides) {
    /**
     * Statistics of the token representations, in table order. Layer 0 (the embeddings) has the first four; the
     * span-escape pair compares the state entering a layer's FFN sublayer with the one leaving it.
     */
    public static final List<String> STATE_METRICS = List.of("affineRank", "effectiveRank", "stableRank",
            "depthResidual", "spanEscapeBeforeFfn", "spanEscapeAfterFfn");
    /** Statistics of each attention module, in table order. */
    public static final List<String> ATTENTION_METRICS = List.of("entropyMean", "entropyMin", "headOutputCosine",
            "attentionMapCosine", "headContributionEffectiveRank", "outputWeightRank", "outputWeightColumns",
            "nonIdentifiable");
    /** Series drawn by {@link #writePlot}, each divided by its largest magnitude over layers. */
    private static final List<String> PLOTTED = List.of("effectiveRank", "stableRank", "depthResidual",
            "spanEscapeAfterFfn", "entropyMean");

    /**
     * One side (token set) of the model.
     *
     * @param name {@code joint}, {@code source} or {@code target}
     * @param stack the layer stack its rows come from ({@code joint}, {@code encoder}, {@code decoder})
     * @param tokens mean tokens per sentence on this side
     * @param layers layer 0 (embeddings) to L
     */
    public record Side(String name, String stack, double tokens, List<Layer> layers) {}

    /**
     * One layer of a side.
     *
     * @param states {@link #STATE_METRICS} by name (layer 0: without the span escapes); NaN when undefined
     * @param attentions attention statistics by module ({@code attention}, or {@code selfAttention} and
     *     {@code crossAttention}); empty for layer 0
     */
    public record Layer(int layer, Map<String, Double> states, Map<String, Attention> attentions) {}

    /**
     * One attention module's statistics.
     *
     * @param metrics {@link #ATTENTION_METRICS} by name; NaN when undefined
     * @param entropyMeanPerHead per head, the mean over sentences of the mean normalized entropy of the side's queries
     * @param entropyMinPerHead per head, the lowest normalized entropy of any query of any sentence
     */
    public record Attention(Map<String, Double> metrics, double[] entropyMeanPerHead, double[] entropyMinPerHead) {}

    /** The report as a JSON object (NaN as null). */
    public JsonObject toJson() {
        JsonObject root = new JsonObject();
        root.addProperty("architecture", architecture);
        root.addProperty("sentences", sentences);
        JsonArray sideArray = new JsonArray();
        for (Side s : sides) {
            JsonObject so = new JsonObject();
            so.addProperty("side", s.name());
            so.addProperty("stack", s.stack());
            so.add("tokens", number(s.tokens()));
            JsonArray layers = new JsonArray();
            for (Layer l : s.layers()) {
                JsonObject lo = new JsonObject();
                lo.addProperty("layer", l.layer());
                l.states().forEach((k, v) -> lo.add(k, number(v)));
                JsonObject attentions = new JsonObject();
                l.attentions().forEach((module, a) -> {
                    JsonObject ao = new JsonObject();
                    a.metrics().forEach((k, v) -> ao.add(k, number(v)));
                    ao.add("entropyMeanPerHead", numbers(a.entropyMeanPerHead()));
                    ao.add("entropyMinPerHead", numbers(a.entropyMinPerHead()));
                    attentions.add(module, ao);
                });
                lo.add("attention", attentions);
                layers.add(lo);
            }
            so.add("layers", layers);
            sideArray.add(so);
        }
        root.add("sides", sideArray);
        return root;
    }

    /** Two text tables: token representations (one row per side × layer) and attention (side × layer × module). */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# %s, %d sentences; ranks of the centered token matrix, τ = max(n, d)·ε(float32)%n",
                architecture, sentences));
        sb.append(String.format(Locale.ROOT, "%-7s %5s %7s", "side", "layer", "tokens"));
        for (String m : STATE_METRICS) {
            sb.append(' ').append(pad(m, m));
        }
        sb.append('\n');
        for (Side s : sides) {
            for (Layer l : s.layers()) {
                sb.append(String.format(Locale.ROOT, "%-7s %5d %7.1f", s.name(), l.layer(), s.tokens()));
                for (String m : STATE_METRICS) {
                    sb.append(' ').append(pad(m, cell(l.states().get(m))));
                }
                sb.append('\n');
            }
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%-7s %5s %-14s", "side", "layer", "module"));
        for (String m : ATTENTION_METRICS) {
            sb.append(' ').append(pad(m, m));
        }
        sb.append('\n');
        for (Side s : sides) {
            for (Layer l : s.layers()) {
                for (Map.Entry<String, Attention> a : l.attentions().entrySet()) {
                    sb.append(String.format(Locale.ROOT, "%-7s %5d %-14s", s.name(), l.layer(), a.getKey()));
                    for (String m : ATTENTION_METRICS) {
                        sb.append(' ').append(pad(m, cell(a.getValue().metrics().get(m))));
                    }
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }

    /**
     * Writes a PNG of effective rank, stable rank, depth residual, span escape after the FFN and mean attention
     * entropy (first module) against the layer, one line per metric and side, each divided by its largest magnitude
     * over the layers so that all share one axis. For {@code lwc} the source and target sides are drawn (the joint
     * side is their union; it is in the JSON and the table), which keeps the plot to ten lines.
     */
    public void writePlot(Path png) throws IOException {
        LinePlot.Builder plot = LinePlot.builder()
                .title(architecture + ": collapse diagnostics over " + sentences + " sentences")
                .labels("layer (0 = embeddings)", "value / max over layers", "");
        for (Side s : sides) {
            if (s.name().equals("joint")) {
                continue;
            }
            for (String metric : PLOTTED) {
                double[] x = new double[s.layers().size()];
                double[] y = new double[x.length];
                double max = 0;
                for (int l = 0; l < x.length; l++) {
                    Layer layer = s.layers().get(l);
                    x[l] = layer.layer();
                    Double v = layer.states().get(metric);
                    if (v == null && !layer.attentions().isEmpty()) {
                        v = layer.attentions().values().iterator().next().metrics().get(metric);
                    }
                    y[l] = v == null ? Double.NaN : v;
                    if (Double.isFinite(y[l])) {
                        max = Math.max(max, Math.abs(y[l]));
                    }
                }
                for (int l = 0; l < y.length; l++) {
                    y[l] = max > 0 ? y[l] / max : y[l];
                }
                plot.add(new LinePlot.Series(s.name() + " " + metric, x, y));
            }
        }
        plot.build().write(png);
    }

    /** {@code text} right-aligned in the width of the column headed {@code header}. */
    private static String pad(String header, String text) {
        return " ".repeat(Math.max(0, Math.max(header.length(), 9) - text.length())) + text;
    }

    private static String cell(Double v) {
        if (v == null || v.isNaN()) {
            return "-";
        }
        return v == Math.rint(v) || Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    private static com.google.gson.JsonElement number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    private static JsonArray numbers(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(number(v));
        }
        return a;
    }
}
