package dev.bftkit.api;

import java.util.ArrayList;
import java.util.List;

/**
 * One piece of evidence of misbehaviour: who, what, and the offending messages' bytes so a third party can check
 * it.
 *
 * @param offender the node that misbehaved
 * @param kind what it did
 * @param detail a readable description
 * @param evidence the offending messages, as received; each is copied
 */
public record Fault(NodeId offender, Kind kind, String detail, List<byte[]> evidence) {

    /** Kinds of misbehaviour. */
    public enum Kind {
        /** Two conflicting signed messages for one slot (two proposals for one tick, a forked event chain). */
        EQUIVOCATION,
        /** A signature that does not verify under the claimed signer's key. */
        FORGED_SIGNATURE,
        /** A message that only a leader or voter may send, from someone who is not one. */
        NOT_ENTITLED,
        /** A vote for something that does not exist or is not eligible. */
        INVALID_VOTE,
        /** The same vote cast twice. */
        DUPLICATE_VOTE,
        /** A structurally invalid message or event from an authenticated peer. */
        MALFORMED,
        /** Helping a known offender by building on its misbehaviour. */
        ACCOMPLICE
    }

    /**
     * Validates, and copies the list and every message in it, so that the caller's arrays can be reused.
     *
     * @param offender the node that misbehaved; not null
     * @param kind what it did; not null
     * @param detail a human-readable description for logs and reports; not null
     * @param evidence the offending messages, each as received from the network (may be empty); neither the list
     *     nor a message in it may be null
     * @throws NullPointerException if an argument or a message in {@code evidence} is null
     */
    public Fault {
        if (offender == null || kind == null || detail == null) {
            throw new NullPointerException("offender, kind and detail are required");
        }
        List<byte[]> copy = new ArrayList<>(evidence.size());
        for (byte[] e : evidence) {
            copy.add(e.clone());
        }
        evidence = List.copyOf(copy);
    }

    /** {@return copies of the evidence} */
    @Override
    public List<byte[]> evidence() {
        List<byte[]> copy = new ArrayList<>(evidence.size());
        for (byte[] e : evidence) {
            copy.add(e.clone());
        }
        return copy;
    }

    /** {@return the bytes this fault holds: its evidence and its detail's characters} */
    public long size() {
        long n = detail.length();
        for (byte[] e : evidence) {
            n += e.length;
        }
        return n;
    }

    @Override
    public String toString() {
        return "Fault[" + offender + " " + kind + ": " + detail + ", " + evidence.size() + " message(s)]";
    }
}
