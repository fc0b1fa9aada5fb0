package dev.bftkit.transport.vertx;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;

/**
 * What happened to a transport that an operator should know about, counted and logged: every {@link Event} is
 * counted since the transport opened, and the ones that signal an attack or a misconfigured peer are logged at
 * {@code WARNING}, at most one line per event kind every {@link #WARN_EVERY_NANOS 10 s} (the line says how many more
 * happened since the last one; the others go to {@code DEBUG}).
 *
 * <p>The counters are published as a JMX MBean named {@code dev.bftkit:type=VertxTransport,node=<id>,port=<port>}
 * (see the module's README), one read-only {@code long} attribute per event plus the gauge
 * {@code HandshakesInProgress}, so a metrics module can publish them without depending on this module. Counting runs
 * on the transport's loop; reading may happen on any thread.
 */
final class TransportStats implements DynamicMBean {
    /** The events counted. Each has its attribute name and says whether it warns. */
    enum Event {
        CONNECTIONS_ACCEPTED("ConnectionsAccepted", "inbound connections accepted", false),
        HANDSHAKES_COMPLETED("HandshakesCompleted", "inbound handshakes completed: a member proved its key", false),
        HANDSHAKES_REFUSED("HandshakesRefused", "inbound handshakes refused: a claimed id that is not a member or "
                + "not a key, or a signature that does not verify", true),
        HANDSHAKES_TIMED_OUT("HandshakesTimedOut", "inbound connections closed because their handshake did not "
                + "finish within the handshake deadline", true),
        HANDSHAKES_THROTTLED("HandshakesThrottled", "inbound handshakes refused unverified because their source "
                + "address had used up its handshake verifications for now", true),
        SLOTS_EXHAUSTED("SlotsExhausted", "connections refused or dropped because every handshake slot was taken",
                true),
        GARBAGE_CONNECTIONS("GarbageConnections", "connections closed for malformed input (a frame length, version, "
                + "type or field that is not allowed) or for a frame that stopped arriving", true),
        ANSWERS_REFUSED("AnswersRefused", "answers replaced by OVERLOADED errors because the peer read too little of "
                + "what was sent to it", true);

        final String attribute;
        final String description;
        final boolean warns;

        Event(String attribute, String description, boolean warns) {
            this.attribute = attribute;
            this.description = description;
            this.warns = warns;
        }
    }

    /** The shortest time between two warning lines of one kind. */
    static final long WARN_EVERY_NANOS = 10_000_000_000L;
    static final String IN_PROGRESS = "HandshakesInProgress";

    private final String owner;
    private final System.Logger log;
    private final AtomicLongArray counts = new AtomicLongArray(Event.values().length);
    private final Supplier<Integer> inProgress;
    private final LongSupplier clock;
    // loop only
    private final long[] lastWarned = new long[Event.values().length];
    private final boolean[] everWarned = new boolean[Event.values().length];
    private final long[] unreported = new long[Event.values().length];

    /**
     * @param owner names the transport in log lines
     * @param log where events are logged
     * @param inProgress how many inbound connections are mid-handshake now
     * @param clock the time in nanoseconds ({@link System#nanoTime()}, or a test's clock): what the rate limit of
     *     warning lines reads
     */
    TransportStats(String owner, System.Logger log, Supplier<Integer> inProgress, LongSupplier clock) {
        this.owner = owner;
        this.log = log;
        this.inProgress = inProgress;
        this.clock = clock;
    }

    /**
     * Counts an event and, if it warns, logs it: at {@code WARNING} unless one of its kind was logged so within
     * the last 10 s (by the clock), else at {@code DEBUG}. On the loop.
     *
     * @param event what happened
     * @param detail what exactly, for the log line
     */
    void record(Event event, Supplier<String> detail) {
        long total = counts.incrementAndGet(event.ordinal());
        if (!event.warns) {
            return;
        }
        int i = event.ordinal();
        long now = clock.getAsLong();
        if (everWarned[i] && now - lastWarned[i] < WARN_EVERY_NANOS) {
            unreported[i]++;
            log.log(Level.DEBUG, () -> owner + ": " + detail.get());
            return;
        }
        long more = unreported[i];
        everWarned[i] = true;
        lastWarned[i] = now;
        unreported[i] = 0;
        log.log(Level.WARNING, () -> owner + ": " + detail.get() + " (" + event.attribute + ": " + total
                + " since the transport opened" + (more > 0 ? ", " + more + " more since the last such line" : "")
                + ")");
    }

    /**
     * @param event an event
     * @return how often it happened since the transport opened
     */
    long count(Event event) {
        return counts.get(event.ordinal());
    }

    // ---- the MBean ----

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        if (IN_PROGRESS.equals(attribute)) {
            return (long) inProgress.get();
        }
        for (Event e : Event.values()) {
            if (e.attribute.equals(attribute)) {
                return count(e);
            }
        }
        throw new AttributeNotFoundException(attribute);
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            try {
                list.add(new Attribute(a, getAttribute(a)));
            } catch (AttributeNotFoundException e) {
                // left out, as the MBean contract has it
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("read-only: " + attribute.getName());
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        Event[] events = Event.values();
        MBeanAttributeInfo[] attributes = new MBeanAttributeInfo[events.length + 1];
        for (int i = 0; i < events.length; i++) {
            attributes[i] = new MBeanAttributeInfo(events[i].attribute, "long", events[i].description, true, false,
                    false);
        }
        attributes[events.length] = new MBeanAttributeInfo(IN_PROGRESS, "long", "inbound connections mid-handshake "
                + "now", true, false, false);
        return new MBeanInfo(TransportStats.class.getName(), "counters of the vertx transport " + owner, attributes,
                null, null, null);
    }
}
