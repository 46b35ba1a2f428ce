package io.sluice.console.web;

/** What a console user may do; each role may do what the ones before it may. */
public enum Role {
    /** Nothing but sign in. */
    NONE,
    /** Watch events, timelines, deployments and charts. */
    VIEWER,
    /** Also ask for predictions. */
    WRITER,
    /** Also promote, roll back, pause and resume releases. */
    ADMIN;

    public boolean atLeast(Role required) {
        return compareTo(required) >= 0;
    }
}
