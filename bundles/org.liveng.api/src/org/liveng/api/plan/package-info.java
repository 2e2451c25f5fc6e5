/**
 * The printable image plan: partitions, offsets, sizes and what goes where, before a byte is written.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.api.plan;
