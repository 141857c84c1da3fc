package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Accepted event deliveries reach every combined listener, past one that throws. */
class EventListenerTest {

    @Test
    void eventAcceptedReachesEachListenerEvenAfterOneThrows() {
        List<String> heard = new ArrayList<>();
        CallbackListener throwing = new CallbackListener() {
            @Override
            public void eventAccepted(EventDelivery delivery) {
                throw new IllegalStateException("metrics down");
            }
        };
        CallbackListener recording = new CallbackListener() {
            @Override
            public void eventAccepted(EventDelivery delivery) {
                heard.add(delivery.messageId().orElseThrow());
            }
        };
        EventDelivery delivery = new EventDelivery(EventDelivery.Service.MNS, "M1", "mns::M1", "https://c/x.pem",
                Instant.EPOCH, new byte[0], "", List.of());
        CallbackListener all = CallbackListener.all(throwing, recording);
        all.eventAccepted(delivery);
        new GuardedListener(throwing).eventAccepted(delivery);
        assertEquals(List.of("M1"), heard);
    }
}
