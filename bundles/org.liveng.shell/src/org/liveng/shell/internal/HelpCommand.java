package org.liveng.shell.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code liveng:help}: lists liveng's commands with their descriptions, or
 * the usage of one command, from the {@code @Descriptor} and
 * {@code @Parameter} annotations of the command services themselves.
 */
@Component(service = HelpCommand.class, property = {
        "osgi.command.scope=liveng",
        "osgi.command.function=help",
        "service.ranking:Integer=100" })
public final class HelpCommand {
    /** Command scopes that belong to liveng (vendors' commands use them too). */
    static final List<String> SCOPES = List.of("liveng", "kernel", "keys", "stick");

    private final BundleContext context;

    @Activate
    public HelpCommand(BundleContext context) {
        this.context = context;
    }

    @Descriptor("list liveng's commands")
    public String help() {
        Map<String, String> lines = new TreeMap<>();
        for (CommandMethod c : commands()) {
            lines.putIfAbsent(c.displayName(), c.description());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("liveng: turns a Debian live ISO into a live USB system with encrypted persistence,\n");
        sb.append("crash-safe kernel updates and UEFI Secure Boot.\n\n");
        sb.append("Usage: liveng [--debug] <command> [options] [arguments]\n");
        sb.append("       liveng shell            interactive Gogo shell\n\n");
        sb.append("Commands:\n");
        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Map.Entry<String, String> e : lines.entrySet()) {
            sb.append("  ").append(String.format("%-" + width + "s", e.getKey())).append("  ").append(e.getValue()).append('\n');
        }
        sb.append("\n'liveng help <command>' shows a command's options.");
        return sb.toString();
    }

    @Descriptor("show the usage of one command")
    public String help(@Descriptor("the command, e.g. inspect") String command) throws LivengException {
        List<CommandMethod> matches = new ArrayList<>();
        for (CommandMethod c : commands()) {
            if (c.qualifiedName().equals(command) || c.function().equals(command)
                    || c.displayName().equals(command) || c.displayName().replace(' ', ':').equals(command)) {
                matches.add(c);
            }
        }
        if (matches.isEmpty()) {
            throw new LivengException(ErrorCodes.USAGE, "no command '" + command + "'", "'liveng --help' lists the commands");
        }
        StringBuilder sb = new StringBuilder();
        for (CommandMethod c : matches) {
            sb.append(c.usage()).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    @Descriptor("show the usage of one command of a group")
    public String help(@Descriptor("the group, e.g. kernel") String group, @Descriptor("the command, e.g. update") String command)
            throws LivengException {
        return help(group + " " + command);
    }

    List<CommandMethod> commands() {
        return commands(context, false);
    }

    /** Every invocable form of the registered commands: of liveng's scopes, or of all scopes. */
    static List<CommandMethod> commands(BundleContext context, boolean allScopes) {
        List<CommandMethod> result = new ArrayList<>();
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(null, "(osgi.command.function=*)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
            Object scope = r.getProperty("osgi.command.scope");
            if (!allScopes && !SCOPES.contains(String.valueOf(scope))) {
                continue;
            }
            Object service = context.getService(r);
            if (service == null) {
                continue;
            }
            try {
                for (String fn : functions(r.getProperty("osgi.command.function"))) {
                    for (Method m : service.getClass().getMethods()) {
                        if (m.getName().equals(fn) && m.getDeclaringClass() != Object.class) {
                            result.add(new CommandMethod(String.valueOf(scope), fn, m));
                        }
                    }
                }
            } finally {
                context.ungetService(r);
            }
        }
        return result;
    }

    private static List<String> functions(Object p) {
        if (p instanceof String s) {
            return List.of(s);
        }
        if (p instanceof String[] a) {
            return Arrays.asList(a);
        }
        return List.of();
    }

    /** One invocable form of a command. */
    record CommandMethod(String scope, String function, Method method) {
        String qualifiedName() {
            return scope + ":" + function;
        }

        /** How it is typed on the command line: {@code inspect}, {@code kernel update}. */
        String displayName() {
            return scope.equals("liveng") ? function : scope + " " + function;
        }

        String description() {
            Descriptor d = method.getAnnotation(Descriptor.class);
            return d == null ? "" : d.value();
        }

        String usage() {
            StringBuilder head = new StringBuilder("liveng ").append(displayName());
            StringBuilder opts = new StringBuilder();
            StringBuilder args = new StringBuilder();
            for (Parameter p : method.getParameters()) {
                Descriptor d = p.getAnnotation(Descriptor.class);
                org.apache.felix.service.command.Parameter opt = p.getAnnotation(org.apache.felix.service.command.Parameter.class);
                String text = d == null ? "" : d.value();
                if (opt != null) {
                    boolean flag = !org.apache.felix.service.command.Parameter.UNSPECIFIED.equals(opt.presentValue());
                    String names = String.join(", ", opt.names());
                    String shown = flag ? names : names + " <" + p.getType().getSimpleName().toLowerCase() + ">";
                    head.append(" [").append(opt.names()[opt.names().length - 1]).append(flag ? "" : " ...").append(']');
                    opts.append(String.format("  %-26s %s%n", shown, text));
                } else if (p.getType() != org.apache.felix.service.command.CommandSession.class) {
                    String name = p.getName().startsWith("arg") ? "arg" : p.getName();
                    head.append(" <").append(name).append('>');
                    args.append(String.format("  %-26s %s%n", "<" + name + ">", text));
                }
            }
            StringBuilder sb = new StringBuilder(head).append('\n');
            if (!description().isEmpty()) {
                sb.append("  ").append(description()).append('\n');
            }
            if (args.length() > 0) {
                sb.append("Arguments:\n").append(args);
            }
            if (opts.length() > 0) {
                sb.append("Options:\n").append(opts);
            }
            return sb.toString();
        }
    }
}
