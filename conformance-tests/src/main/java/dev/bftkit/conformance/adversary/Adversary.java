package dev.bftkit.conformance.adversary;

import java.util.Objects;
import java.util.Set;

/**
 * A named Byzantine strategy that the kit runs against a Decider: how each faulty member behaves, and what the kit
 * may demand of the honest ones besides safety and liveness. An algorithm module ships the strategies that know its
 * messages (a Byzantine member signs whatever its codec can express, with its own key from
 * {@link ByzantineContext#key()}); {@link Behaviours} holds the ones that work on any algorithm.
 *
 * <p>The kit's Decider rules ({@code DeciderChecks}) make three rules of each: {@code required_adversary_NAME} (the
 * faulty weight runs it on a lossy, partitioned network with honest crashes and restarts during and after the attack,
 * then the network heals and every honest node must decide), it joins the random mix of {@code required_swarm},
 * and, when {@link #costsNoMoreThanACrash()}, {@code required_adversary_NAME_costs_no_more_than_a_crash} (on a clean
 * network, the mean tick of the last honest decision stays within 10% of the same seeds' with the faulty members
 * silent).
 *
 * @param name a short name, used in rule ids, reports and replay commands (letters, digits and dashes)
 * @param description what the faulty members do, in one sentence
 * @param factory makes each faulty member's behaviour
 * @param costsNoMoreThanACrash whether the strategy must slow the honest nodes no more than silence would: a
 *     strategy that only misuses the faulty members' own turns (speaking early, speaking twice) should
 * @param accountable whether every faulty member running it must end up in an honest node's fault log
 */
public record Adversary(String name, String description, Factory factory, boolean costsNoMoreThanACrash,
                        boolean accountable) {

    /** Makes one faulty member's behaviour. */
    @FunctionalInterface
    public interface Factory {
        /**
         * {@return the behaviour of faulty member {@code node}}
         *
         * @param node the faulty member's index in the scenario
         * @param targets a seeded half of the honest members, for strategies that treat some honest members
         *     differently from the rest (show them another variant, starve them); the same for every faulty member
         *     of one run
         */
        Behaviour make(int node, Set<Integer> targets);
    }

    /**
     * Validates.
     *
     * @param name a short name: letters, digits and dashes, not empty
     * @param description what the faulty members do; not null
     * @param factory makes each faulty member's behaviour; not null
     * @param costsNoMoreThanACrash whether the strategy must slow honest nodes no more than silence would
     * @param accountable whether every faulty member running it must end up in an honest node's fault log
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is empty or has other characters
     */
    public Adversary {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(factory, "factory");
        if (!name.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("an adversary's name is letters, digits and dashes: '" + name + "'");
        }
    }
}
