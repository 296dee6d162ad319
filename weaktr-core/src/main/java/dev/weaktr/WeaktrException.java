package dev.weaktr;

/**
 * A user mistake: a missing file, a bad flag value, a dataset or checkpoint that does not fit.
 *
 * <p>The message names the file or flag and what was expected. The CLI prints only the message
 * and exits with code 2; any other exception is a bug (exit 1 with a stack trace).
 */
public class WeaktrException extends RuntimeException {
    public WeaktrException(String message) {
        super(message);
    }

    public WeaktrException(String message, Throwable cause) {
        super(message, cause);
    }
}
