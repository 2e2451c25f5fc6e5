package org.liveng.api.plan;

/** Progress of a long operation: steps, and bytes within a step. Implementations must be cheap. */
public interface Progress {
    /** A new step begins. */
    void step(String name);

    /** {@code done} of {@code total} bytes of the current step. */
    void bytes(long done, long total);

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void step(String name) {
        }

        @Override
        public void bytes(long done, long total) {
        }
    };
}
