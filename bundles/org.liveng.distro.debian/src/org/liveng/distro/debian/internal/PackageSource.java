package org.liveng.distro.debian.internal;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

import org.liveng.api.LivengException;

/**
 * A Debian root filesystem files are taken from: the ISO's own squashfs or
 * packages downloaded for the ISO's release.
 */
interface PackageSource {

    /** Where the files come from, in words, e.g. {@code squashfs /live/filesystem.squashfs}. */
    String describe();

    /** Names, types and links of the whole root. */
    RootTree tree();

    /** Makes the contents of these canonical paths available locally (one batch). */
    void fetch(Collection<String> canonicalPaths) throws LivengException;

    /** The local file holding a fetched canonical path. */
    Path local(String canonicalPath);

    /** The owning package and its version for each canonical path that dpkg knows, {@code name -> [package, version]}. */
    Map<String, String[]> owners(Collection<String> canonicalPaths) throws LivengException;
}
