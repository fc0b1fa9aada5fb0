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
    /** @return our node id */
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

    /** Closes every connection and frees its ports and threads before it returns. Pending requests fail. */
    @Override
    void close();

    /** Answers one request. */
    @FunctionalInterface
    interface RequestHandler {
        /**
         * @param from the authenticated sender
         * @param request the request bytes
         * @return the response; completing exceptionally sends the requester a remote error
         */
        CompletionStage<byte[]> handle(NodeId from, byte[] request);
    }
}
