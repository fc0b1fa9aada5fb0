/** PARSEC's Byzantine strategies for the conformance kit: {@link dev.bftkit.parsec.adversary.ParsecAdversaries}. */
package dev.bftkit.parsec.adversary;
