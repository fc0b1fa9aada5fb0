package dev.bftkit.conformance.example;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.TransportVerification;
import dev.bftkit.conformance.testcrypto.JdkEd25519TestCrypto;

/** The whole of what a third party writes to run the kit's transport rules against its transport. */
class BlockingSocketTransportTest extends TransportVerification {
    @Override
    protected TransportProvider provider() {
        return new BlockingSocketTransportProvider();
    }

    @Override
    protected Crypto crypto() {
        return new JdkEd25519TestCrypto();
    }
}
