/** Replay of the reference implementation's recorded gossip graphs: the proof that bftkit's PARSEC is faithful. */
package dev.bftkit.parsec.replay;
