/** The {@code consensus} command. */
module dev.bftkit.cli {
    requires dev.bftkit.api;
    requires dev.bftkit.runtime;
    requires dev.bftkit.log;
    requires dev.bftkit.conformance;
    requires info.picocli;
    requires java.logging;
    requires java.management;

    // the plugins are found through ServiceLoader; naming them here puts them in the boot layer
    requires dev.bftkit.crypto.bc;
    requires dev.bftkit.storage.mapdb;
    requires dev.bftkit.transport.vertx;
    requires dev.bftkit.streamlette;
    requires dev.bftkit.parsec;
    // parsec-replay: the reference's recorded graphs
    requires dev.bftkit.parsec.golden;

    // picocli reads the command annotations reflectively
    opens dev.bftkit.cli to info.picocli;
}
