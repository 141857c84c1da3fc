package io.github.osscallback.quarkus.deployment;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssCallback;
import io.github.osscallback.quarkus.OssCallbackBody;
import io.github.osscallback.quarkus.OssCallbackVerified;
import io.github.osscallback.quarkus.OssEventVerified;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.Produce;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.RunTimeConfigurationDefaultBuildItem;
import io.quarkus.deployment.builditem.ServiceStartBuildItem;
import io.github.osscallback.quarkus.runtime.CallbackBodyParameter;
import io.github.osscallback.quarkus.runtime.EventDeliveryParameter;
import io.github.osscallback.quarkus.runtime.EventSetup;
import io.github.osscallback.quarkus.runtime.OssCallbackParameter;
import io.quarkus.resteasy.reactive.server.spi.MethodScannerBuildItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.DotName;
import org.jboss.jandex.IndexView;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;
import org.jboss.resteasy.reactive.server.core.parameters.ParameterExtractor;
import org.jboss.resteasy.reactive.server.processor.scanning.MethodScanner;

/**
 * The build steps of the oss-callback extension: the feature, the {@code OssCallback} and
 * {@link OssCallbackBody} parameters, and two refusals that would otherwise cost callbacks at
 * run time without a word: oss-callback-jaxrs on the class path (Quarkus REST ignores the reader,
 * writer and interceptor its feature registers, so a resource taking {@code OssCallback} would
 * answer 415 to every genuine callback), and a resource method taking the verified callback that
 * nothing verifies; and the same for {@code EventDelivery} parameters and {@code @OssEventVerified};
 * and a resource method bound to both.
 */
class OssCallbackProcessor {

    private static final String FEATURE = "oss-callback";
    private static final String JAXRS_FEATURE = "io/github/osscallback/jaxrs/OssCallbackFeature.class";
    private static final DotName VERIFIED = DotName.createSimple(OssCallbackVerified.class.getName());
    private static final DotName BODY = DotName.createSimple(OssCallbackBody.class.getName());
    private static final DotName CALLBACK = DotName.createSimple(OssCallback.class.getName());
    private static final DotName EVENT_VERIFIED = DotName.createSimple(OssEventVerified.class.getName());
    private static final DotName DELIVERY = DotName.createSimple(EventDelivery.class.getName());
    private static final List<DotName> HTTP_METHODS = List.of(
            DotName.createSimple("jakarta.ws.rs.GET"), DotName.createSimple("jakarta.ws.rs.POST"),
            DotName.createSimple("jakarta.ws.rs.PUT"), DotName.createSimple("jakarta.ws.rs.DELETE"),
            DotName.createSimple("jakarta.ws.rs.PATCH"), DotName.createSimple("jakarta.ws.rs.HEAD"),
            DotName.createSimple("jakarta.ws.rs.OPTIONS"));

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    // The refusals produce nothing; marked as part of starting the application so they always run.
    @BuildStep
    @Produce(ServiceStartBuildItem.class)
    void refuseJaxrsModule() {
        if (Thread.currentThread().getContextClassLoader().getResource(JAXRS_FEATURE) != null) {
            throw new IllegalStateException("oss-callback-jaxrs is on the class path of this Quarkus application:"
                    + " Quarkus REST ignores the reader, writer and interceptor its OssCallbackFeature registers,"
                    + " so resources taking OssCallback would answer 415 to every genuine callback. Remove the"
                    + " oss-callback-jaxrs dependency; oss-callback-quarkus verifies Quarkus REST resources"
                    + " (io.github.osscallback.quarkus.OssCallbackVerified).");
        }
    }

    /**
     * {@code OssCallback} and {@code @OssCallbackBody} parameters come from the verified callback,
     * not from the entity: Quarkus REST would otherwise pick a reader by Content-Type (JSON only for
     * a record, 415 for a form) and read a body the verifier already read.
     */
    @BuildStep
    MethodScannerBuildItem callbackParameters() {
        return new MethodScannerBuildItem(new MethodScanner() {
            @Override
            public ParameterExtractor handleCustomParameter(Type type, Map<DotName, AnnotationInstance> annotations,
                                                            boolean field, Map<String, Object> methodContext) {
                if (annotations.containsKey(BODY)) {
                    return new CallbackBodyParameter(type.name().toString());
                }
                if (type.name().equals(CALLBACK)) {
                    return new OssCallbackParameter();
                }
                if (type.name().equals(DELIVERY)) {
                    return new EventDeliveryParameter();
                }
                return null;
            }
        });
    }

