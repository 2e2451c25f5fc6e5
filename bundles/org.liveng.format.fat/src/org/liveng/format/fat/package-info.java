/**
 * A pure-Java FAT12/16/32 library: a deterministic writer for EFI System Partitions
 * ({@link org.liveng.format.fat.FatWriter}), a size planner
 * ({@link org.liveng.format.fat.FatPlanner}) and a bounds-checked reader
 * ({@link org.liveng.format.fat.FatReader}, {@link org.liveng.format.fat.FatMedium}).
 *
 * <p>Spec: Microsoft "FAT: General Overview of On-Disk Format" version 1.03 (fatgen103),
 * including its long file name (VFAT) section; UEFI 2.10 §13.3.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.format.fat;
