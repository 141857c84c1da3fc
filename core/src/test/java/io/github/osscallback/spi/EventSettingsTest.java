package io.github.osscallback.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event settings every adapter reads: what each sets, and what each refuses, by name. */
class EventSettingsTest {

    private static EventVerifier built(Map<String, String> settings) {
        return EventSettings.configure(EventVerifier.builder(), settings).build();
    }

    @Test
    void regionsAcceptTheirServiceAndLimitsAreSet() {
        try (EventVerifier verifier = built(Map.of("mnsRegions", "cn-hangzhou", "eventBridgeRegions",
                "cn-hangzhou, cn-shanghai", "maxBodyBytes", "4096"))) {
            assertEquals(4096, verifier.maxBodyBytes());
            assertEquals(List.of(EventDelivery.Service.MNS, EventDelivery.Service.EVENTBRIDGE),
                    List.copyOf(verifier.certificateStatus().keySet()));
        }
    }

    @Test
    void anUnknownNameIsRefusedWithTheNearest() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> built(Map.of("mnsRegion", "cn-hangzhou")));
        assertTrue(e.getMessage().contains("did you mean mnsRegions?"), e.getMessage());
    }

    @Test
    void regionsAndPrefixesOfOneServiceContradict() {
        assertThrows(IllegalStateException.class, () -> built(Map.of("mnsRegions", "cn-hangzhou",
                "mnsCertificatePrefixes", "https://certs.example/")));
    }

    @Test
    void numbersAreAsciiDigitsOnly() {
        for (String bad : List.of("-1", "+5", "0", "١٢", "12s")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> built(Map.of("mnsRegions", "cn-hangzhou", "duplicateWindowSeconds", bad)), bad);
            assertTrue(e.getMessage().startsWith("setting duplicateWindowSeconds"), e.getMessage());
        }
    }

    @Test
    void theTokenIsNeverQuoted() {
        String token = "very-secret-token";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> built(Map.of("eventBridgeToken", token)));
        assertFalse(e.getMessage().contains(token), e.getMessage());
    }

    @Test
    void anInvalidRegionIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> built(Map.of("eventBridgeRegions", "Hangzhou")));
        assertTrue(e.getMessage().startsWith("setting eventBridgeRegions"), e.getMessage());
    }
}
