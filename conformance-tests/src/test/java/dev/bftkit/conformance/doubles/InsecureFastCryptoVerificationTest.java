package dev.bftkit.conformance.doubles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.junit.CryptoVerification;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kit's {@code insecure-fast} suite passes the structural rules, and is refused where it must be. */
class InsecureFastCryptoVerificationTest extends CryptoVerification {
    @Override
    protected CryptoProvider provider() {
        return Doubles.insecureCryptoProvider();
    }

    @Override
    protected String claimedHash() {
        return "sha256";
    }

    @Test
    void foundByNameOnlyWhenAskedForAndFlaggedInsecure() {
        CryptoProvider found = Plugins.crypto("insecure-fast", Doubles.cryptoProviders());
        assertThat(found.secure()).isFalse();
        assertThat(found.create().secure()).isFalse();
        assertThat(Doubles.insecureCrypto().secure()).isFalse();
        assertThat(Doubles.insecureCrypto().suite()).isEqualTo("insecure-fast-sha256");
        assertThatThrownBy(() -> Plugins.requireSecure(found))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("insecure-fast");
    }

    @Test
    void transportsRefuseIt() {
        Crypto crypto = Doubles.insecureCrypto();
        SigningKey key = crypto.keyFromSeed(new byte[32]);
        InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);

        assertThatThrownBy(() -> new TransportConfig(key.publicKey().nodeId(), key, crypto, bind, Map.of(),
                TransportLimits.DEFAULT))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("insecure-fast-sha256");
    }

    /** What "insecure" means: the public key alone makes a valid signature, as the class documents. */
    @Test
    void anyoneWhoKnowsThePublicKeyCanForge() throws Exception {
        Crypto crypto = Doubles.insecureCrypto();
        SigningKey victim = crypto.keyFromSeed(new byte[32]);
        byte[] message = "transfer everything".getBytes(StandardCharsets.UTF_8);

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("bftkit/insecure-fast/v1/sig".getBytes(StandardCharsets.US_ASCII));
        sha.update(victim.publicKey().encoded());
        byte[] forged = Arrays.copyOf(sha.digest(message), crypto.signatureLength());

        assertThat(crypto.verify(victim.publicKey(), message, forged)).isTrue();
    }
}
