package dev.bftkit.api.codec;

import dev.bftkit.api.InstanceId;

/**
 * Builds the bytes that are signed. Every signature covers a domain tag (which message kind of which protocol)
 * and the consensus instance id before the content, so a signature can never be replayed as another kind of
 * message or into another instance.
 */
public final class Domain {
    private Domain() {
    }

    /**
     * {@return the bytes to sign or verify: {@code tag}, the instance id and {@code content}, each with its 4-byte
     * length}
     *
     * @param tag the message kind, for example {@code "bftkit/streamlette/v1/vote"}; ASCII
     * @param instance the consensus instance
     * @param content the content (usually its hash)
     */
    public static byte[] signingBytes(String tag, InstanceId instance, byte[] content) {
        return new Encoder(tag.length() + content.length + 80)
                .bytes(tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .bytes(instance.bytes())
                .bytes(content)
                .toByteArray();
    }
}
