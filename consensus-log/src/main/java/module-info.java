/**
 * A replicated log over any Decider: the {@link dev.bftkit.log.LogDeciderProvider} turns a Decider plugin into one
 * that decides an ordered, certified sequence of entries, each a batch of submitted values, and
 * {@link dev.bftkit.log.ReplicatedLog} runs a member of such a log on the node runtime.
 */
module dev.bftkit.log {
    requires transitive dev.bftkit.api;
    requires transitive dev.bftkit.runtime;
    // only the strategies for the conformance kit (LogAdversaries) use it; the log runs without it
    requires static dev.bftkit.conformance;

    exports dev.bftkit.log;
}
