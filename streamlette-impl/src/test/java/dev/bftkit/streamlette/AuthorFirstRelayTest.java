package dev.bftkit.streamlette;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.Fault;
import dev.bftkit.api.InvalidMessageException.Reason;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.DrivenDecider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Author-first pull responses: a node sends what it authored at once and relays another author's message only once
 * it is {@value MessageTree#RELAY_AGE} phases old, or at once when the asker marks that author unreachable; the
 * unreachable-peer bitmap is untrusted input; and a Byzantine author who gives its messages to some nodes only
 * still reaches every honest node through relays.
 */
class AuthorFirstRelayTest {
    final Fixture f = new Fixture(4);
    final int leader = f.leader(0);
    final int responder = (leader + 1) % 4;
    final int author = (leader + 2) % 4;
    final int asker = (leader + 3) % 4;
    final Message proposal = f.proposal(leader, 0, "p");
    final Message authorsVote = f.vote(author, proposal);
    final Message respondersVote = f.vote(responder, proposal);
    final DrivenDecider node = Fixture.drive(f.config(responder, Doubles.memoryStorage(), "r"));

    AuthorFirstRelayTest() {
        // the responder learns the leader's proposal (and votes for it), then another node's vote
        node.onResponse(f.ids[leader], Wire.diff(List.of(Wire.encode(proposal))));
        node.onResponse(f.ids[author], Wire.diff(List.of(Wire.encode(authorsVote))));
    }

    /** A pull whose summary holds the proposal without votes; {@code unreachable} by fixture index. */
    byte[] pullHavingTheProposal(int... unreachable) {
        return Wire.pull(bitmap(unreachable), List.<byte[][]>of(new byte[][] {f.hash(proposal), new byte[1]}));
    }


    boolean[] bitmap(int... unreachable) {
        boolean[] out = new boolean[4];
        for (int i : unreachable) {
            out[f.committee.indexOf(f.ids[i])] = true;
        }
        return out;
    }

    static List<String> answer(DrivenDecider d, int from, Fixture f, byte[] pull) {
        List<String> out = new ArrayList<>();
        for (byte[] m : Wire.decodeDiff(d.onRequest(f.ids[from], pull), 10_000, 1 << 20)) {
            out.add(Bytes.hex(m));
        }
        return out;
    }

    static String hex(Message m) {
        return Bytes.hex(Wire.encode(m));
    }

    @Test
    void aRelayIsWithheldWhileFreshAndSentOnceOld() {
        assertThat(answer(node, asker, f, pullHavingTheProposal()))
                .as("our own vote goes at once, another author's fresh vote waits")
                .contains(hex(respondersVote)).doesNotContain(hex(authorsVote));
        assertThat(answer(node, asker, f, Wire.pull(bitmap(), List.of())))
                .as("a fresh proposal the asker lacks waits, and so does our vote for it, useless without it")
                .isEmpty();
        node.tick();
        assertThat(answer(node, asker, f, pullHavingTheProposal())).as("one phase later: still fresh")
                .doesNotContain(hex(authorsVote));
        node.tick();
        assertThat(answer(node, asker, f, pullHavingTheProposal())).as("two phases later: old, relayed")
                .contains(hex(respondersVote), hex(authorsVote));
        List<String> all = answer(node, asker, f, Wire.pull(bitmap(), List.of()));
        assertThat(all).as("parents first, votes after their targets")
                .containsSubsequence(hex(proposal), hex(respondersVote))
                .containsSubsequence(hex(proposal), hex(authorsVote));
    }

    @Test
    void aRelayIsSentAtOnceWhenTheAskerMarksItsAuthorUnreachable() {
        assertThat(answer(node, asker, f, pullHavingTheProposal(author)))
                .contains(hex(respondersVote), hex(authorsVote));
        assertThat(answer(node, asker, f, Wire.pull(bitmap(leader), List.of())))
                .as("the leader unreachable: its proposal at once, with our vote; the author's vote still waits")
                .containsExactly(hex(proposal), hex(respondersVote));
        assertThat(answer(node, asker, f, Wire.pull(bitmap(leader, author), List.of())))
                .containsExactly(hex(proposal), hex(respondersVote), hex(authorsVote))
                .isEqualTo(votesInTreeOrder());
    }

    /**
     * Our own solicit goes with what the asker needs to vote for it at once, fresh or not: the parent it lacks and
     * every vote that notarizes the parent.
     */
    @Test
    void ourSolicitGoesWithItsParentAndTheVotesThatNotarizeIt() {
        long t = 1;
        while (f.leader(t) == leader) {
            t++;
        }
        int soliciter = f.leader(t);
        int voter = (soliciter + 1) % 4 == leader ? (soliciter + 2) % 4 : (soliciter + 1) % 4;
        int other = 6 - leader - soliciter - voter;
        DrivenDecider d = Fixture.drive(f.config(soliciter, Doubles.memoryStorage(), "s"));
        for (long k = 0; k < 2 * t; k++) {
            d.tick(); // to tick t, phase 0
        }
        Message votersVote = f.vote(voter, proposal);
        Message leadersVote = f.vote(leader, proposal);
        d.onResponse(f.ids[leader], Wire.diff(List.of(Wire.encode(proposal), Wire.encode(leadersVote))));
        d.onResponse(f.ids[voter], Wire.diff(List.of(Wire.encode(votersVote))));
        d.tick(); // tick t, phase 0: the proposal is notarized (three votes with ours), so we solicit
        Message solicit = f.solicit(soliciter, t, proposal);
        List<String> answer = answer(d, other, f, Wire.pull(bitmap(), List.of()));
        assertThat(answer.subList(0, 2)).as("the parent first, then our solicit")
                .containsExactly(hex(proposal), hex(solicit));
        assertThat(answer.subList(2, answer.size())).as("then the votes: fresh, but they notarize the parent")
                .containsExactlyInAnyOrder(hex(votersVote), hex(leadersVote), hex(f.vote(soliciter, proposal)),
                        hex(f.vote(soliciter, solicit)));
        assertThat(answer(d, other, f, pullHavingTheProposal()))
                .as("an asker that has the parent gets its votes with our solicit, fresh or not")
                .containsExactlyInAnyOrder(hex(solicit), hex(votersVote), hex(leadersVote),
                        hex(f.vote(soliciter, proposal)), hex(f.vote(soliciter, solicit)));
    }

    /**
     * The summary names which votes the asker holds, by voter: a response carries exactly the votes it lacks, not
     * the ones it has (version 2's XOR of vote hashes said only that some vote was missing).
     */
    @Test
    void anAskerHoldingSomeOfAMessagesVotesGetsExactlyTheMissingOnes() {
        Message leadersVote = f.vote(leader, proposal);
        node.onResponse(f.ids[leader], Wire.diff(List.of(Wire.encode(leadersVote))));
        boolean[] relayAll = bitmap(leader, author); // so fresh relays go at once: only the bitmap decides
        assertThat(answer(node, asker, f, Wire.pull(relayAll, List.<byte[][]>of(
                new byte[][] {f.hash(proposal), f.voters(author)}))))
                .containsExactlyInAnyOrder(hex(respondersVote), hex(leadersVote));
        assertThat(answer(node, asker, f, Wire.pull(relayAll, List.<byte[][]>of(
                new byte[][] {f.hash(proposal), f.voters(leader, responder, asker)}))))
                .as("the asker's own vote, which we lack, changes nothing")
                .containsExactly(hex(authorsVote));
        assertThat(answer(node, asker, f, Wire.pull(relayAll, List.<byte[][]>of(
                new byte[][] {f.hash(proposal), f.voters(leader, responder, author)}))))
                .as("holding every vote we have: nothing to send").isEmpty();
        assertThat(answer(node, asker, f, Wire.pull(relayAll, List.of())))
                .as("lacking the message: it and all its votes")
                .containsExactlyInAnyOrder(hex(proposal), hex(respondersVote), hex(leadersVote), hex(authorsVote));
        assertThat(answer(node, asker, f, Wire.pull(bitmap(), List.<byte[][]>of(
                new byte[][] {f.hash(proposal), f.voters(responder)}))))
                .as("a missing vote still waits while fresh and its author reachable").isEmpty();
    }

    /** The whole tree as one response sends it: the proposal, then its votes in node-id order. */
    List<String> votesInTreeOrder() {
        List<String> out = new ArrayList<>(List.of(hex(proposal)));
        List<Message> votes = new ArrayList<>(List.of(respondersVote, authorsVote));
        votes.sort((a, b) -> a.source().compareTo(b.source()));
        votes.forEach(v -> out.add(hex(v)));
        return out;
    }

    @Test
    void aMalformedBitmapOrAnOldVersionIsATypedFaultAndChangesNothing() {
        String before = node.toDot();
        byte[] summary = new Encoder().i32(0).toByteArray();
        byte[][] malformed = {
            pullBytes(Wire.PULL_VERSION, new byte[0], summary), // too short for 4 members
            pullBytes(Wire.PULL_VERSION, new byte[2], summary), // too long
            pullBytes(Wire.PULL_VERSION, new byte[] {0x10}, summary), // bit 4 of a committee of 4
            pullBytes(Wire.PULL_VERSION, new byte[] {(byte) 0x80}, summary), // bit 7
            pullBytes(1, new byte[1], summary), // version 1 had no bitmap
            pullBytes(2, new byte[1], summary), // version 2 summarized votes by an XOR of their hashes
            Arrays.copyOf(pullBytes(Wire.PULL_VERSION, new byte[1], summary), 6), // ends inside the bitmap
            pullBytes(Wire.PULL_VERSION, new byte[1], entry(new byte[] {0x10})), // voter bit 4 of a committee of 4
            pullBytes(Wire.PULL_VERSION, new byte[1], entry(new byte[] {(byte) 0x80})), // voter bit 7
            pullBytes(Wire.PULL_VERSION, new byte[1], entry(new byte[0])), // voter bitmap missing
            pullBytes(Wire.PULL_VERSION, new byte[1], entry(new byte[2])), // voter bitmap too long
        };
        Reason[] expected = {Reason.MALFORMED, Reason.TOO_LARGE, Reason.MALFORMED, Reason.MALFORMED,
            Reason.UNSUPPORTED_VERSION, Reason.UNSUPPORTED_VERSION, Reason.MALFORMED, Reason.MALFORMED,
            Reason.MALFORMED, Reason.MALFORMED, Reason.TRAILING_BYTES};
        for (int i = 0; i < malformed.length; i++) {
            byte[] bad = malformed[i];
            MessageTreeTest.rejected(() -> node.onRequest(f.ids[asker], bad), expected[i]);
        }
        assertThat(node.faults().entries()).hasSize(malformed.length)
                .allSatisfy(fault -> {
                    assertThat(fault.offender()).isEqualTo(f.ids[asker]);
                    assertThat(fault.kind()).isEqualTo(Fault.Kind.MALFORMED);
                });
        assertThat(node.toDot()).isEqualTo(before);
        assertThat(answer(node, asker, f, pullBytes(Wire.PULL_VERSION, new byte[] {0x0f}, summary)))
                .as("every member's bit may be set").contains(hex(proposal), hex(authorsVote));
    }

    /** A one-entry summary: the proposal's hash, then {@code voters} as is. */
    byte[] entry(byte[] voters) {
        return Bytes.concat(new Encoder().i32(1).toByteArray(), f.hash(proposal), voters);
    }

    static byte[] pullBytes(int version, byte[] bitmap, byte[] rest) {
        return Bytes.concat(Encoder.message(version, Wire.PULL).bytes(bitmap).toByteArray(), rest);
    }

    /**
     * A Byzantine node that gives its own messages only to one honest node, and answers everyone else without them
     * (so nobody finds it unreachable). With another node down its votes are needed for every quorum, so the
     * honest nodes decide only if the one it serves relays them.
     */
    @Test
    void aWithholdingAuthorsMessagesStillReachEveryHonestNode() {
        Harness h = new Harness(f);
        int byzantine = 0;
        int served = 1;
        int starved = 2;
        h.down[3] = true;
        String byzantineId = Bytes.hex(f.ids[byzantine].bytes());
        h.filter = (from, to, response) -> from != byzantine || to == served ? response
                : Wire.diff(Wire.decodeDiff(response, 10_000, 1 << 20).stream()
                        .filter(m -> !Bytes.hex(Wire.decode(m, 1 << 20, 32).source().bytes()).equals(byzantineId))
                        .toList());
        assertThat(h.runUntilDecided(400)).as("phases until every live node decided").isPositive();
        assertThat(h.decided[starved].sameOutcome(h.decided[served])).isTrue();
        assertThat(h.decided[byzantine].sameOutcome(h.decided[served])).isTrue();
        boolean[] everyone = {true, true, true, true};
        long relayed = answer(h.nodes[starved], served, f, Wire.pull(everyone, List.of())).stream()
                .filter(m -> Bytes.hex(Wire.decode(Bytes.fromHex(m), 1 << 20, 32).source().bytes()).equals(byzantineId))
                .count();
        assertThat(relayed).as("the starved node holds the withholder's messages, which only relays brought")
                .isPositive();
    }
}
