package org.dmodel.train;

/** Training produced non-finite losses or gradients too many updates in a row; the message says what to try. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TrainingDivergedException(String message) {
        super(message);
    }
}
