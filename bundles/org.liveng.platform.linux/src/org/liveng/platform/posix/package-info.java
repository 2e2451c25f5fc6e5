/**
 * Native calls liveng needs that the JDK lacks (through jnr-posix; no jnr
 * types appear here).
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.platform.posix;
