package org.liveng.format.iso9660;

/** Which directory tree and names of an image to read. */
public enum Namespace {
    /** Rock Ridge if present, else Joliet if present, else plain ISO 9660. */
    AUTO,
    /** The primary tree with Rock Ridge names, attributes, symlinks and relocated directories restored. */
    ROCK_RIDGE,
    /** The Joliet tree of the supplementary volume descriptor (UCS-2 names). */
    JOLIET,
    /** The primary tree with plain ISO 9660 names (version ";1" and a trailing '.' removed). */
    ISO9660
}
