/** Ed25519 signatures and hashing on Bouncy Castle's lightweight API: the {@code bc} crypto provider. */
module dev.bftkit.crypto.bc {
    requires dev.bftkit.api;
    requires org.bouncycastle.provider;
}
