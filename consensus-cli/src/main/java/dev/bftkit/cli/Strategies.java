package dev.bftkit.cli;

import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.adversary.Behaviour;
import dev.bftkit.conformance.adversary.Behaviours;
import dev.bftkit.parsec.adversary.ParsecAdversaries;
import dev.bftkit.streamlette.adversary.StreamletteAdversaries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Byzantine strategies the commands offer by name: the kit's standard behaviours, which work for any decider,
 * and each decider's own adversaries (for Streamlette: variants, early, fork-votes, late-reveal; for PARSEC: forks,
 * fork-flood, false-accusations, withheld-parents, removed-peer). PARSEC has no misconfigured option sets: its members
 * have no turns or schedules that another configuration could make them sign out of.
 */
final class Strategies {
    private Strategies() {
    }

    /** @return the decider's own adversaries, for the deciders this command knows */
    static List<Adversary> adversaries(String decider) {
        return switch (decider) {
            case "streamlette" -> StreamletteAdversaries.all();
            case "parsec" -> ParsecAdversaries.all();
            default -> List.of();
        };
    }

    /** @return option sets that make a member of the decider misconfigured, for the deciders this command knows */
    static List<Map<String, String>> misconfigured(String decider) {
        return decider.equals("streamlette") ? StreamletteAdversaries.misconfigured() : List.of();
    }

    /** @return every strategy name for the decider: the standard behaviours, then its adversaries */
    static List<String> names(String decider) {
        List<String> out = new ArrayList<>(Behaviours.names());
        adversaries(decider).forEach(a -> out.add(a.name()));
        return out;
    }

    /** @return every strategy name of any decider this command knows, for help texts */
    static List<String> allNames() {
        List<String> out = new ArrayList<>(Behaviours.names());
        for (String decider : List.of("streamlette", "parsec")) {
            adversaries(decider).forEach(a -> out.add(a.name()));
        }
        return out;
    }

    /**
     * @param decider the decider's plugin name
     * @param name a name from {@link #names}
     * @param node the faulty member's index
     * @param sideA the seeded half of the honest members that twins, withholding and stale treat apart, and that
     *     adversaries target
     * @return the behaviour
     * @throws IllegalArgumentException if the decider has no strategy of that name
     */
    static Behaviour byName(String decider, String name, int node, Set<Integer> sideA) {
        for (Adversary a : adversaries(decider)) {
            if (a.name().equals(name)) {
                return a.factory().make(node, sideA);
            }
        }
        if (!Behaviours.names().contains(name)) {
            throw new IllegalArgumentException("unknown strategy '" + name + "' for " + decider + "; known: "
                    + String.join(", ", names(decider)));
        }
        return Behaviours.byName(name, sideA);
    }
}
