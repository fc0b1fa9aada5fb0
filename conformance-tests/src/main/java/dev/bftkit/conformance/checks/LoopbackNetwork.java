package dev.bftkit.conformance.checks;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.runtime.LocalCluster;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A committee of {@code n} members on 127.0.0.1, for tests on real sockets: deterministic keys from a seed (those of
 * a {@link LocalCluster} of that seed), a free loopback port per member, each member's {@link TransportConfig}, and
 * the transports opened from them, all closed with the network. {@code TransportVerification} and whole-cluster
 * verifications share it.
 *
 * <p>Ports are found by binding port 0 and releasing it, so another process may take one before the transport binds
 * it; {@link #openAll} therefore retries with fresh ports when an open fails.
 */
public final class LoopbackNetwork implements AutoCloseable {
    private static final int OPEN_ATTEMPTS = 3;

    private final Crypto crypto;
    private final List<SigningKey> keys;
    private final List<InetSocketAddress> addresses;
    private final List<Transport> opened = new ArrayList<>();

    private LoopbackNetwork(Crypto crypto, List<SigningKey> keys) {
        this.crypto = crypto;
        this.keys = List.copyOf(keys);
        this.addresses = new ArrayList<>(Collections.nCopies(keys.size(), null));
        allocatePorts();
    }

    /**
     * Creates a network of {@code size} members whose keys derive from {@code seed}.
     *
     * @param crypto the suite that makes the members' keys and checks handshakes
     * @param size the number of members, at least 1
     * @param seed derives the members' keys
     * @return the network, with a free port chosen for each member and nothing opened yet
     * @throws IllegalArgumentException if {@code size} is less than 1
     */
    public static LoopbackNetwork create(Crypto crypto, int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("a network needs at least one member");
        }
        return new LoopbackNetwork(crypto, LocalCluster.keys(crypto, size, seed));
    }

    /**
     * A key drawn from a seed, for example for a node outside every network.
     *
     * @param crypto the suite
     * @param seed the seed
     * @return the key
     */
    public static SigningKey key(Crypto crypto, long seed) {
        return LocalCluster.keys(crypto, 1, seed).get(0);
    }

    /**
     * {@return an address on 127.0.0.1 whose port was free a moment ago}
     *
     * @throws UncheckedIOException if no port can be bound
     */
    public static InetSocketAddress freeLoopbackAddress() {
        return LocalCluster.freeLoopbackAddress();
    }

    private synchronized void allocatePorts() {
        for (int i = 0; i < keys.size(); i++) {
            addresses.set(i, freeLoopbackAddress());
        }
    }

    /** {@return the crypto suite} */
    public Crypto crypto() {
        return crypto;
    }

    /** {@return the number of members} */
    public int size() {
        return keys.size();
    }

    /**
     * {@return member {@code i}'s node id}
     *
     * @param i a member index
     */
    public NodeId id(int i) {
        return keys.get(i).publicKey().nodeId();
    }

    /** {@return every member's id, by index} */
    public List<NodeId> ids() {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            out.add(id(i));
        }
        return out;
    }

    /**
     * {@return member {@code i}'s signing key}
     *
     * @param i a member index
     */
    public SigningKey key(int i) {
        return keys.get(i);
    }

    /**
     * {@return member {@code i}'s listening address on 127.0.0.1}
     *
     * @param i a member index
     */
    public synchronized InetSocketAddress address(int i) {
        return addresses.get(i);
    }

    /**
     * {@return every member but {@code i}, by node id, with its listening address}
     *
     * @param i a member index
     */
    public synchronized Map<NodeId, InetSocketAddress> peersOf(int i) {
        Map<NodeId, InetSocketAddress> peers = new LinkedHashMap<>();
        for (int j = 0; j < size(); j++) {
            if (j != i) {
                peers.put(id(j), addresses.get(j));
            }
        }
        return peers;
    }

    /**
     * {@return member {@code i}'s transport configuration: its key, its address, all other members as peers}
     *
     * @param i a member index
     * @param limits the limits
     */
    public TransportConfig config(int i, TransportLimits limits) {
        return new TransportConfig(id(i), key(i), crypto, address(i), peersOf(i), limits);
    }

    /**
     * Opens member {@code i}'s transport; the network closes it on {@link #close()} unless it is closed before.
     *
     * @param provider the transport plugin
     * @param i a member index
     * @param limits the limits
     * @return the open transport
     */
    public Transport open(TransportProvider provider, int i, TransportLimits limits) {
        return track(provider.open(config(i, limits)));
    }

    /**
     * Opens a transport from any configuration (a node outside the network, a forged identity) and closes it with
     * the network.
     *
     * @param provider the transport plugin
     * @param config the configuration
     * @return the open transport
     */
    public Transport open(TransportProvider provider, TransportConfig config) {
        return track(provider.open(config));
    }

    private synchronized Transport track(Transport t) {
        opened.add(t);
        return t;
    }

    /**
     * Opens every member's transport. If one cannot open (another process took its port), closes those opened,
     * picks fresh ports and tries again, up to three times.
     *
     * @param provider the transport plugin
     * @param limits the limits
     * @return the transports, by member index
     * @throws TransportException the last failure if every attempt failed
     */
    public List<Transport> openAll(TransportProvider provider, TransportLimits limits) {
        TransportException last = null;
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            List<Transport> out = new ArrayList<>();
            try {
                for (int i = 0; i < size(); i++) {
                    out.add(open(provider, i, limits));
                }
                return out;
            } catch (TransportException e) {
                last = e;
                out.forEach(Transport::close);
                allocatePorts();
            }
        }
        throw last;
    }

    /** Closes every transport opened through the network (again, if a test closed it already). */
    @Override
    public void close() {
        List<Transport> all;
        synchronized (this) {
            all = new ArrayList<>(opened);
            opened.clear();
        }
        RuntimeException failure = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
