/**
 * The one way liveng runs external programs: argument lists (never a shell),
 * secrets only through standard input, the full command line logged on failure.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.platform.exec;
