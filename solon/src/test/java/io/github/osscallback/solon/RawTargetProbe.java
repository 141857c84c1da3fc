package io.github.osscallback.solon;

/** What kind of server request the last verified callback came on, for the runtime tests to check where they run. */
final class RawTargetProbe {

    private RawTargetProbe() {
    }

    static boolean servletRequest() {
        return TestApplication.LAST_REQUEST_TYPE.get() != null
                && TestApplication.LAST_REQUEST_TYPE.get().getName().contains("servlet");
    }
}
