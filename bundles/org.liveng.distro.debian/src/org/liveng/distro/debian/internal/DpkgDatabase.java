package org.liveng.distro.debian.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/** Which installed package owns a file, from dpkg's {@code info/*.list} files and versions from its {@code status} file. */
final class DpkgDatabase {
    private DpkgDatabase() {
    }

    static Map<String, String[]> owners(RootTree tree, Collection<String> canonicalPaths, List<Path> listFiles, Path status)
            throws LivengException {
        Set<String> wanted = new HashSet<>();
        canonicalPaths.forEach(p -> wanted.add(RootTree.strip(p)));
        Map<String, String> versions = status == null ? Map.of() : versions(status);
        Map<String, String[]> out = new HashMap<>();
        try {
            for (Path list : listFiles) {
                String name = list.getFileName().toString();
                String pkg = name.substring(0, name.length() - ".list".length()).replaceFirst(":.*$", "");
                for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    tree.resolve(line).filter(wanted::contains)
                            .ifPresent(c -> out.putIfAbsent(c, new String[] { pkg, versions.getOrDefault(pkg, "") }));
                }
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading dpkg's file lists failed: " + e.getMessage(), null, e);
        }
        return out;
    }

    /** Package name to version of the installed packages in a dpkg status file. */
    static Map<String, String> versions(Path status) throws LivengException {
        Map<String, String> v = new HashMap<>();
        try {
            String pkg = null;
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("Package: ")) {
                    pkg = line.substring(9).strip();
                } else if (line.startsWith("Version: ") && pkg != null) {
                    v.put(pkg, line.substring(9).strip());
                } else if (line.isEmpty()) {
                    pkg = null;
                }
            }
        } catch (IOException e) {
            throw new LivengException(ErrorCodes.IO, "reading " + status + " failed: " + e.getMessage(), null, e);
        }
        return v;
    }
}
