package org.liveng.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The {@code liveng} command line: starts the Equinox product and runs one
 * Gogo command, or the interactive shell. See the bundle README.
 */
public final class Main {
    static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    static final String SCOPE = "osgi.command.scope";
    static final String FUNCTION = "osgi.command.function";
    private static final long COMMAND_WAIT_MS = 10_000;

    /** Bundles that are on disk but must not be installed or started by this launcher. */
    private static final Set<String> NOT_INSTALLED = Set.of(
            "org.eclipse.osgi", "org.liveng.launcher", "org.eclipse.equinox.simpleconfigurator");
    /** Gogo's own consoles: liveng brings its own (org.liveng.shell), these are never started. */
    private static final Set<String> SHELL_ONLY = Set.of("org.apache.felix.gogo.jline", "org.apache.felix.gogo.shell");

    private final PrintStream out;
    private final PrintStream err;
    private boolean debug;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status = new Main(System.out, System.err).run(args);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    int run(String[] argv) {
        List<String> args = new ArrayList<>(List.of(argv));
        while (!args.isEmpty() && args.get(0).startsWith("-")) {
            String opt = args.get(0);
            if (opt.equals("--debug")) {
                debug = true;
                args.remove(0);
            } else if (opt.equals("--help") || opt.equals("-h")) {
                args.set(0, "help");
            } else if (opt.equals("--")) {
                args.remove(0);
                break;
            } else {
                err.println("liveng: unknown option " + opt);
                err.println("hint: options before the command are --debug and --help; run 'liveng --help'");
                return 2;
            }
        }
        boolean shell = args.isEmpty() ? System.console() != null : args.get(0).equals("shell");
        if (args.isEmpty() && !shell) {
            args.add("help");
        }
        String home = System.getProperty("liveng.home");
        if (home == null) {
            err.println("liveng: the system property liveng.home (the product folder) is not set");
            err.println("hint: start liveng with bin/liveng");
            return 4;
        }
        try (Osgi rt = Osgi.start(Path.of(home), err, debug)) {
            if (shell) {
                return rt.shell();
            }
            return execute(rt, args);
        } catch (LaunchException e) {
            err.println("liveng: " + e.getMessage());
            if (debug && e.getCause() != null) {
                e.getCause().printStackTrace(err);
            }
            return 4;
        }
    }

    private int execute(Osgi rt, List<String> args) {
        String name;
        int argStart;
        Map<String, ServiceReference<?>> commands = rt.awaitCommands(candidates(args), COMMAND_WAIT_MS);
        Resolved r = resolve(commands.keySet(), args);
        if (r == null) {
            err.println("liveng: unknown command '" + args.get(0) + "'");
            err.println("hint: 'liveng --help' lists the commands");
            return 2;
        }
        name = r.name;
        argStart = r.argStart;
        return rt.invoke(name, args.subList(argStart, args.size()), out, err, debug);
    }

    /** The qualified names a command line may mean, most specific first. */
    static List<String> candidates(List<String> args) {
        List<String> c = new ArrayList<>();
        String first = args.get(0);
        if (first.contains(":")) {
            c.add(first);
            return c;
        }
        if (args.size() > 1) {
            c.add(first + ":" + args.get(1));
        }
        c.add("liveng:" + first);
        c.add("*:" + first);
        return c;
    }

    record Resolved(String name, int argStart) {
    }

    static Resolved resolve(Set<String> available, List<String> args) {
        String first = args.get(0);
        if (first.contains(":")) {
            return available.contains(first) ? new Resolved(first, 1) : null;
        }
        if (args.size() > 1 && available.contains(first + ":" + args.get(1))) {
            return new Resolved(first + ":" + args.get(1), 2);
        }
        if (available.contains("liveng:" + first)) {
            return new Resolved("liveng:" + first, 1);
        }
        List<String> any = available.stream().filter(n -> n.endsWith(":" + first)).sorted().toList();
        return any.size() == 1 ? new Resolved(any.get(0), 1) : null;
    }

    /** The started framework. */
    static final class Osgi implements AutoCloseable {
        private final Framework framework;
        private final boolean installedNow;
        private final FileLock lock;
        private final PrintStream err;

        private Osgi(Framework framework, boolean installedNow, FileLock lock, PrintStream err) {
            this.framework = framework;
            this.installedNow = installedNow;
            this.lock = lock;
            this.err = err;
        }

