/**
 * Reading the reference implementation's recorded gossip graphs: the .dot dump format, the bincode encoding of
 * observations and the mock peer identities. Module-internal: used by golden replay and its command.
 */
package dev.bftkit.parsec.golden;
