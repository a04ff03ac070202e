package dev.steward.devstack;

/** A piece of the stack failed to start; the message says which and usually carries the tail of its log. */
public class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
