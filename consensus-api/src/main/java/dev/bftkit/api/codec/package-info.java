/**
 * bftkit's canonical wire encoding: {@link dev.bftkit.api.codec.Encoder} and the bounds-checking
 * {@link dev.bftkit.api.codec.Decoder}, and {@link dev.bftkit.api.codec.Domain} for domain-separated signing input.
 */
package dev.bftkit.api.codec;
