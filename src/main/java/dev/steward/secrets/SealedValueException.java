package dev.steward.secrets;

/**
 * A sealed value that cannot be opened: not a token, made for another workspace or context, changed, or sealed under
 * a data key this server cannot read. Deliberately not a {@code Problem}: it says nothing to a client (the REST API
 * answers it as an internal error with a reference) and its message holds neither plaintext nor key, only the
 * workspace, the context and what failed.
 */
public final class SealedValueException extends RuntimeException {
    SealedValueException(String message) {
        super(message);
    }

    SealedValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
