package dev.bftkit.api.spi;

import dev.bftkit.api.NodeId;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What a {@link Transport} needs: who we are (and the key to prove it), where to listen, where the peers are, the
 * crypto to check their proofs, and the limits.
 *
 * @param self our node id
 * @param key our signing key; the transport signs handshake challenges with it
 * @param crypto the suite that verifies peers' handshake signatures; it must be {@link Crypto#secure() secure}
 * @param bind the address to listen on
 * @param peers every other committee member's address; a connection from anyone else is refused
 * @param limits bounds on frames, pending requests and timeouts
 */
public record TransportConfig(NodeId self, SigningKey key, Crypto crypto, InetSocketAddress bind,
                              Map<NodeId, InetSocketAddress> peers, TransportLimits limits) {

    /**
     * Copies the peer map, checks that the key matches {@code self}, and refuses an insecure crypto suite (a test
     * double) through {@code Plugins.requireSecure(Crypto)}: a transport puts real nodes on a network.
     *
     * @param self our node id; it must be {@code key}'s
     * @param key our signing key; not null
     * @param crypto the suite that verifies peers' handshake signatures; not null, and {@link Crypto#secure()
     *     secure}
     * @param bind the local address to listen on
     * @param peers every other committee member's node id and address; not {@code self}, no null keys or values
     * @param limits bounds on frames, pending requests and timeouts; {@link TransportLimits#DEFAULT} suits most
     *     committees
     * @throws dev.bftkit.api.ConfigurationException if {@code crypto} is not secure
     * @throws NullPointerException if {@code key}, {@code crypto} or {@code peers} is null, or {@code peers} holds
     *     a null
     * @throws IllegalArgumentException if {@code key} is not {@code self}'s or {@code peers} contains {@code self}
     */
    public TransportConfig {
        SecureCheck.require(crypto);
        peers = Map.copyOf(peers);
        if (!key.publicKey().nodeId().equals(self)) {
            throw new IllegalArgumentException("the signing key does not belong to " + self);
        }
        if (peers.containsKey(self)) {
            throw new IllegalArgumentException("peers must not include self");
        }
    }
}
