/**
 * A replicated log over any Decider: the {@link dev.bftkit.log.LogDeciderProvider} turns a Decider plugin into one
 * that decides an ordered, certified sequence of entries, each a batch of submitted values.
 */
module dev.bftkit.log {
    requires transitive dev.bftkit.api;

    exports dev.bftkit.log;
}
