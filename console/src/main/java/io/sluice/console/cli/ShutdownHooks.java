package io.sluice.console.cli;

/** Ctrl-C handling of long commands: a hook that says what was done, added and removed without failing while the JVM stops. */
final class ShutdownHooks {

    private ShutdownHooks() {
    }

    /** Adds the hook; false when the JVM is already stopping. */
    static boolean add(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }

    /** Removes the hook, unless it is running or has run because the JVM is stopping. */
    static void remove(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
