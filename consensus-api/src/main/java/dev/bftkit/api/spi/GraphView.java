package dev.bftkit.api.spi;

/**
 * Optional for a {@link Decider}: its message tree or gossip graph as a picture. Tools (the CLI's simulations and
 * dumps) render it; the Decider itself writes no file and starts no process.
 */
public interface GraphView {
    /** {@return the Decider's present state as Graphviz DOT} */
    String toDot();
}
