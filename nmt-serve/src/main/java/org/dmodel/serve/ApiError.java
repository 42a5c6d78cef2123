package org.dmodel.serve;

/**
 * A request the server refuses: the HTTP status, the message for the client and, for a size limit, the limit's
 * name as the command-line flag spells it (e.g. {@code max-texts}), so a client knows what to change.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String limit;

    ApiError(int status, String message) {
        this(status, message, null);
    }

    ApiError(int status, String message, String limit) {
        super(message, null, false, false); // no stack trace: it never reaches a log or a client
        this.status = status;
        this.limit = limit;
    }
}
