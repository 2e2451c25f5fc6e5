/**
 * The bootloader extension point: boot menu model and the files a bootloader places on the ESP and for BIOS.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.api.boot;
