package dev.bftkit.parsec;

/** An error of the PARSEC core, with the reference's error kind ({@code src/error.rs}). */
class ParsecError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    enum Kind {
        UNKNOWN_PEER,
        INVALID_PEER_STATE,
        INVALID_SELF_STATE,
        UNKNOWN_SELF_PARENT,
        UNKNOWN_OTHER_PARENT,
        SIGNATURE_FAILURE,
        INVALID_MESSAGE,
        INVALID_EVENT,
        DUPLICATE_VOTE,
        PREMATURE_GOSSIP,
        /** An event beyond what {@link Admission} takes now: taken later, once honest progress allows. */
        OVER_LIMIT,
        /**
         * A further fork that {@link Admission} does not take: its creator already has two events at that index
         * here (the fork and its proof) and no other, non-forking creator's event in the message builds on it.
         */
        UNCARRIED_FORK,
        LOGIC
    }

    private final Kind kind;

    ParsecError(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
