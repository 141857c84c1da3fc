package io.github.osscallback.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** What every command promises: help and version exit 0, a wrong option exits 2 with the usage. */
class CommandLineContractTest {

    static Stream<String> commands() {
        List<String> names = new ArrayList<>(new CommandLine(new Main()).getSubcommands().keySet());
        names.remove("help");
        return names.stream();
    }

    @Test
    void versionPrintsTheProjectVersionAndExitsZero() throws Exception {
        Cli.Result result = Cli.run("--version");
        assertEquals(0, result.exit, result.toString());
        assertTrue(result.out.matches("oss-callback \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Java .*\\)\\R"), result.out);
    }

    @Test
    void topLevelHelpListsEveryCommandAndExitsZero() throws Exception {
        Cli.Result result = Cli.run("--help");
        assertEquals(0, result.exit, result.toString());
        commands().forEach(name -> assertTrue(result.out.contains("  " + name + " "), name + " in\n" + result.out));
    }

    @Test
    void noCommandExitsTwoWithUsage() throws Exception {
        Cli.Result result = Cli.run();
        assertEquals(2, result.exit, result.toString());
        assertTrue(result.err.contains("Usage: oss-callback"), result.err);
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpOnEveryCommandExitsZero(String command) throws Exception {
        for (String flag : List.of("-h", "--help")) {
            Cli.Result result = Cli.run(command, flag);
            assertEquals(0, result.exit, result.toString());
            assertTrue(result.out.startsWith("Usage: oss-callback " + command), result.out);
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void unknownOptionExitsTwoWithUsage(String command) throws Exception {
        Cli.Result result = Cli.run(command, "--no-such-option");
        assertEquals(2, result.exit, result.toString());
        // picocli names a missing required option first, else the unknown one.
        assertTrue(result.err.contains("Unknown option: '--no-such-option'") || result.err.contains("Missing required option"),
                result.err);
        assertTrue(result.err.contains("Usage: oss-callback " + command), result.err);
    }
}
