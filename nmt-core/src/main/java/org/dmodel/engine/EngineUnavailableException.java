package org.dmodel.engine;

/** The PyTorch engine could not be started; the message says which build fixes it. */
public final class EngineUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
