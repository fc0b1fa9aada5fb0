package dev.bftkit.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.NodeId;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecureCryptoTest {
    private static final InetSocketAddress BIND = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void transportConfigRefusesAnInsecureSuite() {
        FakeCrypto insecure = new FakeCrypto(false);
        SigningKey key = insecure.keyFromSeed(new byte[32]);
        NodeId self = key.publicKey().nodeId();

        assertThatThrownBy(() -> new TransportConfig(self, key, insecure, BIND, Map.of(), TransportLimits.DEFAULT))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("fake-insecure")
                .hasMessageContaining("insecure");
    }

    @Test
    void transportConfigAcceptsASecureSuite() {
        FakeCrypto secure = new FakeCrypto(true);
        SigningKey key = secure.keyFromSeed(new byte[32]);
        NodeId self = key.publicKey().nodeId();

        TransportConfig config = new TransportConfig(self, key, secure, BIND, Map.of(), TransportLimits.DEFAULT);

        assertThat(config.crypto()).isSameAs(secure);
    }

    @Test
    void requireSecureChecksProvidersAndSuites() {
        CryptoProvider insecure = provider(false);
        CryptoProvider secure = provider(true);

        assertThatThrownBy(() -> Plugins.requireSecure(insecure))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'fake'");
        assertThat(Plugins.requireSecure(secure)).isSameAs(secure);
        assertThatThrownBy(() -> Plugins.requireSecure(insecure.create())).isInstanceOf(ConfigurationException.class);
        Crypto real = secure.create();
        assertThat(Plugins.requireSecure(real)).isSameAs(real);
    }

    @Test
    void suitesAreSecureUnlessTheySayOtherwise() {
        Crypto plain = new FakeCrypto(true) {
            @Override
            public String suite() {
                return "plain";
            }
        };

        assertThat(plain.secure()).isTrue();
        assertThat(new CryptoProvider() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public Crypto create() {
                return plain;
            }
        }.secure()).isTrue();
    }

    private static CryptoProvider provider(boolean secure) {
        return new CryptoProvider() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Crypto create() {
                return new FakeCrypto(secure);
            }

            @Override
            public boolean secure() {
                return secure;
            }
        };
    }

    /** Only what TransportConfig touches: keys whose public key is the seed. */
    private static class FakeCrypto implements Crypto {
        private final boolean secure;

        FakeCrypto(boolean secure) {
            this.secure = secure;
        }

        @Override
        public String suite() {
            return secure ? "fake-secure" : "fake-insecure";
        }

        @Override
        public boolean secure() {
            return secure;
        }

        @Override
        public int seedLength() {
            return 32;
        }

        @Override
        public int publicKeyLength() {
            return 32;
        }

        @Override
        public int signatureLength() {
            return 0;
        }

        @Override
        public int hashLength() {
            return 0;
        }

        @Override
        public SigningKey keyFromSeed(byte[] seed) {
            byte[] copy = seed.clone();
            PublicKey pub = () -> copy.clone();
            return new SigningKey() {
                @Override
                public PublicKey publicKey() {
                    return pub;
                }

                @Override
                public byte[] sign(byte[] message) {
                    return new byte[0];
                }

                @Override
                public byte[] seed() {
                    return copy.clone();
                }
            };
        }

        @Override
        public SigningKey generateKey(SecureRandom random) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            return keyFromSeed(seed);
        }

        @Override
        public Optional<PublicKey> decodePublicKey(byte[] encoded) {
            return Optional.empty();
        }

        @Override
        public boolean verify(PublicKey key, byte[] message, byte[] signature) {
            return false;
        }

        @Override
        public byte[] hash(byte[] data) {
            return Arrays.copyOf(data, 0);
        }
    }
}
