package dev.bftkit.crypto.bc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.junit.CryptoVerification;
import org.junit.jupiter.api.Test;

/** The {@code bc} provider against every rule of the kit's crypto verification: it claims them all. */
class BcCryptoVerificationTest extends CryptoVerification {
    @Override
    protected CryptoProvider provider() {
        return new BcCryptoProvider();
    }

    @Override
    protected boolean claimsRfc8032Vectors() {
        return true;
    }

    @Override
    protected boolean claimsStrictVerification() {
        return true;
    }

    @Override
    protected boolean claimsCofactoredVerification() {
        return true;
    }

    @Override
    protected String claimedHash() {
        return "sha256";
    }

    @Test
    void foundByNameAsASecureEd25519Sha256Suite() {
        CryptoProvider found = Plugins.crypto("bc");
        assertThat(found).isInstanceOf(BcCryptoProvider.class);
        assertThat(found.secure()).isTrue();
        assertThat(found.create().suite()).isEqualTo("ed25519-sha256");
        assertThat(Plugins.requireSecure(found.create()).secure()).isTrue();
    }
}
