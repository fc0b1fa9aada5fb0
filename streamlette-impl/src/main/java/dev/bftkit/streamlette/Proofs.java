package dev.bftkit.streamlette;

import dev.bftkit.streamlette.Mutations.Defect;
import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.streamlette.Message.Proposal;
import dev.bftkit.streamlette.Message.Solicit;
import dev.bftkit.streamlette.Message.Vote;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decision proofs: the chain from the decided proposal up to the top of a notarized triple with consecutive ticks,
 * and, for each of the three, votes from more than 2/3 of the weight. Anyone holding the committee checks it:
 * signatures, links, ticks, that each message of the chain is signed by its tick's leader under the instance's
 * default schedule (the leader seed derived from the instance id), and quorum weight. Under the fault assumption the
 * quorums alone would do (honest members vote only for leaders' messages on a notarized chain, so a quorum for a
 * non-leader's message needs more than a third of the weight to be faulty); checking the leaders as well keeps the
 * proof self-contained. An instance run with another {@code streamlette.leaderSeed} makes proofs this refuses.
 */
final class Proofs {
    static final int MAX_CHAIN = 100_000;

    private Proofs() {
    }

    static byte[] encode(List<MessageTree.Entry> chain, MessageTree.Entry[] triple) {
        Encoder out = Encoder.message(Wire.VERSION, Wire.PROOF).i32(chain.size());
        for (MessageTree.Entry e : chain) {
            out.bytes(e.encoded);
        }
        for (MessageTree.Entry e : triple) {
            out.i32(e.votes.size());
            for (MessageTree.VoteEntry v : e.votes.values()) {
                out.bytes(v.encoded());
            }
        }
        return out.toByteArray();
    }

    /** The chain from the root to {@code top}, root first. */
    static List<MessageTree.Entry> chainTo(MessageTree.Entry top) {
        List<MessageTree.Entry> chain = new ArrayList<>();
        for (MessageTree.Entry e = top; e != null; e = e.parent) {
            chain.add(0, e);
        }
        return chain;
    }

    static boolean verify(Committee committee, Crypto crypto, Decision d, int maxBody, Mutations mutations) {
        try {
            return check(committee, crypto, d, maxBody, mutations,
                    new Leaders(committee, dev.bftkit.api.SeededRandom.seedOf(d.instance().bytes())));
        } catch (InvalidMessageException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean check(Committee committee, Crypto crypto, Decision d, int maxBody, Mutations mutations,
                                 Leaders leaders) {
        if (d.position() != 0) {
            return false;
        }
        int h = crypto.hashLength();
        MemberKeys keys = new MemberKeys(committee, crypto);
        Decoder in = Decoder.message(d.proof(), Wire.VERSION);
        if (in.kind() != Wire.PROOF) {
            return false;
        }
        int n = in.count(MAX_CHAIN, 4);
        if (n < 3) {
            return false;
        }
        List<Message> chain = new ArrayList<>(n);
        List<byte[]> hashes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Message m = Wire.decode(in.bytes(Integer.MAX_VALUE), maxBody, h);
            byte[] chash = Wire.contentHash(crypto, m);
            if (!m.instance().equals(d.instance()) || !committee.contains(m.source()) || m instanceof Vote
                    || !mutations.has(Defect.SKIP_LEADER_CHECK)
                    && !leaders.leader(tick(m)).equals(m.source())
                    || !keys.verify(m, chash)) {
                return false;
            }
            if (i == 0) {
                if (!(m instanceof Proposal p) || !Arrays.equals(p.body(), d.value())) {
                    return false;
                }
            } else {
                if (!(m instanceof Solicit s) || !Arrays.equals(s.previous(), hashes.get(i - 1))
                        || s.tick() <= tick(chain.get(i - 1))) {
                    return false;
                }
            }
            chain.add(m);
            hashes.add(chash);
        }
        for (int k = 0; k < 3; k++) {
            int i = n - 3 + k;
            if (k > 0 && tick(chain.get(i)) != tick(chain.get(i - 1)) + 1) {
                return false;
            }
            int votes = in.count(committee.size(), 4);
            Set<NodeId> voters = new HashSet<>();
            for (int j = 0; j < votes; j++) {
                Message m = Wire.decode(in.bytes(Integer.MAX_VALUE), maxBody, h);
                if (!(m instanceof Vote v) || !v.instance().equals(d.instance())
                        || !Arrays.equals(v.target(), hashes.get(i)) || !committee.contains(v.source())
                        || !voters.add(v.source()) || !keys.verify(v, Wire.contentHash(crypto, v))) {
                    return false;
                }
            }
            long weight = committee.weightOf(voters);
            boolean quorum = mutations.has(Defect.HALF_THRESHOLD)
                    ? 2 * weight > committee.totalWeight()
                    : committee.isSupermajority(weight);
            if (!quorum) {
                return false;
            }
        }
        in.finish();
        return true;
    }

    private static long tick(Message m) {
        return m instanceof Proposal p ? p.tick() : ((Solicit) m).tick();
    }
}
