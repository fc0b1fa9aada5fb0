package dev.bftkit.conformance.example;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.junit.AuthenticatedTap;
import dev.bftkit.conformance.junit.TransportVerification;
import dev.bftkit.conformance.testcrypto.JdkEd25519TestCrypto;
import java.io.IOException;

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

    @Override
    protected AuthenticatedTap authenticatedTap(TransportConfig member, NodeId target) throws IOException {
        return BlockingSocketTap.open(member, target);
    }
}
