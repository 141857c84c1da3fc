package io.github.osscallback.testing;

/**
 * What a test set for object reads (HeadObject, GetObject): a hold that keeps them waiting, or a
 * 5xx status to fail them with; each read passes the gate after its signature is checked.
 */
final class ReadGate {

    /** Set by a test to hold object reads; null when they are answered at once. */
    private volatile OssStandIn.Hold hold;
    /** Set by a test to fail object reads with this status; 0 when they are answered. */
    private volatile int failStatus;

    /**
     * Puts a hold in place.
     *
     * @throws IllegalStateException if a hold is already in place
     */
    synchronized void hold(OssStandIn.Hold newHold) {
        if (hold != null) {
            throw new IllegalStateException("object reads are already held");
        }
        hold = newHold;
    }

    /** Removes this hold, if it is still the one in place. */
    synchronized void release(OssStandIn.Hold released) {
        if (hold == released) {
            hold = null;
        }
    }

    /** Fails reads with this 5xx status from now on, or answers them again with 0. */
    void fail(int status) {
        if (status != 0 && (status < 500 || status > 599)) {
            throw new IllegalArgumentException("a 5xx status or 0, got " + status);
        }
        failStatus = status;
    }

    /** Lets a read through: after the hold, if any, is released; refused if reads are to fail. */
    void pass() throws OssRefusal {
        OssStandIn.Hold current = hold;
        if (current != null) {
            current.holdUntilReleased();
        }
        int failure = failStatus;
        if (failure != 0) {
            throw new OssRefusal(failure, failure == 503 ? "ServiceUnavailable" : "InternalError",
                    "The stand-in was told to fail object reads.");
        }
    }
}
