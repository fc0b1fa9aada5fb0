package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.DrivenDecider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A deterministic in-test network of live PARSEC Deciders: one thread, nodes act in committee order each step,
 * each gossip request is answered at once; crashed nodes neither act nor answer.
 */
final class TestNetwork {
    final InstanceId instance = InstanceId.of("parsec-test");
    final List<SigningKey> keys = new ArrayList<>();
    final List<NodeId> ids = new ArrayList<>();
    final Committee committee;
    final Map<NodeId, DrivenDecider> deciders = new HashMap<>();
    /** A second Decider for a node, sharing its key: the node equivocates. */
    final Map<NodeId, DrivenDecider> twins = new HashMap<>();
    final Map<NodeId, Storage> storages = new HashMap<>();
    final Map<NodeId, List<Decision>> decided = new HashMap<>();
    final Set<NodeId> crashed = new HashSet<>();
    /** Slow nodes: each acts only every that many steps (it still answers what it is sent at once). */
    final Map<NodeId, Integer> slow = new HashMap<>();
    final Map<String, String> options;
    final long seed;
    final List<String> rejections = new ArrayList<>();

    TestNetwork(int n, long seed, Map<String, String> options) {
        this.seed = seed;
        this.options = options;
        for (int i = 0; i < n; i++) {
            SigningKey k = TestCrypto.key(i);
            keys.add(k);
            ids.add(k.publicKey().nodeId());
        }
        committee = Committee.equalWeights(ids);
        for (int i = 0; i < n; i++) {
            NodeId id = ids.get(i);
            storages.put(id, Doubles.memoryStorage());
            decided.put(id, new ArrayList<>());
            deciders.put(id, create(i));
        }
    }

    /** The i-th node in committee order. */
    NodeId node(int i) {
        return committee.member(i);
    }

    private DrivenDecider create(int keyIndex) {
        SigningKey k = keys.get(keyIndex);
        NodeId id = ids.get(keyIndex);
        return new DrivenDecider(new ParsecDeciderProvider().create(new DeciderConfig(instance, committee, k,
                TestCrypto.INSTANCE, storages.get(id), Application.proposing(new byte[0]), seed * 31 + keyIndex,
                options)), storages.get(id));
    }

    /**
     * In Supermajority mode a payload is decided once more than 2/3 of the voters voted for it: every live node
     * submits each payload, in the given order.
     */
    void submitEverywhere(Set<String> payloads) {
        for (NodeId id : committee.members()) {
            if (!crashed.contains(id)) {
                for (String p : payloads) {
                    deciders.get(id).submit(utf8(p));
                }
            }
        }
    }

    DrivenDecider decider(NodeId id) {
        return deciders.get(id);
    }

    void crash(NodeId id) {
        crashed.add(id);
    }

    /** A fresh Decider from the node's storage, as after a process restart. */
    void restart(NodeId id) {
        crashed.remove(id);
        deciders.put(id, create(ids.indexOf(id)));
    }

    /** Splits the node into twins: a second Decider with its key, started from a copy of its storage. */
    void twin(NodeId id) {
        Storage copy = Doubles.memoryStorage();
        dev.bftkit.api.spi.WriteBatch batch = new dev.bftkit.api.spi.WriteBatch();
        for (Storage.Entry e : storages.get(id).scan(new byte[0])) {
            batch.put(e.key(), e.value());
        }
        copy.write(batch);
        int k = ids.indexOf(id);
        twins.put(id, new DrivenDecider(new ParsecDeciderProvider().create(new DeciderConfig(instance, committee,
                keys.get(k), TestCrypto.INSTANCE, copy, Application.proposing(new byte[0]), seed * 31 + k + 1000,
                options)), copy));
    }

    private int turn;

    void step() {
        turn++;
        for (NodeId id : committee.members()) {
            if (crashed.contains(id) || turn % slow.getOrDefault(id, 1) != 0) {
                continue;
            }
            DrivenDecider d = twins.containsKey(id) && turn % 2 == 0 ? twins.get(id) : deciders.get(id);
            d.tick();
            Optional<Outbound> out;
            while ((out = d.nextGossip()).isPresent()) {
                deliver(id, out.get());
            }
            drain(id);
        }
    }

    private void deliver(NodeId from, Outbound out) {
        DrivenDecider src = twins.containsKey(from) && turn % 2 == 0 ? twins.get(from) : deciders.get(from);
        if (crashed.contains(out.peer())) {
            src.onRequestFailed(out.peer());
            return;
        }
        byte[] response;
        DrivenDecider dst = twins.containsKey(out.peer()) && turn % 3 == 0 ? twins.get(out.peer()) : deciders.get(out.peer());
        try {
            response = dst.onRequest(from, out.request());
        } catch (InvalidMessageException e) {
            rejections.add(out.peer() + " rejected " + from + ": " + e.getMessage());
            src.onRequestFailed(out.peer());
            drain(out.peer());
            return;
        }
        drain(out.peer());
        try {
            src.onResponse(out.peer(), response);
            drainTwin(from);
        } catch (InvalidMessageException e) {
            rejections.add(from + " rejected the answer of " + out.peer() + ": " + e.getMessage());
        }
    }

    private void drainTwin(NodeId id) {
        if (twins.containsKey(id)) {
            while (twins.get(id).poll().isPresent()) {
                // the adversary's own view; not part of the honest record
            }
        }
        drain(id);
    }

    /** Records the node's new decisions; one a restarted Decider hands out again is skipped, as the contract says. */
    void drain(NodeId id) {
        Optional<Decision> d;
        List<Decision> seq = decided.get(id);
        while ((d = deciders.get(id).poll()).isPresent()) {
            if (d.get().position() >= seq.size()) {
                seq.add(d.get());
            }
        }
    }

    /** Steps until every live node decided every payload, or the step budget runs out. @return steps taken */
    int runUntilDecided(Set<String> payloads, int maxSteps) {
        for (int s = 1; s <= maxSteps; s++) {
            step();
            if (allDecided(payloads)) {
                return s;
            }
        }
        return -1;
    }

    boolean allDecided(Set<String> payloads) {
        for (NodeId id : committee.members()) {
            if (crashed.contains(id)) {
                continue;
            }
            Set<String> got = new HashSet<>();
            for (Decision d : decided.get(id)) {
                got.add(new String(d.value(), java.nio.charset.StandardCharsets.UTF_8));
            }
            if (!got.containsAll(payloads)) {
                return false;
            }
        }
        return true;
    }

    /** Every pair of nodes' decision sequences is prefix-consistent; no value twice; positions count up. */
    void assertPrefixAgreement() {
        List<List<Decision>> all = new ArrayList<>(decided.values());
        for (List<Decision> seq : all) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < seq.size(); i++) {
                assertThat(seq.get(i).position()).as("position").isEqualTo(i);
                assertThat(seen.add(java.util.Arrays.toString(seq.get(i).value()))).as("no value twice").isTrue();
            }
        }
        for (List<Decision> a : all) {
            for (List<Decision> b : all) {
                int n = Math.min(a.size(), b.size());
                for (int i = 0; i < n; i++) {
                    assertThat(a.get(i).sameOutcome(b.get(i))).as("decision %d agrees", i).isTrue();
                }
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