        static Osgi start(Path home, PrintStream err, boolean debug) throws LaunchException {
            Path info = home.resolve("configuration/org.eclipse.equinox.simpleconfigurator/bundles.info");
            List<BundleLine> bundles = BundleLine.read(info);
            Storage storage = Storage.acquire(home, info);
            Map<String, String> config = new HashMap<>();
            config.put(Constants.FRAMEWORK_STORAGE, storage.dir().toString());
            config.put("osgi.install.area", home.toUri().toString());
            config.put("osgi.configuration.area", storage.dir().resolve("configuration").toUri().toString());
            config.put("osgi.compatibility.bootdelegation", "false");
            config.put("eclipse.log.level", debug ? "INFO" : "ERROR");
            config.put("ds.loglevel", debug ? "info" : "error");
            // Felix SCR keeps the parsed component descriptions in the storage area: no XML parsing on later starts
            config.put("ds.cache.metadata", "true");
            if (debug) {
                config.put("eclipse.consoleLog", "true");
            }
            config.put("liveng.home", home.toString());
            FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Main.class.getClassLoader())
                    .findFirst().orElseThrow(() -> new LaunchException("no OSGi framework on the class path", null));
            Framework fw = factory.newFramework(config);
            boolean installed = false;
            try {
                fw.init();
                BundleContext ctx = fw.getBundleContext();
                Map<String, Bundle> present = new HashMap<>();
                for (Bundle b : ctx.getBundles()) {
                    present.put(b.getLocation(), b);
                }
                for (BundleLine line : bundles) {
                    if (NOT_INSTALLED.contains(line.symbolicName())) {
                        continue;
                    }
                    String location = "reference:" + home.resolve(line.location()).toUri();
                    if (!present.containsKey(location)) {
                        ctx.installBundle(location);
                        installed = true;
                    }
                }
                fw.start();
                List<Bundle> toStart = new ArrayList<>();
                for (Bundle b : ctx.getBundles()) {
                    if (b.getBundleId() == 0 || b.getHeaders("").get(Constants.FRAGMENT_HOST) != null
                            || SHELL_ONLY.contains(b.getSymbolicName())) {
                        continue;
                    }
                    toStart.add(b);
                }
                // SCR and the Gogo runtime first, so components register as their bundles start
                toStart.sort(Comparator.comparingInt(Osgi::order).thenComparing(Bundle::getSymbolicName));
                for (Bundle b : toStart) {
                    try {
                        b.start(Bundle.START_TRANSIENT | Bundle.START_ACTIVATION_POLICY);
                    } catch (BundleException e) {
                        err.println("liveng: warning: bundle " + b.getSymbolicName() + " did not start: " + e.getMessage());
                        if (debug) {
                            e.printStackTrace(err);
                        }
                    }
                }
            } catch (BundleException e) {
                storage.release();
                throw new LaunchException("the OSGi framework did not start: " + e.getMessage(), e);
            }
            return new Osgi(fw, installed, storage.lock(), err);
        }

        private static int order(Bundle b) {
            String n = b.getSymbolicName();
            if (n.equals("org.apache.felix.scr")) {
                return 0;
            }
            if (n.startsWith("org.apache.felix.gogo")) {
                return 1;
            }
            return n.startsWith("org.liveng") ? 3 : 2;
        }

