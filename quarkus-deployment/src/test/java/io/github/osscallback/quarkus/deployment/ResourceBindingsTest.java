package io.github.osscallback.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssCallback;
import io.github.osscallback.quarkus.OssCallbackBody;
import io.github.osscallback.quarkus.OssCallbackVerified;
import io.github.osscallback.quarkus.OssEventVerified;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.io.IOException;
import org.jboss.jandex.Index;
import org.junit.jupiter.api.Test;

/**
 * The build step that refuses resource methods nothing would verify, or that two verifications
 * would each refuse, run over a real Jandex index of the classes below, as Quarkus indexes an
 * application.
 */
class ResourceBindingsTest {

    @Path("/verified")
    public static class Verified {
        @POST
        @OssCallbackVerified
        public String callback(OssCallback callback) {
            return "";
        }

        @POST
        @Path("/events")
        @OssEventVerified
        public void event(EventDelivery delivery) {
        }
    }

    @Path("/callbacks")
    @OssCallbackVerified
    public static class VerifiedByClass {
        @POST
        public String body(@OssCallbackBody String body) {
            return body;
        }
    }

    @Path("/unverified")
    public static class UnverifiedCallback {
        @POST
        public String callback(OssCallback callback) {
            return "";
        }
    }

    @Path("/unverified-body")
    public static class UnverifiedBody {
        @POST
        public String body(@OssCallbackBody String body) {
            return body;
        }
    }

    @Path("/unverified-event")
    public static class UnverifiedEvent {
        @POST
        @OssCallbackVerified
        public void event(EventDelivery delivery) {
        }
    }

    @Path("/both")
    @OssEventVerified
    public static class BothKinds {
        @POST
        @OssCallbackVerified
        public void both(byte[] body) {
        }
    }

    @Test
    void verifiedMethodsBuild() {
        assertDoesNotThrow(() -> refuse(Verified.class, VerifiedByClass.class));
    }

    @Test
    void aCallbackParameterWithoutTheAnnotationFailsTheBuild() {
        for (Class<?> resource : new Class<?>[] {UnverifiedCallback.class, UnverifiedBody.class}) {
            String message = assertThrows(IllegalStateException.class, () -> refuse(Verified.class, resource)).getMessage();
            assertTrue(message.startsWith("resource methods [" + resource.getName()), message);
            assertTrue(message.contains("are not annotated @OssCallbackVerified (on the method or its class)"), message);
        }
    }

    @Test
    void anEventParameterWithoutTheEventAnnotationFailsTheBuild() {
        String message = assertThrows(IllegalStateException.class, () -> refuse(UnverifiedEvent.class)).getMessage();
        assertTrue(message.startsWith("resource methods [" + UnverifiedEvent.class.getName() + ".event] take"
                + " EventDelivery but are not annotated @OssEventVerified"), message);
    }

    @Test
    void aMethodBoundAsCallbackAndEventFailsTheBuild() {
        String message = assertThrows(IllegalStateException.class, () -> refuse(Verified.class, BothKinds.class))
                .getMessage();
        assertTrue(message.startsWith("resource methods [" + BothKinds.class.getName() + ".both] are both"
                + " @OssCallbackVerified and @OssEventVerified (on the method or its class)"), message);
    }

    private static void refuse(Class<?>... resources) throws IOException {
        Index index = Index.of(resources);
        new OssCallbackProcessor().refuseMisboundResourceMethods(new CombinedIndexBuildItem(index, index));
    }
}
