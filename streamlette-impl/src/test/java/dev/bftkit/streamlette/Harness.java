package dev.bftkit.streamlette;

import dev.bftkit.api.Decision;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.DrivenDecider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Drives n Streamlette deciders in lock step over a perfect network: every request answered at once. */
final class Harness {
    final Fixture f;
    final DrivenDecider[] nodes;
    final Storage[] stores;
    final Decision[] decided;
    final boolean[] down;
    /** Rewrites each response on its way (a Byzantine responder); by default it passes unchanged. */
    Filter filter = (responder, asker, response) -> response;

    /** What an asker gets from a responder. */
    interface Filter {
        byte[] apply(int responder, int asker, byte[] response);
    }

    Harness(Fixture f) {
        this.f = f;
        int n = f.ids.length;
        nodes = new DrivenDecider[n];
        stores = new Storage[n];
        decided = new Decision[n];
        down = new boolean[n];
        for (int i = 0; i < n; i++) {
            stores[i] = Doubles.memoryStorage();
            nodes[i] = Fixture.drive(f.config(i, stores[i], "value-" + i));
        }
    }

    /** One phase on every live node, then every request delivered and answered. */
    void phase() {
        for (int i = 0; i < nodes.length; i++) {
            if (!down[i]) {
                nodes[i].tick();
            }
        }
        exchange();
    }

    void exchange() {
        for (int i = 0; i < nodes.length; i++) {
            if (down[i]) {
                continue;
            }
            List<Outbound> out = new ArrayList<>();
            for (Optional<Outbound> o = nodes[i].nextGossip(); o.isPresent(); o = nodes[i].nextGossip()) {
                out.add(o.get());
            }
            for (Outbound o : out) {
                int to = f.indexOf(o.peer());
                if (down[to]) {
                    nodes[i].onRequestFailed(o.peer());
                    continue;
                }
                byte[] response = filter.apply(to, i, nodes[to].onRequest(f.ids[i], o.request()));
                try {
                    nodes[i].onResponse(o.peer(), response);
                } catch (InvalidMessageException e) {
                    throw new AssertionError("honest response rejected", e);
                }
            }
            Optional<Decision> d = nodes[i].poll();
            if (d.isPresent()) {
                decided[i] = d.get();
            }
        }
    }

    /** Runs phases until everyone live decided or the budget ends; returns the phases run. */
    int runUntilDecided(int maxPhases) {
        for (int p = 1; p <= maxPhases; p++) {
            phase();
            boolean all = true;
            for (int i = 0; i < nodes.length; i++) {
                all &= down[i] || decided[i] != null;
            }
            if (all) {
                return p;
            }
        }
        return -1;
    }
}
