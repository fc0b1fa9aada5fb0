package dev.bftkit.parsec.golden;

import java.nio.charset.StandardCharsets;

/**
 * The reference's mock peer identities ({@code src/mock.rs}): a peer is its name with a key pair whose public and
 * secret halves are both SHA3-256 of the name. Bincode writes the name, the public key and the secret key.
 */
final class MockIds {
    private MockIds() {
    }

    /**
     * @param name a peer name
     * @return its mock public (and secret) key
     */
    static byte[] key(String name) {
        return Bincode.sha3(name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a mock {@code PeerId}.
     *
     * @param out the encoder
     * @param name the peer's name
     * @return the encoder
     */
    static Bincode writePeerId(Bincode out, String name) {
        byte[] key = key(name);
        return out.string(name).raw(key).raw(key);
    }
}
