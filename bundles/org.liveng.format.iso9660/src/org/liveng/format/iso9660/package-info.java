/**
 * A pure-Java, bounds-checked reader for ISO 9660 images (ECMA-119) with Rock Ridge (SUSP/RRIP),
 * Joliet, multi-extent files and El Torito boot catalogs.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.format.iso9660;
