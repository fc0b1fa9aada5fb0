/**
 * bftkit's node runtime ({@code dev.bftkit.runtime}): the {@code Node} that drives one Decider over one Transport on
 * a thread of its own, its tick clock, configuration and listener. It depends on the API module alone.
 */
module dev.bftkit.runtime {
    requires transitive dev.bftkit.api;

    exports dev.bftkit.runtime;
}
