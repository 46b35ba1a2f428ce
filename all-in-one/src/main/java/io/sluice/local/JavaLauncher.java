package io.sluice.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line of a child JVM that runs a main class: from the all-in-one jar when the
 * stack was started from it ({@code -Dloader.main}), or from the current class path (tests, IDE).
 */
record JavaLauncher(Path java, Path launcherJar, String classPath) {

    static JavaLauncher current() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String jar = System.getProperty("sluice.launcher.jar");
        return new JavaLauncher(java, jar == null ? null : Path.of(jar), System.getProperty("java.class.path"));
    }

    List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        if (launcherJar != null) {
            command.add("-Dloader.main=" + mainClass);
            command.add("-jar");
            command.add(launcherJar.toString());
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(mainClass);
        }
        command.addAll(args);
        return command;
    }

    /** A Spring Boot service from its executable jar, with its command-line arguments. */
    List<String> service(List<String> jvmOptions, Path serviceJar, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(serviceJar.toString());
        command.addAll(args);
        return command;
    }
}
