package dev.bftkit.log;

import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which client requests the log already holds, so that it keeps each at most once. Per client it remembers the
 * highest request id committed and which of the {@value #WINDOW} ids below it were committed: a request is fresh
 * if its id is above the highest, or within the window and not yet seen; an id below the window counts as seen (a
 * client that keeps more than {@value #WINDOW} requests outstanding may see its oldest dropped). At most
 * {@code maxClients} clients are remembered; a new one makes the log forget the client that committed least
 * recently (ties: the lowest id), so the table's memory is bounded and every node forgets alike.
 */
final class ClientTable {
    static final int WINDOW = 1024;

    private final int maxClients;
    private final Map<ByteKey, Window> clients = new HashMap<>();
    private final TreeSet<Window> byAge = new TreeSet<>();

    ClientTable(int maxClients) {
        this.maxClients = maxClients;
    }

    /**
     * Marks each value of an entry at {@code height} fresh or not, and remembers the fresh ones; a repeat inside the
     * same entry is not fresh either.
     */
    List<LogValue> mark(List<LogValue> values, long height) {
        List<LogValue> out = new ArrayList<>(values.size());
        for (LogValue v : values) {
            out.add(v.withFresh(admit(v.client(), v.request(), height)));
        }
        return out;
    }

    /** {@return true if this request was not committed before} (it does not remember it) */
    boolean fresh(byte[] client, long request) {
        Window w = clients.get(new ByteKey(client));
        return w == null || w.fresh(request);
    }

    private boolean admit(byte[] client, long request, long height) {
        ByteKey c = new ByteKey(client);
        Window w = clients.get(c);
        if (w == null) {
            if (clients.size() >= maxClients) {
                Window oldest = byAge.pollFirst();
                clients.remove(oldest.client);
            }
            w = new Window(c);
            clients.put(c, w);
        } else {
            byAge.remove(w);
        }
        boolean fresh = w.fresh(request);
        if (fresh) {
            w.add(request);
        }
        w.lastHeight = height;
        byAge.add(w);
        return fresh;
    }

    /** Writes the table, in the order it forgets clients (so every node writes the same table alike). */
    void encode(Encoder e) {
        e.i32(clients.size());
        for (Window w : byAge) {
            e.bytes(w.client.bytes()).i64(w.highest).i64(w.lastHeight);
            for (long b : w.bits) {
                e.i64(b);
            }
        }
    }

    /**
     * {@return the table {@link #encode} wrote}
     *
     * @throws InvalidMessageException if the bytes are not such a table, or hold more than {@code maxClients}
     */
    static ClientTable decode(Decoder d, int maxClients) {
        ClientTable t = new ClientTable(maxClients);
        int n = d.count(maxClients, 1 + 16 + WINDOW / 8);
        for (int i = 0; i < n; i++) {
            byte[] client = d.bytes(LogValue.MAX_CLIENT_BYTES);
            Window w = new Window(new ByteKey(client));
            w.highest = d.i64();
            w.lastHeight = d.nonNegative("client's last height");
            for (int k = 0; k < w.bits.length; k++) {
                w.bits[k] = d.i64();
            }
            if (client.length == 0 || w.highest < -1 || t.clients.put(w.client, w) != null) {
                throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                        "client table: an empty, repeated or impossible client");
            }
            t.byAge.add(w);
        }
        return t;
    }

    /** One client's committed request ids: the highest and a bitmap of the window below it. */
    private static final class Window implements Comparable<Window> {
        final ByteKey client;
        final long[] bits = new long[WINDOW / 64];
        long highest = -1;
        long lastHeight;

        Window(ByteKey client) {
            this.client = client;
        }

        boolean fresh(long request) {
            if (request > highest) {
                return true;
            }
            if (request <= highest - WINDOW) {
                return false;
            }
            int i = (int) (request % WINDOW);
            return (bits[i >>> 6] & (1L << (i & 63))) == 0;
        }

        void add(long request) {
            if (request > highest) {
                long clear = Math.min(WINDOW, request - highest);
                for (long k = 1; k <= clear; k++) {
                    int i = (int) ((highest + k) % WINDOW);
                    bits[i >>> 6] &= ~(1L << (i & 63));
                }
                highest = request;
            }
            int i = (int) (request % WINDOW);
            bits[i >>> 6] |= 1L << (i & 63);
        }

        @Override
        public int compareTo(Window o) {
            int c = Long.compare(lastHeight, o.lastHeight);
            return c != 0 ? c : client.compareTo(o.client);
        }
    }
}
