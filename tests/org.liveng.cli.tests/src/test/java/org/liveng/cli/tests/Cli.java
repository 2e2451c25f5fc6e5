package org.liveng.cli.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the materialized product's {@code bin/liveng} the way a user does.
 * (The product is the program under test, so it is started directly here;
 * liveng's own code runs external programs only through its runner.)
 */
final class Cli {
    record Result(int status, String out, String err, long millis) {
        String all() {
            return out + err;
        }
    }

    private Cli() {
    }

    static Path product() {
        Path p = Path.of(System.getProperty("liveng.product", "product/target/products/org.liveng.product/linux/gtk/x86_64/liveng"));
        if (!Files.isExecutable(p.resolve("bin/liveng"))) {
            throw new IllegalStateException("the product was not materialized at " + p + " (build the product module first)");
        }
        return p;
    }

    /** The genuine Debian live ISO built by tests/fixtures/live-iso/build.sh (cached). */
    static Path fixtureIso() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("liveng.repo", "../.."), "tests/fixtures/live-iso/build.sh");
        Process p = new ProcessBuilder("bash", script.toString(), "--print-path").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(40, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(script + " failed with exit status " + p.exitValue());
        }
        List<String> lines = out.lines().toList();
        return Path.of(lines.get(lines.size() - 1));
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    static Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(product().resolve("bin/liveng").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_CACHE_HOME", Path.of("target", "xdg-cache").toAbsolutePath().toString());
        long t0 = System.nanoTime();
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread a = pump(p.getInputStream(), out);
        Thread b = pump(p.getErrorStream(), err);
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("liveng " + args.length + " args did not finish in 120 s; output so far: " + out + err);
        }
        a.join();
        b.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static Thread pump(InputStream in, OutputStream sink) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException e) {
                // process ended
            }
        });
        t.start();
        return t;
    }
}
