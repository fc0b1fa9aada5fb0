package dev.bftkit.transport.vertx;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Wrappers that count the signatures and verifications a transport spends. */
final class Counting {
    private Counting() {
    }

    /** A signing key that counts its signatures. */
    static final class Key implements SigningKey {
        final AtomicInteger signatures = new AtomicInteger();
        private final SigningKey key;

        Key(SigningKey key) {
            this.key = key;
        }

        @Override
        public PublicKey publicKey() {
            return key.publicKey();
        }

        @Override
        public byte[] sign(byte[] message) {
            signatures.incrementAndGet();
            return key.sign(message);
        }

        @Override
        public byte[] seed() {
            return key.seed();
        }
    }

    /** A suite that counts its verifications. */
    static final class Suite implements Crypto {
        final AtomicInteger verifications = new AtomicInteger();
        private final Crypto crypto;

        Suite(Crypto crypto) {
            this.crypto = crypto;
        }

        @Override
        public String suite() {
            return crypto.suite();
        }

        @Override
        public boolean secure() {
            return crypto.secure();
        }

        @Override
        public int seedLength() {
            return crypto.seedLength();
        }

        @Override
        public int publicKeyLength() {
            return crypto.publicKeyLength();
        }

        @Override
        public int signatureLength() {
            return crypto.signatureLength();
        }

        @Override
        public int hashLength() {
            return crypto.hashLength();
        }

        @Override
        public SigningKey keyFromSeed(byte[] seed) {
            return crypto.keyFromSeed(seed);
        }

        @Override
        public SigningKey generateKey(SecureRandom random) {
            return crypto.generateKey(random);
        }

        @Override
        public Optional<PublicKey> decodePublicKey(byte[] encoded) {
            return crypto.decodePublicKey(encoded);
        }

        @Override
        public boolean verify(PublicKey key, byte[] message, byte[] signature) {
            verifications.incrementAndGet();
            return crypto.verify(key, message, signature);
        }

        @Override
        public byte[] hash(byte[] data) {
            return crypto.hash(data);
        }
    }
}