        /** Runs liveng's interactive console (a Runnable service with liveng.console=true) on this thread. */
        int shell() {
            BundleContext ctx = framework.getBundleContext();
            org.osgi.util.tracker.ServiceTracker<Runnable, Runnable> t;
            try {
                t = new org.osgi.util.tracker.ServiceTracker<>(ctx,
                        ctx.createFilter("(&(objectClass=java.lang.Runnable)(liveng.console=true))"), null);
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            t.open();
            try {
                Runnable console = t.waitForService(COMMAND_WAIT_MS);
                if (console == null) {
                    err.println("liveng: the liveng console service did not start (is org.liveng.shell in the product?)");
                    return 4;
                }
                console.run();
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            } finally {
                t.close();
            }
        }

        /** Waits until one of the candidate commands is registered, then returns all commands by qualified name. */
        Map<String, ServiceReference<?>> awaitCommands(List<String> candidates, long timeoutMs) {
            BundleContext ctx = framework.getBundleContext();
            CountDownLatch latch = new CountDownLatch(1);
            ServiceListener l = event -> {
                if (event.getType() == ServiceEvent.REGISTERED
                        && commandNames(event.getServiceReference()).stream().anyMatch(n -> matches(candidates, n))) {
                    latch.countDown();
                }
            };
            try {
                ctx.addServiceListener(l, "(" + FUNCTION + "=*)");
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            try {
                Map<String, ServiceReference<?>> now = commands(ctx);
                if (now.keySet().stream().noneMatch(n -> matches(candidates, n))) {
                    latch.await(timeoutMs, TimeUnit.MILLISECONDS);
                    now = commands(ctx);
                }
                return now;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return commands(ctx);
            } finally {
                ctx.removeServiceListener(l);
            }
        }

        private static boolean matches(List<String> candidates, String name) {
            for (String c : candidates) {
                if (c.startsWith("*:") ? name.endsWith(c.substring(1)) : c.equals(name)) {
                    return true;
                }
            }
            return false;
        }

        static Map<String, ServiceReference<?>> commands(BundleContext ctx) {
            Map<String, ServiceReference<?>> m = new HashMap<>();
            try {
                ServiceReference<?>[] refs = ctx.getAllServiceReferences(null, "(" + FUNCTION + "=*)");
                if (refs != null) {
                    for (ServiceReference<?> r : refs) {
                        for (String n : commandNames(r)) {
                            m.putIfAbsent(n, r);
                        }
                    }
                }
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            return m;
        }

        static List<String> commandNames(ServiceReference<?> r) {
            Object scope = r.getProperty(SCOPE);
            Object fn = r.getProperty(FUNCTION);
            List<String> names = new ArrayList<>();
            List<String> fns = new ArrayList<>();
            if (fn instanceof String s) {
                fns.add(s);
            } else if (fn instanceof String[] a) {
                fns.addAll(List.of(a));
            } else if (fn instanceof java.util.Collection<?> c) {
                c.forEach(o -> fns.add(String.valueOf(o)));
            }
            for (String f : fns) {
                names.add(scope + ":" + f);
            }
            return names;
        }

        int invoke(String command, List<String> args, PrintStream out, PrintStream err, boolean debug) {
            BundleContext ctx = framework.getBundleContext();
            ServiceReference<?> ref = ctx.getServiceReference(COMMAND_PROCESSOR);
            if (ref == null) {
                err.println("liveng: the Gogo command processor is not running");
                return 4;
            }
            Object processor = ctx.getService(ref);
            try {
                ClassLoader gogo = processor.getClass().getClassLoader();
                Class<?> procType = gogo.loadClass(COMMAND_PROCESSOR);
                Class<?> sessionType = gogo.loadClass("org.apache.felix.service.command.CommandSession");
                Object session = procType.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class)
                        .invoke(processor, System.in, out, err);
                Method put = sessionType.getMethod("put", String.class, Object.class);
                StringBuilder line = new StringBuilder(command);
                for (int i = 0; i < args.size(); i++) {
                    // handed over as variables: Gogo never re-parses the user's text
                    put.invoke(session, "liveng_arg" + i, args.get(i));
                    line.append(" $liveng_arg").append(i);
                }
                put.invoke(session, "liveng.debug", debug);
                Object result;
                try {
                    result = sessionType.getMethod("execute", CharSequence.class).invoke(session, line.toString());
                } catch (InvocationTargetException e) {
                    return Failure.report(e.getCause(), command, err, debug);
                }
                if (result != null) {
                    Object text = sessionType.getMethod("format", Object.class, int.class).invoke(session, result, 0);
                    out.println(text);
                }
                Object status = sessionType.getMethod("get", String.class).invoke(session, "liveng.exit");
                sessionType.getMethod("close").invoke(session);
                return status instanceof Integer i ? i : 0;
            } catch (ReflectiveOperationException e) {
                err.println("liveng: internal error talking to the Gogo runtime: " + e);
                if (debug) {
                    e.printStackTrace(err);
                }
                return 1;
            } finally {
                out.flush();
                ctx.ungetService(ref);
            }
        }

        @Override
        public void close() {
            try {
                if (installedNow) {
                    // save the freshly installed bundles, so the next start reuses them
                    framework.stop();
                    framework.waitForStop(10_000);
                }
            } catch (BundleException | InterruptedException e) {
                err.println("liveng: warning: the framework did not stop cleanly: " + e.getMessage());
            } finally {
                try {
                    lock.release();
                    lock.channel().close();
                } catch (IOException e) {
                    // best effort
                }
            }
        }
    }

    /** One line of the product's bundles.info. */
    record BundleLine(String symbolicName, String version, String location, int startLevel, boolean autoStart) {
        static List<BundleLine> read(Path info) throws LaunchException {
            List<String> lines;
            try {
                lines = Files.readAllLines(info, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new LaunchException("cannot read the product's bundle list " + info + ": " + e.getMessage(), e);
            }
            List<BundleLine> result = new ArrayList<>();
            for (String l : lines) {
                if (l.isBlank() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split(",");
                if (f.length < 5) {
                    throw new LaunchException(info + ": malformed line '" + l + "'", null);
                }
                result.add(new BundleLine(f[0], f[1], f[2], Integer.parseInt(f[3].trim()), Boolean.parseBoolean(f[4].trim())));
            }
            return result;
        }
    }

    /** The framework storage area, reused while the product is unchanged, locked while in use. */
    record Storage(Path dir, FileLock lock) {
        static Storage acquire(Path home, Path bundlesInfo) throws LaunchException {
            String override = System.getProperty("liveng.storage");
            try {
                Path base;
                if (override != null) {
                    base = Path.of(override);
                } else {
                    String xdg = System.getenv("XDG_CACHE_HOME");
                    Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
                    base = cache.resolve("liveng").resolve("osgi-" + fingerprint(home, bundlesInfo));
                }
                Files.createDirectories(base.getParent());
                for (int i = 0; i < 16; i++) {
                    Path dir = i == 0 ? base : base.resolveSibling(base.getFileName() + "-" + i);
                    Files.createDirectories(dir);
                    FileChannel ch = FileChannel.open(dir.resolveSibling(dir.getFileName() + ".lock"),
                            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.tryLock();
                    if (lock != null) {
                        return new Storage(dir, lock);
                    }
                    ch.close();
                }
                throw new LaunchException("all framework storage areas next to " + base + " are in use", null);
            } catch (IOException e) {
                throw new LaunchException("cannot prepare the framework storage area: " + e.getMessage(), e);
            }
        }

        static String fingerprint(Path home, Path bundlesInfo) throws IOException {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                md.update(home.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(bundlesInfo));
                md.update(Long.toString(Files.getLastModifiedTime(bundlesInfo).toMillis()).getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(md.digest(), 0, 8);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void release() {
            try {
                lock.release();
                lock.channel().close();
            } catch (IOException e) {
                // best effort
            }
        }
    }

    /** A failure to start the runtime itself. */
    static final class LaunchException extends Exception {
        private static final long serialVersionUID = 1L;

        LaunchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Turns what a command threw into one line plus a hint, and an exit status. */
    static final class Failure {
        private Failure() {
        }

        static int report(Throwable t, String command, PrintStream err, boolean debug) {
            Throwable root = t;
            Throwable livengError = null;
            Set<Throwable> seen = new TreeSet<>(Comparator.comparingInt(System::identityHashCode));
            for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
                if (hasMethod(c, "code") && hasMethod(c, "hint") && hasMethod(c, "exitStatus")) {
                    livengError = c;
                    break;
                }
                root = c;
            }
            int status;
            if (livengError != null) {
                String code = (String) call(livengError, "code");
                String hint = (String) call(livengError, "hint");
                err.println("liveng: " + livengError.getMessage() + " [" + code + "]");
                if (hint != null) {
                    err.println("hint: " + hint);
                }
                status = (Integer) call(livengError, "exitStatus");
            } else if (root.getClass().getName().endsWith("CommandNotFoundException")) {
                err.println("liveng: unknown command " + command);
                err.println("hint: 'liveng --help' lists the commands");
                status = 2;
            } else if (root instanceof IllegalArgumentException) {
                err.println("liveng: " + root.getMessage());
                err.println("hint: 'liveng help " + command.substring(command.indexOf(':') + 1) + "' shows the usage");
                status = 2;
            } else {
                err.println("liveng: " + command + " failed: " + root);
                err.println("hint: run again with --debug for the stack trace");
                status = 1;
            }
            if (debug) {
                t.printStackTrace(err);
            }
            return status;
        }

        private static boolean hasMethod(Object o, String name) {
            try {
                o.getClass().getMethod(name);
                return true;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }

        private static Object call(Object o, String name) {
            try {
                return o.getClass().getMethod(name).invoke(o);
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }
    }
}
