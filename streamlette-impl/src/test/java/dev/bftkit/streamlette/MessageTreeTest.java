package dev.bftkit.streamlette;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.Fault;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.InvalidMessageException.Reason;
import dev.bftkit.api.NodeId;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One test per insert rule and per tree invariant of the spec's §8. */
class MessageTreeTest {
    final Fixture f = new Fixture(4);
    final FaultLog faults = new FaultLog();
    final MessageTree tree = f.tree(faults);

    static void rejected(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidMessageException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    /** Inserting must leave the tree exactly as it was when a rule rejects. */
    void rejectedWithoutChange(Message m, NodeId from, Reason reason) {
        String before = summaryText();
        int size = tree.size();
        rejected(() -> tree.insert(m, Wire.encode(m), from), reason);
        assertThat(summaryText()).isEqualTo(before);
        assertThat(tree.size()).isEqualTo(size);
    }

    String summaryText() {
        return summaryText(tree);
    }

    static String summaryText(MessageTree t) {
        StringBuilder sb = new StringBuilder();
        for (byte[][] e : t.summary()) {
            sb.append(dev.bftkit.api.Bytes.hex(e[0])).append(':').append(dev.bftkit.api.Bytes.hex(e[1])).append(',');
        }
        return sb.toString();
    }

    @Test
    void contentHashIgnoresTheSignatureAndPinsTheEncoding() {
        Message p = f.proposal(f.leader(0), 0, "x");
        Message unsigned = new Message.Proposal(f.instance, 0, "x".getBytes(), p.source(), new byte[0]);
        assertThat(f.hash(p)).isEqualTo(f.crypto.hash(Wire.encode(unsigned)));
        assertThat(Wire.encode(unsigned)).startsWith(1, 1); // version 1, kind proposal
        assertThat(Wire.encode(Wire.decode(Wire.encode(p), 1024, 32))).isEqualTo(Wire.encode(p));
        assertThat(Wire.verify(f.crypto, p, f.hash(p))).isTrue();
        // the signature covers the domain tag: the same hash signed as a vote does not verify as a proposal
        Message asVote = new Message.Vote(f.instance, f.hash(p), p.source(), p.signature());
        assertThat(Wire.verify(f.crypto, asVote, f.hash(p))).isFalse();
    }

    @Test
    void wrongInstanceIsRejectedAndBlamesTheRelay() {
        Fixture other = new Fixture(4, InstanceId.of("other"), null);
        Message p = other.proposal(other.leader(0), 0, "x");
        rejectedWithoutChange(p, f.ids[2], Reason.WRONG_INSTANCE);
        assertThat(faults.entries()).singleElement().satisfies(x -> assertThat(x.offender()).isEqualTo(f.ids[2]));
    }

    @Test
    void nonMemberSignerIsRejected() {
        Fixture bigger = new Fixture(6);
        Message p = bigger.proposal(5, 0, "x"); // node 5 is not in the 4-node committee (same keys for 0..3)
        rejectedWithoutChange(p, null, Reason.NOT_MEMBER);
    }

    @Test
    void badSignatureIsRejectedAndBlamesTheRelayNotTheClaimedSigner() {
        Message p = f.proposal(f.leader(0), 0, "x");
        Message forged = new Message.Proposal(f.instance, 0, "x".getBytes(), p.source(), new byte[16]);
        rejectedWithoutChange(forged, f.ids[3], Reason.BAD_SIGNATURE);
        assertThat(faults.entries()).singleElement().satisfies(x -> {
            assertThat(x.offender()).isEqualTo(f.ids[3]);
            assertThat(x.kind()).isEqualTo(Fault.Kind.FORGED_SIGNATURE);
        });
    }

    @Test
    void validlySignedLeaderMessageFromANonLeaderIsRejected() {
        int notLeader = (f.leader(0) + 1) % 4;
        Message p = f.proposal(notLeader, 0, "x");
        rejectedWithoutChange(p, f.ids[2], Reason.NOT_ALLOWED);
        assertThat(faults.entries()).singleElement().satisfies(x -> {
            assertThat(x.offender()).isEqualTo(f.ids[notLeader]);
            assertThat(x.kind()).isEqualTo(Fault.Kind.NOT_ENTITLED);
        });
    }

    @Test
    void tickBeyondMaxTickIsRejectedThenAcceptedOnceItRises() {
        Message p = f.proposal(f.leader(5), 5, "x");
        rejectedWithoutChange(p, null, Reason.TOO_EARLY);
        assertThat(faults.isEmpty()).as("being early is no fault").isTrue();
        tree.setMaxTick(5);
        assertThat(Fixture.insert(tree, p)).isTrue();
        assertThat(Fixture.insert(tree, p)).as("re-insert is idempotent").isFalse();
    }

    @Test
    void solicitNeedsItsParentAndAHigherTick() {
        tree.setMaxTick(10);
        Message p = f.proposal(f.leader(3), 3, "x");
        long t = f.tickLedBy(f.leader(3), 1);
        Message orphan = f.solicit(f.leader(4), 4, p);
        rejectedWithoutChange(orphan, null, Reason.UNKNOWN_REFERENCE);
        Fixture.insert(tree, p);
        Message backwards = f.solicit(f.leader(t), t, p);
        if (t <= 3) {
            rejectedWithoutChange(backwards, null, Reason.MALFORMED);
        }
        assertThat(Fixture.insert(tree, orphan)).isTrue();
    }

    @Test
    void voteForUnknownTargetIsRejected() {
        Message p = f.proposal(f.leader(0), 0, "x");
        rejectedWithoutChange(f.vote(1, p), null, Reason.UNKNOWN_REFERENCE);
    }

    @Test
    void secondLeaderMessageForOneTickIsEquivocationKeptAsEvidence() {
        int l = f.leader(0);
        Fixture.insert(tree, f.proposal(l, 0, "a"));
        assertThat(Fixture.insert(tree, f.proposal(l, 0, "b"))).isTrue();
        assertThat(faults.entries()).singleElement().satisfies(x -> {
            assertThat(x.offender()).isEqualTo(f.ids[l]);
            assertThat(x.kind()).isEqualTo(Fault.Kind.EQUIVOCATION);
            assertThat(x.evidence()).hasSize(2);
        });
    }

    @Test
    void versionsBeyondMaxVariantsAreRefusedAndKeptNowhere() {
        int l = f.leader(0);
        for (int i = 0; i < MessageTree.MAX_VARIANTS; i++) {
            Fixture.insert(tree, f.proposal(l, 0, "v" + i));
        }
        Message extra = f.proposal(l, 0, "extra");
        rejectedWithoutChange(extra, null, Reason.CONFLICT);
        rejectedWithoutChange(f.vote(1, extra), null, Reason.UNKNOWN_REFERENCE);
        assertThat(faults.entries()).as("one proof of the equivocation").hasSize(1);
    }

    @Test
    void aFurtherVersionNeedsVotesFromMoreThanTheFaultyWeightInItsBatch() {
        int l = f.leader(0);
        for (int i = 0; i < MessageTree.MAX_VARIANTS; i++) {
            Fixture.insert(tree, f.proposal(l, 0, "v" + i));
        }
        Message extra = f.proposal(l, 0, "extra");
        Message byLeader = f.vote(l, extra);
        Message byOther = f.vote((l + 1) % 4, extra);
        Message forged = Wire.withSignature(f.vote((l + 2) % 4, extra), new byte[64]);
        rejected(() -> tree.insert(extra, Wire.encode(extra), null,
                new MessageTree.Batch(List.of(extra, byLeader, forged))), Reason.CONFLICT);
        assertThat(tree.insert(extra, Wire.encode(extra), null,
                new MessageTree.Batch(List.of(extra, byLeader, byOther)))).as("two of four: more than the one faulty")
                .isTrue();
        assertThat(tree.get(new Key(f.hash(extra)))).isNotNull();
    }

    @Test
    void doubleVoteInOneTickIsLoggedOnceAndCounts() {
        int l = f.leader(0);
        Message a = f.proposal(l, 0, "a");
        Message b = f.proposal(l, 0, "b");
        Fixture.insert(tree, a);
        Fixture.insert(tree, b);
        Fixture.insert(tree, f.vote(2, a));
        Fixture.insert(tree, f.vote(2, b));
        assertThat(faults.entries()).filteredOn(x -> x.offender().equals(f.ids[2])).singleElement()
                .satisfies(x -> assertThat(x.kind()).isEqualTo(Fault.Kind.EQUIVOCATION));
        assertThat(tree.get(new Key(f.hash(b))).voteWeight).isEqualTo(1);
    }

    @ParameterizedTest(name = "T={0} notarizes at {1} votes")
    @CsvSource({"4,3", "7,5", "10,7"})
    void notarizedExactlyAboveTwoThirds(int n, int need) {
        Fixture g = new Fixture(n);
        MessageTree t = g.tree(new FaultLog());
        Message p = g.proposal(g.leader(0), 0, "x");
        Fixture.insert(t, p);
        g.votes(t, p, need - 1);
        assertThat(t.get(new Key(g.hash(p))).notarized).isFalse();
        Fixture.insert(t, g.vote(need - 1, p));
        assertThat(t.get(new Key(g.hash(p))).notarized).isTrue();
    }

    @Test
    void duplicateVoteCountsOnceAndNonMemberVotesAreRejected() {
        Message p = f.proposal(f.leader(0), 0, "x");
        Fixture.insert(tree, p);
        Message v = f.vote(1, p);
        Fixture.insert(tree, v);
        assertThat(Fixture.insert(tree, v)).isFalse();
        assertThat(tree.get(new Key(f.hash(p))).voteWeight).isEqualTo(1);
        Fixture bigger = new Fixture(6);
        Message strangerVote = bigger.vote(5, p);
        rejected(() -> Fixture.insert(tree, strangerVote), Reason.NOT_MEMBER);
    }

    @Test
    void zeroWeightVotesCountNothing() {
        Fixture g = new Fixture(4, InstanceId.of("w"), new long[] {1, 1, 1, 0});
        MessageTree t = g.tree(new FaultLog());
        Message p = g.proposal(g.leader(0), 0, "x");
        Fixture.insert(t, p);
        Fixture.insert(t, g.vote(0, p));
        Fixture.insert(t, g.vote(3, p));
        assertThat(t.get(new Key(g.hash(p))).notarized).isFalse();
        Fixture.insert(t, g.vote(1, p));
        assertThat(t.get(new Key(g.hash(p))).notarized).as("2 of 3 is not more than 2/3").isFalse();
        Fixture.insert(t, g.vote(2, p));
        assertThat(t.get(new Key(g.hash(p))).notarized).isTrue();
        for (long tick = 0; tick < 500; tick++) {
            assertThat(g.leader(tick)).as("zero weight never leads").isNotEqualTo(3);
        }
    }

    /** Builds a notarized chain at the given ticks (first a proposal) and returns its messages. */
    Message[] chain(long... ticks) {
        tree.setMaxTick(ticks[ticks.length - 1]);
        Message[] out = new Message[ticks.length];
        for (int i = 0; i < ticks.length; i++) {
            out[i] = i == 0 ? f.proposal(f.leader(ticks[0]), ticks[0], "root")
                    : f.solicit(f.leader(ticks[i]), ticks[i], out[i - 1]);
            Fixture.insert(tree, out[i]);
            f.votes(tree, out[i], 3);
        }
        return out;
    }

    MessageTree.Entry entry(Message m) {
        return tree.get(new Key(f.hash(m)));
    }

    @Test
    void threeConsecutiveNotarizedTicksFinalizeTheRoot() {
        Message[] c = chain(0, 1, 2);
        MessageTree.Entry[] triple = tree.consecutiveTriple(entry(c[2]));
        assertThat(triple).isNotNull();
        assertThat(triple[1].root).isSameAs(entry(c[0]));
        assertThat(tree.consecutiveTriple(entry(c[0]))).as("found from the bottom too").isNotNull();
        assertThat(tree.consecutiveTriple(entry(c[1]))).as("and from the middle").isNotNull();
    }

    @Test
    void aGapDoesNotFinalize() {
        Message[] c = chain(0, 1, 3);
        for (Message m : c) {
            assertThat(tree.consecutiveTriple(entry(m))).isNull();
        }
    }

    @Test
    void aNotarizedProposalAloneNeverFinalizes() {
        Message[] c = chain(0);
        assertThat(tree.lncTips()).extracting(e -> e.key).containsExactly(new Key(f.hash(c[0])));
        assertThat(tree.consecutiveTriple(entry(c[0]))).isNull();
    }

    @Test
    void lncTipsAreTheDeepestNotarizedInUnsignedHashOrder() {
        tree.setMaxTick(10);
        Message p = f.proposal(f.leader(0), 0, "root");
        Fixture.insert(tree, p);
        f.votes(tree, p, 3);
        Message other = f.proposal(f.leader(1), 1, "another root");
        Fixture.insert(tree, other);
        f.votes(tree, other, 3);
        assertThat(tree.lncTips()).as("two notarized roots at depth 0").hasSize(2);
        Message a = f.solicit(f.leader(2), 2, p);
        Message b = f.solicit(f.leader(3), 3, p);
        Fixture.insert(tree, a);
        Fixture.insert(tree, b);
        f.votes(tree, a, 3);
        assertThat(tree.lncTips()).extracting(e -> e.key).containsExactly(new Key(f.hash(a)));
        f.votes(tree, b, 3);
        Key ka = new Key(f.hash(a));
        Key kb = new Key(f.hash(b));
        assertThat(tree.lncTips()).extracting(e -> e.key)
                .containsExactly(ka.compareTo(kb) < 0 ? new Key[] {ka, kb} : new Key[] {kb, ka});
        assertThat(tree.isLncTip(entry(p))).isFalse();
    }

    @Test
    void diffCoversTheirSummaryAndReapplyingChangesNothing() {
        Message[] c = chain(0, 1, 2);
        FaultLog otherFaults = new FaultLog();
        MessageTree other = f.tree(otherFaults);
        other.setMaxTick(2);
        List<byte[]> diff = tree.diff(other.summary(), 10_000, 1 << 20);
        long lastTick = -1;
        boolean sawVote = false;
        for (byte[] enc : diff) {
            Message m = Wire.decode(enc, 1024, 32);
            if (m instanceof Message.Vote) {
                sawVote = true;
            } else {
                assertThat(sawVote).as("votes come after every leader message").isFalse();
                long t = m instanceof Message.Proposal pp ? pp.tick() : ((Message.Solicit) m).tick();
                assertThat(t).as("parents first").isGreaterThanOrEqualTo(lastTick);
                lastTick = t;
            }
            other.insert(m, enc, f.ids[1]);
        }
        assertThat(summaryText(other)).isEqualTo(summaryText(tree));
        assertThat(tree.diff(other.summary(), 10_000, 1 << 20)).isEmpty();
        for (byte[] enc : diff) {
            assertThat(other.insert(Wire.decode(enc, 1024, 32), enc, f.ids[1])).isFalse();
        }
        assertThat(otherFaults.isEmpty()).isTrue();
        assertThat(c).hasSize(3);
    }

    @Test
    void theSummaryNamesTheVotersAndTheDiffSendsOnlyTheVotesTheAskerLacks() {
        Message p = f.proposal(f.leader(0), 0, "x");
        Fixture.insert(tree, p);
        Fixture.insert(tree, f.vote(0, p));
        Fixture.insert(tree, f.vote(2, p));
        Fixture.insert(tree, f.vote(3, p));
        assertThat(tree.summary()).singleElement().satisfies(e -> assertThat(e[1]).isEqualTo(f.voters(0, 2, 3)));
        List<byte[]> diff = tree.diff(List.<byte[][]>of(new byte[][] {f.hash(p), f.voters(1, 2)}), 10_000, 1 << 20);
        assertThat(diff).extracting(dev.bftkit.api.Bytes::hex).containsExactlyInAnyOrder(
                dev.bftkit.api.Bytes.hex(Wire.encode(f.vote(0, p))),
                dev.bftkit.api.Bytes.hex(Wire.encode(f.vote(3, p))));
        assertThat(tree.diff(List.<byte[][]>of(new byte[][] {f.hash(p), f.voters(0, 1, 2, 3)}), 10_000, 1 << 20))
                .isEmpty();
    }

    /**
     * A voter has at most one stored vote per target: the content hash leaves the signature out, so a second
     * signature over the same vote is a duplicate, and the voter bitmap names the stored votes exactly. An
     * equivocating voter's votes for two targets of one tick set one bit in each.
     */
    @Test
    void aVoterHasOneVotePerTargetSoItsBitIsExactEvenWhenItEquivocates() {
        int l = f.leader(0);
        Message a = f.proposal(l, 0, "a");
        Message b = f.proposal(l, 0, "b");
        Fixture.insert(tree, a);
        Fixture.insert(tree, b);
        Message va = f.vote(2, a);
        Fixture.insert(tree, va);
        byte[] otherSignature = va.signature().clone();
        otherSignature[0] ^= 1;
        Message resigned = Wire.withSignature(va, otherSignature);
        assertThat(tree.insert(resigned, Wire.encode(resigned), f.ids[1])).as("same content hash: a duplicate")
                .isFalse();
        Fixture.insert(tree, f.vote(2, b));
        assertThat(tree.get(new Key(f.hash(a))).votes).hasSize(1);
        assertThat(tree.get(new Key(f.hash(a))).voters).isEqualTo(f.voters(2));
        assertThat(tree.get(new Key(f.hash(b))).voters).isEqualTo(f.voters(2));
        List<byte[]> diff = tree.diff(List.<byte[][]>of(new byte[][] {f.hash(a), f.voters(2)},
                new byte[][] {f.hash(b), f.voters()}), 10_000, 1 << 20);
        assertThat(diff).extracting(dev.bftkit.api.Bytes::hex)
                .containsExactly(dev.bftkit.api.Bytes.hex(Wire.encode(f.vote(2, b))));
    }

    @Test
    void diffsAreCutToTheirLimitsKeepingOrder() {
        chain(0, 1, 2);
        MessageTree other = f.tree(new FaultLog());
        List<byte[]> cut = tree.diff(other.summary(), 4, 1 << 20);
        assertThat(cut).hasSize(4);
        List<byte[]> all = tree.diff(other.summary(), 10_000, 1 << 20);
        assertThat(all.subList(0, 4)).containsExactlyElementsOf(cut);
    }
}
