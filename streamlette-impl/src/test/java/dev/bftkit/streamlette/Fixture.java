package dev.bftkit.streamlette;

import dev.bftkit.api.Committee;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.DrivenDecider;
import dev.bftkit.streamlette.Message.Proposal;
import dev.bftkit.streamlette.Message.Solicit;
import dev.bftkit.streamlette.Message.Vote;
import java.util.LinkedHashMap;
import java.util.Map;

/** A committee of n nodes with fast test keys, and helpers to sign Streamlette messages as any of them. */
final class Fixture {
    final Crypto crypto = Doubles.insecureCrypto();
    final InstanceId instance;
    final SigningKey[] keys;
    final NodeId[] ids;
    final Committee committee;
    final Leaders leaders;
    final long leaderSeed;

    Fixture(int n) {
        this(n, InstanceId.of("unit"), null);
    }

    Fixture(int n, InstanceId instance, long[] weights) {
        this.instance = instance;
        keys = new SigningKey[n];
        ids = new NodeId[n];
        Map<NodeId, Long> w = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] seed = new byte[32];
            new SeededRandom(7000 + i).nextBytes(seed);
            keys[i] = crypto.keyFromSeed(seed);
            ids[i] = keys[i].publicKey().nodeId();
            w.put(ids[i], weights == null ? 1L : weights[i]);
        }
        committee = Committee.of(w);
        leaderSeed = SeededRandom.seedOf(instance.bytes());
        leaders = new Leaders(committee, leaderSeed);
    }

    int indexOf(NodeId id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not in fixture: " + id);
    }

    int leader(long tick) {
        return indexOf(leaders.leader(tick));
    }

    /** The first tick at or after {@code from} that {@code node} leads. */
    long tickLedBy(int node, long from) {
        for (long t = from; ; t++) {
            if (leader(t) == node) {
                return t;
            }
        }
    }

    MessageTree tree(FaultLog faults) {
        return new MessageTree(instance, committee, crypto, leaders, faults, Mutations.NONE);
    }

    private Message sign(int signer, Message unsigned) {
        return Wire.signed(keys[signer], crypto, unsigned);
    }

    Message proposal(int signer, long tick, String body) {
        return sign(signer, new Proposal(instance, tick, body.getBytes(), ids[signer], new byte[0]));
    }

    Message solicit(int signer, long tick, Message previous) {
        return sign(signer, new Solicit(instance, tick, hash(previous), ids[signer], new byte[0]));
    }

    Message vote(int signer, Message target) {
        return sign(signer, new Vote(instance, hash(target), ids[signer], new byte[0]));
    }

    byte[] hash(Message m) {
        return Wire.contentHash(crypto, m);
    }

    /** Inserts and returns whether it was new. */
    static boolean insert(MessageTree tree, Message m) {
        return tree.insert(m, Wire.encode(m), null);
    }

    /** Votes from nodes {@code 0..count-1} for {@code target}. */
    void votes(MessageTree tree, Message target, int count) {
        for (int i = 0; i < count; i++) {
            insert(tree, vote(i, target));
        }
    }

    /** A summary entry's voter bitmap: the committee-index bit of each node given by fixture index. */
    byte[] voters(int... holders) {
        byte[] out = new byte[Wire.bitmapBytes(ids.length)];
        for (int i : holders) {
            Wire.setBit(out, committee.indexOf(ids[i]));
        }
        return out;
    }

    /** A Streamlette made from {@code config} and driven over the store it reads ({@code config.stored()}). */
    static DrivenDecider drive(DeciderConfig config) {
        return new DrivenDecider(new StreamletteProvider().create(config), (Storage) config.stored());
    }

    DeciderConfig config(int node, Storage storage, String value) {
        return new DeciderConfig(instance, committee, keys[node], crypto, storage, Application.proposing(
                value.getBytes()), 99 + node, Map.of());
    }
}
