/**
 * GUID Partition Table (UEFI 2.10 §5): the protective MBR, GPT headers and partition entry
 * arrays, as records; a sequential, aligned layout builder; a deterministic writer that can
 * also hand out the exact byte ranges it writes; and a validating reader that falls back to
 * the backup table and reports what it found wrong.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.format.gpt;
