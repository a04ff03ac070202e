package dev.steward.workers;

import java.util.Set;

/**
 * A capability served over the worker channel besides heartbeats and snapshots (the cleanup queue's delivery). The
 * channel finds every handler through CDI, so that workers need not know them: a handler depends on workers, never the
 * reverse. Once a worker's ready frame is out, each handler is given the worker; the frames of a handler's types go to
 * it, and it answers through {@link ConnectedWorker#send}.
 */
public interface ChannelHandler {
    /** The frame types a ready worker sends to this handler (each type has one handler). */
    Set<String> frameTypes();

    /** A worker is ready: the handler's part of its channel, until the channel closes. */
    Connection connect(ConnectedWorker worker);

    /** A handler's part of one open channel. */
    interface Connection {
        /** A frame of one of the handler's types. A payload that breaks the protocol throws {@link ChannelFrames.Violation}. */
        void receive(ChannelFrames.Frame frame) throws Exception;

        /** The channel closed. */
        void close();
    }
}
