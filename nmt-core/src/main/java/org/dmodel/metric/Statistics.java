package org.dmodel.metric;

/**
 * Per-segment sufficient statistics of one metric over a corpus: a (segments × width) table whose column
 * sums determine the corpus score ({@link Metric#score(double[])}). Bootstrap resampling sums resampled
 * rows. Immutable after construction; thread-safe to read.
 */
public final class Statistics {
    private final double[] values;
    private final int segments;
    private final int width;

    /** Wraps a row-major table; {@code values.length} must be {@code segments * width}. */
    Statistics(double[] values, int segments, int width) {
        if (values.length != segments * width) {
            throw new IllegalArgumentException(values.length + " values for " + segments + " × " + width);
        }
        this.values = values;
        this.segments = segments;
        this.width = width;
    }

    /** Number of segments (rows). */
    public int segments() {
        return segments;
    }

    /** Statistics per segment (columns). */
    public int width() {
        return width;
    }

    /** One statistic of one segment. */
    public double get(int segment, int column) {
        return values[segment * width + column];
    }

    /** Column sums over all segments. */
    public double[] sum() {
        double[] total = new double[width];
        for (int i = 0; i < segments; i++) {
            for (int j = 0; j < width; j++) {
                total[j] += values[i * width + j];
            }
        }
        return total;
    }

    /** One segment's row (a copy). */
    public double[] row(int segment) {
        double[] r = new double[width];
        System.arraycopy(values, segment * width, r, 0, width);
        return r;
    }
}
