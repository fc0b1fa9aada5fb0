package dev.bftkit.api.spi;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Authenticated request/response between committee members, multiplexed by channel (one channel per consensus
 * instance). Pull gossip is built on it: a request says what the asker has, the response carries what it lacks.
 *
 * <p>The transport authenticates every peer before handing anything to a handler, so the {@code from} a handler
 * sees is a proven committee member. It frames and bounds every message, and reports every failure as a
 * {@link dev.bftkit.api.TransportException} on the returned stage, never by blocking the caller.
 */
public interface Transport extends AutoCloseable {
    /** {@return our node id} */
    NodeId self();

    /**
     * Serves requests on a channel, replacing any earlier handler for it.
     *
     * @param channel the channel
     * @param handler answers requests; it may complete its stage on any thread
     */
    void serve(InstanceId channel, RequestHandler handler);

    /**
     * Stops serving a channel; later requests on it get a remote error.
     *
     * @param channel the channel
     */
    void unserve(InstanceId channel);

    /**
     * Sends a request to a peer and completes with its response.
     *
     * @param peer a committee member other than us
     * @param channel the channel
     * @param request the request bytes
     * @param timeout how long to wait for the response
     * @return the response, or a {@link dev.bftkit.api.TransportException}
     */
    CompletionStage<byte[]> request(NodeId peer, InstanceId channel, byte[] request, Duration timeout);

    /**
     * Closes the transport: stops listening, closes every connection, fails every pending request (and every later
     * one) with {@link dev.bftkit.api.TransportException.Kind#CLOSED}, and ends every thread it started. Idempotent:
     * a later call starts nothing new, but waits as below.
     *
     * <p>It may be called from any thread, including from inside the transport's own callbacks: a
     * {@link RequestHandler} the transport is running, or a callback of a request's stage that the transport is
     * completing (an application closes its node there on a fatal error or once it has decided). There it must not
     * deadlock, must not wait for the callback it is called from to return (that thread cannot end before close()
     * returns), and must not interrupt the calling thread (the callback goes on after close() returns).
     *
     * <ul>
     *   <li>Called anywhere else, it returns once the shutdown is complete: the listening port can be bound again,
     *       every thread the transport started has ended and every pending request has failed. Every such call does,
     *       also one that follows a close() from a callback.
     *   <li>Called from inside a callback, it may return before that; the shutdown then finishes by itself, promptly
     *       and with no further call, once the callback has returned. So the callback must not wait for the port or
     *       the threads to be freed.
     * </ul>
     *
     * <p>Either way, once close() has returned the transport begins no handler call and completes no request with a
     * response; only a call or a delivery already under way on another thread at that moment may still finish.
     */
    @Override
    void close();

    /** Answers one request. */
    @FunctionalInterface
    interface RequestHandler {
        /**
         * {@return the response to send back; completing it exceptionally sends the requester a remote error}
         *
         * @param from the authenticated sender
         * @param request the request bytes
         */
        CompletionStage<byte[]> handle(NodeId from, byte[] request);
    }
}
