package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every peer we know, by peer index; index 0 is us. Peer indices are local and never affect decisions. */
final class PeerList {
    static final int OUR = 0;

    private final List<Peer> peers = new ArrayList<>();
    private final Map<NodeId, Integer> byId = new HashMap<>();

    PeerList(NodeId our, String ourName) {
        add(our, ourName, PeerState.INACTIVE);
    }

    /** @return the new peer's index */
    int add(NodeId id, String name, int state) {
        if (byId.containsKey(id)) {
            throw new IllegalStateException("peer already known: " + id);
        }
        peers.add(new Peer(id, name, state));
        byId.put(id, peers.size() - 1);
        return peers.size() - 1;
    }

    /** @return the index, or -1 */
    int indexOf(NodeId id) {
        Integer i = byId.get(id);
        return i == null ? -1 : i;
    }

    Peer get(int index) {
        return peers.get(index);
    }

    int size() {
        return peers.size();
    }

    Peer our() {
        return peers.get(OUR);
    }

    int ourState() {
        return peers.get(OUR).state;
    }

    int state(int index) {
        return peers.get(index).state;
    }

    /** Adds state bits (bits are never taken away except by removal). */
    void addState(int index, int bits) {
        peers.get(index).state |= bits;
    }

    void remove(int index, int decidingEvent) {
        Peer p = peers.get(index);
        p.state = PeerState.INACTIVE;
        p.removalEvent = decidingEvent;
    }

    /** @return the peers that may receive our gossip (DKG and RECV), not us, in index order */
    List<Integer> gossipRecipients() {
        List<Integer> out = new ArrayList<>();
        if (!PeerState.contains(ourState(), PeerState.SEND)) {
            return out;
        }
        for (int i = 1; i < peers.size(); i++) {
            if (PeerState.contains(peers.get(i).state, PeerState.DKG | PeerState.RECV)) {
                out.add(i);
            }
        }
        return out;
    }
}
