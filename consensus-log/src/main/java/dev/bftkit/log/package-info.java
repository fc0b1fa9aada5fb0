/**
 * The replicated log: {@link dev.bftkit.log.LogDeciderProvider} wraps any {@link dev.bftkit.api.spi.DeciderProvider}
 * into a Decider whose decisions are the log's entries ({@link dev.bftkit.log.LogEntry}), in height order, each with
 * a certificate that the committee alone checks; a node that falls behind fetches certified entries from any peer.
 */
package dev.bftkit.log;
