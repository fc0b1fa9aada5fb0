package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Requesting sent again because its answer was lost ({@link ParsecCore#gossipTo}) gets the same answer again, and
 * an answer that arrives twice gets one Response: nobody signs an event the Requesting → Request → Response pattern
 * forbids, and nobody refuses the honest sender.
 */
class ReansweredRequestingTest {
    private final CoreNetwork net = new CoreNetwork(4, 7, true);
    private final NodeId a = net.ids.get(0);
    private final NodeId b = net.ids.get(1);

    @Test
    void aRequestingSentAgainAfterItsAnswerWasLostIsAnsweredAgainWithoutANewEvent() {
        ParsecCore sender = net.core(a);
        ParsecCore peer = net.core(b);
        List<Event> first = sender.gossipTo(b);
        List<Event> lost = peer.handleRequest(a, CoreNetwork.incoming(first)); // never reaches the sender
        int peerEvents = peer.peers.our().chainLength();

        List<Event> again = sender.gossipTo(b);
        assertThat(again.get(again.size() - 1).hash).as("the same Requesting, not a new one")
                .isEqualTo(first.get(first.size() - 1).hash);
        List<Event> answer = peer.handleRequest(a, CoreNetwork.incoming(again));

        assertThat(peer.peers.our().chainLength()).as("the peer signs nothing new").isEqualTo(peerEvents);
        assertThat(answer.get(answer.size() - 1).hash).as("its answer ends in the Request it signed before")
                .isEqualTo(lost.get(lost.size() - 1).hash);
        int senderEvents = sender.peers.our().chainLength();
        sender.handleResponse(b, CoreNetwork.incoming(answer));
        assertThat(sender.peers.our().chainLength()).as("the sender responds once").isEqualTo(senderEvents + 1);
        assertThat(net.faults.get(a)).isEmpty();
        assertThat(net.faults.get(b)).isEmpty();
    }

    @Test
    void anAnswerDeliveredTwiceGetsOneResponse() {
        ParsecCore sender = net.core(a);
        ParsecCore peer = net.core(b);
        List<Event> answer = peer.handleRequest(a, CoreNetwork.incoming(sender.gossipTo(b)));
        sender.handleResponse(b, CoreNetwork.incoming(answer));
        int senderEvents = sender.peers.our().chainLength();

        sender.handleResponse(b, CoreNetwork.incoming(answer));

        assertThat(sender.peers.our().chainLength()).as("no second Response").isEqualTo(senderEvents);
        // and the peers that later receive both chains see the pattern kept
        List<Event> toThird = sender.gossipTo(net.ids.get(2));
        net.core(net.ids.get(2)).handleRequest(a, CoreNetwork.incoming(toThird));
        assertThat(net.faults.get(net.ids.get(2))).isEmpty();
    }
}
