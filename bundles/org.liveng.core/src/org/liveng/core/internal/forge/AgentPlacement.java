package org.liveng.core.internal.forge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;

/**
 * {@code agent.install}: the on-stick kernel agent (the tree and the Debian package that {@code tools/build-agent} makes)
 * placed into the persistence's overlay, so that the live system has the kernel hook, the bless unit and the writer
 * right after forge. The tree goes under live-boot's upper directory ({@code rw/}) as it would be installed, the package
 * under {@code rw/var/cache/liveng/} for reinstalls.
 */
final class AgentPlacement {
    /** Where the package is kept on the stick, for {@code dpkg -i}. */
    static final String CACHE = "var/cache/liveng";
    private static final Pattern DEB = Pattern.compile("liveng-agent_(.+)_amd64\\.deb");
    private static final long BLOCK = 4096;
    /** Room ext4 needs besides the files (journal, inode tables, reserved blocks), on top of a sixteenth of the files. */
    private static final long HEADROOM = 48L << 20;

    /** A found agent: its installed tree, its package, the package version and the bytes they take in ext4 blocks. */
    record Agent(Path tree, Path deb, String version, long bytes) {
        /** The smallest persistence filesystem that holds the agent with room for ext4's own structures. */
        long neededBytes() {
            return bytes + bytes / 16 + HEADROOM;
        }
    }

    /** What forge does about the agent: the agent to place (or null) and, when it places none under auto, why. */
    record Decision(Agent agent, String note) {
    }

    private AgentPlacement() {
    }

    /**
     * Resolves {@code agent.install} and {@code agent.path}. {@code true} (or a named {@code agent.path}) without an agent
     * there is an error naming the path; {@code auto} without one places nothing and says so in the plan's notes.
     */
    static Decision decide(Recipe recipe) throws LivengException {
        String mode = recipe.get(RecipeSettings.AGENT_INSTALL);
        if (!List.of("auto", "true", "false").contains(mode)) {
            throw new LivengException(ErrorCodes.USAGE, RecipeSettings.AGENT_INSTALL.name() + "=" + mode + " is none of true, false, auto",
                    RecipeSettings.AGENT_INSTALL.help());
        }
        if (mode.equals("false")) {
            return new Decision(null, "agent: not placed (" + RecipeSettings.AGENT_INSTALL.name() + "=false)");
        }
        String named = recipe.get(RecipeSettings.AGENT_PATH);
        Path dir = location(named);
        String missing = dir == null ? "no agent location is known (no " + RecipeSettings.AGENT_PATH.name() + ", no $LIVENG_AGENT)"
                : problem(dir);
        if (missing == null) {
            return new Decision(read(dir), null);
        }
        if (mode.equals("true") || !named.isEmpty()) {
            throw new LivengException(ErrorCodes.NOT_FOUND, RecipeSettings.AGENT_INSTALL.name() + "=" + mode + " but " + missing,
                    "build the agent (tools/mvn -B verify makes product/target/agent) and name it with " + RecipeSettings.AGENT_PATH.name()
                            + "=DIR, or set " + RecipeSettings.AGENT_INSTALL.name() + "=false");
        }
        return new Decision(null, "agent: not placed (" + RecipeSettings.AGENT_INSTALL.name() + "=auto and " + missing
                + "); install liveng-agent on the stick with dpkg -i, or forge with " + RecipeSettings.AGENT_PATH.name() + "=DIR");
    }

    /** {@code agent.path}, else the launcher's {@code liveng.agent} ($LIVENG_AGENT), else {@code agent/} in the product. */
    private static Path location(String named) {
        if (!named.isEmpty()) {
            return Path.of(named);
        }
        String prop = System.getProperty("liveng.agent", "");
        if (!prop.isEmpty()) {
            return Path.of(prop);
        }
        String home = System.getProperty("liveng.home", "");
        return home.isEmpty() ? null : Path.of(home, "agent");
    }

    /** Why {@code dir} holds no usable agent, or null. */
    private static String problem(Path dir) {
        if (!Files.isDirectory(dir.resolve("tree"))) {
            return dir.resolve("tree") + " is missing (no agent tree there)";
        }
        List<Path> debs = debs(dir);
        if (debs.size() != 1) {
            return dir + " holds " + debs.size() + " liveng-agent_*_amd64.deb packages, expected one";
        }
        for (String f : List.of("usr/sbin/liveng", "etc/kernel/postinst.d/zz-liveng", "opt/liveng/runtime/bin/java")) {
            if (!Files.isRegularFile(dir.resolve("tree").resolve(f))) {
                return dir.resolve("tree").resolve(f) + " is missing (an incomplete agent tree)";
            }
        }
        return null;
    }

    private static List<Path> debs(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> DEB.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Agent read(Path dir) throws LivengException {
        Path deb = debs(dir).get(0);
        Matcher m = DEB.matcher(deb.getFileName().toString());
        m.matches();
        Path tree = dir.resolve("tree");
        long bytes = blocks(deb);
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : s.toList()) {
                bytes += Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? blocks(p) : BLOCK;
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading the agent tree " + tree + ": " + e.getMessage(), null, e);
        }
        return new Agent(tree, deb, m.group(1), bytes);
    }

    private static long blocks(Path f) throws LivengException {
        try {
            return (Files.size(f) + BLOCK - 1) / BLOCK * BLOCK;
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + f + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * Copies the agent into {@code upper} (the overlay's upper directory in the persistence tree) as installed: directories
     * 0755 (an upper directory's mode shadows the system's), files and symbolic links as in the tree, the package under
     * {@value #CACHE}. Returns the paths written, relative to {@code upper}, parents first.
     */
    static List<String> place(Agent agent, Path upper) throws IOException {
        List<String> written = new ArrayList<>();
        Files.createDirectories(upper);
        try (Stream<Path> s = Files.walk(agent.tree())) {
            for (Path from : s.toList()) {
                String rel = agent.tree().relativize(from).toString();
                if (rel.isEmpty()) {
                    continue;
                }
                Path to = upper.resolve(rel);
                if (Files.isSymbolicLink(from)) {
                    Files.createSymbolicLink(to, Files.readSymbolicLink(from));
                } else if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
                written.add(rel);
            }
        }
        Path cache = upper;
        for (String part : CACHE.split("/")) {
            cache = cache.resolve(part);
            if (!Files.isDirectory(cache)) {
                Files.createDirectories(cache);
                Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            written.add(upper.relativize(cache).toString());
        }
        Path deb = cache.resolve(agent.deb().getFileName());
        Files.copy(agent.deb(), deb);
        Files.setPosixFilePermissions(deb, PosixFilePermissions.fromString("rw-r--r--"));
        written.add(upper.relativize(deb).toString());
        return written;
    }

    /** The manifest's account of the agent, with whether {@code agent.signing-key} placed the signing key (never the key). */
    static Map<String, Object> manifest(Agent agent, String upper, boolean signingKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", agent.version());
        m.put("package", "/" + upper + "/" + CACHE + "/" + agent.deb().getFileName());
        m.put("tree", "/" + upper);
        m.put("bytes", agent.bytes());
        m.put(RecipeSettings.AGENT_SIGNING_KEY.name(), signingKey);
        return m;
    }
}
