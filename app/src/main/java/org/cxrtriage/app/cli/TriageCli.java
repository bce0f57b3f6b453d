package org.cxrtriage.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command-line tools that run without the server: {@code ./cxr-triage model verify DIR} and
 * {@code ./cxr-triage calibrate ...}. Exit status 0 on success, 1 when a check fails, 2 on bad
 * input (the message names the file and the fix).
 */
@Command(name = "cxr-triage", mixinStandardHelpOptions = true,
        subcommands = {ModelCommand.class, CalibrateCommand.class, AuditCommand.class, UserCommand.class,
                MonitorCommand.class, DeliverCommand.class})
public final class TriageCli {

    public static void main(String[] args) {
        org.cxrtriage.models.inference.Offline.ensure();
        CommandLine commandLine = new CommandLine(new TriageCli());
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            System.err.println("cxr-triage: " + e.getMessage());
            return 2;
        });
        System.exit(commandLine.execute(args));
    }
}
