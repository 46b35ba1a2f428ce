package io.sluice.console.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.sluice.console.events.EventTail.KafkaUnavailableException;
import io.sluice.platform.storage.InvalidObjectKeyException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command line (everything but {@code ./sluice up}, which the root script
 * hands to the all-in-one module). A plain main, no Spring context, so it starts in well under a
 * second. Exit codes: 0 ok, 1 failure, 2 usage error.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0-SNAPSHOT",
        description = {"Operate a Sluice stack: watch its events, upload datasets, steer releases, ask for predictions.",
                "Start the local stack with: ./sluice up [--data-dir DIR]; a demo with: ./sluice demo"},
        footer = {"", "Environment:",
                "  SLUICE_KAFKA             Kafka bootstrap servers (default: the local stack's,",
                "                           else localhost:9092)",
                "  SLUICE_DATA_DIR          where the local stack runs (default: the one started",
                "                           last, named in ~/.sluice/current, else ~/.sluice)",
                "  SLUICE_TOKEN             admin token (default <data dir>/admin-token)",
                "  SLUICE_DEPLOYMENT_URL    deployment service (default http://localhost:8083)",
                "  SLUICE_INFERENCE_URL     inference service (default http://localhost:8082)",
                "  SLUICE_EVALUATION_URL    evaluation service, asked by gc (default http://localhost:8085)",
                "  SLUICE_CONSOLE_URL       console, for runs (default http://localhost:8080)",
                "  SLUICE_BUCKETS_RAW_DATA  raw-data bucket of upload: file:, gs:// or obs://",
                "  SLUICE_PROJECT, SLUICE_ENV  name it PROJECT-ENV-raw-data when it is not set",
                "  SLUICE_CONFIG            settings file of upload (sluice.storage.*, YAML)",
                "",
                "Exit codes: 0 ok, 1 failure, 2 usage error.",
                "Help on a command: sluice help COMMAND, or sluice COMMAND --help"},
        subcommands = CommandLine.HelpCommand.class)
public final class SluiceCli implements Runnable {

    /** Logback setup for the CLI: warnings and errors to stderr only, so stdout stays data. */
    static final String LOGGING = "io/sluice/console/cli/logback-cli.xml";

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGGING);
        }
        System.exit(run(System.out, System.err, System.getenv(), args));
    }

    /** Runs one command line and returns its exit code; used by {@link #main} and by tests. */
    public static int run(PrintStream out, PrintStream err, Map<String, String> env, String... args) {
        return run(out, err, env, StoreFactory.DEFAULT, args);
    }

    /** Runs one command line with the given object stores (tests: local fakes of the cloud stores). */
    static int run(PrintStream out, PrintStream err, Map<String, String> env, StoreFactory stores, String... args) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return commandLine(new CliContext(o, e, env, stores)).execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new SluiceCli());
        cli.addSubcommand(new EventsCommand(context));
        cli.addSubcommand(new UploadCommand(context));
        cli.addSubcommand(new StatusCommand(context));
        for (ReleaseCommand.Action action : ReleaseCommand.Action.values()) {
            cli.addSubcommand(action.command(), ReleaseCommand.commandLine(context, action));
        }
        cli.addSubcommand(new PredictCommand(context));
        cli.addSubcommand(new TuneCommand(context));
        cli.addSubcommand(new GcCommand(context, java.time.Clock.systemUTC()));
        cli.addSubcommand("models", ModelsCommand.commandLine(context));
        cli.addSubcommand(new RunsCommand(context));
        cli.setOut(context.out());
        cli.setErr(context.err());
        cli.setParameterExceptionHandler(SluiceCli::usageError);
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            String name = line.getCommandName();
            if (ex instanceof KafkaUnavailableException) {
                context.err().println("sluice " + name + ": " + ex.getMessage()
                        + "; is the stack running (./sluice up)? Otherwise set --kafka or SLUICE_KAFKA");
            } else if (ex instanceof CliException || ex instanceof InvalidObjectKeyException
                    || ex instanceof IllegalArgumentException) {
                context.err().println("sluice " + name + ": " + ex.getMessage());
            } else {
                context.err().println("sluice " + name + ": unexpected error: " + ex);
            }
            context.err().flush();
            return 1;
        });
        return cli;
    }

    /** A usage error: what is wrong, the command's synopsis and where to read more, instead of the whole help (exit 2). */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine line = ex.getCommandLine();
        PrintWriter err = line.getErr();
        err.println(ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        CommandLine.Help help = line.getHelp();
        err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return line.getCommandSpec().exitCodeOnInvalidInput();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }
}
