package dev.bftkit.parsec;

/**
 * A peer's state bits, as in the reference ({@code src/peer_list/peer_state.rs}): bits are only ever added, and a
 * removed peer reads as {@link #INACTIVE}.
 */
final class PeerState {
    /** May vote; implies {@link #DKG}. */
    static final int VOTE = 0b1001;
    /** May send us gossip. */
    static final int SEND = 0b0010;
    /** May receive our gossip. */
    static final int RECV = 0b0100;
    /** Takes part in key generation. */
    static final int DKG = 0b1000;
    /** A full member. */
    static final int ACTIVE = VOTE | SEND | RECV;
    /** Removed, or not yet anything. */
    static final int INACTIVE = 0;

    private PeerState() {
    }

    static boolean contains(int state, int required) {
        return (state & required) == required;
    }

    static String describe(int state) {
        StringBuilder sb = new StringBuilder("PeerState(");
        String sep = "";
        if (contains(state, VOTE)) {
            sb.append("VOTE");
            sep = "|";
        } else if (contains(state, DKG)) {
            sb.append("DKG");
            sep = "|";
        }
        if (contains(state, SEND)) {
            sb.append(sep).append("SEND");
            sep = "|";
        }
        if (contains(state, RECV)) {
            sb.append(sep).append("RECV");
        }
        return sb.append(')').toString();
    }
}
