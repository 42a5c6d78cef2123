package org.dmodel.metric;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A metric's reproducibility signature in sacreBLEU's form, e.g.
 * {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:dmodel-0.1.0}: the number of references,
 * the bootstrap fields when resampling was done, the metric's own fields, and the version last. The version
 * names dmodel ({@link #VERSION}), so a reader can tell our numbers from sacreBLEU's. Immutable.
 */
public final class Signature {
    /** The {@code version:} field of every signature: dmodel's version, defined here only. */
    public static final String VERSION = "dmodel-0.1.0";

    /** The seed of bootstrap resampling, as in sacreBLEU (its {@code SACREBLEU_SEED} default). */
    public static final long BOOTSTRAP_SEED = 12345L;

    private record Field(String name, String abbreviation, String value) {
    }

    private final List<Field> head;
    private final List<Field> metricFields;

    private Signature(List<Field> head, List<Field> metricFields) {
        this.head = List.copyOf(head);
        this.metricFields = List.copyOf(metricFields);
    }

    /** A signature with {@code nrefs} and no metric fields yet; add them with {@link #with}. */
    public static Signature of(int numRefs) {
        return new Signature(List.of(new Field("nrefs", "#", Integer.toString(numRefs))), List.of());
    }

    /** This signature plus one metric field, written {@code name:value} or, short, {@code abbreviation:value}. */
    public Signature with(String name, String abbreviation, String value) {
        List<Field> fields = new ArrayList<>(metricFields);
        fields.add(new Field(name, abbreviation, value));
        return new Signature(head, fields);
    }

    /** This signature with sacreBLEU's {@code bs:N|seed:S} fields after {@code nrefs}. */
    public Signature withBootstrap(int resamples, long seed) {
        return withTest("bs", resamples, seed);
    }

    /** This signature with sacreBLEU's {@code ar:N|seed:S} fields (approximate randomization) after {@code nrefs}. */
    public Signature withRandomization(int trials, long seed) {
        return withTest("ar", trials, seed);
    }

    private Signature withTest(String name, int samples, long seed) {
        List<Field> h = new ArrayList<>(head.subList(0, 1));
        h.add(new Field(name, name, Integer.toString(samples)));
        h.add(new Field("seed", "rs", Long.toString(seed)));
        return new Signature(h, metricFields);
    }

    /** The signature string; {@code shortForm} uses sacreBLEU's abbreviations ({@code #:1|c:mixed|...|v:...}). */
    public String format(boolean shortForm) {
        StringBuilder sb = new StringBuilder();
        for (Field f : fields()) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(shortForm ? f.abbreviation() : f.name()).append(':').append(f.value());
        }
        return sb.toString();
    }

    /** The fields in signature order, long names, version last (the keys sacreBLEU's JSON repeats). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Field f : fields()) {
            m.put(f.name(), f.value());
        }
        return m;
    }

    private List<Field> fields() {
        List<Field> all = new ArrayList<>(head);
        all.addAll(metricFields);
        all.add(new Field("version", "v", VERSION));
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Signature s && format(false).equals(s.format(false));
    }

    @Override
    public int hashCode() {
        return format(false).hashCode();
    }

    @Override
    public String toString() {
        return format(false);
    }
}
