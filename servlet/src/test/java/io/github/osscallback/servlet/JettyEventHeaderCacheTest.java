package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Jetty's header cache may change the case of a signed header's value (an MNS signature, an
 * EventBridge one), as it does a callback's; the event filter says so once, at its first request,
 * when the cache ignores case, and says nothing on a Jetty configured as docs/containers.md asks.
 * Not tagged {@code jetty}: Jetty 9.4 fails genuine MNS pushes anyway (see JettyEventFilterTest).
 */
class JettyEventHeaderCacheTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final SigningCertificate CERT = SigningCertificate.generate();

    /** The levels logged by the filter for one genuine MNS push. */
    private static List<Level> levelsOfOnePush(boolean caseSensitive) throws Exception {
        ManualClock clock = new ManualClock(NOW);
        try (LoopbackKeyServer certs = LoopbackKeyServer.start().serve("/events/cert.pem", CERT.pem());
             EventVerifier verifier = EventVerifier.builder()
                     .acceptMns(KeyUrlPolicy.builder().allowPrefix(certs.baseUrl() + "/events/").build())
                     .clock(clock).build();
             JettyFixture jetty = new JettyFixture(caseSensitive)) {
            String base = jetty.start("", "/events/*", new OssEventFilter(verifier), Map.of(), new HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void doPost(HttpServletRequest request, HttpServletResponse response) {
                    response.setStatus(204);
                }
            });
            SignedDelivery push = MnsPusher.create(CERT, certs.url("/events/cert.pem"), clock)
                    .push(MnsPusher.Format.XML, "/events/mns", "M-1", "hello");
            List<LogRecord> records = LogCapture.recordsOf(OssEventFilter.class, () -> {
                int status = RawHttp.post(URI.create(base).getPort(), push.target(), push.headers(), push.body())
                        .status();
                // With the cache ignoring case, Jetty 10 hands over MNS's signed Content-Type in another
                // case and the genuine push fails; Jetty 12 does not for this one. Either way it warned.
                if (caseSensitive) {
                    assertEquals(204, status);
                }
                return null;
            });
            if (!caseSensitive) {
                assertTrue(LogCapture.message(records.get(0)).contains("setHeaderCacheCaseSensitive(true)"),
                        LogCapture.message(records.get(0)));
            }
            return records.stream().map(LogRecord::getLevel).collect(Collectors.toList());
        }
    }

    @Test
    void warnsOnceWhenTheHeaderCacheIgnoresCase() throws Exception {
        List<Level> levels = levelsOfOnePush(false);
        assertEquals(Level.WARNING, levels.get(0));
        // Then at most the refusal of the push whose signed header the cache rewrote.
        assertTrue(levels.size() == 1 || levels.equals(List.of(Level.WARNING, Level.INFO)), levels.toString());
    }

    @Test
    void saysNothingOnAJettyConfiguredToKeepCase() throws Exception {
        assertEquals(List.of(), levelsOfOnePush(true));
    }
}
