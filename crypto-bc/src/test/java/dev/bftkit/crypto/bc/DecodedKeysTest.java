package dev.bftkit.crypto.bc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The process's cache of decoded keys: one validation per key, refusals never kept, never above its capacity. */
class DecodedKeysTest {
    private final Crypto crypto = new BcCryptoProvider().create();

    private byte[] keyBytes(int i) {
        byte[] seed = new byte[32];
        seed[0] = (byte) i;
        seed[1] = (byte) (i >> 8);
        seed[2] = 77;
        return crypto.keyFromSeed(seed).publicKey().encoded();
    }

    @Test
    void aKeyIsValidatedOnceAndServedFromTheCacheAfterwards() {
        DecodedKeys keys = new DecodedKeys();
        AtomicInteger validations = new AtomicInteger();
        byte[] encoded = keyBytes(1);
        BcPublicKey first = keys.get(encoded, e -> {
            validations.incrementAndGet();
            return Ed25519Sha256.validate(e);
        });
        BcPublicKey second = keys.get(encoded.clone(), e -> {
            validations.incrementAndGet();
            return Ed25519Sha256.validate(e);
        });
        assertThat(second).isSameAs(first);
        assertThat(validations).hasValue(1);
    }

    @Test
    void aRefusedKeyIsNotKeptAndIsValidatedEachTime() {
        DecodedKeys keys = new DecodedKeys();
        AtomicInteger validations = new AtomicInteger();
        byte[] identity = new byte[32];
        identity[0] = 1; // the identity point: small order, refused
        for (int i = 0; i < 3; i++) {
            assertThat(keys.get(identity, e -> {
                validations.incrementAndGet();
                return Ed25519Sha256.validate(e);
            })).isNull();
        }
        assertThat(validations).hasValue(3);
        assertThat(keys.size()).isZero();
    }

    @Test
    void theCacheNeverHoldsMoreThanItsCapacity() {
        DecodedKeys keys = new DecodedKeys();
        for (int i = 0; i < DecodedKeys.CAPACITY + 10; i++) {
            assertThat(keys.get(keyBytes(i), Ed25519Sha256::validate)).isNotNull();
            assertThat(keys.size()).isLessThanOrEqualTo(DecodedKeys.CAPACITY);
        }
    }

    @Test
    void changingTheCallersArrayAfterwardsChangesNothingCached() {
        DecodedKeys keys = new DecodedKeys();
        byte[] encoded = keyBytes(2);
        byte[] original = encoded.clone();
        BcPublicKey key = keys.get(encoded, Ed25519Sha256::validate);
        Arrays.fill(encoded, (byte) 0);
        assertThat(key.encoded()).isEqualTo(original);
        assertThat(keys.get(original, e -> null)).isSameAs(key);
    }

    @Test
    void theSuiteAnswersTheSameFromTheCache() {
        byte[] encoded = keyBytes(3);
        PublicKey once = crypto.decodePublicKey(encoded).orElseThrow();
        PublicKey again = new BcCryptoProvider().create().decodePublicKey(encoded).orElseThrow();
        assertThat(again).isSameAs(once);
        byte[] seed = new byte[32];
        seed[0] = 3;
        seed[2] = 77;
        byte[] message = {1, 2, 3};
        byte[] signature = crypto.keyFromSeed(seed).sign(message);
        assertThat(crypto.verify(again, message, signature)).isTrue();
    }
}
