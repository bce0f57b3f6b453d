package org.cxrtriage.app.cli;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.security.UserStore;
import org.cxrtriage.app.security.UserStore.Actor;
import org.cxrtriage.app.security.UserStore.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/**
 * {@code user add|list|disable|enable|passwd}: manage who may sign in, with or without the server
 * running. Passwords come from standard input only, never from the command line (where other
 * accounts could read them in the process list). Changes are audited as the operating-system user.
 */
@Command(name = "user", description = "Manage users and roles",
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Disable.class,
                UserCommand.Enable.class, UserCommand.Passwd.class})
final class UserCommand {

    abstract static class DataDirOption {
        @Option(names = "--data-dir", description = "data directory (default: $TRIAGE_DATA_DIR or ./data)")
        Path dataDir;

        UserStore users() {
            return UserStore.on(TriageDatabase.migrated(TriageDatabase.dataDir(dataDir)));
        }
    }

    @Command(name = "add", description = "Add a user: user add NAME --role ROLE --password-stdin")
    static final class Add extends DataDirOption implements Callable<Integer> {
        @Parameters(index = "0", description = "user name")
        String name;
        @Option(names = "--role", required = true, description = "RADIOLOGIST, COMPLIANCE, ADMIN or INTEGRATION")
        String role;
        @Option(names = "--password-stdin", required = true, description = "read the password from standard input")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            Role parsed;
            try {
                parsed = Role.parse(role);
            } catch (IllegalArgumentException e) {
                return refuse(e.getMessage());
            }
            try {
                users().add(name, parsed, readPassword(), Actor.commandLine());
            } catch (UserStore.UserException e) {
                return refuse(e.getMessage());
            }
            System.out.printf("added %s (%s)%n", name, parsed);
            return 0;
        }
    }

    @Command(name = "list", description = "List users, their roles and state")
    static final class ListUsers extends DataDirOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            System.out.printf("%-24s %-12s %-9s %s%n", "NAME", "ROLE", "STATE", "CHANGED");
            for (User user : users().list()) {
                System.out.printf("%-24s %-12s %-9s %s%n", user.name(), user.role(), user.disabled() ? "disabled" : "active",
                        DateTimeFormatter.ISO_INSTANT.format(user.changedAt().truncatedTo(ChronoUnit.SECONDS)));
            }
            return 0;
        }
    }

    /** Sets a user's disabled flag; the subclass says which way. */
    abstract static class SetDisabled extends DataDirOption implements Callable<Integer> {
        @Parameters(index = "0", description = "user name")
        String name;

        abstract boolean disabled();

        @Override
        public Integer call() throws Exception {
            try {
                users().setDisabled(name, disabled(), Actor.commandLine());
            } catch (UserStore.UserException e) {
                return refuse(e.getMessage());
            }
            System.out.printf("%s %s%n", disabled() ? "disabled" : "enabled", name);
            return 0;
        }
    }

    @Command(name = "disable", description = "Stop a user from signing in; their sessions end")
    static final class Disable extends SetDisabled {
        @Override
        boolean disabled() {
            return true;
        }
    }

    @Command(name = "enable", description = "Let a disabled user sign in again")
    static final class Enable extends SetDisabled {
        @Override
        boolean disabled() {
            return false;
        }
    }

    @Command(name = "passwd", description = "Set a user's password: user passwd NAME --password-stdin")
    static final class Passwd extends DataDirOption implements Callable<Integer> {
        @Parameters(index = "0", description = "user name")
        String name;
        @Option(names = "--password-stdin", required = true, description = "read the password from standard input")
        boolean passwordStdin;

        @Override
        public Integer call() throws Exception {
            try {
                users().passwd(name, readPassword(), Actor.commandLine());
            } catch (UserStore.UserException e) {
                return refuse(e.getMessage());
            }
            System.out.printf("password of %s changed; their sessions ended%n", name);
            return 0;
        }
    }

    /** The first line of standard input, without its line end. */
    static char[] readPassword() throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? new char[0] : line.toCharArray();
    }

    private static int refuse(String message) {
        System.err.println("cxr-triage: " + message);
        return 2;
    }
}
