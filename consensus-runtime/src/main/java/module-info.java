/**
 * bftkit's node runtime ({@code dev.bftkit.runtime}): the {@code Node} that drives one Decider over one Transport on
 * a thread of its own, its tick clock, configuration and listener; the {@code NodeAssembly} that builds a node from
 * its plugins, and the {@code LocalCluster} of real nodes in one JVM. It depends on the API module alone.
 */
module dev.bftkit.runtime {
    requires transitive dev.bftkit.api;

    exports dev.bftkit.runtime;
}
