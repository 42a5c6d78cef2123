package org.dmodel.cli;

/**
 * A mistake the user can fix: a bad option, a missing or malformed input file. The message is printed as
 * it is (it should read {@code file:line: what is wrong. What to do.}) and the command exits with status 2.
 */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
