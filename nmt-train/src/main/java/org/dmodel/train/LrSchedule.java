package org.dmodel.train;

import java.util.Locale;

/**
 * Learning rate as a function of the update number (1-based), with linear warm-up from 0.
 *
 * <ul>
 *   <li>{@code inverse_sqrt} (fairseq): {@code lr · min(step/warmup, sqrt(warmup/step))}.
 *   <li>{@code cosine}: warm-up, then {@code lr · ½(1 + cos(π·progress))} down to 0 at {@code maxSteps}.
 *   <li>{@code fixed}: warm-up, then {@code lr}.
 * </ul>
 * Immutable.
 */
public record LrSchedule(Kind kind, double peak, int warmupSteps, long maxSteps) {
    /** The schedule shapes. */
    public enum Kind {
        INVERSE_SQRT, COSINE, FIXED;

        /** Parses a {@code --lr-scheduler} value. */
        public static Kind parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "inverse_sqrt" -> INVERSE_SQRT;
                case "cosine" -> COSINE;
                case "fixed" -> FIXED;
                default -> throw new IllegalArgumentException(
                        "--lr-scheduler " + s + ": expected inverse_sqrt, cosine or fixed");
            };
        }

        /** The option spelling. */
        public String optionName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LrSchedule {
        if (!(peak > 0) || warmupSteps < 0) {
            throw new IllegalArgumentException("learning rate must be > 0 and warm-up >= 0");
        }
        if (kind == Kind.COSINE && maxSteps <= 0) {
            throw new IllegalArgumentException("--lr-scheduler cosine needs --max-steps");
        }
    }

    /** The learning rate for update {@code step} (1-based). */
    public double at(long step) {
        long s = Math.max(1, step);
        if (s <= warmupSteps) {
            return peak * s / warmupSteps;
        }
        return switch (kind) {
            case INVERSE_SQRT -> peak * Math.sqrt((double) Math.max(1, warmupSteps) / s);
            case FIXED -> peak;
            case COSINE -> {
                double progress = Math.min(1.0, (double) (s - warmupSteps) / Math.max(1, maxSteps - warmupSteps));
                yield peak * 0.5 * (1 + Math.cos(Math.PI * progress));
            }
        };
    }
}
