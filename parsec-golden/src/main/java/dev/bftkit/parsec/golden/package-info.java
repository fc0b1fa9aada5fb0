/**
 * The reference implementation's recorded gossip graphs, read and replayed through bftkit's PARSEC: the .dot dump
 * format ({@link dev.bftkit.parsec.golden.DotFile}), the bincode encoding of observations and the mock peer identities
 * of its hashes, the replay of a recording ({@link dev.bftkit.parsec.golden.RecordedReplay},
 * {@link dev.bftkit.parsec.golden.GoldenReplay}) and graphs generated like the reference's benchmark inputs
 * ({@link dev.bftkit.parsec.golden.BenchmarkGraphs}). Tools only: the {@code consensus parsec-replay} command, the
 * benchmarks and the golden tests; the {@code parsec} Decider runs without it.
 */
package dev.bftkit.parsec.golden;
