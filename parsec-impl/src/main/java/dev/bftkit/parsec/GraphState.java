package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The core's gossip graph, peer list and observations as the malice detector and the accusation judge read them,
 * with the facts they share: the genesis group, the observation an event votes for, a peer's readable name, whether an
 * event is signed by its creator. The core alone changes the graph, peers and observations and calls the detector;
 * the detector and the judge read them here and return what they found, so neither refers back to the core.
 */
final class GraphState {
    /** Checks a received event's signature; called in message order, as the reference does. */
    interface SignatureCheck {
        boolean verify(Incoming event);
    }

    /** What the store knows about an observation. */
    static final class ObservationInfo {
        final Observation observation;
        /** The store's own key instance: events share it, so key comparisons are mostly identity checks. */
        final ObservationKey key;
        boolean consensused;
        boolean createdByUs;

        ObservationInfo(Observation observation, ObservationKey key) {
            this.observation = observation;
            this.key = key;
        }
    }

    final PeerList peers;
    final Graph graph;
    /** The observations voted in the graph, by key (the store). */
    final Map<ObservationKey, ObservationInfo> observations;
    private final Function<NodeId, String> namer;
    private final SignatureCheck signatureCheck;

    GraphState(PeerList peers, Graph graph, Map<ObservationKey, ObservationInfo> observations,
               Function<NodeId, String> namer, SignatureCheck signatureCheck) {
        this.peers = peers;
        this.graph = graph;
        this.observations = observations;
        this.namer = namer;
        this.signatureCheck = signatureCheck;
    }

    /** @return the group of the first Genesis vote in the graph, or else the peers that may vote, sorted */
    List<NodeId> genesisGroup() {
        for (Event e : graph.events()) {
            if (e.observation instanceof Observation.Genesis g) {
                return g.group();
            }
        }
        List<NodeId> voters = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            if (PeerState.contains(peers.state(i), PeerState.VOTE)) {
                voters.add(peers.get(i).id);
            }
        }
        return List.copyOf(new TreeSet<>(voters));
    }

    /** @return the observation the event votes for, as the store holds it, or null */
    Observation payload(Event e) {
        if (e.payloadKey == null) {
            return null;
        }
        ObservationInfo info = observations.get(e.payloadKey);
        return info == null ? null : info.observation;
    }

    /** @return a readable name for the peer, the one the peer list gives it (or one for a stranger) */
    String nameOf(NodeId id) {
        return namer.apply(id);
    }

    /** @return true if the event's signatures verify (see {@link SignatureCheck}) */
    boolean verifies(Incoming event) {
        return signatureCheck.verify(event);
    }
}
