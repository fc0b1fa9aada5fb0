package dev.bftkit.api.spi;

import java.util.Optional;

/**
 * The application's side of consensus: what to propose, and which values are acceptable. Called on the Decider's
 * thread; implementations must be quick and deterministic.
 */
public interface Application {
    /**
     * A value to propose when this node leads (Streamlette's {@code generate_proposal}). May be called again on a
     * later tick if the first proposal did not win.
     *
     * @return the proposal, or empty to propose nothing this time
     */
    Optional<byte[]> propose();

    /**
     * Whether a proposed value is acceptable (Streamlette's {@code verify_proposal}). No honest node votes for a
     * value this rejects.
     *
     * @param value the proposed value
     * @return true to accept it
     */
    boolean validate(byte[] value);

    /**
     * An application that proposes nothing of its own and accepts every value: for a replicated log whose values
     * are all submitted.
     *
     * @return the application
     */
    static Application acceptAll() {
        return new Application() {
            @Override
            public Optional<byte[]> propose() {
                return Optional.empty();
            }

            @Override
            public boolean validate(byte[] v) {
                return true;
            }
        };
    }

    /**
     * An application that proposes a fixed value and accepts every value.
     *
     * @param value what to propose
     * @return the application
     */
    static Application proposing(byte[] value) {
        byte[] copy = value.clone();
        return new Application() {
            @Override
            public Optional<byte[]> propose() {
                return Optional.of(copy.clone());
            }

            @Override
            public boolean validate(byte[] v) {
                return true;
            }
        };
    }
}
