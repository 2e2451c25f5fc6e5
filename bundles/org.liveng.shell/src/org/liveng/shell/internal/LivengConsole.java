package org.liveng.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.TreeSet;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.liveng.api.LivengException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The interactive liveng shell: a JLine line editor (history, completion of
 * command names) in front of a Gogo session whose scope search path puts
 * liveng's commands first. Errors print as one line plus a hint, like the
 * command line; {@code exit} or end of input leaves.
 *
 * <p>Registered as a {@link Runnable} with {@code liveng.console=true}; the
 * launcher runs it on the main thread for {@code liveng shell}.
 */
@Component(service = Runnable.class, property = "liveng.console=true")
public final class LivengConsole implements Runnable {
    static final String SCOPE_PATH = "liveng:kernel:keys:stick:*";

    private final CommandProcessor processor;
    private final BundleContext context;

    @Activate
    public LivengConsole(@Reference CommandProcessor processor, BundleContext context) {
        this.processor = processor;
        this.context = context;
    }

    @Override
    public void run() {
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("liveng").build()) {
            PrintStream out = new PrintStream(terminal.output(), true, terminal.encoding());
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("liveng")
                    .completer(new StringsCompleter(commandNames())).build();
            try (CommandSession session = processor.createSession(terminal.input(), out, out)) {
                session.put("SCOPE", SCOPE_PATH);
                out.println("liveng shell: 'help' lists the commands, 'exit' leaves.");
                while (true) {
                    String line;
                    try {
                        line = reader.readLine("liveng> ");
                    } catch (UserInterruptException e) {
                        continue;
                    } catch (EndOfFileException e) {
                        break;
                    }
                    String cmd = line.strip();
                    if (cmd.isEmpty()) {
                        continue;
                    }
                    if (cmd.equals("exit") || cmd.equals("quit")) {
                        break;
                    }
                    execute(session, cmd, out);
                }
            }
        } catch (IOException e) {
            System.err.println("liveng: the shell cannot use this terminal: " + e.getMessage());
        }
    }

    static void execute(CommandSession session, String line, PrintStream out) {
        try {
            Object result = session.execute(line);
            if (result != null) {
                out.println(session.format(result, Converter.INSPECT));
            }
        } catch (Exception e) {
            Throwable t = e;
            while (!(t instanceof LivengException) && t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            if (t instanceof LivengException le) {
                out.println("liveng: " + le.getMessage() + " [" + le.code() + "]");
                if (le.hint() != null) {
                    out.println("hint: " + le.hint());
                }
            } else {
                out.println("liveng: " + e.getMessage());
                out.println("hint: 'help' lists the commands, 'help <command>' shows one");
            }
        }
    }

    private List<String> commandNames() {
        TreeSet<String> names = new TreeSet<>(List.of("exit"));
        for (HelpCommand.CommandMethod c : HelpCommand.commands(context, true)) {
            names.add(HelpCommand.SCOPES.contains(c.scope()) ? c.function() : c.qualifiedName());
        }
        return List.copyOf(names);
    }
}
