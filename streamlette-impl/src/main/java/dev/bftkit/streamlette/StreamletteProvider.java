package dev.bftkit.streamlette;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.DeciderProvider;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code streamlette} decider: one BFT decision per instance, made from Streamlet. Options
 * ({@link DeciderConfig#options()}): {@code streamlette.maxBody} (largest proposal, default 1 MiB),
 * {@code streamlette.maxDiffMessages} (8192), {@code streamlette.maxDiffBytes} (8 MiB),
 * {@code streamlette.maxSummaryEntries} (65,536), {@code streamlette.leaderSeed} (default: derived from the
 * instance id, so every node agrees on the leader schedule; decision proofs name their leaders by that default,
 * so set it only to test a member configured differently from its committee).
 */
public final class StreamletteProvider implements DeciderProvider {
    private final Mutations mutations;

    /** Called by {@link java.util.ServiceLoader}. */
    public StreamletteProvider() {
        this(Mutations.NONE);
    }

    StreamletteProvider(Mutations mutations) {
        this.mutations = mutations;
    }

    @Override
    public String name() {
        return "streamlette";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.ONE_SHOT, Capability.RESTART_FROM_STORAGE, Capability.WEIGHTED_COMMITTEE);
    }

    @Override
    public Decider create(DeciderConfig config) {
        return new StreamletteDecider(config, mutations);
    }

    @Override
    public boolean verifyDecision(Committee committee, Crypto crypto, Decision decision) {
        return Proofs.verify(committee, crypto, decision, 1 << 20, mutations);
    }

    @Override
    public String toString() {
        return "streamlette" + (mutations == Mutations.NONE ? "" : "[mutation " + mutations + "]");
    }
}
