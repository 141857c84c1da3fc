package io.github.osscallback.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code oss-callback}: the top command. Exit codes are the same for every subcommand: 0 done (or
 * verified, or clean), 1 the thing checked failed, 2 the command line or an input was wrong.
 */
@Command(name = "oss-callback", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Reproduce, diagnose and lint Alibaba Cloud OSS upload callbacks on your machine.",
        subcommands = {KeysCommand.class, DiagnoseCommand.class, LintCommand.class, SendCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done; verified; no error found", "1:not verified; an error found; the callback failed",
                "2:bad command line or input (or the tool itself failed)"})
public final class Main implements Runnable {

    /** Exit status: the check failed (not verified, lint error, callback failed). */
    static final int FAILED = 1;
    /** Exit status: the command line or an input file was wrong. */
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with these streams and returns its exit status, for tests in one JVM. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(new Main());
        // lint --callback @FILE names a file to lint, not picocli's file of arguments.
        line.setExpandAtFiles(false);
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof BadInput) {
                commandLine.getErr().println("error: " + e.getMessage());
                return BAD_INPUT;
            }
            // A crash is not a verdict: it must not read as "not verified" (1).
            e.printStackTrace(commandLine.getErr());
            return BAD_INPUT;
        });
        int status = line.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public void run() {
        // No subcommand: say what there is, as for an unknown option, and fail as bad input.
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
    }

    /** An input the command cannot use: a missing file, a malformed request, a wrong option value. */
    static final class BadInput extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message, null, false, false);
        }
    }

    /** The project version, filtered into version.properties at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"oss-callback " + properties.getProperty("version", "unknown")
                    + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
