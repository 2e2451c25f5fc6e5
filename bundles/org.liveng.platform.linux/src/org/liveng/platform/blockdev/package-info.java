/**
 * Facts about Linux block devices (from sysfs, the mount table and the swap
 * list) that decide whether a device may be overwritten, and the identity a
 * plan is bound to.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.platform.blockdev;
