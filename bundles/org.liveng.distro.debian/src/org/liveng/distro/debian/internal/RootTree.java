package org.liveng.distro.debian.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The names, types and symbolic links of a root filesystem (an initrd, a
 * squashfs, unpacked packages), without contents, with path resolution the way
 * the kernel does it: every component may be a symbolic link, absolute link
 * targets start again at this root, {@code ..} never leaves it. Paths are
 * relative, without a leading {@code /}.
 */
final class RootTree {
    /** Most links followed while resolving one path, as the kernel's ELOOP limit. */
    static final int MAX_LINKS = 40;

    enum Kind { FILE, DIRECTORY, SYMLINK, OTHER }

    record Node(Kind kind, String linkTarget, long size, int mode) {
    }

    private final Map<String, Node> nodes = new TreeMap<>();
    private final Map<String, List<String>> children = new LinkedHashMap<>();

    void add(String path, Kind kind, String linkTarget, long size, int mode) {
        String p = strip(path);
        if (p.isEmpty()) {
            return;
        }
        nodes.put(p, new Node(kind, linkTarget, size, mode));
        int slash = p.lastIndexOf('/');
        String parent = slash < 0 ? "" : p.substring(0, slash);
        children.computeIfAbsent(parent, k -> new ArrayList<>()).add(p.substring(slash + 1));
        if (!parent.isEmpty() && !nodes.containsKey(parent)) {
            add(parent, Kind.DIRECTORY, null, 0, 040755);
        }
    }

    Optional<Node> node(String canonicalPath) {
        return Optional.ofNullable(nodes.get(strip(canonicalPath)));
    }

    /** Names in a directory (canonical path). */
    List<String> list(String canonicalDir) {
        return List.copyOf(children.getOrDefault(strip(canonicalDir), List.of()));
    }

    /** Every path (canonical) in the tree. */
    Iterable<String> paths() {
        return nodes.keySet();
    }

    /** The canonical path of {@code path} with every link followed, or empty when some component does not exist. */
    Optional<String> resolve(String path) {
        return resolve(path, true);
    }

    /** Like {@link #resolve(String)} but the last component, when a link, is not followed. */
    Optional<String> resolveParent(String path) {
        return resolve(path, false);
    }

    /** The canonical path {@code path} would have: existing parent components resolved, the missing rest appended. */
    String placement(String path) {
        String p = strip(path);
        List<String> parts = List.of(p.split("/"));
        String resolved = "";
        for (int i = 0; i < parts.size(); i++) {
            String candidate = resolved.isEmpty() ? parts.get(i) : resolved + "/" + parts.get(i);
            Optional<String> r = i == parts.size() - 1 ? resolve(candidate, false) : resolve(candidate, true);
            if (r.isEmpty()) {
                return String.join("/", concat(candidate, parts.subList(i + 1, parts.size())));
            }
            resolved = r.get();
        }
        return resolved;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> l = new ArrayList<>();
        l.add(first);
        l.addAll(rest);
        return l;
    }

    private Optional<String> resolve(String path, boolean followLast) {
        Deque<String> todo = new ArrayDeque<>(List.of(strip(path).split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            String here = done.isEmpty() ? c : String.join("/", done) + "/" + c;
            Node n = nodes.get(here);
            if (n == null) {
                return Optional.empty();
            }
            if (n.kind() == Kind.SYMLINK && (followLast || !todo.isEmpty())) {
                if (++links > MAX_LINKS) {
                    return Optional.empty();
                }
                String t = n.linkTarget();
                if (t.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = List.of(t.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                continue;
            }
            if (n.kind() != Kind.DIRECTORY && !todo.isEmpty()) {
                return Optional.empty();
            }
            done.add(c);
        }
        return Optional.of(String.join("/", done));
    }

    static String strip(String path) {
        String p = path;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.equals(".") ? "" : p;
    }
}
