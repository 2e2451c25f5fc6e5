/**
 * Initrd augmentation: adding what an upstream initrd lacks (cryptsetup for
 * encrypted persistence) without touching the upstream ISO.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.api.initrd;
