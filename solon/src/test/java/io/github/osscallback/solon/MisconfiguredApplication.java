package io.github.osscallback.solon;

import org.noear.solon.Solon;

/** A Solon application started in its own process by {@link StartupFailureTest}, with the arguments it is given. */
public final class MisconfiguredApplication {

    private MisconfiguredApplication() {
    }

    public static void main(String[] args) {
        Solon.start(MisconfiguredApplication.class, args);
        System.out.println("STARTED");
        Solon.stopBlock(true, 0);
    }
}
