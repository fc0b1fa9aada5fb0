package dev.bftkit.cli;

import java.util.Map;
import java.util.TreeMap;

/** The decider options the command's runs start from: simulate, bench and a new cluster. */
final class DeciderOptions {
    private DeciderOptions() {
    }

    /**
     * The given options, and {@code parsec.mode=single} for parsec unless given. Every node of a simulated,
     * benchmark or demo cluster run submits values of its own, which PARSEC's default Supermajority mode decides only
     * once more than two thirds of the nodes submitted the same one: never, there. The conformance kit runs PARSEC in
     * Single mode for the same reason.
     */
    static Map<String, String> withDefaults(String decider, Map<String, String> given) {
        Map<String, String> m = new TreeMap<>(given);
        if (decider.equals("parsec")) {
            m.putIfAbsent("parsec.mode", "single");
        }
        return m;
    }
}