    @BuildStep
    @Produce(ServiceStartBuildItem.class)
    void refuseMisboundResourceMethods(CombinedIndexBuildItem combinedIndex) {
        IndexView index = combinedIndex.getIndex();
        List<String> unverified = new ArrayList<>();
        List<String> unverifiedEvents = new ArrayList<>();
        List<String> bothKinds = new ArrayList<>();
        for (DotName httpMethod : HTTP_METHODS) {
            for (AnnotationInstance annotation : index.getAnnotations(httpMethod)) {
                if (annotation.target().kind() != AnnotationTarget.Kind.METHOD) {
                    continue;
                }
                MethodInfo method = annotation.target().asMethod();
                String name = method.declaringClass().name() + "." + method.name();
                boolean callback = bound(method, VERIFIED);
                boolean event = bound(method, EVENT_VERIFIED);
                if (takesCallback(method) && !callback) {
                    unverified.add(name);
                }
                if (takes(method, DELIVERY) && !event) {
                    unverifiedEvents.add(name);
                }
                if (callback && event) {
                    bothKinds.add(name);
                }
            }
        }
        if (!bothKinds.isEmpty()) {
            throw new IllegalStateException("resource methods " + bothKinds + " are both @OssCallbackVerified and"
                    + " @OssEventVerified (on the method or its class): an upload callback and an event delivery are"
                    + " signed differently, so one method cannot take both; give each its own method");
        }
        if (!unverified.isEmpty()) {
            throw new IllegalStateException("resource methods " + unverified + " take OssCallback or an @OssCallbackBody"
                    + " parameter but are not annotated @OssCallbackVerified (on the method or its class), so nothing"
                    + " would verify what they receive");
        }
        if (!unverifiedEvents.isEmpty()) {
            throw new IllegalStateException("resource methods " + unverifiedEvents + " take EventDelivery but are not"
                    + " annotated @OssEventVerified (on the method or its class), so nothing would verify what they"
                    + " receive");
        }
    }

    /**
     * The resource methods annotated {@code @OssEventVerified}, for the start-up check that some
     * event service is accepted: the annotation is seen here, the properties only at run time.
     */
    @BuildStep
    void eventMethods(CombinedIndexBuildItem combinedIndex, BuildProducer<RunTimeConfigurationDefaultBuildItem> defaults) {
        List<String> methods = new ArrayList<>();
        for (AnnotationInstance annotation : combinedIndex.getIndex().getAnnotations(EVENT_VERIFIED)) {
            AnnotationTarget target = annotation.target();
            if (target.kind() == AnnotationTarget.Kind.METHOD) {
                methods.add(target.asMethod().declaringClass().name() + "." + target.asMethod().name());
            } else if (target.kind() == AnnotationTarget.Kind.CLASS) {
                methods.add(target.asClass().name() + ".*");
            }
        }
        if (!methods.isEmpty()) {
            defaults.produce(new RunTimeConfigurationDefaultBuildItem(EventSetup.ANNOTATED_METHODS,
                    String.join(", ", methods)));
        }
    }

    /** Annotated on the method or on its class. */
    private static boolean bound(MethodInfo method, DotName annotation) {
        return method.hasDeclaredAnnotation(annotation) || method.declaringClass().hasDeclaredAnnotation(annotation);
    }

    private static boolean takes(MethodInfo method, DotName type) {
        for (int i = 0; i < method.parametersCount(); i++) {
            if (method.parameterType(i).name().equals(type)) {
                return true;
            }
        }
        return false;
    }

    private static boolean takesCallback(MethodInfo method) {
        if (takes(method, CALLBACK)) {
            return true;
        }
        for (AnnotationInstance annotation : method.annotations(BODY)) {
            if (annotation.target().kind() == AnnotationTarget.Kind.METHOD_PARAMETER) {
                return true;
            }
        }
        return false;
    }
}
